"""The DCAT-AP feed on the web: ``/catalog`` (every resource) and ``/catalog/software`` (ADMS-AP), paged with
Hydra, in every RDF format by extension, ``?format=`` or Accept (Turtle by default), and the JSON-LD context
they use, ``/catalog/context.jsonld``."""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import RdfFormat

from graph.dcat.formats import CONTEXT_PATH, context, serialize
from graph.dcat.publish import FEEDS, Feed, Page, parse_paging
from graph.web.conneg import RDF_FORMATS
from graph.web.context import Context
from graph.web.context import context as context_of
from graph.web.descriptions import pick_format

EXTENSIONS = {f.file_extension: f for f in RDF_FORMATS}


def feed_of(ctx: Context) -> Feed:
    return Feed(ctx.store, ctx.settings, cached=ctx.cached)


def _page(ctx: Context, feed: str, request: Request, extension: str | None) -> Page:
    paging = parse_paging(request.query_params)
    compute = lambda: feed_of(ctx).page(feed, paging, extension)  # noqa: E731
    if paging.since is not None:  # not cached: the keys would be as many as the dates asked for
        return compute()
    return ctx.cached(f"dcat:page:{feed}:{paging.page}:{paging.size}:{extension}", compute)


def _answer(request: Request, feed: str, extension: str | None) -> Response:
    ctx = context_of(request)
    fmt = pick_format(request, extension)
    page = _page(ctx, feed, request, extension)
    body = serialize(page.triples, fmt, ctx.iris.base + CONTEXT_PATH)
    path = f"{request.scope.get('root_path', '')}/{FEEDS[feed]}"
    links = [f'<{path}.{f.file_extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS]
    if page.paging.page < page.last:
        links.append(f'<{request.url.include_query_params(page=page.paging.page + 1)}>; rel="next"')
    headers = {
        "Vary": "Accept",
        "Link": ", ".join(links),
        "Ressourcerie-Total-Items": str(page.total),
    }
    media = "application/ld+json" if fmt == RdfFormat.JSON_LD else fmt.media_type
    return Response(body, media_type=media, headers=headers)


def catalog(request: Request) -> Response:
    """GET /catalog: the catalogue of every resource, one page."""
    return _answer(request, "catalog", None)


def catalog_ext(request: Request, ext: str) -> Response:
    """GET /catalog.{ext}: the same, in the format of the extension."""
    return _answer(request, "catalog", ext)


def software(request: Request) -> Response:
    """GET /catalog/software: source code and AI models as ADMS-AP assets, one page."""
    return _answer(request, "software", None)


def software_ext(request: Request, ext: str) -> Response:
    return _answer(request, "software", ext)


def jsonld_context(request: Request) -> Response:
    """GET /catalog/context.jsonld: the JSON-LD context of the feed."""
    body = json.dumps(context(), indent=1).encode()
    return Response(body, media_type="application/ld+json", headers={"Cache-Control": "max-age=86400"})
