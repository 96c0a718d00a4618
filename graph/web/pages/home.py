"""The home page: search, themes and kinds with their counts, the latest resources, key figures, where to go
(HTML for people; JSON for machines, by Accept or ?format=json). Whole-store figures are cached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pyoxigraph import NamedNode

from graph.namespaces import RSR
from graph.summary import record_counts
from graph.web.conneg import HTML_OR_JSON, HTML_OR_JSON_NAMES, choose
from graph.web.context import Context, context
from graph.web.pages._view import Link, date_fr, href_of, lang_of, listed_only, merge, theme_href
from graph.web.pages.themes import theme_counts
from graph.web.render import Alternate, render
from graph.web.urls import Urls

HOME_THEMES = 12
KINDS = """
SELECT ?scheme ?k ?label ?notation (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?k skos:inScheme ?scheme .
  OPTIONAL { ?k skos:prefLabel ?label }
  OPTIONAL { ?k skos:notation ?notation }
  ?r dct:type ?k .
  VALUES ?class { dcat:Resource foaf:Document }
  ?r a ?class .
  {listed}
} GROUP BY ?scheme ?k ?label ?notation
"""
LATEST_QUERY = """
SELECT ?r ?title ?modified ?kind WHERE {
  { SELECT ?r ?modified WHERE { ?r a dcat:Resource ; dct:modified ?modified {listed} } ORDER BY DESC(STR(?modified)) ?r LIMIT 6 }
  OPTIONAL { ?r dct:title ?title }
  OPTIONAL { ?r dct:type ?k . ?k skos:prefLabel ?kind }
}
"""


@dataclass
class KindCount:
    label: str
    notation: str
    count: int


@dataclass
class Latest:
    link: Link
    kind: str | None
    modified: str | None
    sort_key: str


def kind_counts(ctx: Context) -> list[KindCount]:
    def compute() -> list[KindCount]:
        rows = merge(ctx.store.select(listed_only(KINDS, ctx), {"scheme": NamedNode(RSR + "kind")}).dicts())
        out = [
            KindCount(r["label"].value if r.get("label") else r["k"].value, r["notation"].value, int(r["n"].value))
            for r in rows
            if r.get("notation") is not None
        ]
        return sorted(out, key=lambda k: (-k.count, k.label.lower()))

    return ctx.cached("kinds", compute)


def latest(ctx: Context, request: Request) -> list[Latest]:
    def compute() -> list[tuple[str, Any, Any, Any]]:
        rows = merge(ctx.store.select(listed_only(LATEST_QUERY, ctx)).dicts())
        return [(r["r"].value, r.get("title"), r.get("kind"), r.get("modified")) for r in rows]

    out = []
    for iri, title, kind, modified in ctx.cached("latest", compute):
        out.append(
            Latest(
                Link(title.value if title else iri, href_of(request, ctx, iri), lang_of(title)),
                kind.value if kind else None,
                date_fr(modified),
                modified.value if modified else "",
            )
        )
    return sorted(out, key=lambda x: (x.sort_key, x.link.text), reverse=True)


def counts(ctx: Context) -> dict[str, int]:
    return ctx.cached("counts", lambda: {**record_counts(ctx.store), "quads": ctx.store.stats().quads})


async def home(request: Request) -> Response:
    """The home page (HTML or JSON), kept until the next write: 304 when the client's copy is current."""
    ctx = context(request)
    media = choose(request, HTML_OR_JSON, default="text/html", names=HTML_OR_JSON_NAMES)
    return ctx.pages.serve(request, ("home", media, str(request.url)), lambda: _home(request, ctx, media))


def _home(request: Request, ctx: Context, media: str) -> Response:
    figures = counts(ctx)
    urls = Urls.of(request)
    if media == "application/json":
        links = {
            name: urls.path(path)
            for name, path in (
                ("sparql", "/sparql"),
                ("void", "/.well-known/void"),
                ("dump", "/dumps/ressourcerie.nq.gz"),
                ("openapi", "/openapi.json"),
                ("themes", "/themes"),
            )
        }
        body = {"name": ctx.settings.site_name, "counts": figures, "links": links}
        return JSONResponse(body, headers={"Vary": "Accept"})
    themes = [(t, theme_href(request, ctx, t.iri, t.notation)) for t in theme_counts(ctx) if t.count > 0]
    page = {
        "counts": figures,
        "themes": themes[:HOME_THEMES],
        "more_themes": len(themes) > HOME_THEMES,
        "kinds": [k for k in kind_counts(ctx) if k.count > 0],
        "latest": latest(ctx, request),
    }
    alternates = [
        Alternate(urls.path("/", format="json"), "application/json", "JSON"),
        Alternate(urls.path("/.well-known/void"), "text/turtle", "VoID"),
    ]
    return render(request, "home.html", alternates=alternates, page=page)
