"""The full-text index: SQLite FTS5 beside the store, kept in step with it.

One row per searchable record (``records``), its analysed texts in the FTS5 table ``texts`` (same rowid),
its facet values in ``facets``. The store's fingerprint (per-graph triple counts and the meta graph's load
records) is kept with the index: at start-up an index whose fingerprint differs is built again, so writes
made while the service was down are picked up. Writes through the service update the records they touch.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import NamedNode

from graph.errors import BadRequest, StoreError
from graph.search.analysis import analyse, fold
from graph.search.query import TextQuery, highlight, parse
from graph.search.records import Record, RecordReader
from graph.store.base import Store

T = TypeVar("T")
VERSION = "2"  # of the schema and the analysis: another version means a rebuild
FACETS = ("kind", "theme", "producer", "access")
_ORDER = ("kind", "producer", "access", "theme")  # of the values kept in memory per record
# bm25 weights of the columns, in their order: title >> keywords > tagline > description > body, context
COLUMNS = ("title", "keywords", "tagline", "description", "body", "context")
WEIGHTS = (10.0, 5.0, 3.0, 2.0, 0.5, 1.0)
BM25 = f"bm25(texts, {', '.join(map(str, WEIGHTS))})"
EXCERPT_CHARS = 240
FACET_VALUES = 50  # values listed per facet at most, the most frequent first

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT, title TEXT NOT NULL, sort_key TEXT NOT NULL,
  tagline TEXT NOT NULL, description TEXT NOT NULL, body TEXT NOT NULL, keywords TEXT NOT NULL,
  producer TEXT, access TEXT, themes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_sort ON records (sort_key);
CREATE TABLE IF NOT EXISTS facets (facet TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL,
  PRIMARY KEY (facet, value, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_id ON facets (id);
CREATE TABLE IF NOT EXISTS facet_values (facet TEXT NOT NULL, value TEXT NOT NULL, iri TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY (facet, value)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5({", ".join(COLUMNS)}, tokenize="unicode61 remove_diacritics 2");
"""


@dataclass
class Hit:
    iri: str
    href: str
    title: str
    kind: dict[str, str] | None
    producer: dict[str, str] | None
    access: dict[str, str] | None
    themes: list[dict[str, str]]
    keywords: list[str]
    excerpt: str  # safe HTML: escaped text, matched words in <mark>
    title_html: str
    score: float | None


@dataclass
class FacetCount:
    value: str
    label: str
    iri: str
    count: int
    selected: bool


@dataclass
class Results:
    query: str
    filters: dict[str, list[str]]
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    millis: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class Search:
    """A search: text, filters (AND across facets, OR within one), page."""

    q: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20


