"""What an operator asks the service: is it alive (/healthz), ready to serve (/readyz), and its metrics
(/metrics, Prometheus' text format)."""

from __future__ import annotations

import asyncio

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from graph import metrics
from graph.errors import FeatureDisabled
from graph.web.context import context

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    """Liveness: the process answers requests."""
    return JSONResponse({"ok": True, "status": "alive"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """Readiness: the store answers, a query worker answers, the search index is in step with the writes.
    503 with what is not ready."""
    ctx = context(request)
    checks: dict[str, bool] = {}
    try:
        checks["store"] = await asyncio.wait_for(asyncio.to_thread(ctx.store.ask, "ASK {}"), 5.0)
    except Exception:  # any failure of the store is "not ready", whatever its kind
        checks["store"] = False
    checks["query_workers"] = await ctx.runner.ready()
    checks["search_index"] = ctx.index_lag == 0
    ready = all(checks.values())
    body = {"ok": ready, "status": "ready" if ready else "not ready", "checks": checks, "index_lag": ctx.index_lag}
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


async def prometheus(request: Request) -> Response:
    """The process's metrics (graph.metrics), unless ``metrics = false``; with reader processes
    (``page_processes``), theirs too, each sample labelled with its ``process``."""
    ctx = context(request)
    if not ctx.settings.metrics:
        raise FeatureDisabled("metrics are off on this instance (metrics = false)")
    metrics.INDEX_LAG.set(ctx.index_lag)
    body = generate_latest(REGISTRY)
    gather = getattr(request.app.state, "reader_metrics", None)
    if gather is not None:
        body = metrics.merged({"writer": body.decode(), **await gather()})
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)
