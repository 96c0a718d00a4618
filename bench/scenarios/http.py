"""SPARQL over HTTP: our service vs Oxigraph server vs rdflib-endpoint on the same data, 10 clients for a fixed
duration per query; the same query in-process on pyoxigraph for the HTTP overhead; peak RSS of each server."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pyoxigraph
from pyoxigraph import RdfFormat

from bench import queries
from bench._common import Context, Row
from bench._load import LoadResult, run_load
from bench.generate import DEFAULT_BASE
from graph.store import EmbeddedStore

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import servers

SELECT = "application/sparql-results+json"
TURTLE = "text/turtle"
IN_PROCESS_RUNS = 50
QueryFor = Callable[[int], str]


class RssSampler:
    """Samples the resident memory of a process and its children (the query workers) until stopped."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _sample(self) -> int:
        total = 0
        for p in [self.process, *self.process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def _run(self, every: float) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._sample())
            except psutil.NoSuchProcess:
                return
            self._stop.wait(every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@contextmanager
def _child(cmd: list[str], url: str, log: Path, timeout: float) -> Iterator[servers.Server]:
    process = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = servers.Server("child", url, url, "", process=process, log=log)
    try:
        servers._wait_http(url, process, log, timeout)
        yield server
    finally:
        server.stop()


@contextmanager
def ours(
    ctx: Context, data: Path, name: str = "http-ours", own_base: bool = False, page_processes: int = 0
) -> Iterator[servers.Server]:
    """Our service on a store of ``data`` in ``workdir/name``; ``own_base``: its base IRI is its own address
    (so the feed's paging links resolve), else the generator's (so record paths find the records);
    ``page_processes``: readers serving pages beside it (``graph/web/readers.py``)."""
    store_dir = ctx.workdir / name
    if not store_dir.exists():  # a later scenario serves the store an earlier one loaded
        store = EmbeddedStore(store_dir)
        store.bulk_load(pyoxigraph.parse(path=str(data), format=RdfFormat.N_QUADS))
        store.close()
    port = servers.free_port()
    cmd = [sys.executable, "-m", "bench._serve", "ours", str(store_dir), str(port)]
    if own_base or page_processes:
        cmd.append(f"http://127.0.0.1:{port}/" if own_base else "")
    if page_processes:
        cmd.append(str(page_processes))
    with _child(cmd, f"http://127.0.0.1:{port}/sparql", ctx.workdir / f"{name}.log", 300) as server:
        yield server


@contextmanager
def bare_floor(ctx: Context) -> Iterator[servers.Server]:
    """A minimal ASGI app answering a fixed body, under the same server as ours."""
    port = servers.free_port()
    cmd = [sys.executable, "-m", "bench._serve", "floor", "-", str(port)]
    with _child(cmd, f"http://127.0.0.1:{port}/", ctx.workdir / "floor.log", 60) as server:
        yield server


def measure_floor(ctx: Context) -> tuple[LoadResult, list[Row]]:
    """The floor's req/s, kept in ``ctx.floor`` for the other HTTP scenarios' ratios, and its row."""
    with bare_floor(ctx) as server:
        url = server.query_url
        r = run_load(lambda client, i: client.get(url), ctx.clients, ctx.duration)
    ctx.floor = r.rps
    note = f"p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms; uvicorn, one worker, same clients"
    return r, [Row("floor", "bare ASGI app, fixed body", "req/s", r.rps, "req/s", 1.0, "bare ASGI", note)]


def of_floor(ctx: Context, rps: float) -> str:
    """``; 0.42 of the bare ASGI floor``, once the floor is measured."""
    return f"; {rps / ctx.floor:.2f} of the bare ASGI floor" if ctx.floor else ""


@contextmanager
def oxigraph(ctx: Context, data: Path) -> Iterator[servers.Server]:
    directory = ctx.workdir / "http-oxigraph"
    exe = str(Path(sys.executable).parent / "oxigraph")
    if not (directory / "db").exists():  # loaded once, served again by a later scenario
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [exe, "load", "--location", str(directory / "db"), "--file", str(data)], check=True, capture_output=True
        )
    server = servers.start_oxigraph(directory)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def rdflib_endpoint(ctx: Context, data: Path) -> Iterator[servers.Server]:
    port = servers.free_port()
    cmd = [sys.executable, "-m", "bench._serve", "rdflib", str(data), str(port)]
    with _child(cmd, f"http://127.0.0.1:{port}/", ctx.workdir / "rdflib.log", 600) as server:
        yield server


def _queries(resources: int) -> dict[str, tuple[QueryFor, str]]:
    return {
        "lookup": (lambda i: queries.lookup(queries.resource_iri(DEFAULT_BASE, i, resources)), SELECT),
        "theme count": (lambda i: queries.THEME_COUNT, SELECT),
        "usage-network join": (lambda i: queries.USAGE_JOIN, SELECT),
        "CONSTRUCT one resource": (
            lambda i: queries.construct(queries.resource_iri(DEFAULT_BASE, i, resources)),
            TURTLE,
        ),
    }


