from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat

from graph.web.conneg import RDF_FORMATS, RESULT_FORMATS, NotAcceptable, by_name, negotiate, parse_accept


def test_parse_accept_orders_by_q_then_specificity() -> None:
    assert parse_accept("text/*;q=0.5, text/turtle, */*;q=0.1") == [("text/turtle", 1.0), ("text/*", 0.5), ("*/*", 0.1)]
    assert parse_accept(None) == [("*/*", 1.0)]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, RdfFormat.TURTLE),
        ("*/*", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("text/turtle;q=0.5, application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml;q=0.9, application/n-triples;q=0.8", RdfFormat.RDF_XML),
        ("text/plain", RdfFormat.N_TRIPLES),
        ("application/*", RdfFormat.N_TRIPLES),
        ("text/turtle;q=0, */*", RdfFormat.N_TRIPLES),
    ],
)
def test_negotiate_rdf(accept: str | None, expected: RdfFormat) -> None:
    assert negotiate(accept, RDF_FORMATS).format == expected


def test_negotiate_results_aliases() -> None:
    assert negotiate("application/json", RESULT_FORMATS).format == QueryResultsFormat.JSON
    assert negotiate("text/csv", RESULT_FORMATS).media_type == "text/csv"


def test_not_acceptable_lists_what_is() -> None:
    with pytest.raises(NotAcceptable) as e:
        negotiate("image/png", RESULT_FORMATS)
    assert e.value.status == 406
    assert "application/sparql-results+json" in e.value.message


def test_format_override_names() -> None:
    assert by_name("json", RESULT_FORMATS) == QueryResultsFormat.JSON
    assert by_name("ttl", RDF_FORMATS) == RdfFormat.TURTLE
    assert by_name("application/ld+json", RDF_FORMATS) == RdfFormat.JSON_LD
    assert by_name("png", RDF_FORMATS) is None
