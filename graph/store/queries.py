"""Queries from /sparql and the named-query pages: what is asked, what comes back, who runs them.

Each store backend provides its ``QueryRunner`` (``Store.query_runner``): worker processes on snapshots for the
embedded store (``graph.store.pool``), delegation to its endpoint for a remote one (``graph.store.delegate``).
The messages are typed dataclasses; the worker's are pickled through a pipe, so this module imports nothing but
the standard library and pyoxigraph (a worker starts fast and small).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from pyoxigraph import BlankNode, NamedNode
from pyoxigraph import Literal as RdfLiteral

from graph.errors import RessourcerieError

if TYPE_CHECKING:
    from graph.config import Settings

AnswerKind = Literal["boolean", "solutions", "graph"]
RESULTS_JSON = "application/sparql-results+json"


class QueryTimeout(RessourcerieError):
    status = 503


class AnswerTooLarge(RessourcerieError):
    status = 422


class QueryCrashed(RessourcerieError):
    """The query ended the process that ran it (a parser's stack overflow on deep nesting): the query's fault."""

    status = 400


@dataclass(frozen=True)
class QueryLimits:
    workers: int = 2
    timeout: float = 30.0  # seconds a query may run
    max_rows: int = 100_000
    cap: str = "error"  # past max_rows: "error" (422) or "truncate"
    queue_timeout: float = 60.0  # seconds a query may wait for a free worker
    client_queries: int = 1  # queries one client may have running at once at /sparql
    short_seconds: float = 0.5  # past this a /sparql query is long; long ones leave a worker free
    site_workers: int = 1  # workers of the named-query pages

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            settings.query_workers,
            settings.query_timeout,
            settings.max_result_rows,
            settings.result_cap,
            settings.queue_timeout,
            settings.client_queries,
            settings.short_query_seconds,
            settings.named_query_workers,
        )


@dataclass(frozen=True)
class QueryRequest:
    """One query as the endpoint or a named-query page asks it."""

    query: str
    graph: bool = False  # CONSTRUCT or DESCRIBE: the answer is triples
    default_graphs: list[str] | None = None  # the protocol's default-graph-uri ("" for the default graph)
    named_graphs: list[str] | None = None  # named-graph-uri
    base_iri: str | None = None
    prefixes: dict[str, str] | None = None  # declared for the query (named queries use ours)
    bindings: dict[str, NamedNode | BlankNode | RdfLiteral] | None = None  # parameters, as RDF terms
    results_format: str = RESULTS_JSON  # media type of a SELECT or ASK answer
    graph_format: str = "text/turtle"  # media type of a CONSTRUCT or DESCRIBE answer
    out_prefixes: dict[str, str] | None = None  # prefixes used to write a graph answer
    union: bool = True  # without a dataset, the default graph is the union of the named graphs
    client: str = ""  # who asks (an IP address): /sparql's workers are shared fairly between clients
    lane: Literal["public", "site"] = "public"  # "site": a named-query page, run by the site's own workers


@dataclass(frozen=True)
class Job:
    """What a worker process is sent: the request, the snapshot to read and the row cap."""

    request: QueryRequest
    snapshot: str
    max_rows: int
    cap: str


@dataclass(frozen=True)
class Reply:
    """What a worker sends back: an answer, or an error (``syntax``, ``too_large`` or ``internal``)."""

    kind: AnswerKind | None = None
    path: str | None = None  # a large answer, in a file
    body: bytes | None = None  # a small answer, in memory
    rows: int = 0
    truncated: bool = False
    error: str | None = None
    message: str = ""


@dataclass
class Answer:
    kind: AnswerKind
    path: Path | None  # a large answer, in a file (the reader deletes it)
    rows: int
    truncated: bool
    body: bytes | None = None  # a small answer, in memory


class QueryRunner(Protocol):
    """Runs queries under the limits, deciding the status before the first byte of an answer is sent."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def refresh(self) -> None:
        """After a write: read the store as it is now."""
        ...

    async def run(self, request: QueryRequest) -> Answer: ...

    async def ready(self) -> bool:
        """Whether a query is answered now (``ASK {}``, within a second): the service's readiness."""
        ...


def too_large(max_rows: int) -> AnswerTooLarge:
    return AnswerTooLarge(
        f"the answer has more than {max_rows} rows (max_result_rows); "
        "page through it with LIMIT and OFFSET, or narrow the query"
    )
