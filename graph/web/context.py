"""What the service's handlers share, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from graph.config import Settings
from graph.ingest import Ingestor
from graph.iris import Iris
from graph.queries import QueryLibrary
from graph.store.embedded import EmbeddedStore
from graph.validation import Validator
from graph.web.querypool import QueryPool


@dataclass
class Context:
    settings: Settings
    store: EmbeddedStore
    iris: Iris
    ingestor: Ingestor
    queries: QueryLibrary
    pool: QueryPool

    @classmethod
    def open(cls, settings: Settings) -> Context:
        store = EmbeddedStore(settings.store_path)
        iris = Iris(settings.base_iri)
        pool = QueryPool(
            store,
            settings.query_workers,
            settings.query_timeout,
            settings.max_result_rows,
            settings.result_cap,
            settings.queue_timeout,
        )
        return cls(settings, store, iris, Ingestor(store, Validator(), iris), QueryLibrary(), pool)

    def after_write(self) -> None:
        """Every write through the service ends here: the query workers move to a fresh snapshot."""
        self.pool.refresh()


def context(request: Request) -> Context:
    return request.app.state.context  # type: ignore[no-any-return]
