"""The FastAPI application. Routing is the table ROUTES: (path, methods, handler)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph import __version__
from graph.config import Settings
from graph.errors import RessourcerieError
from graph.web import assets, descriptions, errors, gsp, home, linked, search, sparql
from graph.web.context import Context

ROUTES = [
    ("/", ["GET", "HEAD"], home.home, "Home page: what the service holds, where to go"),
    (
        "/sparql",
        ["GET", "POST", "HEAD"],
        sparql.sparql_endpoint,
        "SPARQL 1.1 Protocol: query, update, service description",
    ),
    ("/.well-known/void", ["GET", "HEAD"], descriptions.void, "VoID description of the dataset"),
    ("/.well-known/void.{ext}", ["GET", "HEAD"], descriptions.void, "VoID description, in the format of the extension"),
    ("/dumps/ressourcerie.nq.gz", ["GET", "HEAD"], descriptions.dump, "The whole store as a gzip file of N-Quads"),
    ("/id/{path:path}", ["GET", "HEAD"], linked.record_id, "303 mode: a record IRI, redirected to /doc/..."),
    ("/doc/{path:path}", ["GET", "HEAD"], linked.record_doc, "303 mode: the description of a record"),
    ("/store", ["GET", "HEAD", "PUT", "POST", "DELETE"], gsp.graph_store, "Graph Store: ?graph=IRI or ?default"),
    ("/store/{path:path}", ["GET", "HEAD", "PUT", "POST", "DELETE"], gsp.graph_store, "Graph Store: graph by URL"),
    ("/search", ["GET", "HEAD"], search.search_page, "Full-text search of the records, with facets (HTML, JSON, CSV)"),
    ("/search.{ext}", ["GET", "HEAD"], search.search_page, "Full-text search, in the format of the extension"),
    # the catch-all record route stays last
    ("/{kind}/{rest:path}", ["GET", "HEAD"], linked.record, "A record or a vocabulary term (RDF or HTML)"),
]


def create_app(settings: Settings, ctx: Context | None = None) -> FastAPI:
    context = ctx or Context.open(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await context.pool.start()
        try:
            yield
        finally:
            await context.pool.close()
            context.search.checkpoint(context.store)

    app = FastAPI(
        title="Ressourcerie",
        version=__version__,
        description="Linked-data knowledge graph of the digital commons of French public administrations.",
        lifespan=lifespan,
    )
    app.state.context = context
    assets.mount(app)  # before the routes: the catch-all record route would take /static/...
    for path, methods, handler, summary in ROUTES:
        shown = not path.startswith("/sparql")
        for method in methods:  # one route per method: one OpenAPI operation each, HEAD left out
            name = re.sub(r"\W+", "_", f"{method}_{path}").strip("_").lower()
            app.add_api_route(
                path,
                handler,
                methods=[method],
                summary=summary,
                operation_id=name,
                include_in_schema=shown and method != "HEAD",
            )
    app.add_exception_handler(RessourcerieError, errors.on_ressourcerie_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http_error)
    app.add_exception_handler(RequestValidationError, errors.on_request_validation)
    app.add_exception_handler(Exception, errors.on_unexpected)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "HEAD", "OPTIONS"], allow_headers=["Accept"]
        )
    return app
