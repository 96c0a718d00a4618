"""Revalidation: crawlers and harvesters fetch the same entity pages again and again. For the HTML page and the
Turtle description of resource and organisation records, 10 clients ask ``PAGES`` records in a loop: with a
plain GET the service renders (a query string of its own on each request, which the page ignores, so no kept
copy answers: the peer), with a plain GET (answered from the copy kept after the first fetch), and with the
``If-None-Match`` of the copy they hold (304 Not Modified). The bare ASGI app is the floor. Last, what a write costs the page cache: ``Pages.after_write`` in process on the same
store, for writes touching one record and ``WIDE`` records (beyond, every page is made stale at once)."""

from __future__ import annotations

from functools import partial

import httpx
from pyoxigraph import NamedNode

from bench._common import Context, Row, median_time
from bench._load import LoadResult, run_load
from bench.generate import DEFAULT_BASE
from bench.scenarios.http import measure_floor, of_floor, ours
from bench.scenarios.pages import HTML, KINDS, TURTLE, PathFor, count_records, path_for
from graph.ingest import WriteResult
from graph.store import EmbeddedStore
from graph.validation import Report
from graph.web.pagecache import WIDE, Pages
from graph.writer import Change

PAGES = 200  # records of each kind asked again and again


def _etags(base: str, path: PathFor, accept: str) -> list[str]:
    """The ETag of each of the ``PAGES`` pages, from a first plain GET (which also renders and keeps it)."""
    tags = []
    with httpx.Client(timeout=60) as client:
        for i in range(PAGES):
            response = client.get(base + path(i), headers={"Accept": accept})
            tag = response.headers.get("etag")
            if response.status_code != 200 or not tag:
                raise SystemExit(f"{base}{path(i)} ({accept}): {response.status_code}, no ETag to revalidate with")
            tags.append(tag)
    return tags


def _rendered(ctx: Context, base: str, path: PathFor, accept: str) -> LoadResult:
    return run_load(
        lambda client, i: client.get(base + path(i % PAGES), params={"n": str(i)}, headers={"Accept": accept}),
        ctx.clients,
        ctx.duration,
    )


def _plain(ctx: Context, base: str, path: PathFor, accept: str) -> LoadResult:
    return run_load(
        lambda client, i: client.get(base + path(i % PAGES), headers={"Accept": accept}), ctx.clients, ctx.duration
    )


def _revalidated(ctx: Context, base: str, path: PathFor, accept: str, tags: list[str]) -> LoadResult:
    return run_load(
        lambda client, i: client.get(
            base + path(i % PAGES), headers={"Accept": accept, "If-None-Match": tags[i % PAGES]}
        ),
        ctx.clients,
        ctx.duration,
        ok=lambda r: r.status_code == 304,
    )


def _note(ctx: Context, r: LoadResult) -> str:
    goal = "; goal p99 <= 25 ms " + ("met" if r.p(99) <= 25 else "MISSED")
    errors = f"; {r.errors} unexpected answers" if r.errors else ""
    return f"p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms{goal}{of_floor(ctx, r.rps)}{errors}"


def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    if ctx.floor is None:
        rows += measure_floor(ctx)[1]
    data = ctx.data()
    paths = {kind: path_for(kind, count_records(data, kind)) for kind in KINDS}
    with ours(ctx, data) as server:
        base = server.query_url.removesuffix("/sparql")
        for kind, path in paths.items():
            for accept in (HTML, TURTLE):
                what = "HTML page" if accept == HTML else "Turtle"
                rendered = _rendered(ctx, base, path, accept)
                tags = _etags(base, path, accept)
                measured = {
                    f"{kind}: plain GET, {what}, kept copy": _plain(ctx, base, path, accept),
                    f"{kind}: If-None-Match, {what} (304)": _revalidated(ctx, base, path, accept, tags),
                }
                peer = f"plain GET, {what}, rendered"
                rows.append(Row("revalidation", f"{kind}: {peer}", "req/s", rendered.rps, "req/s", 1.0, peer))
                rows[-1].note = _note(ctx, rendered)
                for target, r in measured.items():
                    ratio = r.rps / rendered.rps if rendered.rps else None
                    rows.append(Row("revalidation", target, "req/s", r.rps, "req/s", ratio, peer, _note(ctx, r)))
    return rows + _invalidation(ctx, paths)


def _invalidation(ctx: Context, paths: dict[str, PathFor]) -> list[Row]:
    """Pages.after_write on the store the service served (closed now), median of ``ctx.repeats`` writes each."""
    store = EmbeddedStore(ctx.workdir / "http-ours")
    pages = Pages()
    rows = []
    try:
        writes = [("one resource", "resource", 1), ("one organisation", "organisation", 1)]
        for label, kind, n in [*writes, (f"{WIDE} resources", "resource", WIDE)]:
            records = frozenset(NamedNode(DEFAULT_BASE + paths[kind](i).lstrip("/")) for i in range(n))
            change = Change("bench", 1, records, frozenset(), WriteResult(Report(), 0))
            ms = median_time(partial(pages.after_write, store, change, DEFAULT_BASE), ctx.repeats) * 1000
            note = "in process: the neighbours of each record touched read from the store, their pages made stale"
            rows.append(Row("revalidation", f"page cache after a write of {label}", "time", ms, "ms", None, "", note))
    finally:
        store.close()
    return rows
