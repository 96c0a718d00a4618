"""The community database: one SQLite file beside the store (``community_path``) holding what must stay private
or is the service's own bookkeeping: accounts and their sessions, follows, the mail queue, and the change
journal the Atom feeds are read from. Nothing here is ever written to the public store.

One connection, shared by the service's threads under a lock; each write is its own transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
  sub TEXT PRIMARY KEY, email TEXT NOT NULL, given_name TEXT NOT NULL DEFAULT '', usual_name TEXT NOT NULL DEFAULT '',
  siret TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '', shown_name TEXT NOT NULL DEFAULT '',
  person TEXT, contactable INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, sub TEXT NOT NULL, id_token TEXT NOT NULL DEFAULT '', created REAL NOT NULL, expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sub ON sessions (sub);
CREATE TABLE IF NOT EXISTS follows (
  sub TEXT NOT NULL, target TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (sub, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS follows_target ON follows (target);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
  reply_to TEXT NOT NULL DEFAULT '', created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_try REAL NOT NULL, sent REAL, error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (sent, next_try);
CREATE TABLE IF NOT EXISTS changes (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, operation TEXT NOT NULL, label TEXT NOT NULL, size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS change_records (
  change INTEGER NOT NULL, record TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (change, record)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS change_records_record ON change_records (record, change);
"""


class Database:
    """``Database.open(path)``; ``read(sql, args)`` and ``write(sql, args)``, or ``transaction()`` for several."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: str) -> Database:
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the community database at {path}: {e}") from None
        return cls(db, path)

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def one(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.read(sql, args)
        return rows[0] if rows else None

    def write(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; the id of the row it inserted (or 0)."""
        with self.transaction() as db:
            return db.execute(sql, args).lastrowid or 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
