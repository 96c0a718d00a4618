"""/docs: the service's OpenAPI description shown by Swagger UI, served from the project's own npm package
(swagger-ui-dist, under /assets/swagger-ui/) like the DSFR: the page loads nothing from elsewhere and works
offline. Without the package (or without JavaScript) it links the description itself, /openapi.json."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from graph.web import assets
from graph.web.render import Alternate, render
from graph.web.urls import Urls


async def docs(request: Request) -> Response:
    """GET /docs."""
    spec = Urls.of(request).path("/openapi.json")
    alternates = [Alternate(spec, "application/json", "Description OpenAPI")]
    page = {"spec": spec, "viewer": assets.installed("/assets/swagger-ui")}
    return render(request, "docs.html", alternates=alternates, page=page)
