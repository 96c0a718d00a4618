"""Pages served by more than one process (``page_processes``): the process that writes, and readers beside it.

A page is mostly Python, so one process renders one page at a time, whatever the cores. With ``page_processes``
set to N, ``ressourcerie serve`` starts N reader processes that accept connections on the same listening socket
as the service. A reader answers the requests any anonymous visitor makes for a record page (any format), a
catalogue page or VoID (GET or HEAD, no cookie, no ``Authorization``), and passes every other request, as it
came, to the writing process over a Unix socket: writes, /sparql, search, sign-in, moderation, forms, metrics.
The writing process then knows the client's address from the reader (``X-Forwarded-For``, believed only on
that socket).

A reader reads the store through the snapshots the SPARQL workers already read (``graph/store/pool.py``): after
each write, the writing process takes one, then publishes it beside them, before the write's answer leaves.
Each reader looks for a newer one (one ``stat``) before each page and opens its own copy of it
(``graph/store/following.py``). A page asked after a write's answer is therefore rendered from the store with
the write, whichever process renders it. A reader that stops is started again (at most every
``RESTART_SECONDS``); meanwhile the other processes take its connections.

Kept pages and their validators stay coherent across processes by being coarse: every write makes every kept
page stale in every process, and a page's ``ETag`` and ``Last-Modified`` are made of the writer's generation, the
time of that write and the service's start, which the readers take from the writing process. A ``304`` from
any process therefore means what it would mean from the writing one.

``/metrics`` is the writing process's, with each reader's merged in (read over the reader's own Unix socket),
every sample labelled with its ``process``.

Each answer says which process made it, in ``Ressourcerie-Process``: ``writer``, ``reader N``, or ``writer via
reader N`` for a request a reader passed on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.config import ConfigError, Settings
from graph.errors import StoreError
from graph.iris import Iris
from graph.store.following import Follower, FollowingStore, publish, snapshots_of
from graph.store.queries import Answer, QueryRequest
from graph.web.context import Context
from graph.writer import Change

log = logging.getLogger("ressourcerie.readers")

PROCESS = b"ressourcerie-process"  # which process answered: "writer", "reader N", "writer via reader N"
# what readers answer themselves (with the record kinds' own paths)
READ_PATHS = ("/catalog", "/catalog/software", "/.well-known/void")
READ_PREFIXES = ("/catalog.", "/.well-known/void.", "/static/", "/media/", "/assets/")
READY_SECONDS = 120.0  # a reader's start: imports, the store's copy opened, the app built
RESTART_SECONDS = 10.0  # a reader that stops is started again, at most once in this time
HOP_BY_HOP = frozenset((b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"te", b"trailer"))
NOT_PASSED_BACK = frozenset((b"date", b"server", b"connection", b"keep-alive", PROCESS))


# --- the writing process ---------------------------------------------------------------------------------------


def lead(ctx: Context) -> Path:
    """Make the service's context the one readers follow: coarse kept pages, and the pointer to the newest
    snapshot published now and after every write (the writer's last subscriber: the snapshot is taken by then).
    Returns the snapshots' directory."""
    directory, newest = snapshots_of(ctx.runner)
    ctx.pages.coarse = True
    ctx.pages.follow(*ctx.pages.version())  # the pages kept so far were kept by their records' own versions

    def tell(_change: Change | None = None) -> None:
        generation, changed = ctx.pages.version()
        publish(
            directory,
            {
                "snapshot": newest(),
                "generation": generation,
                "changed": changed,
                "epoch": ctx.pages.epoch,
            },
        )

    tell()
    ctx.writer.subscribe(tell)
    return directory


class FromReaders:
    """The writing process's outermost middleware: a request a reader passed on (it came over the Unix socket,
    which has no client address) gets the client's address and scheme the reader saw."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not scope.get("client"):
            headers = dict(scope["headers"])
            client = headers.get(b"x-forwarded-for")
            if client is not None:  # in place, as uvicorn's proxy headers do: its access log reads this scope
                scope["client"] = (client.decode("latin-1"), 0)
                scheme = headers.get(b"x-forwarded-proto")
                if scheme in (b"http", b"https"):
                    scope["scheme"] = scheme.decode()

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (PROCESS, b"writer")]
            await send(message)

        await self.app(scope, receive, marked)


# --- a reader ------------------------------------------------------------------------------------------------------


class Forwarded:
    """A reader's query runner: /sparql and the named queries are the writing process's; nothing reaches here."""

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def refresh(self) -> None:
        return None

    async def run(self, request: QueryRequest) -> Answer:
        raise StoreError("queries are answered by the writing process")

    async def ready(self) -> bool:
        return True


def servable(scope: Scope) -> bool:
    """What a reader answers itself: an anonymous GET or HEAD of a record page, a catalogue page or VoID."""
    if scope["method"] not in ("GET", "HEAD"):
        return False
    for name, _value in scope["headers"]:
        if name in (b"cookie", b"authorization"):
            return False
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if path in READ_PATHS or path.startswith(READ_PREFIXES):
        return True
    kind, slash, _rest = path[1:].partition("/")
    return bool(slash) and kind in Iris.KINDS


class Reader:
    """A reader's outermost middleware: pages it serves after catching up with the writer, the rest passed on."""

    def __init__(self, app: ASGIApp, follower: Follower, writer_socket: str, name: str) -> None:
        self.app = app
        self.follower = follower
        self.name = name.encode()
        self.client = httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=writer_socket), timeout=None, base_url="http://writer"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not servable(scope) and not (scope["path"] == "/metrics" and not scope.get("client")):
            await self.forward(scope, receive, send)  # (its own /metrics only on its own Unix socket)
            return
        self.follower.catch_up()

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (PROCESS, self.name)]
            await send(message)

        await self.app(scope, receive, marked)

    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k not in HOP_BY_HOP and not k.startswith(b"x-forwarded-")]
        client = scope.get("client")
        headers.append((b"x-forwarded-for", (client[0] if client else "").encode("latin-1")))
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]

        async def body() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                if not message.get("more_body"):
                    return

        with_body = scope["method"] not in ("GET", "HEAD", "OPTIONS", "DELETE") or any(
            k in (b"content-length", b"transfer-encoding") for k, _v in scope["headers"]
        )
        request = self.client.build_request(
            scope["method"], target.decode("latin-1"), headers=headers, content=body() if with_body else None
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TransportError as e:
            log.error("the writing process did not answer %s %s: %s", scope["method"], scope["path"], e)
            message = b"the service's writing process does not answer; try again in a moment\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 502,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", b"5")],
                }
            )
            await send({"type": "http.response.body", "body": message})
            return
        try:
            passed = [(k, v) for k, v in response.headers.raw if k.lower() not in NOT_PASSED_BACK]
            passed.append((PROCESS, b"writer via " + self.name))
            await send({"type": "http.response.start", "status": response.status_code, "headers": passed})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


