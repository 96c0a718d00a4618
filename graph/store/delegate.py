"""/sparql on a remote SPARQL store: queries are delegated to its endpoint.

The query goes to the store by form POST with the request's dataset, under ``query_timeout`` (the HTTP
request is abandoned then and 503 is sent; set the store's own query timeout too, since an abandoned query
may go on running there). The answer is read whole, checked (an answer the store cut, ``X-SPARQL-MaxRows``,
is an error), written in the negotiated format with the same ``max_result_rows`` cap as the embedded
endpoint, to a temporary file; only then is the status decided and the file streamed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pyoxigraph
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from graph import metrics
from graph._sparqltext import keywords
from graph.errors import QuerySyntaxError, StoreError
from graph.http import Http, HttpFailure
from graph.store import _worker
from graph.store._remotetext import prepare
from graph.store._scratch import scratch_dir
from graph.store.lanes import Lane, Ticket, heavy
from graph.store.queries import Answer, AnswerKind, AnswerTooLarge, QueryLimits, QueryRequest, QueryTimeout, too_large

if TYPE_CHECKING:
    from graph.store.remote import RemoteStore

RESULTS_JSON = QueryResultsFormat.JSON.media_type
GRAPHS_TTL = 5.0  # seconds the list of graphs is kept (writes through the service clear it at once)
GRAPH_NT = RdfFormat.N_TRIPLES.media_type


class DelegatedQueries:
    """A remote store's query runner: each query is sent to its endpoint, at most ``workers`` at a time."""

    def __init__(self, store: RemoteStore, limits: QueryLimits) -> None:
        self.store = store
        self.timeout, self.max_rows, self.cap, self.queue_timeout = (
            limits.timeout,
            limits.max_rows,
            limits.cap,
            limits.queue_timeout,
        )
        # at most ``workers`` queries at once at /sparql, shared fairly between clients, and the named-query
        # pages' own (graph.store.lanes; a remote query cannot be stopped, so none is found long and stopped)
        self.lanes: dict[str, Lane[int]] = {
            "public": Lane("public", limits.workers, client_queries=limits.client_queries),
            "site": Lane("site", limits.site_workers),
        }
        self._started = False
        self._tmp = scratch_dir()
        self._http = Http(timeout=self.timeout, connect=10.0)  # no retries: a query has its time limit
        self._graphs: tuple[float, list[str]] | None = None

    def refresh(self) -> None:
        """After a write: the list of graphs may have changed."""
        self._graphs = None

    def _dataset(self) -> list[str]:
        """The store's named graphs, without temporary and system ones (cached a few seconds).

        A query that names no dataset gets them as its default and named graphs, so it reads what the
        embedded store's union would, and never the temporary graph of a replacement under way.
        """
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > GRAPHS_TTL:
            self._graphs = (now, [g.value for g in self.store.graph_names()])
        return self._graphs[1]

    async def start(self) -> None:
        if not self._started:
            self._started = True
            for lane in self.lanes.values():
                for slot in range(lane.size):
                    lane.add(slot)

    async def ready(self) -> bool:
        try:
            answer = await asyncio.wait_for(self.run(QueryRequest("ASK {}", lane="site")), 5.0)
        except (TimeoutError, QueryTimeout, StoreError, QuerySyntaxError):
            return False
        if answer.path is not None:
            answer.path.unlink(missing_ok=True)
        return answer.kind == "boolean"

    async def close(self) -> None:
        self._http.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    async def run(self, request: QueryRequest) -> Answer:
        await self.start()
        lane = self.lanes.get(request.lane, self.lanes["public"])
        ticket = Ticket(request.client or "-", long=heavy(request.query))
        waited = time.monotonic()
        try:
            slot = await lane.acquire(ticket, self.queue_timeout)
        except TimeoutError:
            metrics.QUERY_REFUSED.labels(lane.name, "busy").inc()
            raise QueryTimeout(f"every query slot stayed busy for {self.queue_timeout:g} s (queue_timeout)") from None
        metrics.QUEUE_WAIT.labels(lane.name).observe(time.monotonic() - waited)
        try:
            return await asyncio.to_thread(self._execute, request)
        finally:
            lane.release(ticket, slot)

    def _execute(self, request: QueryRequest) -> Answer:
        text = request.query
        if request.bindings or request.prefixes:  # a named query: our prefixes, bound parameters
            text = prepare(text, request.bindings)
        form: dict[str, str | list[str]] = {"query": text}
        if request.default_graphs or request.named_graphs:
            if request.default_graphs:
                form["default-graph-uri"] = request.default_graphs
            if request.named_graphs:
                form["named-graph-uri"] = request.named_graphs
        elif "FROM" not in keywords(request.query):
            graphs = self._dataset()
            if graphs:
                form["default-graph-uri"] = graphs
                form["named-graph-uri"] = graphs
        accept = f"{GRAPH_NT}, text/turtle;q=0.9, text/plain;q=0.5" if request.graph else RESULTS_JSON
        try:
            response = self._http.request("POST", self.store.query_url, data=form, headers={"Accept": accept})
        except HttpFailure as e:
            if e.timed_out:
                raise QueryTimeout(
                    f"the query ran longer than {self.timeout:g} s (query_timeout) and was abandoned; narrow it "
                    "(LIMIT, more specific patterns)"
                ) from None
            raise StoreError(f"the SPARQL store at {self.store.query_url} did not answer: {e.reason}") from None
        if response.status_code == 400:
            raise QuerySyntaxError(f"the SPARQL store refused the query: {response.text[:500].strip()}")
        if response.status_code >= 300:
            raise StoreError(f"the SPARQL store failed ({response.status_code}): {response.text[:300].strip()}")
        if response.headers.get("X-SPARQL-MaxRows") is not None:
            raise AnswerTooLarge(
                f"the SPARQL store cut the answer at {response.headers['X-SPARQL-MaxRows']} rows; page through "
                "it with LIMIT and OFFSET, or narrow the query"
            )
        return self._rewrite(response, request)

    def _rewrite(self, response: httpx.Response, request: QueryRequest) -> Answer:
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        fd, name = tempfile.mkstemp(dir=self._tmp, suffix=".answer")
        try:
            with os.fdopen(fd, "wb") as out:
                kind: AnswerKind
                if not request.graph:
                    result = pyoxigraph.parse_query_results(response.content, format=QueryResultsFormat.JSON)
                    if isinstance(result, QueryBoolean):
                        _worker.write_boolean(out, bool(result), request.results_format)
                        kind, rows, truncated = "boolean", 1, False
                    else:
                        assert isinstance(result, QuerySolutions)
                        rows, truncated = _worker.write_solutions(out, result, request.results_format, self.max_rows)
                        kind = "solutions"
                else:
                    source = RdfFormat.from_media_type(media) or RdfFormat.N_TRIPLES  # text/plain: N-Triples
                    triples = (q.triple for q in pyoxigraph.parse(response.content, format=source))
                    counter = _worker._Counter(triples, self.max_rows)
                    fmt = RdfFormat.from_media_type(request.graph_format)
                    pyoxigraph.serialize(counter, out, fmt, prefixes=request.out_prefixes)
                    kind, rows, truncated = "graph", counter.count, counter.truncated
        except (SyntaxError, ValueError) as e:
            os.unlink(name)
            raise StoreError(f"the SPARQL store sent an answer that cannot be read ({media}): {e}") from None
        if truncated and self.cap == "error":
            os.unlink(name)
            raise too_large(self.max_rows)
        return Answer(kind, Path(name), rows, truncated)
