"""The relevance set of bench/relevance (graded queries on the seed) stays valid, and its measures are right."""

from __future__ import annotations

import pytest

from bench.relevance import QUERIES, Judged, load, ndcg, reciprocal_rank
from graph.search import SearchIndex
from graph.store import EmbeddedStore
from tests.conftest import BASE


def test_the_set_loads_with_at_least_40_graded_queries() -> None:
    judged = load()
    assert len(judged) >= 40
    assert all(j.q and j.need and max(j.grades.values()) >= 1 for j in judged)


def test_every_judged_record_is_a_record_of_the_seed(seeded: EmbeddedStore) -> None:
    index = SearchIndex.open(":memory:", BASE)
    index.rebuild(seeded)
    known = {iri[len(BASE) :] for (iri,) in index._db.execute("SELECT iri FROM records")}
    missing = {path for j in load() for path in j.grades} - known
    assert not missing, f"judged records gone from the seed: {sorted(missing)}"


def test_a_malformed_entry_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "q.yaml"
    bad.write_text("queries:\n  - q: siret\n    judgements: {resource/api-sirene: 4}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="graded"):
        load(bad)
    assert QUERIES.exists()


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise() -> None:
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) < ndcg(["a", "c", "b"], grades) < 1.0
    assert ndcg(["x", "y"], grades) == 0.0


def test_reciprocal_rank_counts_the_first_good_result() -> None:
    assert reciprocal_rank(["x", "c", "b"], {"b": 2, "c": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "c"], {"c": 1}) == pytest.approx(1 / 2)  # its best grade is 1
    assert reciprocal_rank(["x"] * 25 + ["b"], {"b": 3}) == 0.0  # beyond the first page
    assert Judged("q", "", {"b": 3}).grades == {"b": 3}
