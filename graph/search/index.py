"""The full-text index: SQLite FTS5 beside the store, kept in step with it.

One row per searchable record (``records``), its analysed texts in the FTS5 table ``texts`` (same rowid), its
facet values in ``facets``, the keys that name it exactly in ``names`` (``ranking.name_keys``), and the index's
vocabulary (``vocab``: stems and words with their number of records). The store's fingerprint (per-graph triple counts and the meta graph's load records) is
kept with the index: at start-up an index whose fingerprint differs is built again, so writes made while the
service was down are picked up. Writes through the service update the records they touch.

A search finds the records holding every concept of the query (a word, a phrase, a group of synonyms); when
they are fewer than ``finder.FEW``, the records holding any of them, the closest first (``Results.partial``).
The facet values of the found records are counted with a ``FacetTable`` kept beside the index (in memory, read
once, patched by writes); ``finder`` runs the queries and ``ranking`` says in which order records come.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import NamedNode

from graph.errors import BadRequest, StoreError
from graph.search import ranking, vocab
from graph.search.analysis import fold, fold_word, tokens, words
from graph.search.facets import FACETS, FacetTable, Tally
from graph.search.finder import COLUMNS, ORDER_BY, Finder, Found
from graph.search.query import TextQuery, highlight, parse
from graph.search.ranking import Ranked
from graph.search.records import Record, RecordReader
from graph.search.results import SORTS, FacetCount, Hit, Results, Search
from graph.search.vocab import VocabChanges
from graph.store.base import Store

T = TypeVar("T")
VERSION = "4"  # of the schema and the analysis (4: long texts indexed as plain words): another version means a rebuild
EXCERPT_CHARS = 240
FACET_VALUES = 50  # values listed per facet at most, the most frequent first
CACHE_KIB = 65536  # SQLite page cache of the index (the default 2 MB makes a large build seek)
_TAGLINE = " · "

SCHEMA = (
    f"""
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT, title TEXT NOT NULL, sort_key TEXT NOT NULL,
  tagline TEXT NOT NULL, description TEXT NOT NULL, body TEXT NOT NULL, keywords TEXT NOT NULL,
  producer TEXT, access TEXT, themes TEXT NOT NULL, modified TEXT
);
CREATE INDEX IF NOT EXISTS records_sort ON records (sort_key);
CREATE INDEX IF NOT EXISTS records_modified ON records (modified DESC, sort_key, id);
CREATE TABLE IF NOT EXISTS facets (facet TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL,
  PRIMARY KEY (facet, value, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_id ON facets (id);
CREATE TABLE IF NOT EXISTS facet_values (facet TEXT NOT NULL, value TEXT NOT NULL, iri TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY (facet, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names (key TEXT NOT NULL, id INTEGER NOT NULL, whole INTEGER NOT NULL,
  PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS names_id ON names (id);
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5({", ".join(COLUMNS)}, tokenize="unicode61 remove_diacritics 2");
"""
    + vocab.SCHEMA
)
TABLES = ("records", "facets", "facet_values", "names", *vocab.TABLES, "texts")


class SearchIndex:
    """``SearchIndex.open(path)``; ``sync(store)`` at start-up, ``update(store, iris)`` after a write."""

    def __init__(self, connection: sqlite3.Connection, base_iri: str, path: str) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.base = base_iri
        self.path = path
        self._dirty = False  # records updated since the fingerprint was taken
        self._cache: dict[str, Any] = {}
        self._table: FacetTable | None = None
        self._find = Finder(connection)

    @classmethod
    def open(cls, path: str, base_iri: str) -> SearchIndex:
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
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
            for table in TABLES:
                self._db.execute(f"DELETE FROM {table}")
            changes = VocabChanges()
            self._insert(records, changes)
            changes.write(self._db)
            self._set_info(fingerprint)
            self._dirty = False
            self._cache.clear()
            self._table = None
        return len(records)

    def update(self, store: Store, iris: Iterable[NamedNode]) -> int:
        """Index again the records among ``iris`` (and those whose facets name them): changed ones are
        replaced, removed ones dropped. Returns the number of records (re)indexed.

        The stored fingerprint stays the old one until ``checkpoint``: should the process end without it,
        the next start finds the index stale and builds it again."""
        looked, records = RecordReader(store, self.base).some(iris)
        with self._lock, self._transaction():
            changes = VocabChanges()
            self._delete(looked, changes)
            self._insert(records, changes)
            changes.write(self._db)
            self._dirty = True
            self._cache.clear()
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

    def _delete(self, iris: Iterable[str], vocab: VocabChanges) -> None:
        for iri in iris:
            row = self._db.execute("SELECT id FROM records WHERE iri = ?", (iri,)).fetchone()
            if row is None:
                continue
            analysed = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM texts WHERE rowid = ?", (row[0],)).fetchone()
            written = self._db.execute(
                "SELECT title, keywords, tagline, description, body FROM records WHERE id = ?", (row[0],)
            ).fetchone()
            vocab.remove(
                (s for t in analysed or () for s in t.split()), (w for t in written or () for w, _, _ in words(t))
            )
            for table, column in (("records", "id"), ("facets", "id"), ("names", "id"), ("texts", "rowid")):
                self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (row[0],))
            if self._table is not None:
                self._table.drop(row[0])

    def _insert(self, records: list[Record], vocab: VocabChanges) -> None:
        db = self._db
        for r in records:
            if not r.title:
                continue
            themes = [v.key for v in r.themes]
            cursor = db.execute(
                "INSERT INTO records (iri, kind, title, sort_key, tagline, description, body, keywords, producer,"
                " access, themes, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.iri,
                    r.kind.key if r.kind else None,
                    r.title,
                    fold(r.title).strip(),
                    _TAGLINE.join(r.tagline),
                    r.description,
                    r.body,
                    json.dumps(r.keywords, ensure_ascii=False),
                    r.producer.key if r.producer else None,
                    r.access.key if r.access else None,
                    json.dumps(themes, ensure_ascii=False),
                    r.modified,
                ),
            )
            rid = cursor.lastrowid
            assert rid is not None
            context = " ".join(v.label for v in r.facets)
            texts = (r.title, " ".join(r.keywords), " ".join(r.tagline), r.description, r.body, context)
            analysed = [tokens(t) for t in texts]
            db.execute(
                f"INSERT INTO texts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, *(" ".join(s for _, s in found) for found in analysed)),
            )
            vocab.add([pair for found in analysed for pair in found])
            names = ranking.name_keys(r.title, r.tagline)
            db.executemany("INSERT INTO names VALUES (?, ?, ?)", ((k, rid, int(whole)) for k, whole in names.items()))
            for v in r.facets:
                db.execute("INSERT OR IGNORE INTO facets VALUES (?, ?, ?)", (v.facet, v.key, rid))
                db.execute("INSERT OR REPLACE INTO facet_values VALUES (?, ?, ?, ?)", (v.facet, v.key, v.iri, v.label))
                if self._table is not None:
                    self._table.labels[(v.facet, v.key)] = (v.label, v.iri)
            if self._table is not None:
                key = {f: v.key for f, v in (("kind", r.kind), ("producer", r.producer), ("access", r.access)) if v}
                self._table.put(rid, _facet_values(key.get("kind"), key.get("producer"), key.get("access"), themes))

    # --- searching ------------------------------------------------------------------------------------------

    def search(self, search: Search) -> Results:
        """Ranked hits of one page, the total, and per facet the counts of its values among the records that
        match the text and the other facets' filters (so that a ticked value's alternatives keep their count);
        a correction of the words the index does not know."""
        start = time.perf_counter()
        if search.page < 1 or search.per_page < 1:
            raise BadRequest("page and per_page are counted from 1")
        if search.sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {search.sort!r}")
        with self._lock:
            text = parse(search.q.strip(), known=lambda stem: self._find.docs(stem) > 0)
            filters = self._check_filters(search.filters)
            table = self._facets()
            try:
                found = self._find.find(text, table.ids())
                if found is None and not filters:
                    tally = self._cached("browse", lambda: table.tally(table.ids(), {}))
                else:
                    tally = table.tally(found.ids if found else table.ids(), filters)
                rows = self._page(text, found, tally, filters, search)
            except sqlite3.OperationalError as e:  # an expression FTS5 cannot read: say so, in the caller's terms
                raise BadRequest(f"the search text cannot be understood: {e}") from None
            facets = {f: self._facet(f, filters, tally.counts[f], table) for f in FACETS}
            suggestion = self._find.suggestion(text) if text else None
        hits = [self._hit(row, text, table.labels) for row in rows]
        every = None
        if found is not None and text:
            every = tally.total if found.every is None else sum(1 for i in tally.passing if i in found.every)
        millis = round((time.perf_counter() - start) * 1000, 2)
        partial = found is not None and found.partial
        results = Results(search.q, filters, tally.total, search.page, search.per_page, hits, facets, millis)
        results.sort, results.partial, results.all_words, results.suggestion = search.sort, partial, every, suggestion
        return results

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

    def _facets(self) -> FacetTable:
        """The facet table, read from the index the first time (then patched by each write)."""
        if self._table is None:
            table = FacetTable()
            themes: dict[str, list[str]] = {}
            for rid, kind, producer, access, theme_list in self._db.execute(
                "SELECT id, kind, producer, access, themes FROM records"
            ):
                if theme_list not in themes:
                    themes[theme_list] = json.loads(theme_list)
                table.put(rid, _facet_values(kind, producer, access, themes[theme_list]))
            for facet, value, iri, label in self._db.execute("SELECT facet, value, iri, label FROM facet_values"):
                table.labels[(facet, value)] = (label, iri)
            self._table = table
        return self._table

    def _page(
        self, text: TextQuery, found: Found | None, tally: Tally, filters: Mapping[str, list[str]], search: Search
    ) -> list[tuple[Any, ...]]:
        """The records of the page, with their BM25 score when ranked."""
        offset, limit = (search.page - 1) * search.per_page, search.per_page
        passing = set(tally.passing) if filters else None
        if found is None or not text:  # no words: everything (but the exclusions)
            where, params = self._where(text, filters)
            order = ORDER_BY["date" if search.sort == "date" else "title"]
            sql = f"SELECT r.id, NULL FROM records r WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
            page = [Ranked(rid, None) for rid, _ in self._db.execute(sql, (*params, limit, offset))]
        elif search.sort in ORDER_BY:
            page = self._find.sorted(found, search.sort, passing, offset, limit, self._cached("records", self.count))
        else:
            records = self._cached("records", self.count)
            page = self._find.ranked(text, found, passing, offset + limit, records)[offset : offset + limit]
        rows = []
        for r in page:
            row = self._db.execute("SELECT * FROM records WHERE id = ?", (r.rid,)).fetchone()
            rows.append((*row, r.bm25))
        return rows

    @staticmethod
    def _where(text: TextQuery, filters: Mapping[str, list[str]]) -> tuple[str, list[Any]]:
        """Without words: the condition on ``records`` of the exclusions and filters."""
        clauses, params = [], []
        if text.exclude:
            clauses.append("r.id NOT IN (SELECT rowid FROM texts WHERE texts MATCH ?)")
            params.append(text.exclude)
        for facet, values in filters.items():
            marks = ", ".join("?" * len(values))
            clauses.append(f"r.id IN (SELECT id FROM facets WHERE facet = ? AND value IN ({marks}))")
            params += [facet, *values]
        return (" AND ".join(clauses) or "1"), params

    def _facet(
        self, facet: str, filters: Mapping[str, list[str]], counts: dict[str, int], table: FacetTable
    ) -> list[FacetCount]:
        """The facet's most frequent values (and the ticked ones), labelled."""
        selected = set(filters.get(facet, ()))
        shown = heapq.nlargest(FACET_VALUES, counts.items(), key=itemgetter(1))
        found = {v for v, _ in shown}
        shown += [(v, counts.get(v, 0)) for v in sorted(selected - found)]
        return sorted(
            (FacetCount(v, *table.labels.get((facet, v), (v, v)), n, v in selected) for v, n in shown),
            key=lambda c: (-c.count, fold_word(c.label)),
        )

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        """Whole-index figures (browse counts, number of records), kept until the next write."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[no-any-return]

    def _hit(
        self, row: sqlite3.Row | tuple[Any, ...], text: TextQuery, labels: Mapping[tuple[str, str], tuple[str, str]]
    ) -> Hit:
        (_, iri, kind, title, _, tagline, description, body, keywords, producer, access, themes, modified, score) = row

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
            modified=modified,
        )


def _facet_values(
    kind: str | None, producer: str | None, access: str | None, themes: Sequence[str]
) -> dict[str, Sequence[str]]:
    single = {"kind": kind, "producer": producer, "access": access}
    return {"theme": themes} | {f: (v,) for f, v in single.items() if v is not None}


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _drop(db: sqlite3.Connection) -> None:
    for table in ("info", *TABLES):
        db.execute(f"DROP TABLE IF EXISTS {table}")
