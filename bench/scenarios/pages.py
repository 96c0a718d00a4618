"""Entity pages under load: the HTML page and the Turtle description of resource and organisation records,
served by our service (same server as the HTTP scenario), 10 clients for a fixed duration each; the peer is
Oxigraph server answering ``DESCRIBE`` of the same records in Turtle, and the bare ASGI app is the floor."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx

from bench._common import Context, Row
from bench._load import LoadResult, run_load
from bench.generate import DEFAULT_BASE
from bench.scenarios.http import RssSampler, measure_floor, of_floor, ours, oxigraph

HTML = "text/html"
TURTLE = "text/turtle"
KINDS = {"resource": "res", "organisation": "org"}
PathFor = Callable[[int], str]


def count_records(data: Path, kind: str) -> int:
    """How many records of ``kind`` the generated file holds (the generator numbers them from 0)."""
    pattern = re.compile(rf"^<{re.escape(DEFAULT_BASE)}{kind}/{KINDS[kind]}-(\d+)> ".encode())
    most = -1
    with data.open("rb") as f:
        for line in f:
            m = pattern.match(line)
            if m:
                most = max(most, int(m.group(1)))
    return most + 1


def path_for(kind: str, count: int) -> PathFor:
    """The i-th record path, spread over all records of the kind (as the lookups of the HTTP scenario)."""
    return lambda i: f"/{kind}/{KINDS[kind]}-{(i * 7919) % count:07d}"


def describe(iri: str) -> str:
    return f"DESCRIBE <{iri}>"  # a generated record IRI, never user input


def _check(base: str, path: str, accept: str, needle: str) -> None:
    response = httpx.get(base + path, headers={"Accept": accept}, timeout=60)
    if response.status_code != 200 or needle not in response.text:
        raise SystemExit(f"{base}{path} ({accept}): {response.status_code}, {response.text[:200]!r}")


def _pages(ctx: Context, base: str, path: PathFor, accept: str) -> LoadResult:
    return run_load(lambda client, i: client.get(base + path(i), headers={"Accept": accept}), ctx.clients, ctx.duration)


def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    if ctx.floor is None:
        rows += measure_floor(ctx)[1]
    data = ctx.data()
    paths = {kind: path_for(kind, count_records(data, kind)) for kind in KINDS}
    with oxigraph(ctx, data) as server:
        url = server.query_url
        peer = {
            kind: run_load(
                lambda client, i, p=p: client.get(  # type: ignore[misc]
                    url, params={"query": describe(DEFAULT_BASE + p(i).lstrip("/"))}, headers={"Accept": TURTLE}
                ),
                ctx.clients,
                ctx.duration,
            )
            for kind, p in paths.items()
        }
    for kind, r in peer.items():
        note = f"p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms" + of_floor(ctx, r.rps)
        rows.append(
            Row(
                "pages",
                f"{kind}: Oxigraph server DESCRIBE, Turtle",
                "req/s",
                r.rps,
                "req/s",
                1.0,
                "Oxigraph DESCRIBE",
                note,
            )
        )
    measured, peak = _ours(ctx, data, paths, 0)
    # the same pages with one reader process beside the service (page_processes = 1, graph/web/readers.py)
    both, peak_both = _ours(ctx, data, paths, 1)
    for (kind, accept), r in measured.items():
        rows.append(_row(ctx, kind, accept, r, peer[kind], "ours"))
    for (kind, accept), r in both.items():
        rows.append(_row(ctx, kind, accept, r, peer[kind], "ours, page_processes = 1"))
    rows.append(
        Row(
            "memory",
            "peak RSS: ours, serving entity pages",
            "RSS",
            peak / 2**20,
            "MB",
            None,
            "",
            f"{ctx.size:,} triples; process and its children, sampled every 0.2 s under load; goal <= 400 MB "
            + ("met" if peak / 2**20 <= 400 else "MISSED"),
        )
    )
    rows.append(
        Row(
            "memory",
            "peak RSS: ours with page_processes = 1, serving entity pages",
            "RSS",
            peak_both / 2**20,
            "MB",
            None,
            "",
            f"{ctx.size:,} triples; the two processes and their children (a choice of the operator: no goal)",
        )
    )
    return rows


def _ours(
    ctx: Context, data: Path, paths: dict[str, PathFor], page_processes: int
) -> tuple[dict[tuple[str, str], LoadResult], int]:
    """Each kind's pages in each format under load from our service, and its peak RSS (children included)."""
    with ours(ctx, data, page_processes=page_processes) as server:
        base = server.query_url.removesuffix("/sparql")
        assert server.process is not None
        for p in paths.values():
            _check(base, p(1), HTML, "<html")
            _check(base, p(1), TURTLE, DEFAULT_BASE + p(1).lstrip("/"))
        sampler = RssSampler(server.process.pid)
        try:
            measured = {
                (kind, accept): _pages(ctx, base, p, accept) for kind, p in paths.items() for accept in (HTML, TURTLE)
            }
        finally:
            peak = sampler.stop()
    return measured, peak


def _row(ctx: Context, kind: str, accept: str, r: LoadResult, peer: LoadResult, who: str) -> Row:
    goal = "; goal p99 <= 25 ms " + ("met" if r.p(99) <= 25 else "MISSED")
    errors = f"; {r.errors} errors" if r.errors else ""
    note = f"p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms{goal}{of_floor(ctx, r.rps)}{errors}"
    what = "HTML page" if accept == HTML else "Turtle"
    ratio = r.rps / peer.rps if peer.rps else None
    return Row("pages", f"{kind}: {who}, {what}", "req/s", r.rps, "req/s", ratio, "Oxigraph DESCRIBE", note)
