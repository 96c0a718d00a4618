"""The W3C SPARQL 1.1 Protocol test suite (tests/w3c/protocol/manifest.ttl), run from its manifest.

The manifest's paths start with /sparql/: they are sent to our /sparql. The query tests name their data by
URL (``ut:graphData``: ``data1.nt`` labelled http://kasei.us/2009/09/sparql/data/data1.rdf...), to be used
through ``default-graph-uri``/``named-graph-uri``/``FROM``: we cannot fetch them, so before a test runs its
data files are loaded from tests/w3c/protocol/ into named graphs of those IRIs (directly into the store, as
test set-up: they are not writes under test, and our shapes would refuse them, see below).

Each test runs on a fresh copy of the seed store, with updates enabled and the bearer token sent.
"""

from __future__ import annotations

import hashlib

import pytest
from pyoxigraph import NamedNode, parse

from graph.validation import Validator
from tests.w3c.harness import HERE, HttpTest, cases, load, run

TESTS: dict[str, HttpTest] = {t.name: t for t in load(HERE / "protocol" / "manifest.ttl")}
TOKEN = "w3c-protocol-token"

_DOCUMENT = (
    "the update inserts <http://kasei.us/2009/09/sparql/data/dataN.rdf> a foaf:Document; our DocumentShape "
    "requires a dct:title and a dct:type from the kinds scheme, so the update is refused (422), nothing written"
)
# Writes the test expects to succeed that our SHACL shapes refuse: a conflict to decide on, not a protocol bug.
# test_protocol_without_shapes runs them with an empty shapes graph to check the protocol itself.
REFUSED_BY_SHAPES = {
    "update_dataset_default_graph": _DOCUMENT,
    "update_dataset_default_graphs": _DOCUMENT,
    "update_dataset_named_graphs": _DOCUMENT,
    "update_dataset_full": _DOCUMENT,
}


def sparql_path(path: str) -> str:
    return "/sparql" + path.removeprefix("/sparql/")


def preload(client, test: HttpTest) -> None:
    """The suite's data, through the writer but without our shapes (it is not our model's data)."""
    if not test.graph_data:
        return
    writer = client.app.state.context.writer
    shapes, writer.validator = writer.validator, Validator(shapes=[])
    try:
        writer.add({NamedNode(iri): [q.triple for q in parse(path=str(path))] for iri, path in test.graph_data.items()})
    finally:
        writer.validator = shapes


@pytest.fixture
def w3c_client(make_client):
    return make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())


def test_the_manifest_lists_34_tests() -> None:
    assert len(TESTS) == 34


@pytest.mark.parametrize("name", cases(TESTS, REFUSED_BY_SHAPES))
def test_protocol(name: str, w3c_client) -> None:
    test = TESTS[name]
    preload(w3c_client, test)
    run(test, w3c_client, sparql_path, TOKEN)


@pytest.mark.parametrize("name", sorted(REFUSED_BY_SHAPES))
def test_protocol_without_shapes(name: str, w3c_client) -> None:
    """The tests our shapes refuse, with an empty shapes graph: the protocol part passes."""
    w3c_client.app.state.context.writer.validator = Validator(shapes=[])
    test = TESTS[name]
    preload(w3c_client, test)
    run(test, w3c_client, sparql_path, TOKEN)
