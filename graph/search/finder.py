"""Finding and ordering the records of a text query in the index's SQLite tables (``SearchIndex`` runs it).

``find``: the records holding every concept of the query, or, when they are fewer than ``FEW``, the closest
(partial matches): those holding every concept but one, or if still fewer than ``FEW``, any of them.
``ranked``: the first records in the order ``ranking`` describes. ``sorted``: by title or date.
``suggestion``: the query with its unknown words corrected from the index's vocabulary.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graph.search import ranking, suggest
from graph.search.analysis import fold
from graph.search.query import TextQuery
from graph.search.ranking import HEADS, WINDOW, Ranked

# bm25 weights of the columns, in their order: title >> keywords > tagline > description > body, context
COLUMNS = ("title", "keywords", "tagline", "description", "body", "context")
WEIGHTS = (10.0, 5.0, 3.0, 2.0, 0.5, 1.0)
BM25 = f"bm25(texts, {', '.join(map(str, WEIGHTS))})"
FEW = 5  # fewer records holding every word than this: the partial matches are added
ORDER_BY = {  # each served by an index of the records (without a date last: NULL is the smallest)
    "title": "r.sort_key, r.id",
    "date": "r.modified DESC, r.sort_key, r.id",
}
SCAN_FROM = 50  # sorting records found in more than 1 in SCAN_FROM: read them all in order instead


@dataclass
class Found:
    """The records a text query finds: their ids, the expression that found them, and whether they are the
    partial matches (with the records holding every concept among them)."""

    ids: list[int]
    expression: str
    partial: bool = False
    every: dict[int, float] | None = None  # for partial matches: those holding every concept, with their BM25


class Finder:
    """The queries of a search, on the index's connection (the caller holds its lock)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def ids(self, expression: str) -> list[int]:
        """The ids of the records the expression finds (read as one string: much faster than row by row)."""
        joined = self._db.execute(
            "SELECT group_concat(rowid) FROM texts WHERE texts MATCH ?", (expression,)
        ).fetchone()[0]
        if not joined:
            return []
        import numpy  # with the facet table: read in C, several times faster than int() on each

        return numpy.fromstring(joined, dtype=numpy.int64, sep=",").tolist()  # type: ignore[no-any-return]

    def find(self, text: TextQuery, every_id: Sequence[int]) -> Found | None:
        """The records the text finds; None when it asks for no word (every record, but those excluded)."""
        if not text:
            if not text.exclude:
                return None
            excluded = set(self.ids(text.exclude))
            return Found([i for i in every_id if i not in excluded], "")
        ids = self.ids(text.match)
        if len(text.concepts) < 2 or len(ids) >= FEW:
            return Found(ids, text.match)
        for expression in (text.all_but_one, text.loose):  # every word but one, else any of them
            closest = self.ids(expression) if expression else []
            if len(closest) >= FEW or (expression == text.loose and len(closest) > len(ids)):
                every = dict(self._db.execute(f"SELECT rowid, {BM25} FROM texts WHERE texts MATCH ?", (text.match,)))
                return Found(closest, expression, partial=True, every=every)
        return Found(ids, text.match)

    def ranked(
        self, text: TextQuery, found: Found, passing: set[int] | None, wanted: int, records: int
    ) -> list[Ranked]:
        """The first ``wanted`` records in the order of ``ranking``: the records named by the query, then those
        naming part of it in their title, keywords or alternative names, the first ``WINDOW`` reordered (for
        partial matches, with the few holding every concept added to them); then the others, by BM25."""
        expression = found.expression
        named = self._named(text, passing, wanted)
        if len(named) >= wanted:
            return named
        seen = {r.rid for r in named}
        window = self._stream(f"({expression}) AND {HEADS} : ({text.some})", passing, seen, max(wanted, WINDOW))
        if found.every is not None:  # the few holding every concept are weighed too, wherever BM25 puts them
            listed = seen | {r.rid for r in window}
            scores = found.every
            every = sorted(i for i in scores if i not in listed and (passing is None or i in passing))
            window[WINDOW:WINDOW] = [Ranked(i, scores[i]) for i in every]
        size = WINDOW + (len(found.every or ()) if found.partial else 0)
        if len(window) > 1:
            ids = [r.rid for r in window[:size]]
            names = self._stems(ids, ("title", "tagline"))
            held = self._stems(ids, COLUMNS) if found.partial else None
            window[:size] = ranking.rerank(window[:size], names, text.concepts, self.weights(text, records), held)
        out = named + window
        if len(out) < wanted:
            seen.update(r.rid for r in window)
            out += self._stream(f"({expression}) NOT {HEADS} : ({text.some})", passing, seen, wanted - len(out))
        return out

    def _stream(self, expression: str, passing: set[int] | None, skip: set[int], wanted: int) -> list[Ranked]:
        """The first ``wanted`` records found by ``expression``, by BM25, passing the filters, not in ``skip``."""
        sql = f"SELECT rowid, {BM25} FROM texts WHERE texts MATCH ? ORDER BY 2, 1"
        params: tuple[Any, ...] = (expression,)
        if passing is None:
            sql += " LIMIT ?"
            params += (wanted + len(skip),)
        out = []
        for rid, score in self._db.execute(sql, params):
            if rid in skip or (passing is not None and rid not in passing):
                continue
            out.append(Ranked(rid, score))
            if len(out) >= wanted:
                break
        return out

    def _named(self, text: TextQuery, passing: set[int] | None, wanted: int) -> list[Ranked]:
        """The records the query names exactly (``ranking.name_keys``): by their whole title first, then by
        the length of their title. They hold every concept in their names, so the query finds them."""
        keys = text.keys()
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT n.id FROM names n JOIN records r ON r.id = n.id WHERE n.key IN ({marks})"
            " GROUP BY n.id ORDER BY max(n.whole) DESC, length(r.title), n.id",
            keys,
        )
        return [Ranked(rid, None) for (rid,) in rows if passing is None or rid in passing][:wanted]

    def _stems(self, ids: list[int], columns: Sequence[str]) -> dict[int, set[str]]:
        """The stems each record holds in these columns."""
        marks = ", ".join("?" * len(ids))
        rows = self._db.execute(f"SELECT rowid, {', '.join(columns)} FROM texts WHERE rowid IN ({marks})", ids)
        return {row[0]: {s for text in row[1:] for s in text.split()} for row in rows}

    def weights(self, text: TextQuery, records: int) -> list[float]:
        """Each concept's rarity among ``records``, from the number of records holding its most frequent form."""
        weights = []
        for concept in text.concepts:
            docs = 0
            for form, prefix in concept.forms:
                counts = [self.docs(w, prefix and len(form) == 1) for w in form]
                docs = max(docs, min(counts, default=0))
            weights.append(ranking.rarity(docs, records))
        return weights

    def docs(self, stem: str, prefix: bool = False) -> int:
        """How many records hold the stem (or, for a prefix, its most frequent completion)."""
        if prefix:
            row = self._db.execute(
                "SELECT max(docs) FROM vocab WHERE stem >= ? AND stem < ?", (stem, stem + "\uffff")
            ).fetchone()
        else:
            row = self._db.execute("SELECT docs FROM vocab WHERE stem = ?", (stem,)).fetchone()
        return int(row[0] or 0) if row else 0

    def suggestion(self, text: TextQuery) -> str | None:
        """The query with the words no record holds replaced by the closest known ones (or None)."""
        unknown = [
            (w.start, w.end, fold(w.text))
            for c in text.concepts
            if not c.synonym
            for w in c.words
            if self.docs(w.stem, w.prefix) == 0
        ]
        if not unknown:
            return None

        def fix(folded: str) -> str | None:
            rows = self._db.execute(
                "SELECT folded, docs, word FROM words WHERE folded >= ? AND folded < ?",
                (folded[:2], folded[:2] + "\uffff"),
            )
            return suggest.closest(folded, rows)

        return suggest.correct(text.text, unknown, fix)

    def sorted(
        self, found: Found, sort: str, passing: set[int] | None, offset: int, limit: int, records: int
    ) -> list[Ranked]:
        """Records ``offset`` to ``offset + limit`` of those found (and passing the filters), in the order
        ``sort`` (title or date). Many found: the records are read in that order (an index of the table) and
        kept when found; few: the found ones are sorted."""
        members = passing if passing is not None else set(found.ids)
        if len(members) * SCAN_FROM >= records:
            rows: Iterable[tuple[int, Any]] = self._db.execute(
                f"SELECT r.id, NULL FROM records r ORDER BY {ORDER_BY[sort]}"
            )
            return [Ranked(rid, None) for rid, _ in _window(rows, members, offset, limit)]
        sql = (
            f"SELECT r.id, NULL FROM texts JOIN records r ON r.id = texts.rowid WHERE texts MATCH ?"
            f" ORDER BY {ORDER_BY[sort]}"
        )
        rows = self._db.execute(sql, (found.expression,))
        return [Ranked(rid, None) for rid, _ in _window(rows, passing, offset, limit)]


def _window(
    rows: Iterable[tuple[int, Any]], passing: set[int] | None, offset: int, limit: int
) -> list[tuple[int, Any]]:
    """Rows ``offset`` to ``offset + limit`` of those passing the filters."""
    kept: Iterator[tuple[int, Any]] = (r for r in rows if passing is None or r[0] in passing)
    out = []
    for i, row in enumerate(kept):
        if i >= offset + limit:
            break
        if i >= offset:
            out.append(row)
    return out
