"""Runs W3C HTTP test manifests (the HTTP-in-RDF vocabulary) against the service, from the manifests themselves.

A test (``mf:ProtocolTest``, ``mf:GraphStoreProtocolTest``) is an ``ht:Connection`` with a list of
``ht:Request``: method, ``ht:absolutePath``, headers, body (``cnt:chars`` in ``cnt:characterEncoding``), and an
``ht:resp`` with the expectations: ``mf:expectedStatus`` (a code or a class such as ``hts:StatusCode2xx``),
``mf:expectedFormat`` ("boolean", "tabular", "RDF"), ``mf:expectedBoolean``, ``mf:expectedLocation`` (a
template variable set from the Location header), response headers and an expected graph (``ht:body``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import rdflib
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)
from rdflib.compare import isomorphic

HERE = Path(__file__).parent
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"


class RefusedByShapes(AssertionError):
    """The service refused a write that the test expects to succeed, because our SHACL shapes reject it."""


@dataclass
class Expected:
    statuses: list[str]  # "200", "2xx"...
    format: str | None = None
    boolean: bool | None = None
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class HttpTest:
    name: str
    label: str
    authority: str
    requests: list[Request]
    graph_data: dict[str, Path]  # graph IRI -> local file (ut:graphData)


class _Graph:
    def __init__(self, path: Path) -> None:
        self.store = Store()
        self.store.extend(parse(path=str(path), base_iri=path.resolve().as_uri()))

    def objects(self, s: NamedNode | BlankNode, p: str) -> list[NamedNode | BlankNode | Literal]:
        return [q.object for q in self.store.quads_for_pattern(s, NamedNode(p), None, None)]  # type: ignore[misc]

    def value(self, s: NamedNode | BlankNode, p: str) -> NamedNode | BlankNode | Literal | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def items(self, head: NamedNode | BlankNode | Literal | None) -> Iterator[NamedNode | BlankNode | Literal]:
        while head is not None and head != NamedNode(RDF + "nil"):
            first = self.value(head, RDF + "first")  # type: ignore[arg-type]
            assert first is not None
            yield first
            head = self.value(head, RDF + "rest")  # type: ignore[arg-type]


def _status(term: NamedNode) -> str:
    name = term.value.removeprefix(HTS)
    if m := re.fullmatch(r"StatusCode(\d)xx", name):
        return f"{m.group(1)}xx"
    (code,) = [s.value for s in HTTPStatus if s.phrase.replace(" ", "").replace("-", "") == name]  # NoContent: 204
    return str(code)


def _headers(g: _Graph, node: NamedNode | BlankNode) -> dict[str, str]:
    out = {}
    for h in g.items(g.value(node, HT + "headers")):
        out[g.value(h, HT + "fieldName").value.lower()] = g.value(h, HT + "fieldValue").value  # type: ignore[arg-type,union-attr]
    return out


def _request(g: _Graph, node: NamedNode | BlankNode) -> Request:
    body = None
    content = g.value(node, HT + "body")
    if content is not None:
        encoding = g.value(content, CNT + "characterEncoding")  # type: ignore[arg-type]
        chars = g.value(content, CNT + "chars").value  # type: ignore[arg-type,union-attr]
        body = chars.encode(encoding.value if encoding is not None else "utf-8")
    resp = g.value(node, HT + "resp")
    assert resp is not None
    expected = Expected(statuses=[_status(s) for s in g.objects(resp, MF + "expectedStatus")])  # type: ignore[arg-type]
    for attr, prop in (("format", "expectedFormat"), ("location", "expectedLocation")):
        v = g.value(resp, MF + prop)  # type: ignore[arg-type]
        setattr(expected, attr, None if v is None else v.value)
    boolean = g.value(resp, MF + "expectedBoolean")  # type: ignore[arg-type]
    expected.boolean = None if boolean is None else boolean.value == "true"
    expected.headers = _headers(g, resp)  # type: ignore[arg-type]
    resp_body = g.value(resp, HT + "body")  # type: ignore[arg-type]
    if resp_body is not None:
        expected.body = g.value(resp_body, CNT + "chars").value  # type: ignore[arg-type,union-attr]
    return Request(
        method=g.value(node, HT + "methodName").value,  # type: ignore[union-attr]
        path=g.value(node, HT + "absolutePath").value,  # type: ignore[union-attr]
        headers=_headers(g, node),
        body=body,
        expected=expected,
    )


def load(manifest: Path) -> list[HttpTest]:
    """The tests listed in mf:entries, in order, following mf:include."""
    g = _Graph(manifest)
    tests: list[HttpTest] = []
    for m in g.store.quads_for_pattern(None, NamedNode(RDF + "type"), NamedNode(MF + "Manifest"), None):
        for included in g.items(g.value(m.subject, MF + "include")):
            tests += load(Path(included.value.removeprefix("file://")))
        for entry in g.items(g.value(m.subject, MF + "entries")):
            action = g.value(entry, MF + "action")  # type: ignore[arg-type]
            data = {
                g.value(d, RDFS + "label").value: Path(g.value(d, UT + "graph").value.removeprefix("file://"))  # type: ignore[arg-type,union-attr]
                for d in g.objects(entry, UT + "graphData")  # type: ignore[arg-type]
            }
            tests.append(
                HttpTest(
                    name=entry.value.rsplit("#", 1)[1],
                    label=g.value(entry, MF + "name").value,  # type: ignore[arg-type,union-attr]
                    authority=g.value(action, HT + "connectionAuthority").value,  # type: ignore[arg-type,union-attr]
                    requests=[_request(g, r) for r in g.items(g.value(action, HT + "requests"))],  # type: ignore[arg-type]
                    graph_data=data,
                )
            )
    return tests


# --- running ---------------------------------------------------------------------------------------------------


def run(test: HttpTest, client, map_path: Callable[[str], str], token: str) -> None:
    """Send the test's requests in order; assert each response meets its expectations."""
    variables: dict[str, str] = {}
    for n, req in enumerate(test.requests, 1):
        path, body = req.path, req.body
        for var, value in variables.items():
            path = path.replace(var, value)
            body = None if body is None else body.replace(var.encode(), value.encode())
        url = f"http://{test.authority}{map_path(path)}"
        headers = {**req.headers, "Authorization": f"Bearer {token}"}
        response = client.request(req.method, url, headers=headers, content=body)
        where = f"{test.name}, request {n} ({req.method} {url}): {response.status_code} {response.text[:500]}"
        check(req.expected, response, where)
        if req.method == "HEAD":
            assert response.content == b"", f"{where}: a HEAD response has no body"
        if req.expected.location:
            variables[req.expected.location] = response.headers["location"]


