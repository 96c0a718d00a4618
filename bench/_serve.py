"""Servers the HTTP scenarios start as child processes, each on 127.0.0.1 and a port of its own.

    python -m bench._serve ours STORE_DIR PORT [BASE_IRI [PAGE_PROCESSES]]   # our service (create_app + uvicorn)
    python -m bench._serve rdflib FILE.nq PORT              # rdflib-endpoint on an rdflib Dataset of the file
    python -m bench._serve floor - PORT                     # a bare ASGI app answering a fixed body

``ressourcerie serve`` seeds a store that lacks the seed graphs; the benchmark store holds only the generated
graph and the ontology, so ours is started here with the same application and server, without that step.
The bare app runs under the same server (uvicorn, one worker): the floor of the web stack. Ours lets one IP
address run as many /sparql queries at once as it has workers (``client_queries``), since every client of the
scenarios comes from 127.0.0.1. With PAGE_PROCESSES, that many readers serve pages beside it, as
``ressourcerie serve`` starts them (``graph/web/readers.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

FLOOR_BODY = b"ok\n"


def ours(store_dir: str, port: int, base_iri: str = "", page_processes: str = "0") -> None:
    from graph.config import Settings
    from graph.web import readers
    from graph.web.app import create_app

    extra: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
    # the scenarios' clients stand for as many users, but all come from 127.0.0.1: one IP may use every worker
    # (by default one IP runs one /sparql query at a time, which would make the clients queue as one)
    extra["client_queries"] = Settings().query_workers
    extra["page_processes"] = int(page_processes)
    settings = Settings(store_path=store_dir, host="127.0.0.1", port=port, **extra)
    if settings.page_processes:
        readers.serve(settings, create_app(settings), log_level="warning")
    else:
        uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def rdflib_endpoint(path: str, port: int) -> None:
    import rdflib
    from rdflib_endpoint import SparqlEndpoint

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    app = SparqlEndpoint(graph=dataset, public_url=f"http://127.0.0.1:{port}/")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


async def bare(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """Any GET: 200 and a fixed body, nothing read, nothing routed."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(FLOOR_BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FLOOR_BODY})


def floor(_: str, port: int) -> None:
    uvicorn.run(bare, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    kind, where, port, *rest = sys.argv[1:]
    if kind == "ours":
        ours(where, int(port), *rest)
    else:
        {"rdflib": rdflib_endpoint, "floor": floor}[kind](where, int(port))