def _load(ctx: Context, url: str, query_for: QueryFor, accept: str) -> LoadResult:
    def request(client: httpx.Client, i: int) -> httpx.Response:
        return client.get(url, params={"query": query_for(i)}, headers={"Accept": accept})

    return run_load(request, ctx.clients, ctx.duration)


def _in_process(store: pyoxigraph.Store, query_for: QueryFor) -> float:
    times = []
    for i in range(IN_PROCESS_RUNS):
        t0 = time.perf_counter()
        result = store.query(query_for(i), use_default_graph_as_union=True)
        for _ in result:  # type: ignore[union-attr]
            pass
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _count_resources(store: pyoxigraph.Store) -> int:
    found = store.query(
        "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> }", use_default_graph_as_union=True
    )
    return int(next(iter(found))["n"].value)  # type: ignore[index,union-attr,arg-type]


def _check(url: str, resources: int) -> None:
    """Each query answers something non-empty here: a server that misreads the data fails the run."""
    for name, (query_for, accept) in _queries(resources).items():
        response = httpx.get(url, params={"query": query_for(1)}, headers={"Accept": accept}, timeout=60)
        response.raise_for_status()
        empty = not response.json()["results"]["bindings"] if accept == SELECT else not response.text.strip()
        if empty:
            raise SystemExit(f"{url}: {name} answered no results")


def _one_client(url: str, query_for: QueryFor, accept: str, runs: int = IN_PROCESS_RUNS) -> float:
    """Median latency (ms) of one client sending the query ``runs`` times in a row: HTTP's own overhead."""
    times = []
    with httpx.Client(timeout=60) as client:
        for i in range(runs):
            t0 = time.perf_counter()
            client.get(url, params={"query": query_for(i)}, headers={"Accept": accept}).raise_for_status()
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _measure(ctx: Context, server: servers.Server, resources: int) -> tuple[dict[str, LoadResult], int]:
    assert server.process is not None
    _check(server.query_url, resources)
    sampler = RssSampler(server.process.pid)
    try:
        results = {name: _load(ctx, server.query_url, q, accept) for name, (q, accept) in _queries(resources).items()}
    finally:
        peak = sampler.stop()
    return results, peak


def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    if ctx.floor is None:
        rows += measure_floor(ctx)[1]
    data = ctx.data()
    memory = pyoxigraph.Store()
    memory.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
    resources = _count_resources(memory)
    in_process = {name: _in_process(memory, q) for name, (q, _) in _queries(resources).items()}
    del memory

    measured: dict[str, tuple[dict[str, LoadResult], int, str]] = {}
    with oxigraph(ctx, data) as server:
        results, peak = _measure(ctx, server, resources)
        measured["Oxigraph server"] = (results, peak, "")
    with ours(ctx, data) as server:
        results, peak = _measure(ctx, server, resources)
        measured["ours"] = (results, peak, "")
        alone = {name: _one_client(server.query_url, q, accept) for name, (q, accept) in _queries(resources).items()}
    size, note = ctx.capped("rdflib-endpoint")
    small = ctx.data(size) if size < ctx.size else data
    with rdflib_endpoint(ctx, small) as server:
        results, peak = _measure(ctx, server, _count_resources_in(small) if size < ctx.size else resources)
        measured["rdflib-endpoint"] = (results, peak, note)

    peer = measured["Oxigraph server"][0]
    for name in _queries(resources):
        rows.append(Row("sparql-http", f"{name}: pyoxigraph in-process", "median", in_process[name], "ms"))
        rows.append(
            Row(
                "sparql-http",
                f"{name}: ours, one client",
                "median",
                alone[name],
                "ms",
                in_process[name] / alone[name],
                "in-process",
                f"{IN_PROCESS_RUNS} requests in a row; {alone[name] / in_process[name]:.2f}× the in-process time",
            )
        )
        for target, (results, _, target_note) in measured.items():
            r = results[name]
            overhead = f"; p50 under load / in-process {r.p(50) / in_process[name]:.0f}×" if target == "ours" else ""
            overhead += of_floor(ctx, r.rps) if target != "rdflib-endpoint" else ""
            errors = f"; {r.errors} errors" if r.errors else ""
            rows.append(
                Row(
                    "sparql-http",
                    f"{name}: {target}",
                    "req/s",
                    r.rps,
                    "req/s",
                    r.rps / peer[name].rps if peer[name].rps else None,
                    "Oxigraph server",
                    f"p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms{overhead}{errors}"
                    + (f"; {target_note}" if target_note else ""),
                )
            )
    oxi_peak = measured["Oxigraph server"][1]
    for target, (_, peak, target_note) in measured.items():
        note = "process and its children, sampled every 0.2 s under load" + (f"; {target_note}" if target_note else "")
        rows.append(
            Row("memory", f"peak RSS: {target}", "RSS", peak / 2**20, "MB", peak / oxi_peak, "Oxigraph server", note)
        )
    return rows


def _count_resources_in(data: Path) -> int:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
    return _count_resources(store)