def check(expected: Expected, response, where: str) -> None:
    status = str(response.status_code)
    if status not in expected.statuses and f"{status[0]}xx" not in expected.statuses:
        if response.status_code == 422 and "report" in response.text and any(s[0] == "2" for s in expected.statuses):
            raise RefusedByShapes(f"{where}: refused by the SHACL shapes")
        raise AssertionError(f"{where}: expected status {' or '.join(expected.statuses)}")
    content_type = response.headers.get("content-type", "")
    for name, value in expected.headers.items():
        assert _params(response.headers.get(name, "")) == _params(value), f"{where}: {name} is not {value!r}"
    if expected.format == "boolean" or expected.boolean is not None:
        result = parse_query_results(response.content, format=QueryResultsFormat.from_media_type(content_type))
        assert isinstance(result, QueryBoolean), f"{where}: expected a boolean result"
        if expected.boolean is not None:
            assert bool(result) is expected.boolean, f"{where}: expected {expected.boolean}"
    elif expected.format == "tabular":
        result = parse_query_results(response.content, format=QueryResultsFormat.from_media_type(content_type))
        assert isinstance(result, QuerySolutions), f"{where}: expected solutions"
        list(result)
    elif expected.format == "RDF":
        fmt = RdfFormat.from_media_type(content_type)
        assert fmt is not None, f"{where}: {content_type} is not an RDF format"
        list(parse(response.content, format=fmt))
    if expected.body is not None:
        fmt = RdfFormat.from_media_type(expected.headers.get("content-type", "text/turtle"))
        assert fmt is not None
        want = rdflib.Graph().parse(data=expected.body, format=_rdflib_format(fmt))
        got = rdflib.Graph().parse(data=response.content, format=_rdflib_format(fmt))
        assert isomorphic(want, got), f"{where}: the graph is not the expected one:\n{got.serialize(format='nt')}"


def _rdflib_format(fmt: RdfFormat) -> str:
    return {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}[fmt.file_extension]


def _params(header: str) -> tuple[str, frozenset[str]]:
    parts = [p.strip().lower().replace('"', "") for p in header.split(";")]
    return parts[0], frozenset(p.replace(" ", "") for p in parts[1:] if p)


def cases(tests: dict[str, HttpTest], refused: dict[str, str]) -> list[object]:
    """pytest parameters, one per test; those our shapes refuse are strict xfails with their reason."""
    import pytest

    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=refused[n], raises=RefusedByShapes, strict=True))
        if n in refused
        else n
        for n in tests
    ]
