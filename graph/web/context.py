"""What the service's handlers share, built once at start-up."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request

from graph import metrics
from graph.config import Settings
from graph.iris import Iris
from graph.queries import QueryLibrary
from graph.search import SearchIndex
from graph.search.apart import APART_FROM_BYTES, on_disk, sync_apart
from graph.store import open_store
from graph.store.base import Store
from graph.store.queries import QueryLimits, QueryRunner
from graph.validation import Validator
from graph.web.pagecache import Pages
from graph.writer import Change, Writer

log = logging.getLogger("ressourcerie.web")
T = TypeVar("T")
CACHE_SECONDS = 60.0


@dataclass
class Context:
    settings: Settings
    store: Store
    iris: Iris
    writer: Writer
    queries: QueryLibrary
    runner: QueryRunner
    search: SearchIndex

    @classmethod
    def open(cls, settings: Settings) -> Context:
        """Everything speaks the Store interface; /sparql queries go to the store's own query runner."""
        start = time.perf_counter()
        # a large store's index is checked (and built if stale) by a child process, before the store is opened here
        large = settings.store == "embedded" and on_disk(settings.store_path) >= APART_FROM_BYTES
        checked = large and sync_apart(settings)
        store = open_store(settings)
        search = SearchIndex.open(settings.search_index_file, settings.base_iri)
        if checked:
            took = time.perf_counter() - start
            log.info("search index checked by a child process: %d records, %.2f s", search.count(), took)
        elif search.sync(store):  # built when missing, or again when the store changed while the service was down
            log.info("search index built: %d records in %.2f s", search.count(), time.perf_counter() - start)
        iris = Iris(settings.base_iri)
        runner = store.query_runner(QueryLimits.from_settings(settings))
        ctx = cls(settings, store, iris, Writer(store, Validator(), iris), QueryLibrary(), runner, search)
        ctx.pages.enabled = settings.store == "embedded"  # writes to a remote store by others are not seen
        ctx.writer.subscribe(ctx.after_write)
        return ctx

    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)
    pages: Pages = field(default_factory=Pages)  # rendered pages and their validators (graph/web/pagecache.py)
    indexed: int = 0  # the writer's generation the search index has indexed (in step when it is the writer's)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """A whole-store figure (counts, VoID), kept until the next write through the service, or
        ``CACHE_SECONDS`` at most (a remote store may be written by others)."""
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is None or now - hit[0] > CACHE_SECONDS:
            hit = self._cache[key] = (now, compute())
        return hit[1]

    def after_write(self, change: Change) -> None:
        """What follows every write (the writer calls it once per committed write): the query workers move to
        a fresh snapshot, whole-store figures are computed again, and the search index indexes the records
        written again."""
        metrics.WRITES.labels(metrics.operation_label(change.operation)).inc()
        if change.operation.startswith("harvest "):
            metrics.HARVESTS.labels("failed" if change.operation.endswith("(failed)") else "succeeded").inc()
        self.runner.refresh()
        self._cache.clear()
        self.pages.after_write(self.store, change, self.iris.base)
        self.search.update(self.store, change.records)
        if self.indexed == change.generation - 1:  # after a write the index missed, it stays behind (until a restart)
            self.indexed = change.generation

    @property
    def index_lag(self) -> int:
        """Committed writes whose records the search index has not indexed again (0: in step)."""
        return self.writer.generation - self.indexed


def context(request: Request) -> Context:
    return request.app.state.context  # type: ignore[no-any-return]
