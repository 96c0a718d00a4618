"""Rendered pages kept in memory (bounded, least recently used out first), and the versions their validators
are made of, both moved on by the single writer's notifications.

Two kinds of page:

- a record's page, in any format: its version is the write that last changed the record or a record it shows.
  When a page is rendered, the records it shows that a later write to them might not find again are noted:
  those linking to it, and for HTML every record page it links to (a record it links to itself is found
  again: it still links to it, or it is the one written). A write makes stale the records it touched, the
  records they link to and that link to them after the write, and the pages noted as showing them (which
  covers the neighbours they linked to before the write). A write touching more than ``WIDE`` records (a harvest, a
  load), or none that it names, makes every record stale: a new floor version for all.
- a list (the catalogue pages, VoID, the dump, the home page): its version is the writer's generation, any
  write makes it stale.

With ``coarse`` (pages served by more than one process, ``graph/web/readers.py``), every write makes every page
stale: the versions are then the writer's generation alone, the same in every process.

Pages that depend on the person asking (an HTML page asked with cookies, a response setting one) are neither
kept nor given validators. The validators carry the service's start (``epoch``): a restart makes them stale.
Writes made by others to a remote store are not seen: the cache is on for the embedded store only.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import NamedNode

from graph.iris import Iris
from graph.store.base import Store
from graph.web.caching import Validators, is_current, not_modified, stamp, weak_etag
from graph.writer import Change

CAPACITY = 4096  # pages kept
MAX_BYTES = 64 << 20  # their bodies' total size
WIDE = 500  # a write touching more records makes every record stale at once
MAX_NOTES = 1_000_000  # (shown record, page) pairs noted; beyond, every record is made stale and notes restart

Key = tuple[str, ...]


@dataclass
class Entry:
    etag: str
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]]
    scope: str | None  # the record whose page it is, None for a list


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    not_modified: int = 0
    uncached: int = 0  # personal pages, answers other than 200, pages a write overtook


def base_of(iri: str) -> str:
    """A record's IRI from one of its nodes' (``x#dist`` -> ``x``)."""
    return iri.split("#", 1)[0]


def linking_to(store: Store, iri: str, base: str) -> set[str]:
    """The records under ``base`` that link to the record (from them or their # nodes)."""
    node = NamedNode(iri)
    out = {base_of(q.subject.value) for q in store.quads(None, None, node, None) if isinstance(q.subject, NamedNode)}
    out.discard(iri)
    return {i for i in out if i.startswith(base)}


def neighbours(store: Store, iri: str, base: str) -> set[str]:
    """The records under ``base`` that the record links to (from it and its # nodes) or that link to it."""
    out = {base_of(q.object.value) for q in store.describe(NamedNode(iri)) if isinstance(q.object, NamedNode)}
    out.discard(iri)
    return {i for i in out if i.startswith(base)} | linking_to(store, iri, base)


def linked_records(body: bytes, prefix: str, base: str) -> set[str]:
    """The records whose pages an HTML body links to: ``href="{prefix}{kind}/..."`` -> base + kind/... ."""
    pattern = re.compile(b'href="' + re.escape(prefix.encode()) + rb'([a-z]+)/([^"#?.]+)')
    found = set()
    for m in pattern.finditer(body):
        kind = m.group(1).decode()
        if kind in Iris.KINDS:
            found.add(f"{base}{kind}/{m.group(2).decode()}")
    return found


@dataclass
class Pages:
    capacity: int = CAPACITY
    max_bytes: int = MAX_BYTES
    enabled: bool = True
    coarse: bool = False  # every write makes every page stale (versions shared by processes)
    epoch: str = field(default_factory=lambda: f"{time.time_ns():x}")
    started: float = field(default_factory=time.time)
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0  # the writer's, at its last notification
        self._changed = self.started  # when the last write was told
        self._floor = (0, self.started)  # (generation, time): the version of a record no write has named since
        self._versions: dict[str, tuple[int, float]] = {}
        self._shown_on: dict[str, set[str]] = {}  # record -> records whose pages show it
        self._notes = 0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._by_scope: dict[str, set[Key]] = {}
        self._bytes = 0

    # --- validators ---------------------------------------------------------------------------------------------

    def record_validators(self, iri: str, key: Key) -> Validators:
        with self._lock:
            generation, modified = self._versions.get(iri, self._floor)
        return Validators(weak_etag(self.epoch, iri, generation, *key), modified)

    def list_validators(self, key: Key) -> Validators:
        with self._lock:
            generation, modified = self.generation, self._changed
        return Validators(weak_etag(self.epoch, "list", generation, *key), modified)

    # --- serving ------------------------------------------------------------------------------------------------

    def serve(
        self,
        request: Request,
        key: Key,
        render: Callable[[], Response],
        *,
        record: str | None = None,
        shows: Callable[[Response], Iterable[str]] = lambda _r: (),
        personal: bool = False,
    ) -> Response:
        """The page ``key`` names: 304 when the client's copy is current, else the kept copy when it is current,
        else ``render()`` (kept, with validators, when it is not personal). ``record``: the record whose page it
        is (None: a list); ``shows(response)``: the records a freshly rendered page shows."""
        if not self.enabled or personal or request.method not in ("GET", "HEAD"):
            self.stats.uncached += 1
            return render()
        generation = self.generation
        validators = self.record_validators(record, key) if record else self.list_validators(key)
        if is_current(request, validators):
            self.stats.not_modified += 1
            return not_modified(validators)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.etag == validators.etag:
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return stamp(_replay(entry), validators)
        response = render()
        if response.status_code != 200 or b"set-cookie" in (k for k, _v in response.raw_headers):
            self.stats.uncached += 1
            return response
        shown = set(shows(response)) if record else set()
        with self._lock:
            if self.generation != generation:  # a write landed while it was rendered: not kept, no validators
                self.stats.uncached += 1
                return response
            self.stats.misses += 1
            if record:
                self._note(record, shown)
            self._keep(key, Entry(validators.etag, 200, bytes(response.body), list(response.raw_headers), record))
        return stamp(response, validators)

    # --- following the writer -----------------------------------------------------------------------------------

    def after_write(self, store: Store, change: Change, base: str) -> None:
        """Make stale what the write may have changed (see the module's description). Called by the writer's
        subscriber, under the writer's lock: the next read sees the new versions."""
        now = time.time()
        touched = {base_of(r.value) for r in change.records}
        stale: set[str] = set()
        if touched and len(touched) <= WIDE and not self.coarse:
            stale = set(touched)
            for iri in touched:
                stale |= neighbours(store, iri, base)
        with self._lock:
            self.generation = change.generation
            self._changed = now
            if not stale:
                self._reset(now)
                return
            for iri in touched:
                stale |= self._shown_on.pop(iri, set())
            for iri in stale:
                self._versions[iri] = (change.generation, now)
                for key in self._by_scope.pop(iri, set()):
                    self._drop(key)
            for key in [k for k, e in self._entries.items() if e.scope is None]:
                self._drop(key)  # lists

    def version(self) -> tuple[int, float]:
        """The writer's generation at its last notification, and when it came."""
        with self._lock:
            return self.generation, self._changed

    def follow(self, generation: int, changed: float) -> None:
        """In a process that does not write (``graph/web/readers.py``): the writer's ``version()`` has moved on,
        every page is stale."""
        with self._lock:
            self.generation = generation
            self._changed = changed
            self._reset(changed)

    def _reset(self, now: float) -> None:
        self._floor = (self.generation, now)
        self._versions.clear()
        self._shown_on.clear()
        self._notes = 0
        self._entries.clear()
        self._by_scope.clear()
        self._bytes = 0

    def _note(self, record: str, shown: set[str]) -> None:
        for iri in shown:
            pages = self._shown_on.setdefault(iri, set())
            if record not in pages:
                pages.add(record)
                self._notes += 1
        if self._notes > MAX_NOTES:  # too much to follow: every page is made stale once, notes start again
            self._reset(time.time())

    def _keep(self, key: Key, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return
        self._drop(key)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        if entry.scope:
            self._by_scope.setdefault(entry.scope, set()).add(key)
        while self._entries and (len(self._entries) > self.capacity or self._bytes > self.max_bytes):
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= len(entry.body)
        if entry.scope:
            keys = self._by_scope.get(entry.scope)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_scope[entry.scope]

    def __len__(self) -> int:
        return len(self._entries)


def _replay(entry: Entry) -> Response:
    response = Response(entry.body, status_code=entry.status)
    response.raw_headers = list(entry.headers)
    return response
