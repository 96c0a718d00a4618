"""What the service's handlers share, built once at start-up."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request

from graph.config import Settings
from graph.ingest import Ingestor
from graph.iris import Iris
from graph.queries import QueryLibrary
from graph.store import open_store
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore
from graph.store.remote import RemoteStore
from graph.validation import Validator
from graph.web.querypool import QueryPool
from graph.web.remotequeries import RemoteQueries

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
        return cls(settings, store, iris, Ingestor(store, Validator(), iris), QueryLibrary(), pool)

    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """A whole-store figure (counts, VoID), kept until the next write through the service, or
        ``CACHE_SECONDS`` at most (a remote store may be written by others)."""
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is None or now - hit[0] > CACHE_SECONDS:
            hit = self._cache[key] = (now, compute())
        return hit[1]  # type: ignore[no-any-return]

    def after_write(self) -> None:
        """Every write through the service ends here: the query workers move to a fresh snapshot and
        whole-store figures are computed again."""
        self.pool.refresh()
        self._cache.clear()


def context(request: Request) -> Context:
    return request.app.state.context  # type: ignore[no-any-return]
