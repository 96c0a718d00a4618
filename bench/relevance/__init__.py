"""Relevance of the full-text search: graded queries (``queries.yaml``), nDCG@5 and reciprocal rank.

nDCG@5: the discounted gain of the first five results (gain ``2**grade - 1``, discount ``log2(rank + 1)``) over
that of the ideal ranking of the judged records. Reciprocal rank: ``1 / rank`` of the first result graded 2 or
more (of the first result with the query's best grade when it has none graded 2), 0 beyond ``DEPTH`` results.
The peer is plain BM25 with every word required, on the same FTS5 table (the ranking the search had before
partial matches, synonyms and exact title matches): ``strict_bm25``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from graph.search.analysis import STOP_WORDS, stems

QUERIES = Path(__file__).resolve().parent / "queries.yaml"
CUTOFF = 5  # of nDCG
DEPTH = 20  # results looked at for the reciprocal rank (a page)
GRADES = (1, 2, 3)
# the column weights of the search before this measure existed, for the peer
PEER_WEIGHTS = {"title": 10.0, "keywords": 5.0, "tagline": 3.0, "description": 2.0, "body": 0.5, "context": 1.0}


@dataclass(frozen=True)
class Judged:
    """A query and the grades of the records that answer it (by path under the base IRI)."""

    q: str
    need: str
    grades: dict[str, int]


@dataclass(frozen=True)
class Scored:
    q: str
    ndcg: float
    rr: float
    best_rank: int | None  # of the first record with the query's best grade, within DEPTH
    ranked: tuple[str, ...]


def load(path: Path = QUERIES) -> list[Judged]:
    """The relevance set; a malformed entry is an error naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    judged = []
    for i, entry in enumerate(data.get("queries") or [], 1):
        grades = entry.get("judgements") or {}
        if not entry.get("q") or not grades or any(g not in GRADES for g in grades.values()):
            raise ValueError(f"{path}: query {i} needs a text (q) and judgements graded {GRADES}")
        judged.append(Judged(entry["q"], entry.get("need", ""), {str(k): int(v) for k, v in grades.items()}))
    texts = [j.q for j in judged]
    if len(set(texts)) != len(texts):
        raise ValueError(f"{path}: a query is listed twice")
    return judged


def dcg(gains: Sequence[int], k: int = CUTOFF) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int = CUTOFF) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    return dcg([grades.get(r, 0) for r in ranked], k) / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: dict[str, int], depth: int = DEPTH) -> float:
    wanted = min(2, max(grades.values()))
    for i, r in enumerate(ranked[:depth], 1):
        if grades.get(r, 0) >= wanted:
            return 1 / i
    return 0.0


def best_rank(ranked: Sequence[str], grades: dict[str, int], depth: int = DEPTH) -> int | None:
    top = max(grades.values())
    return next((i for i, r in enumerate(ranked[:depth], 1) if grades.get(r) == top), None)


def score(judged: Judged, ranked: Sequence[str]) -> Scored:
    g = judged.grades
    return Scored(judged.q, ndcg(ranked, g), reciprocal_rank(ranked, g), best_rank(ranked, g), tuple(ranked))


def measure(judged: list[Judged], rank: Callable[[str], list[str]]) -> list[Scored]:
    """Each query ranked by ``rank`` (query -> record paths, best first) and scored."""
    return [score(j, rank(j.q)) for j in judged]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def strict_bm25(index_file: str, base: str) -> Callable[[str], list[str]]:
    """The peer: every word required (the last one as a prefix, as typed), ranked by BM25 with the former
    column weights; read from the index's SQLite file."""
    db = sqlite3.connect(f"file:{index_file}?mode=ro", uri=True)
    columns = [r[1] for r in db.execute("PRAGMA table_info(texts)")]
    weights = ", ".join(str(PEER_WEIGHTS.get(c, 0.0)) for c in columns)

    def rank(q: str) -> list[str]:
        found = stems(q)
        kept = [s for s in found if s not in STOP_WORDS and (len(s) > 1 or s.isdigit())] or found
        if not kept:
            return []
        words = [f'"{s}"' for s in kept]
        if not q[-1:].isspace():
            words[-1] += " *"
        rows = db.execute(
            f"SELECT r.iri FROM texts JOIN records r ON r.id = texts.rowid WHERE texts MATCH ?"
            f" ORDER BY bm25(texts, {weights}) LIMIT {DEPTH}",
            (" AND ".join(words),),
        )
        return [iri[len(base) :] if iri.startswith(base) else iri for (iri,) in rows]

    return rank
