from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from bench.generate import defects_path, generate, parse_size, write_file
from graph.seed import ontology_triples
from graph.validation import Validator

SIZE = 3_000


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _validate(validator: Validator, path: Path) -> set[tuple[str, str | None]]:
    data = [q.triple for q in parse(path=str(path), format=RdfFormat.N_QUADS)] + ontology_triples()
    return {(r.focus, r.path) for r in validator.validate(data).violations}


def test_generated_graph_conforms(tmp_path: Path, validator: Validator) -> None:
    out = tmp_path / "g.nq"
    stats = write_file(out, SIZE)
    assert SIZE <= stats.triples < SIZE + 100
    assert {"resource", "organisation", "person", "membership", "usage", "service", "feedback", "document"} <= set(
        stats.records
    )
    assert _validate(validator, out) == set()


def test_defects_are_exactly_the_listed_violations(tmp_path: Path, validator: Validator) -> None:
    out = tmp_path / "d.nq"
    stats = write_file(out, SIZE, defects=8)
    listed = {(d["focus"], d["path"]) for d in json.loads(defects_path(out).read_text())}
    assert len(listed) == len(stats.defects) == 8
    assert _validate(validator, out) == listed


def test_same_seed_same_bytes() -> None:
    a, b, c = io.StringIO(), io.StringIO(), io.StringIO()
    generate(a, SIZE, seed=3, defects=4)
    generate(b, SIZE, seed=3, defects=4)
    generate(c, SIZE, seed=4, defects=4)
    assert a.getvalue() == b.getvalue() != c.getvalue()


def test_ntriples_and_ontology() -> None:
    out = io.StringIO()
    stats = generate(out, 500, quads=False, ontology=True)
    triples = list(parse(out.getvalue().encode(), format=RdfFormat.N_TRIPLES))
    assert len(triples) == stats.triples > 500 + len(ontology_triples()) - 1


def test_parse_size() -> None:
    assert [parse_size(s) for s in ("10k", "1m", "2.5k", "1234")] == [10_000, 1_000_000, 2_500, 1234]