class SearchIndex:
    """``SearchIndex.open(path)``; ``sync(store)`` at start-up, ``update(store, iris)`` after a write."""

    def __init__(self, connection: sqlite3.Connection, base_iri: str, path: str) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.base = base_iri
        self.path = path
        self._dirty = False  # records updated since the fingerprint was taken
        self._cache: dict[str, Any] = {}
        self._facet_map: dict[int, tuple[tuple[tuple[str, ...], ...], tuple[int, ...]]] | None = None
        self._codes: list[tuple[int, str]] = []

    @classmethod
    def open(cls, path: str, base_iri: str) -> SearchIndex:
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("SELECT name FROM sqlite_master WHERE name = 'info'").fetchone() is not None:
                row = db.execute("SELECT value FROM info WHERE key='version'").fetchone()
                if row is None or row[0] != VERSION:
                    _drop(db)
            db.executescript(SCHEMA)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the search index at {path}: {e}") from None
        return cls(db, base_iri, path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- keeping in step with the store -----------------------------------------------------------------------

    def fingerprint(self, store: Store) -> str:
        """Changes whenever the store's content does: triples per graph, and the meta graph's load records."""
        stats = store.stats()
        parts = [f"{g.name.value} {g.triples}" for g in stats.graphs]
        parts.append(f"default {stats.default_graph_triples}")
        meta = store.select(
            "SELECT ?m ?g ?p ?o WHERE { GRAPH ?m { ?g ?p ?o } }", {"m": NamedNode(self.base + "graph/meta")}
        ).rows
        parts += sorted(" ".join(str(t) for t in row) for row in meta)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def stored_fingerprint(self) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM info WHERE key='fingerprint'").fetchone()
        return row[0] if row else None

    def sync(self, store: Store) -> bool:
        """Build the index again if the store changed since it was built (or never was). True if it did."""
        fingerprint = self.fingerprint(store)
        if fingerprint == self.stored_fingerprint():
            return False
        self.rebuild(store, fingerprint)
        return True

    def rebuild(self, store: Store, fingerprint: str | None = None) -> int:
        """Index every record of the store from scratch, in one transaction. Returns the number indexed."""
        records = RecordReader(store, self.base).all()
        fingerprint = fingerprint or self.fingerprint(store)
        with self._lock, self._transaction():
            for table in ("records", "facets", "facet_values", "texts"):
                self._db.execute(f"DELETE FROM {table}")
            self._insert(records)
            self._set_info(fingerprint)
            self._dirty = False
            self._cache.clear()
            self._facet_map = None
        return len(records)

    def update(self, store: Store, iris: Iterable[NamedNode]) -> int:
        """Index again the records among ``iris`` (and those whose facets name them): changed ones are
        replaced, removed ones dropped. Returns the number of records (re)indexed.

        The stored fingerprint stays the old one until ``checkpoint``: should the process end without it,
        the next start finds the index stale and builds it again."""
        looked, records = RecordReader(store, self.base).some(iris)
        with self._lock, self._transaction():
            self._delete(looked)
            self._insert(records)
            self._dirty = True
            self._cache.clear()
            self._facet_map = None
        return len(records)

    def checkpoint(self, store: Store) -> None:
        """Record the store's fingerprint after updates (at shut-down: it counts the whole store's triples)."""
        if self._dirty:
            fingerprint = self.fingerprint(store)
            with self._lock, self._transaction():
                self._set_info(fingerprint)
                self._dirty = False

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _set_info(self, fingerprint: str) -> None:
        for key, value in (("version", VERSION), ("fingerprint", fingerprint), ("built", str(time.time()))):
            self._db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))

    def _delete(self, iris: Iterable[str]) -> None:
        for iri in iris:
            row = self._db.execute("SELECT id FROM records WHERE iri = ?", (iri,)).fetchone()
            if row is not None:
                for table, column in (("records", "id"), ("facets", "id"), ("texts", "rowid")):
                    self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (row[0],))

    def _insert(self, records: list[Record]) -> None:
        db = self._db
        for r in records:
            if not r.title:
                continue
            themes = [v.key for v in r.themes]
            cursor = db.execute(
                "INSERT INTO records (iri, kind, title, sort_key, tagline, description, body, keywords, producer,"
                " access, themes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.iri,
                    r.kind.key if r.kind else None,
                    r.title,
                    fold(r.title).strip(),
                    " · ".join(r.tagline),
                    r.description,
                    r.body,
                    json.dumps(r.keywords, ensure_ascii=False),
                    r.producer.key if r.producer else None,
                    r.access.key if r.access else None,
                    json.dumps(themes, ensure_ascii=False),
                ),
            )
            rid = cursor.lastrowid
            context = " ".join(v.label for v in r.facets)
            texts = (r.title, " ".join(r.keywords), " ".join(r.tagline), r.description, r.body, context)
            db.execute(
                f"INSERT INTO texts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, *(analyse(t) for t in texts)),
            )
            for v in r.facets:
                db.execute("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", (v.facet, v.key, rid))
                db.execute("INSERT OR REPLACE INTO facet_values VALUES (?, ?, ?, ?)", (v.facet, v.key, v.iri, v.label))

    # --- searching ------------------------------------------------------------------------------------------

    def search(self, search: Search) -> Results:
        """Ranked hits of one page, the total, and per facet the counts of its values among the records that
        match the text and the other facets' filters (so that a ticked value's alternatives keep their count).

        FTS5 gives the matching ids (and the ranking); filters and counts are tallied in one pass over them
        with the facet values of every record, kept in memory (rebuilt after each write)."""
        start = time.perf_counter()
        text = parse(search.q.strip())
        if search.page < 1 or search.per_page < 1:
            raise BadRequest("page and per_page are counted from 1")
        with self._lock:
            filters = self._check_filters(search.filters)
            try:
                ids = self._matching(text)
                if ids is None and not filters:
                    total, counts = self._cached("browse", lambda: self._tally(None, {}))
                else:
                    total, counts = self._tally(ids, filters)
                rows = self._page(text, filters, search)
            except sqlite3.OperationalError as e:  # an expression FTS5 cannot read: say so, in the caller's terms
                raise BadRequest(f"the search text cannot be understood: {e}") from None
            facets = {f: self._facet(f, filters, counts[f]) for f in FACETS}
            labels = {(f, c.value): (c.label, c.iri) for f, values in facets.items() for c in values}
            keys = {(f, k) for row in rows for f, k in _facet_keys(row)} - set(labels)
            labels.update(self._labels(keys))
        hits = [self._hit(row, text, labels) for row in rows]
        millis = round((time.perf_counter() - start) * 1000, 2)
        return Results(search.q, filters, total, search.page, search.per_page, hits, facets, millis)

    def _check_filters(self, filters: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        checked: dict[str, list[str]] = {}
        for facet, values in filters.items():
            if facet not in FACETS:
                raise BadRequest(f"unknown filter {facet!r}; the filters are: {', '.join(FACETS)}")
            for value in values:
                if not value:
                    continue
                row = self._db.execute(
                    "SELECT value FROM facet_values WHERE facet = ? AND (value = ? OR iri = ?)", (facet, value, value)
                ).fetchone()
                if row is None:
                    known = [
                        r[0]
                        for r in self._db.execute(
                            "SELECT value FROM facet_values WHERE facet = ? ORDER BY value LIMIT 12", (facet,)
                        )
                    ]
                    raise BadRequest(
                        f"unknown {facet} {value!r}; known values include: {', '.join(known)}"
                        + (", ..." if len(known) == 12 else "")
                    )
                if row[0] not in checked.setdefault(facet, []):
                    checked[facet].append(row[0])
        return {f: v for f, v in checked.items() if v}

    def _matching(self, text: TextQuery) -> list[int] | None:
        """The ids of the records the text matches; None when it asks for no word (every record)."""
        if text:
            return [r[0] for r in self._db.execute("SELECT rowid FROM texts WHERE texts MATCH ?", (text.match,))]
        if text.exclude:
            excluded = {r[0] for r in self._db.execute("SELECT rowid FROM texts WHERE texts MATCH ?", (text.exclude,))}
            return [i for i in self._values() if i not in excluded]
        return None

    def _values(self) -> dict[int, tuple[tuple[tuple[str, ...], ...], tuple[int, ...]]]:
        """Every record's facet values, by record id: per facet (in the order of _ORDER), and as a flat tuple of
        codes of (facet position, value) pairs (``self._codes``) for counting."""
        if self._facet_map is None:
            self._facet_map, self._codes = {}, []
            codes: dict[tuple[int, str], int] = {}
            rows = self._db.execute("SELECT id, kind, producer, access, themes FROM records")
            for rid, kind, producer, access, themes in rows:
                per: tuple[tuple[str, ...], ...] = (
                    (kind,) if kind else (),
                    (producer,) if producer else (),
                    (access,) if access else (),
                    tuple(json.loads(themes)),
                )
                flat = []
                for i, vs in enumerate(per):
                    for v in vs:
                        if (i, v) not in codes:
                            codes[(i, v)] = len(self._codes)
                            self._codes.append((i, v))
                        flat.append(codes[(i, v)])
                self._facet_map[rid] = (per, tuple(flat))
        return self._facet_map

    def _tally(
        self, ids: Iterable[int] | None, filters: Mapping[str, list[str]]
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """The number of records passing every filter, and per facet the counts of its values among the
        records passing the other facets' filters."""
        values = self._values()
        records = values.values() if ids is None else [r for r in map(values.get, ids) if r is not None]
        wanted = [(_ORDER.index(f), set(v)) for f, v in filters.items()]
        if not wanted:
            total, counted = len(records), Counter(chain.from_iterable(flat for _, flat in records))
        else:
            total = 0
            passing: list[tuple[int, ...]] = []
            near: list[int] = []
            for per, flat in records:
                failed = [i for i, allowed in wanted if allowed.isdisjoint(per[i])]
                if not failed:
                    total += 1
                    passing.append(flat)
                elif len(failed) == 1:  # counts for the one facet it fails: its alternatives
                    near.extend(c for c in flat if self._codes[c][0] == failed[0])
            counted = Counter(chain.from_iterable(passing))
            counted.update(near)
        out: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        codes = self._codes
        for code, n in counted.items():
            i, value = codes[code]
            out[_ORDER[i]][value] = n
        return total, out

    def _page(self, text: TextQuery, filters: Mapping[str, list[str]], search: Search) -> list[Any]:
        """The records of the page: by rank with text, else by title; the filters checked as rows stream by."""
        limit, offset = search.per_page, (search.page - 1) * search.per_page
        if text:
            ranked = self._db.execute(f"SELECT rowid, {BM25} FROM texts WHERE texts MATCH ? ORDER BY 2", (text.match,))
        else:
            where, params = self._where(text, filters)
            ranked = self._db.execute(f"SELECT id, NULL FROM records WHERE {where} ORDER BY sort_key", params)
        values = self._values()
        wanted = [(_ORDER.index(f), set(v)) for f, v in filters.items()]
        page: list[tuple[int, float | None]] = []
        seen = 0
        for rid, rank in ranked:
            record = values.get(rid)
            if record is None or any(allowed.isdisjoint(record[0][i]) for i, allowed in wanted):
                continue
            seen += 1
            if seen > offset:
                page.append((rid, rank))
                if len(page) == limit:
                    break
        rows = []
        for rid, rank in page:
            row = self._db.execute("SELECT * FROM records WHERE id = ?", (rid,)).fetchone()
            rows.append((*row, rank))
        return rows

    @staticmethod
    def _where(text: TextQuery, filters: Mapping[str, list[str]]) -> tuple[str, list[Any]]:
        """Without words: the condition on ``records`` of the exclusions and filters."""
        clauses, params = [], []
        if text.exclude:
            clauses.append("id NOT IN (SELECT rowid FROM texts WHERE texts MATCH ?)")
            params.append(text.exclude)
        for facet, values in filters.items():
            marks = ", ".join("?" * len(values))
            clauses.append(f"id IN (SELECT id FROM facets WHERE facet = ? AND value IN ({marks}))")
            params += [facet, *values]
        return (" AND ".join(clauses) or "1"), params

    def _facet(self, facet: str, filters: Mapping[str, list[str]], counts: dict[str, int]) -> list[FacetCount]:
        """The facet's most frequent values (and the ticked ones), labelled."""
        selected = set(filters.get(facet, ()))
        shown = heapq.nlargest(FACET_VALUES, counts.items(), key=lambda vn: (vn[1], vn[0]))
        found = {v for v, _ in shown}
        shown += [(v, counts.get(v, 0)) for v in sorted(selected - found)]
        labels = self._labels((facet, v) for v, _ in shown)
        return sorted(
            (FacetCount(v, *labels.get((facet, v), (v, v)), n, v in selected) for v, n in shown),
            key=lambda c: (-c.count, fold(c.label)),
        )

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        """Whole-index figures (browse counts), kept until the next write."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[no-any-return]

    def _labels(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        found = {}
        for facet, value in keys:
            row = self._db.execute(
                "SELECT label, iri FROM facet_values WHERE facet = ? AND value = ?", (facet, value)
            ).fetchone()
            if row is not None:
                found[(facet, value)] = (row[0], row[1])
        return found

    def _hit(
        self, row: sqlite3.Row | tuple[Any, ...], text: TextQuery, labels: dict[tuple[str, str], tuple[str, str]]
    ) -> Hit:
        (_, iri, kind, title, _, tagline, description, body, keywords, producer, access, themes, score) = row

        def value(facet: str, key: str | None) -> dict[str, str] | None:
            if key is None:
                return None
            label, value_iri = labels.get((facet, key), (key, key))
            return {"value": key, "label": label, "iri": value_iri}

        shown = description or tagline or body
        if text and body and text.first_match(shown) is None and text.first_match(body) is not None:
            shown = body  # the words are only in the body: show where
        return Hit(
            iri=iri,
            href="/" + iri[len(self.base) :] if iri.startswith(self.base) else iri,
            title=title,
            kind=value("kind", kind),
            producer=value("producer", producer),
            access=value("access", access),
            themes=[v for t in json.loads(themes) if (v := value("theme", t)) is not None],
            keywords=json.loads(keywords),
            excerpt=highlight(shown, text, EXCERPT_CHARS),
            title_html=highlight(title, text),
            score=None if score is None else round(-score, 4),
        )


def _facet_keys(row: sqlite3.Row | tuple[Any, ...]) -> list[tuple[str, str]]:
    """(facet, value) pairs of a records row."""
    kind, producer, access, themes = row[2], row[9], row[10], row[11]
    keys = [("kind", kind), ("producer", producer), ("access", access)] + [("theme", t) for t in json.loads(themes)]
    return [(f, v) for f, v in keys if v is not None]


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _drop(db: sqlite3.Connection) -> None:
    for table in ("info", "records", "facets", "facet_values", "texts"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
