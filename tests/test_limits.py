"""Untrusted input is measured before a parser sees it (graph/limits.py): nesting deeper than max_nesting_depth
is a 400 in English and French, never a crash, a RecursionError or a stalled parser."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat

from graph.errors import RdfSyntaxError
from graph.limits import TooDeep, check_sparql, json_depth, load_json, sparql_depth, xml_depth
from graph.rdf import parse_bytes


def nested_group(n: int) -> str:
    return "SELECT * WHERE " + "{ " * n + "?s ?p ?o" + " }" * n


def test_sparql_depth_counts_groups_brackets_and_parentheses() -> None:
    assert sparql_depth("ASK {}") == 1
    assert sparql_depth(nested_group(3)) == 3
    assert sparql_depth("SELECT * WHERE { ?s ?p [ ?q (1 (2)) ] }") == 4


def test_sparql_depth_skips_strings_iris_and_comments() -> None:
    assert sparql_depth('ASK { ?s ?p "{{{{((((" } # {{{{\n') == 1
    assert sparql_depth("ASK { ?s ?p <http://x/((((> }") == 1


def test_a_deep_query_is_refused_in_both_languages() -> None:
    with pytest.raises(TooDeep) as e:
        check_sparql(nested_group(3000), 100)
    assert e.value.status == 400
    assert "nested more than 100 levels" in e.value.message and "imbriquée" in e.value.message
    check_sparql(nested_group(100), 100)  # the limit itself is accepted


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(b'["\\"[[[["]') == 1
    assert json_depth(b"12") == 0


def test_deep_json_is_refused_before_json_loads_recurses() -> None:
    deep = b'{"title": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    with pytest.raises(TooDeep):
        load_json(deep, 100)
    assert load_json(b'{"a": [[1]]}', 100) == {"a": [[1]]}


def test_xml_depth_stops_counting_past_the_limit() -> None:
    doc = b"<a>" * 50 + b"</a>" * 50
    assert xml_depth(doc, 100) == 50
    assert xml_depth(b"<a>" * 5000 + b"</a>" * 5000, 100) == 101


def jsonld(depth: int) -> bytes:
    return (
        b'{"@id": "http://example.org/s", "http://example.org/p": '
        + b'{"http://example.org/q": ' * depth
        + b'"x"'
        + b"}" * depth
        + b"}"
    )


def test_deep_jsonld_is_refused_before_the_parser() -> None:
    """pyoxigraph's JSON-LD parser overflows its stack near 5,000 nested objects (the process dies)."""
    with pytest.raises(TooDeep):
        parse_bytes(jsonld(20000), RdfFormat.JSON_LD)
    assert len(parse_bytes(jsonld(20), RdfFormat.JSON_LD)) == 21


def rdfxml(depth: int) -> bytes:
    return (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">'
        b'<rdf:Description rdf:about="http://example.org/s">'
        + b"<e:p><rdf:Description>" * depth
        + b"<e:q>x</e:q>"
        + b"</rdf:Description></e:p>" * depth
        + b"</rdf:Description></rdf:RDF>"
    )


def test_deep_rdfxml_is_refused_before_the_parser() -> None:
    """pyoxigraph's RDF/XML parser is quadratic in the depth (8 s at 20,000 levels)."""
    with pytest.raises(TooDeep):
        parse_bytes(rdfxml(20000), RdfFormat.RDF_XML)
    assert len(parse_bytes(rdfxml(10), RdfFormat.RDF_XML)) == 11
    with pytest.raises(RdfSyntaxError, match="line 1"):
        parse_bytes(b"<rdf:RDF><oops></rdf:RDF>", RdfFormat.RDF_XML)


def test_deep_turtle_needs_no_limit() -> None:
    """Turtle's parser keeps its own stack: 20,000 nested blank nodes parse, and get IRIs, as they are."""
    n = 20000
    doc = ("@prefix e: <http://example.org/> . e:s e:p " + "[ e:q " * n + '"x"' + " ]" * n + " .").encode()
    assert len(parse_bytes(doc, RdfFormat.TURTLE)) == n + 1


# --- through the service: the contribution API (anonymous) --------------------------------------------------------


def test_deeply_nested_json_to_the_contribution_api_is_a_400(client: TestClient) -> None:
    """It was an unhandled 500 (RecursionError), the connection closed."""
    body = b'{"title": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    r = client.post("/api/contributions/resource", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "max_nesting_depth" in r.json()["detail"]
    assert client.get("/healthz").json()["ok"] is True


def test_nested_but_shallow_json_is_still_read_as_fields(client: TestClient) -> None:
    body = json.dumps({"title": [[["x"]]]}).encode()
    r = client.post("/api/contributions/resource", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "must be a string" in r.json()["detail"]
