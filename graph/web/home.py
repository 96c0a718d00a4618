"""The home page: what the service holds and where to go (HTML for people, JSON for machines)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from graph.summary import record_counts
from graph.web.conneg import negotiate
from graph.web.context import context
from graph.web.pages import render

EXAMPLES = [
    ("/resource/api-sirene", "API Sirene"),
    ("/resource/api-adresse-base-adresse-nationale-ban", "API Adresse, et les services qui l'utilisent"),
    ("/organisation/dares", "La Dares"),
    ("/def/theme/emploi", "Le thème Emploi"),
]


async def home(request: Request) -> Response:
    ctx = context(request)
    counts = ctx.cached("counts", lambda: {**record_counts(ctx.store), "quads": ctx.store.stats().quads})
    choice = negotiate(request.headers.get("accept"), ["text/html", "application/json"], default="text/html")
    if choice.media_type == "application/json":
        links = {
            "sparql": "/sparql",
            "void": "/.well-known/void",
            "dump": "/dumps/ressourcerie.nq.gz",
            "openapi": "/openapi.json",
        }
        return JSONResponse({"name": "Ressourcerie", "counts": counts, "links": links}, headers={"Vary": "Accept"})
    page = {"home": "/", "counts": counts, "examples": [e for e in EXAMPLES if _exists(ctx, e[0])]}
    return render(request, "home.html", page=page)


def _exists(ctx, path: str) -> bool:  # type: ignore[no-untyped-def]
    from pyoxigraph import NamedNode

    from graph.namespaces import RSR

    iri = str(RSR) + path[len("/def/") :] if path.startswith("/def/") else ctx.iris.base + path.lstrip("/")
    return next(ctx.store.quads(NamedNode(iri), None, None, None), None) is not None
