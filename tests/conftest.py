from __future__ import annotations

from pathlib import Path

import pytest

from graph.ingest import Ingestor
from graph.iris import Iris
from graph.paths import bundled
from graph.seed import load as load_seed
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def iris() -> Iris:
    return Iris(BASE)


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="session")
def seeded(iris: Iris, validator: Validator) -> EmbeddedStore:
    """The seed store, in memory, shared by read-only tests."""
    store = EmbeddedStore()
    load_seed(Ingestor(store, validator, iris), bundled("data/seed"))
    return store


@pytest.fixture
def small(iris: Iris, validator: Validator) -> Ingestor:
    """A fresh in-memory store with the ontology and the small fixture graph."""
    from graph.rdf import parse_file

    store = EmbeddedStore()
    ingestor = Ingestor(store, validator, iris)
    ingestor.replace_graphs(
        {
            iris.ontology_graph: ontology_triples(),
            iris.graph("test"): [q.triple for q in parse_file(FIXTURES / "small.ttl")],
        }
    )
    return ingestor