def reader_context(settings: Settings, directory: Path) -> tuple[Context, Follower]:
    """A reader's context: the following store, the same search index and community database (read), no writes;
    and the follower that moves it to each snapshot the writing process publishes (the first one opened here)."""
    from graph.queries import QueryLibrary
    from graph.search import SearchIndex
    from graph.validation import Validator
    from graph.web.pagecache import Pages
    from graph.writer import Writer

    store = FollowingStore(f"{settings.store_path} (read-only, following the writing process)")
    iris = Iris(settings.base_iri)
    search = SearchIndex.open(settings.search_index_file, settings.base_iri)
    ctx = Context(settings, store, iris, Writer(store, Validator(), iris), QueryLibrary(), Forwarded(), search)
    ctx.pages = Pages(coarse=True)

    def moved(opened: pyoxigraph.Store, state: dict[str, Any]) -> None:
        store.read(opened)
        ctx._cache.clear()
        ctx.pages.epoch = state["epoch"]  # the writing process's: the validators are the same from every process
        ctx.pages.follow(int(state["generation"]), float(state["changed"]))

    follower = Follower(directory, moved)
    follower.catch_up()
    return ctx, follower


def _reader_main(
    settings: Settings,
    directory: str,
    listening: socket.socket,
    writer_socket: str,
    uvicorn_kwargs: dict[str, Any],
    number: int,
    ready: Any,
) -> None:
    import uvicorn

    from graph import logs
    from graph.web.app import create_app

    logs.configure(settings.log_format)
    parent = os.getppid()

    def orphaned() -> None:  # a reader never outlives the writing process
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, name="ressourcerie-reader-parent", daemon=True).start()
    ctx, follower = reader_context(settings, Path(directory))
    app = create_app(settings, ctx, reader=True)
    app.add_middleware(Reader, follower=follower, writer_socket=writer_socket, name=f"reader {number}")
    server = uvicorn.Server(uvicorn.Config(app, **{**uvicorn_kwargs, "log_level": "warning"}))
    own = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # where the writing process reads this one's /metrics
    path = metrics_socket(writer_socket, number)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by the reader this one replaces
    own.bind(path)
    own.listen(64)

    def tell_when_started() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        ready.set()

    threading.Thread(target=tell_when_started, name="ressourcerie-reader-ready", daemon=True).start()
    server.run(sockets=[listening, own])


