"""The W3C SPARQL 1.1 Graph Store HTTP Protocol test suite (tests/w3c/graph-store-protocol/), run from its
manifests (manifest.ttl includes the direct and the indirect identification manifests: 4 + 9 entries).

Paths under /gsp are sent to our /store, at http://www.example (the manifests' ``ht:connectionAuthority``), so
that a graph named directly by /store/person/1.ttl is <http://www.example/store/person/1.ttl>.

Graphs read back are compared with the expected ones as they are: the store gives blank nodes IRIs when they are
written (graph.rdf.skolemize), and a Graph Store GET gives them back as blank nodes (graph.rdf.deskolemize).

One documented departure from the tests' letter: the test data types its people ``foaf:Person`` with no ``foaf:name`` and no ``foaf:Agent`` type, which our
  PersonShape refuses: those writes get 422 and the tests are expected to fail (strict xfail, for the refusal
  only). test_gsp_without_shapes runs them with an empty shapes graph to check the protocol itself.
"""

from __future__ import annotations

import hashlib

import pytest

from graph.validation import Validator
from tests.w3c.harness import HERE, HttpTest, cases, load, run

TESTS: dict[str, HttpTest] = {t.name: t for t in load(HERE / "graph-store-protocol" / "manifest.ttl")}
TOKEN = "w3c-gsp-token"

_PERSON = (
    "writes a foaf:Person without foaf:name and foaf:Agent type; our PersonShape requires both, "
    "so the write is refused (422), nothing written"
)
REFUSED_BY_SHAPES = {name: _PERSON for name in TESTS if name != "head_non_existing_indirect"}


def store_path(path: str) -> str:
    return "/store" + path.removeprefix("/gsp")


@pytest.fixture
def w3c_client(make_client):
    return make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())


def test_the_manifests_list_13_tests() -> None:
    assert len(TESTS) == 13


@pytest.mark.parametrize("name", cases(TESTS, REFUSED_BY_SHAPES))
def test_gsp(name: str, w3c_client) -> None:
    run(TESTS[name], w3c_client, store_path, TOKEN)


@pytest.mark.parametrize("name", list(TESTS))
def test_gsp_without_shapes(name: str, w3c_client) -> None:
    """Every test, with an empty shapes graph: the protocol part passes."""
    w3c_client.app.state.context.writer.validator = Validator(shapes=[])
    run(TESTS[name], w3c_client, store_path, TOKEN)
