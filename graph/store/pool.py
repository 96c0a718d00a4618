"""Running SPARQL queries with a timeout that really stops them, in worker processes that share fairly.

pyoxigraph cannot cancel a query from Python, so the endpoint's queries run in worker processes, each on a
read-only snapshot (a RocksDB checkpoint) of the store. When a query runs past ``query_timeout`` its worker
is killed and replaced: the work stops. Writes go to the primary store in the service process; after each
write a new snapshot is taken and the workers switch to it on their next query. A snapshot is deleted only
once it is neither the newest nor read by a query in flight.

Who runs next is decided by the lanes (``graph.store.lanes``): the named-query pages have their own workers
(``named_query_workers``), and /sparql's are shared fairly between clients (``client_queries``), with one worker
kept for short queries (``short_query_seconds``).

The answer is written whole to a temporary file by the worker; only then is the HTTP status decided and the
file streamed. A timeout, a syntax error or a too-large answer is therefore always an error status, never a
200 with a cut body. A worker that dies while it runs a query (a parser's stack overflow on a query nested too
deeply) answers 400: the query is at fault, and the worker is replaced.

Snapshots and answer files live in ``<store_path>-snapshots/``, which is emptied when the service starts: what
a killed service left there is removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import metrics
from graph._sparqltext import describe_syntax_error
from graph.errors import QuerySyntaxError, StoreError
from graph.store import _worker
from graph.store.lanes import Lane, Ticket, heavy
from graph.store.queries import (
    Answer,
    Job,
    QueryCrashed,
    QueryLimits,
    QueryRequest,
    QueryTimeout,
    Reply,
    too_large,
)

if TYPE_CHECKING:
    from graph.store.embedded import EmbeddedStore

log = logging.getLogger("ressourcerie.query")


class _Worker:
    def __init__(self, ctx: Any, tmpdir: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(target=_worker.main, args=(child, tmpdir), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


async def _readable(conn: Connection, timeout: float) -> bool:
    """Wait until the worker has answered (its pipe is readable), without a thread: True, or False at timeout."""
    if conn.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    fd = conn.fileno()

    def answered() -> None:
        if not ready.done():
            ready.set_result(True)

    loop.add_reader(fd, answered)
    try:
        return await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        # uvloop makes a file it watches non-blocking; the answer is then read whole with a blocking recv
        os.set_blocking(fd, True)


class Snapshots:
    """The checkpoints of the store that the workers read: a new one after each write, each kept as long as it is
    the newest or a query reads it (``take``/``release``), then deleted."""

    def __init__(self, store: EmbeddedStore, directory: Path) -> None:
        self.store = store
        self.directory = directory
        self._lock = threading.Lock()  # refresh runs in the writer's thread, take and release in the event loop
        self._generation = 0
        self._current = ""
        self._readers: dict[str, int] = {}
        self._taken: list[str] = []  # the snapshots this service has taken and not yet deleted, oldest first

    def refresh(self) -> None:
        with self._lock:
            self._generation += 1
            target = self.directory / str(self._generation)
            self.store.backup(target)
            self._current = str(target)
            self._taken.append(self._current)
            stale = self._unread()
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)

    @property
    def current(self) -> str:
        """The newest snapshot's directory."""
        with self._lock:
            return self._current

    def take(self) -> str:
        with self._lock:
            self._readers[self._current] = self._readers.get(self._current, 0) + 1
            return self._current

    def release(self, path: str) -> None:
        with self._lock:
            self._readers[path] -= 1
            if self._readers[path] == 0:
                del self._readers[path]
            stale = self._unread()
        for old in stale:
            shutil.rmtree(old, ignore_errors=True)

    def kept(self) -> list[str]:
        """The snapshots on disk, oldest first."""
        return sorted((str(p) for p in self.directory.iterdir() if p.name.isdigit()), key=lambda p: int(Path(p).name))

    def _unread(self) -> list[str]:
        """The snapshots to delete now, taken off the list (called with the lock held)."""
        stale = [p for p in self._taken if p != self._current and p not in self._readers]
        self._taken = [p for p in self._taken if p not in stale]
        return stale