def metrics_socket(writer_socket: str, number: int) -> str:
    """Where reader ``number`` answers its own /metrics: beside the writing process's socket, in a directory
    only the service's user reads."""
    return os.path.join(os.path.dirname(writer_socket), f"reader-{number}.sock")


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(2048)
    return sock


class Readers:
    """The reader processes of one service: started, waited for, started again when one stops, stopped."""

    def __init__(
        self,
        settings: Settings,
        directory: Path,
        listening: socket.socket,
        writer_socket: str,
        uvicorn_kwargs: dict[str, Any],
    ) -> None:
        self.count, self.directory, self.writer_socket = settings.page_processes, directory, writer_socket
        self._args = (settings, str(directory), listening, writer_socket, uvicorn_kwargs)  # each reader's
        self._spawn = multiprocessing.get_context("spawn")
        self.processes: dict[int, Any] = {}
        self._ready: dict[int, Any] = {}
        self._started: dict[int, float] = {}
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None

    def start(self, number: int) -> Any:
        ready = self._spawn.Event()
        process = self._spawn.Process(
            target=_reader_main, args=(*self._args, number, ready), name=f"ressourcerie-reader-{number}", daemon=True
        )
        process.start()
        self.processes[number] = process
        self._ready[number] = ready  # kept: the child reads it after it starts
        self._started[number] = time.monotonic()
        return process, ready

    def start_all(self) -> None:
        """Start every reader and wait until each accepts connections."""
        started = [self.start(n) for n in range(1, self.count + 1)]
        deadline = time.monotonic() + READY_SECONDS
        for process, ready in started:
            while not ready.wait(0.2):
                if not process.is_alive():
                    raise StoreError(f"{process.name} stopped as it started (exit code {process.exitcode}): see above")
                if time.monotonic() > deadline:
                    raise StoreError(f"{process.name} did not start in {READY_SECONDS:g} s")
        self._watch = threading.Thread(target=self._keep, name="ressourcerie-readers", daemon=True)
        self._watch.start()

    def _keep(self) -> None:
        """A reader that stops (killed, out of memory) is started again; meanwhile the others take its share."""
        while not self._stopping.wait(1.0):
            for number, process in list(self.processes.items()):
                if process.is_alive() or self._stopping.is_set():
                    continue
                if time.monotonic() - self._started[number] >= RESTART_SECONDS:  # one that fails at once: not in a loop
                    log.error("%s stopped (exit code %s); starting it again", process.name, process.exitcode)
                    shutil.rmtree(self.directory / "readers" / str(process.pid), ignore_errors=True)
                    self.start(number)

    async def metrics(self) -> dict[str, str]:
        """Each running reader's /metrics text, by process name (a reader that does not answer in 2 s is left out)."""

        async def one(number: int) -> tuple[str, str | None]:
            transport = httpx.AsyncHTTPTransport(uds=metrics_socket(self.writer_socket, number))
            try:
                async with httpx.AsyncClient(transport=transport, timeout=2.0) as client:
                    response = await client.get("http://reader/metrics")
                return f"reader {number}", response.text if response.status_code == 200 else None
            except httpx.HTTPError as e:
                log.warning("reader %d did not give its metrics: %s", number, e)
                return f"reader {number}", None

        answers = await asyncio.gather(*(one(n) for n in sorted(self.processes)))
        return {name: text for name, text in answers if text is not None}

    def stop(self) -> None:
        self._stopping.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.join(timeout=10)


def serve(settings: Settings, service: Any, **uvicorn_kwargs: Any) -> None:
    """Run the service (``create_app``'s) with ``settings.page_processes`` readers beside it, until stopped."""
    import uvicorn

    directory = lead(service.state.context)
    listening = listen(settings.host, settings.port)
    private = tempfile.mkdtemp(prefix="ressourcerie-")  # a short path: Unix socket paths are limited to 108 bytes
    writer_socket = os.path.join(private, "writer.sock")
    inner = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    readers = Readers(settings, directory, listening, writer_socket, uvicorn_kwargs)
    try:
        inner.bind(writer_socket)
        inner.listen(2048)
        # the readers are up before the writing process answers: what they pass on waits in the Unix socket's queue
        readers.start_all()
        service.state.reader_metrics = readers.metrics  # the writer's /metrics gives the readers' too
        uvicorn.Server(uvicorn.Config(FromReaders(service), **uvicorn_kwargs)).run(sockets=[listening, inner])
    finally:
        readers.stop()
        inner.close()
        listening.close()
        shutil.rmtree(private, ignore_errors=True)
