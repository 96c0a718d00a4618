"""A local fake of data.gouv.fr's API serving the fixture payloads (search with q, filters and paging; the v1
lists of dataservices and datasets, paged, filtered by organisation; objects by id; a dataset's resources page
by page; a slow path for timeouts), on 127.0.0.1. The objects it serves can change while it runs (a test adds
a dataservice, as data.gouv.fr would publish one)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

FIXTURES = Path(__file__).parent / "fixtures" / "sources" / "datagouv"


def fixture_objects() -> dict[str, list[dict[str, Any]]]:
    """Dataservices and datasets as the v2 API gives them (a dataset's resources behind a link)."""
    services = json.loads((FIXTURES / "udata_fixture_dataservices.json").read_text())
    bundles = json.loads((FIXTURES / "udata_fixture_datasets_trimmed.json").read_text())["datasets"]
    datasets = []
    for b in bundles:
        obj = dict(b["dataset"], organization=b["organization"], _resources=b["resources"])
        datasets.append(obj)
    return {"dataservice": services, "dataset": datasets}


def _page(request: Request, data: list[Any], path: str) -> JSONResponse:
    page, size = int(request.query_params.get("page", 1)), int(request.query_params.get("page_size", 20))
    if size > 100:
        return JSONResponse({"message": "page_size: must be at most 100"}, status_code=400)
    chunk = data[(page - 1) * size : page * size]
    more = page * size < len(data)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    next_page = f"{request.base_url}{path}?{query}&page={page + 1}" if more else None
    public = [{k: v for k, v in o.items() if not k.startswith("_")} for o in chunk]
    return JSONResponse(
        {
            "data": public,
            "page": page,
            "page_size": size,
            "total": len(data),
            "next_page": next_page,
            "previous_page": None,
        }
    )


BROKEN_HITS: list[str] = []  # the requests the broken paths answered, for tests that count them


def make_app(objects: dict[str, list[dict[str, Any]]]) -> Starlette:
    async def search(request: Request) -> JSONResponse:
        kind = request.path_params["kind"].rstrip("s")
        words = request.query_params.get("q", "").lower().split()
        found = []
        for obj in objects.get(kind, []):
            text = f"{obj.get('title', '')} {obj.get('description', '')}".lower()
            org = obj.get("organization") or {}
            if not all(w in text for w in words):
                continue
            if "organization" in request.query_params and org.get("id") != request.query_params["organization"]:
                continue
            if "tag" in request.query_params and request.query_params["tag"] not in (obj.get("tags") or []):
                continue
            found.append(obj)
        for obj in found:
            if kind == "dataset":
                obj["resources"] = {"rel": f"{request.base_url}api/2/datasets/{obj['id']}/resources/", "total": 0}
        return _page(request, found, f"api/2/{kind}s/search/")

    async def listing(request: Request) -> JSONResponse:
        """GET /api/1/{dataservices|datasets}/?organization=ID&page=&page_size=: one page of the list."""
        kind = request.path_params["kind"].rstrip("s")
        wanted = request.query_params.get("organization")
        found = [
            o for o in objects.get(kind, []) if wanted is None or (o.get("organization") or {}).get("id") == wanted
        ]
        return _page(request, found, f"api/1/{kind}s/")

    async def one(request: Request) -> JSONResponse:
        kind = request.path_params["kind"].rstrip("s")
        for obj in objects.get(kind, []):
            if request.path_params["ident"] in (obj["id"], obj["slug"]):
                return JSONResponse({k: v for k, v in obj.items() if not k.startswith("_")})
        return JSONResponse({"message": "Not found"}, status_code=404)

    async def resources(request: Request) -> JSONResponse:
        for obj in objects["dataset"]:
            if obj["id"] == request.path_params["ident"]:
                return _page(request, obj["_resources"], f"api/2/datasets/{obj['id']}/resources/")
        return JSONResponse({"message": "Not found"}, status_code=404)

    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(2)
        return JSONResponse({"data": []})

    async def broken(request: Request) -> JSONResponse:
        BROKEN_HITS.append(request.url.path)
        return JSONResponse({"message": "Internal error"}, status_code=500)

    return Starlette(
        routes=[
            Route("/api/2/{kind}/search/", search),
            Route("/api/1/{kind}/", listing),
            Route("/api/1/{kind}/{ident}/", one),
            Route("/api/2/datasets/{ident}/resources/", resources),
            Route("/slow/{path:path}", slow),
            Route("/broken/{path:path}", broken),
        ]
    )


@contextmanager
def serve(objects: dict[str, list[dict[str, Any]]] | None = None) -> Iterator[str]:
    """Run the fake on a free port of 127.0.0.1 (over ``objects``, the fixture's by default); yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(objects if objects is not None else fixture_objects())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
