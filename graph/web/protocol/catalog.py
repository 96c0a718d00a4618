"""The DCAT-AP feed on the web: ``/catalog`` (every resource) and ``/catalog/software`` (ADMS-AP), paged with
Hydra, in every RDF format by extension, ``?format=`` or Accept (Turtle by default), and the JSON-LD context
they use, ``/catalog/context.jsonld``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import Literal, NamedNode, RdfFormat

from graph.dcat.formats import context, serialize
from graph.dcat.publish import FEEDS, Feed, Page, parse_paging
from graph.namespaces import ADMS, DCAT, DCT, FOAF, RDF
from graph.web.conneg import RDF_FORMATS, choose
from graph.web.context import Context
from graph.web.context import context as context_of
from graph.web.pages.linked import HTML, best
from graph.web.render import render
from graph.web.urls import Urls, path_of

CLASS_LABELS = {
    DCAT.Dataset: "Jeu de données",
    DCAT.DataService: "Service de données (API)",
    DCAT.Catalog: "Catalogue",
    DCAT.Resource: "Ressource",
    ADMS.Asset: "Actif réutilisable (ADMS)",
}

EXTENSIONS = {f.file_extension: f for f in RDF_FORMATS}
JSON = "application/json"  # asked by clients that want JSON: they get JSON-LD, readable as plain JSON


def feed_format(request: Request, extension: str | None) -> RdfFormat | str:
    """An RDF format or the HTML page, by the one precedence rule (Turtle by default); plain JSON is JSON-LD."""
    offered: Sequence[RdfFormat | str] = [*RDF_FORMATS, HTML, JSON]
    chosen = choose(request, offered, extension=extension, default=RdfFormat.TURTLE, names={"html": HTML})
    return RdfFormat.JSON_LD if chosen == JSON else chosen


def feed_of(ctx: Context) -> Feed:
    return Feed(ctx.store, ctx.settings, cached=ctx.cached)


def _page(ctx: Context, feed: str, request: Request, extension: str | None) -> Page:
    """A page, built on each request from what ``Feed`` keeps until the next write (the record index, the
    concepts): pages themselves are not kept, their keys (page, size, filter, format) would be unbounded. Its
    Hydra view is the URL asked (path and query, under the base IRI)."""
    asked = FEEDS[feed] + (f".{extension}" if extension else "")
    if request.url.query:
        asked += f"?{request.url.query}"
    return feed_of(ctx).page(feed, parse_paging(request.query_params), extension, asked)


def _answer(request: Request, feed: str, extension: str | None) -> Response:
    """A page of a feed, through the page cache (kept until the next write): 304 when the client's is current."""
    ctx = context_of(request)
    fmt = feed_format(request, extension)
    variant = fmt if isinstance(fmt, str) else fmt.media_type
    key = ("feed", feed, extension or "", variant, str(request.url))  # its links are the URL asked
    return ctx.pages.serve(request, key, lambda: _render(request, ctx, feed, extension, fmt))


def _render(request: Request, ctx: Context, feed: str, extension: str | None, fmt: RdfFormat | str) -> Response:
    path = f"{request.scope.get('root_path', '')}/{FEEDS[feed]}"
    if fmt == HTML:
        page = _page(ctx, feed, request, None)
        return render(request, "catalog.html", page=_html_page(request, ctx, page, path))
    assert isinstance(fmt, RdfFormat)
    page = _page(ctx, feed, request, None if extension == "html" else extension)
    body = serialize(page.triples, fmt)
    links = [f'<{path}.{f.file_extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS]
    links.append(f'<{path}.html>; rel="alternate"; type="{HTML}"')
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


@dataclass
class Row:
    title: str
    href: str | None
    cls: str
    publisher: str
    modified: str


def _html_page(request: Request, ctx: Context, page: Page, path: str) -> dict[str, object]:
    """What the HTML rendering of a page shows: its records, in the feed's order, and the paging links."""
    by_subject: dict[NamedNode, dict[NamedNode, list[NamedNode | Literal]]] = {}
    for t in page.triples:
        if isinstance(t.subject, NamedNode) and isinstance(t.object, NamedNode | Literal):
            by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    catalogue = by_subject[NamedNode(ctx.iris.base + FEEDS[page.feed])]

    def text(node: NamedNode, prop: NamedNode) -> str:
        found = [v for v in by_subject.get(node, {}).get(prop, []) if isinstance(v, Literal)]
        return best(found).value if found else ""

    rows = []
    for prop in (DCAT.dataset, DCAT.service, DCAT.catalog, DCAT.resource):
        for r in catalogue.get(prop, []):
            assert isinstance(r, NamedNode)
            own = by_subject.get(r, {})
            types = [c for c in own.get(RDF.type, []) if isinstance(c, NamedNode)]
            cls = next((CLASS_LABELS[c] for c in types if c in CLASS_LABELS), "Ressource")
            publisher = next(iter(own.get(DCT.publisher, [])), None)
            local = path_of(ctx, r.value)
            rows.append(
                Row(
                    text(r, DCT.title) or r.value,
                    Urls.of(request).page(local) if local else r.value,
                    cls,
                    text(publisher, FOAF.name) if isinstance(publisher, NamedNode) else "",
                    text(r, DCT.modified)[:10],
                )
            )
    rows.sort(key=lambda row: row.href or "")

    def link(number: int) -> str:
        return f"{path}?{urlencode(page.paging.query(number))}"

    return {
        "home": f"{request.scope.get('root_path', '')}/",
        "title": text(NamedNode(ctx.iris.base + FEEDS[page.feed]), DCT.title),
        "description": text(NamedNode(ctx.iris.base + FEEDS[page.feed]), DCT.description),
        "software": page.feed == "software",
        "total": page.total,
        "number": page.paging.page,
        "last": page.last,
        "rows": rows,
        "previous": link(page.paging.page - 1) if page.paging.page > 1 else None,
        "next": link(page.paging.page + 1) if page.paging.page < page.last else None,
        "alternates": [(f.name, f"{path}.{f.file_extension}", f.media_type) for f in RDF_FORMATS],
    }
