"""Revalidation: crawlers and harvesters fetch the same entity pages again and again. For the HTML page and the
Turtle description of resource and organisation records, 10 clients ask ``PAGES`` records in a loop, once with a
plain GET (the service answers from its kept copy after the first fetch) and once with the ``If-None-Match`` of
the copy they hold (304 Not Modified); the peer is the plain GET of the same pages in the same run, and the bare
ASGI app is the floor."""

from __future__ import annotations

import httpx

from bench._common import Context, Row
from bench._load import LoadResult, run_load
from bench.scenarios.http import measure_floor, of_floor, ours
from bench.scenarios.pages import HTML, KINDS, TURTLE, PathFor, count_records, path_for

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
                tags = _etags(base, path, accept)
                plain = _plain(ctx, base, path, accept)
                again = _revalidated(ctx, base, path, accept, tags)
                peer = f"plain GET, {what}"
                rows.append(Row("revalidation", f"{kind}: {peer} (kept copy)", "req/s", plain.rps, "req/s", 1.0, peer))
                rows[-1].note = _note(ctx, plain)
                ratio = again.rps / plain.rps if plain.rps else None
                target = f"{kind}: If-None-Match, {what} (304)"
                rows.append(Row("revalidation", target, "req/s", again.rps, "req/s", ratio, peer, _note(ctx, again)))
    return rows