class QueryPool:
    """The embedded store's query runner: worker processes on snapshots of the store, in two lanes."""

    def __init__(self, store: EmbeddedStore, limits: QueryLimits) -> None:
        if store.path is None:
            raise StoreError("the SPARQL endpoint needs an on-disk store (store_path), not ':memory:'")
        self.store = store
        self.limits = limits
        self.timeout, self.max_rows, self.cap, self.queue_timeout = (
            limits.timeout,
            limits.max_rows,
            limits.cap,
            limits.queue_timeout,
        )
        self._ctx = multiprocessing.get_context("spawn")
        # snapshots and answers sit beside the store; what a previous run left there is removed
        self._dir = store.path.with_name(store.path.name + "-snapshots")
        shutil.rmtree(self._dir, ignore_errors=True)
        self._tmp = str(self._dir / "answers")
        Path(self._tmp).mkdir(parents=True)
        self.snapshots = Snapshots(store, self._dir)
        self.snapshots.refresh()
        self.lanes: dict[str, Lane[_Worker]] = {
            "public": Lane(
                "public", limits.workers, client_queries=limits.client_queries, short_seconds=limits.short_seconds
            ),
            "site": Lane("site", limits.site_workers),
        }
        self._all: list[_Worker] = []
        self._started = False
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    def refresh(self) -> None:
        """Take a new snapshot of the store (after a write); workers switch to it on their next query."""
        self.snapshots.refresh()

    async def start(self) -> None:
        if self._started:
            return
        self._started = True
        spawned = await asyncio.gather(
            *(asyncio.to_thread(self._spawn) for lane in self.lanes.values() for _ in range(lane.size))
        )
        it = iter(spawned)
        for lane in self.lanes.values():
            for _ in range(lane.size):
                worker = next(it)
                self._all.append(worker)
                lane.add(worker)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for worker in self._all:
            worker.kill()
        self._all.clear()
        shutil.rmtree(self._dir, ignore_errors=True)

    async def ready(self) -> bool:
        """Whether a worker answers a query (``ASK {}``) now, within two seconds."""
        try:
            answer = await asyncio.wait_for(self.run(QueryRequest("ASK {}", lane="site")), 2.0)
        except (TimeoutError, QueryTimeout, StoreError):
            return False
        return answer.kind == "boolean"

    async def run(self, request: QueryRequest) -> Answer:
        if not self._started:
            await self.start()
        lane = self.lanes.get(request.lane, self.lanes["public"])
        ticket = Ticket(request.client or "-", long=heavy(request.query))
        deadline = time.monotonic() + self.queue_timeout
        while True:
            waited = time.monotonic()
            try:
                worker = await lane.acquire(ticket, max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                metrics.QUERY_REFUSED.labels(lane.name, "busy").inc()
                raise QueryTimeout(
                    f"every query worker stayed busy for {self.queue_timeout:g} s (queue_timeout; "
                    f"query_workers = {lane.size}); try again later"
                ) from None
            metrics.QUEUE_WAIT.labels(lane.name).observe(time.monotonic() - waited)
            reply = await self._attempt(lane, ticket, worker, request)
            if reply is not None:
                return self._answer(reply)

    async def _attempt(
        self, lane: Lane[_Worker], ticket: Ticket, worker: _Worker, request: QueryRequest
    ) -> Reply | None:
        """Run the query on the worker; None when it was stopped for turning long with no long slot free."""
        snapshot = self.snapshots.take()
        keep: _Worker | None = worker
        try:
            try:
                worker.conn.send(Job(request, snapshot, self.max_rows, self.cap))
            except OSError:  # the worker had died while idle (killed from outside): another one, and try again
                keep = None
                self._replace(lane, worker, "lost")
                lane.requeue(ticket, long=ticket.long)
                return None
            short = lane.short_seconds
            if short is not None and not ticket.long and short < self.timeout:
                if not await _readable(worker.conn, short):
                    if not lane.promote(ticket):
                        keep = None
                        self._replace(lane, worker, "demoted")
                        lane.requeue(ticket)
                        return None
                    ready = await _readable(worker.conn, self.timeout - short)
                else:
                    ready = True
            else:
                ready = await _readable(worker.conn, self.timeout)
            if not ready:
                keep = None
                self._replace(lane, worker, "timeout")
                metrics.QUERY_REFUSED.labels(lane.name, "timeout").inc()
                log.warning("query stopped after %.1f s: %s", self.timeout, request.query[:200])
                raise QueryTimeout(
                    f"the query ran longer than {self.timeout:g} s (query_timeout) and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask for a longer timeout"
                )
            try:
                return worker.conn.recv()  # type: ignore[no-any-return]
            except (EOFError, OSError) as e:
                keep = None
                self._replace(lane, worker, "crash")
                code = worker.process.exitcode
                log.warning("a query ended its worker (%s, exit code %s): %s", e, code, request.query[:200])
                metrics.QUERY_REFUSED.labels(lane.name, "crash").inc()
                raise QueryCrashed(
                    "the query stopped the SPARQL engine (its worker process ended); it is probably too long or "
                    "too deeply nested: simplify it / la requête a arrêté le moteur SPARQL ; simplifiez-la"
                ) from None
        except BaseException:
            if keep is not None and ticket in lane.running:  # cancelled while the worker ran: it cannot be trusted
                keep = None
                self._replace(lane, worker, "cancelled")
            raise
        finally:
            self.snapshots.release(snapshot)
            if ticket in lane.running:
                lane.release(ticket, keep)

    def _answer(self, reply: Reply) -> Answer:
        if reply.error is not None:
            if reply.error == "syntax":
                raise QuerySyntaxError(describe_syntax_error(SyntaxError(reply.message)))
            if reply.error == "too_large":
                raise too_large(reply.rows)
            log.error("query failed: %s", reply.message)  # the detail may name server paths: logged, not sent
            raise StoreError("the query failed on the server; the error has been logged")
        assert reply.kind is not None
        return Answer(reply.kind, Path(reply.path) if reply.path else None, reply.rows, reply.truncated, reply.body)

    def _spawn(self) -> _Worker:
        """A new worker, started and warmed up (it has answered ``ASK {}`` on the newest snapshot), so that no
        query waits for a process to start."""
        worker = _Worker(self._ctx, self._tmp)
        snapshot = self.snapshots.take()
        try:
            worker.conn.send(Job(QueryRequest("ASK {}"), snapshot, 1, "error"))
            if worker.conn.poll(60):
                worker.conn.recv()
        except (EOFError, OSError):
            pass  # a worker that failed to start fails its first query, and is replaced then
        finally:
            self.snapshots.release(snapshot)
        return worker

    def _replace(self, lane: Lane[_Worker], worker: _Worker, why: str) -> None:
        """End a worker and start another in the background; the lane gets it when it is ready."""
        metrics.WORKER_RESTARTS.labels(lane.name, why).inc()
        with contextlib.suppress(ValueError):
            self._all.remove(worker)

        async def replace() -> None:
            await asyncio.to_thread(worker.kill)
            if self._closing:
                return
            fresh = await asyncio.to_thread(self._spawn)
            if self._closing:
                fresh.kill()
                return
            self._all.append(fresh)
            lane.add(fresh)

        task = asyncio.get_running_loop().create_task(replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
