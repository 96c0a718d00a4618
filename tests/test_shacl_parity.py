"""The compiled SHACL engine and pyshacl give the same reports on our own data: every result, field by field
(focus node, path, value, severity, messages, shape name, constraint component), counted with its repeats.

On the examples of ``test_shapes.py`` (each node shape's conforming and violating records), on generated
graphs with seeded defects (``bench/generate.py``), on the seed store, and on the DCAT-AP feed checked
against the official DCAT-AP 3.0.0 shapes (with the EU vocabulary shapes, which give many results).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import RdfFormat

from bench.generate import defects_path, write_file
from graph.config import Settings
from graph.dcat.publish import Feed, whole_feed
from graph.iris import Iris
from graph.namespaces import DCT
from graph.rdf import parse_bytes
from graph.store import EmbeddedStore
from graph.validation import Report, ValidationResult, Validator, dcat_ap_validator
from graph.writer import Writer
from tests.test_shapes import CONTEXT, INVALID, PREFIXES, VALID

Row = tuple[str, str | None, str | None, str, tuple[tuple[str, str], ...], str, str]


def rows(report: Report) -> Counter[Row]:
    return Counter(_row(r) for r in report.results)


def _row(r: ValidationResult) -> Row:
    messages = tuple(sorted((lang, _unordered(text)) for lang, text in r.message.items()))
    return (r.focus, r.path, r.value, r.severity, messages, r.shape, r.component)


_LISTED = re.compile(r"\('([^)]*)'\)")


def _unordered(message: str) -> str:
    """pyshacl lists a shape's several sh:node shapes ("every Shape in ('a', 'b')") in no fixed order."""
    return _LISTED.sub(lambda m: "('" + "', '".join(sorted(m.group(1).split("', '"))) + "')", message)


@pytest.fixture(scope="module")
def ours() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def pyshacl() -> Validator:
    return Validator(engine="pyshacl")


EXAMPLES = [pytest.param(t, id=f"valid-{s}-{n}") for s, n, t in VALID]
EXAMPLES += [pytest.param(t, id=f"invalid-{s}-{n}") for s, n, t, _ in INVALID]


@pytest.mark.parametrize("ttl", EXAMPLES)
def test_the_shape_examples(ours: Validator, pyshacl: Validator, ttl: str) -> None:
    data = parse_bytes((PREFIXES + CONTEXT + ttl).encode(), RdfFormat.TURTLE, source="example")
    a, b = ours.validate(data), pyshacl.validate(data)
    assert rows(a) == rows(b)
    assert a.conforms == b.conforms
    assert not a.fallback


def test_a_generated_graph_with_seeded_defects(tmp_path: Path, ours: Validator, pyshacl: Validator) -> None:
    path = tmp_path / "defects.nq"
    write_file(path, 4_000, defects=8, ontology=True)
    triples = [q.triple for q in pyoxigraph.parse(path=str(path), format=RdfFormat.N_QUADS)]
    a, b = ours.validate(triples), pyshacl.validate(triples)
    assert rows(a) == rows(b)
    import json

    listed = {(d["focus"], d["path"]) for d in json.loads(defects_path(path).read_text())}
    assert {(r.focus, r.path) for r in a.violations} == listed


def test_validated_writes_with_their_focus(tmp_path: Path, ours: Validator, pyshacl: Validator) -> None:
    """The ingest check: each record with the types of the nodes it links to, results kept for its nodes."""
    path = tmp_path / "defects.nq"
    write_file(path, 3_000, defects=8, ontology=True)
    graphs: dict[pyoxigraph.NamedNode, list[pyoxigraph.Triple]] = {}
    for q in pyoxigraph.parse(path=str(path), format=RdfFormat.N_QUADS):
        graphs.setdefault(q.graph_name, []).append(q.triple)  # type: ignore[arg-type]
    iris = Iris("https://ressourcerie.fabrique.social.gouv.fr/")
    reports = []
    for validator in (ours, pyshacl):
        store = EmbeddedStore()
        onto = graphs[iris.ontology_graph]
        store.bulk_load(pyoxigraph.Quad(t.subject, t.predicate, t.object, iris.ontology_graph) for t in onto)
        data = {g: ts for g, ts in graphs.items() if g != iris.ontology_graph}
        reports.append(Writer(store, validator, iris).check_graphs(data))  # type: ignore[arg-type]
    assert rows(reports[0]) == rows(reports[1])
    assert len(reports[0].violations) == 8


def test_the_generated_graph_checked_in_its_store(tmp_path: Path, ours: Validator, pyshacl: Validator) -> None:
    path = tmp_path / "defects.nq"
    write_file(path, 4_000, defects=8, ontology=True)
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.bulk_load(pyoxigraph.parse(path=str(path), format=RdfFormat.N_QUADS))
        a = ours.validate_store(store)
        assert rows(a) == rows(pyshacl.validate_store(store))
        assert len(a.violations) == 8
    finally:
        store.close()


def test_the_seed_store(seeded: EmbeddedStore, ours: Validator, pyshacl: Validator) -> None:
    a, b = ours.validate_store(seeded), pyshacl.validate_store(seeded)
    assert rows(a) == rows(b)
    assert a.conforms


@pytest.fixture(scope="module")
def feed_triples(seeded: EmbeddedStore) -> dict[str, list[pyoxigraph.Triple]]:
    feed = Feed(seeded, Settings(), cached=None)
    return {
        name: list(dict.fromkeys(t for page in whole_feed(feed, name) for t in page.triples))
        for name in ("catalog", "software")
    }


@pytest.mark.parametrize("name", ["catalog", "software"])
@pytest.mark.parametrize("vocabularies", [False, True], ids=["dcat-ap", "dcat-ap+vocabularies"])
def test_the_dcat_ap_feed(feed_triples: dict[str, list[pyoxigraph.Triple]], name: str, vocabularies: bool) -> None:
    triples = feed_triples[name]
    a = dcat_ap_validator(vocabularies=vocabularies).validate(triples)
    b = dcat_ap_validator(vocabularies=vocabularies, engine="pyshacl").validate(triples)
    assert rows(a) == rows(b)
    assert not a.fallback
    if vocabularies:
        assert len(a.results) > 50  # the EU vocabulary shapes have much to say about our own vocabularies


def test_a_broken_dcat_ap_feed(feed_triples: dict[str, list[pyoxigraph.Triple]]) -> None:
    """Without publishers and dates in the wrong datatype: violations, and sh:node results with their nested
    results (sh:detail) as pyshacl reports them."""
    broken = [
        pyoxigraph.Triple(t.subject, t.predicate, pyoxigraph.Literal(t.object.value))
        if t.predicate == DCT.modified and isinstance(t.object, pyoxigraph.Literal)
        else t
        for t in feed_triples["catalog"]
        if t.predicate != DCT.publisher
    ]
    a = dcat_ap_validator().validate(broken)
    b = dcat_ap_validator(engine="pyshacl").validate(broken)
    assert rows(a) == rows(b)
    components = {r.component for r in a.violations}
    assert {"MinCountConstraintComponent", "NodeConstraintComponent", "OrConstraintComponent"} <= components
