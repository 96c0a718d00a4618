"""What the service's handlers share, built once at start-up."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from pyoxigraph import NamedNode

from graph.config import Settings
from graph.ingest import Ingestor
from graph.iris import Iris
from graph.queries import QueryLibrary
from graph.search import SearchIndex
from graph.store import open_store
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore
from graph.store.remote import RemoteStore
from graph.validation import Validator
from graph.web.querypool import QueryPool
from graph.web.remotequeries import RemoteQueries

log = logging.getLogger("ressourcerie.web")
T = TypeVar("T")
CACHE_SECONDS = 60.0


@dataclass
class Context:
    settings: Settings
    store: Store
    iris: Iris
    ingestor: Ingestor
    queries: QueryLibrary
    pool: QueryPool | RemoteQueries
    search: SearchIndex

    @classmethod
    def open(cls, settings: Settings) -> Context:
        """On the embedded store, /sparql queries run in worker processes on its snapshots; on a remote
        store, they are delegated to its endpoint. Everything else speaks the Store interface."""
        store = open_store(settings)
        iris = Iris(settings.base_iri)
        limits = (
            settings.query_workers,
            settings.query_timeout,
            settings.max_result_rows,
            settings.result_cap,
            settings.queue_timeout,
        )
        if isinstance(store, EmbeddedStore):
            pool: QueryPool | RemoteQueries = QueryPool(store, *limits)
        else:
            assert isinstance(store, RemoteStore)
            pool = RemoteQueries(store, *limits)
        search = SearchIndex.open(settings.search_index_file, settings.base_iri)
        start = time.perf_counter()
        if search.sync(store):  # built when missing, or again when the store changed while the service was down
            log.info("search index built: %d records in %.2f s", search.count(), time.perf_counter() - start)
        return cls(settings, store, iris, Ingestor(store, Validator(), iris), QueryLibrary(), pool, search)

    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """A whole-store figure (counts, VoID), kept until the next write through the service, or
        ``CACHE_SECONDS`` at most (a remote store may be written by others)."""
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is None or now - hit[0] > CACHE_SECONDS:
            hit = self._cache[key] = (now, compute())
        return hit[1]  # type: ignore[no-any-return]

    def after_write(self, records: Iterable[NamedNode] | None = None) -> None:
        """Every write through the service ends here: the query workers move to a fresh snapshot, whole-store
        figures are computed again, and the search index follows: the records written (``records``, as the
        Ingestor's ``WriteResult.records`` gives them) are indexed again; without them, the whole index is
        checked against the store and rebuilt if it differs."""
        self.pool.refresh()
        self._cache.clear()
        if records is None:
            self.search.sync(self.store)
        else:
            self.search.update(self.store, records)


def context(request: Request) -> Context:
    return request.app.state.context  # type: ignore[no-any-return]
