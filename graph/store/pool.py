"""Running SPARQL queries with a timeout that really stops them.

pyoxigraph cannot cancel a query from Python, so the endpoint's queries run in worker processes, each on a
read-only snapshot (a RocksDB checkpoint) of the store. When a query runs past ``query_timeout`` its worker
is killed and replaced: the work stops. Writes go to the primary store in the service process; after each
write a new snapshot is taken and the workers switch to it on their next query.

The answer is written whole to a temporary file by the worker; only then is the HTTP status decided and the
file streamed. A timeout, a syntax error or a too-large answer is therefore always an error status, never a
200 with a cut body.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import shutil
import tempfile
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph._sparqltext import describe_syntax_error
from graph.errors import QuerySyntaxError, StoreError
from graph.store import _worker
from graph.store.queries import Answer, Job, QueryLimits, QueryRequest, QueryTimeout, Reply, too_large

if TYPE_CHECKING:
    from graph.store.embedded import EmbeddedStore

log = logging.getLogger("ressourcerie.query")
KEEP_SNAPSHOTS = 3


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


class QueryPool:
    """The embedded store's query runner: worker processes on snapshots of the store."""

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
        self._tmp = tempfile.mkdtemp(prefix="ressourcerie-answers-")
        # snapshots sit beside the store; what a previous run left there is removed
        self._snapshots = store.path.with_name(store.path.name + "-snapshots")
        shutil.rmtree(self._snapshots, ignore_errors=True)
        self._snapshots.mkdir(parents=True)
        self._generation = 0
        self._snapshot_lock = threading.Lock()
        self._snapshot: str = ""
        self.refresh()
        self._size = limits.workers
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []

    def refresh(self) -> None:
        """Take a new snapshot of the store (after a write); workers switch to it on their next query."""
        with self._snapshot_lock:
            self._generation += 1
            target = self._snapshots / str(self._generation)
            self.store.backup(target)
            self._snapshot = str(target)
            # a query still running on an older snapshot keeps it for two more writes; workers move on
            # to the newest one at their next query
            stale = self._snapshots / str(self._generation - KEEP_SNAPSHOTS)
        shutil.rmtree(stale, ignore_errors=True)

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self._size):
            worker = await asyncio.to_thread(_Worker, self._ctx, self._tmp)
            self._all.append(worker)
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        for worker in self._all:
            worker.kill()
        self._all.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)
        shutil.rmtree(self._snapshots, ignore_errors=True)

    async def run(self, request: QueryRequest) -> Answer:
        if self._idle is None:
            await self.start()
        assert self._idle is not None
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=self.queue_timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"every query worker stayed busy for {self.queue_timeout:g} s (queue_timeout; "
                f"query_workers = {self._size}); try again later"
            ) from None
        job = Job(request, self._snapshot, self.max_rows, self.cap)
        try:
            worker.conn.send(job)
            ready = await _readable(worker.conn, self.timeout)
            if not ready:
                raise QueryTimeout(
                    f"the query ran longer than {self.timeout:g} s (query_timeout) and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask for a longer timeout"
                )
            reply: Reply = worker.conn.recv()
        except QueryTimeout:
            log.warning("query stopped after %.1f s: %s", self.timeout, request.query[:200])
            worker = await self._replace(worker)
            raise
        except (EOFError, OSError, BrokenPipeError) as e:
            worker = await self._replace(worker)
            raise StoreError(f"the query worker failed: {e}") from None
        finally:
            self._idle.put_nowait(worker)
        if reply.error is not None:
            if reply.error == "syntax":
                raise QuerySyntaxError(describe_syntax_error(SyntaxError(reply.message)))
            if reply.error == "too_large":
                raise too_large(reply.rows)
            log.error("query failed: %s", reply.message)
            raise StoreError(f"the query failed: {reply.message}")
        assert reply.kind is not None
        return Answer(reply.kind, Path(reply.path) if reply.path else None, reply.rows, reply.truncated, reply.body)

    async def _replace(self, worker: _Worker) -> _Worker:
        await asyncio.to_thread(worker.kill)
        fresh = await asyncio.to_thread(_Worker, self._ctx, self._tmp)
        self._all[self._all.index(worker)] = fresh
        return fresh
