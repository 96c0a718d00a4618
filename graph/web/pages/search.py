"""/search: the full-text search of the records, as an HTML page, JSON or CSV (same parameters).

``q`` the text; ``kind``, ``theme``, ``producer``, ``access`` filters (repeatable: OR within a facet, AND
across facets); ``page`` and ``per_page``; ``sort``: relevance (the default), date or title. Empty ``q`` lists
everything by title.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from graph.errors import BadRequest
from graph.search import FACETS, SORTS, Results, Search
from graph.web.conneg import choose
from graph.web.context import context
from graph.web.pages.datagouv_panel import panel_for
from graph.web.render import Alternate, render
from graph.web.urls import Urls

FORMATS = ["text/html", "application/json", "text/csv"]
EXTENSIONS = {"html": "text/html", "json": "application/json", "csv": "text/csv"}
PER_PAGE = 20
MAX_PER_PAGE = 100
CSV_ROWS = 10_000
FACET_TITLES = {"kind": "Type", "theme": "Thème", "producer": "Producteur", "access": "Accès"}
SORT_LABELS = {"relevance": "pertinence", "date": "date de mise à jour", "title": "titre"}
_MARK = re.compile(r"</?mark>")


class NotFound(BadRequest):
    status = 404


def _whole(name: str, raw: str | None, default: int, most: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise BadRequest(f"{name} must be a whole number from 1 to {most}, not {raw!r}")
    return int(raw)


def read_search(request: Request) -> Search:
    params = request.query_params
    q = params.get("q", "")
    per_page = _whole("per_page", params.get("per_page"), PER_PAGE, MAX_PER_PAGE)
    page = _whole("page", params.get("page"), 1, 100_000)
    filters = {f: [v for v in params.getlist(f) if v.strip()] for f in FACETS if params.getlist(f)}
    sort = params.get("sort") or SORTS[0]
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    return Search(q=q, filters=filters, page=page, per_page=per_page, sort=sort)


def _pick(request: Request, ext: str | None) -> str:
    if ext is not None:
        if ext not in EXTENSIONS:
            raise NotFound(f"no /search.{ext}; the formats are: {', '.join(f'/search.{e}' for e in EXTENSIONS)}")
        return EXTENSIONS[ext]
    return choose(request, FORMATS, default="text/html", names=EXTENSIONS)


def url(path: str, query: str, root: str = "") -> str:
    """A search link: ``root`` is the root path the service is served at (see ``graph.web.urls``)."""
    return f"{root}{path}?{query}" if query else f"{root}{path}"


def query_string(search: Search, **changes: object) -> str:
    """The URL query of ``search`` with some parameters changed (None drops one)."""
    values: dict[str, object] = {"q": search.q, **{f: list(v) for f, v in search.filters.items()}}
    if search.page != 1:
        values["page"] = search.page
    if search.per_page != PER_PAGE:
        values["per_page"] = search.per_page
    if search.sort != SORTS[0]:
        values["sort"] = search.sort
    values.update(changes)
    pairs = [(k, v) for k, v in values.items() if v not in (None, "", [])]
    return urlencode([(k, x) for k, v in pairs for x in (v if isinstance(v, list) else [v])])


async def search_page(request: Request) -> Response:
    ext = request.path_params.get("ext")
    media_type = _pick(request, ext)
    search = read_search(request)
    ctx = context(request)
    if media_type == "text/csv":
        search = Search(search.q, search.filters, 1, CSV_ROWS, search.sort)
    results = await asyncio.to_thread(ctx.search.search, search)
    if media_type == "application/json":
        return JSONResponse(as_json(results, search), headers={"Vary": "Accept"})
    if media_type == "text/csv":
        headers = {"Vary": "Accept", "Content-Disposition": 'inline; filename="recherche.csv"'}
        if results.total > CSV_ROWS:
            headers["Ressourcerie-Truncated"] = f"{CSV_ROWS} of {results.total} rows"
        return Response(as_csv(results), media_type="text/csv; charset=utf-8", headers=headers)
    root = Urls.of(request).root
    plain = query_string(search, page=None, per_page=None)
    alternates = [
        Alternate(url("/search.json", query_string(search), root), "application/json", "JSON"),
        Alternate(url("/search.csv", plain, root), "text/csv", "CSV"),
    ]
    page = {
        "search": search,
        "results": results,
        "facet_titles": FACET_TITLES,
        "pages": _pagination(search, results, root),
        "prev_url": url("/search", query_string(search, page=search.page - 1 if search.page > 2 else None), root),
        "next_url": url("/search", query_string(search, page=search.page + 1), root),
        "json_url": url("/search.json", query_string(search), root),
        "first_url": url("/search", query_string(search, page=None), root),
        "csv_url": url("/search.csv", plain, root),
        "clear_url": url("/search", query_string(search, page=None, **dict.fromkeys(FACETS)), root),
        "sorts": _sort_links(search, root),
        "suggestion_url": url("/search", query_string(search, q=results.suggestion, page=None), root),
        "removals": [
            (
                FACET_TITLES[f],
                _label(results, f, v),
                url("/search", query_string(search, page=None, **{f: [x for x in vs if x != v]}), root),
            )
            for f, vs in results.filters.items()
            for v in vs
        ],
    }
    # what data.gouv.fr holds for the same words, on the first page of a text search (a short wait at most)
    page["datagouv"] = await panel_for(ctx.settings, search.q) if search.page == 1 else None
    return render(request, "search.html", alternates=alternates, page=page)


def _sort_links(search: Search, root: str = "") -> list[tuple[str, str, bool]]:
    """(label, href, current) of each order of the results; without words, relevance is the title order."""
    current = "title" if not search.q.strip() and search.sort == SORTS[0] else search.sort
    return [
        (label, url("/search", query_string(search, page=None, sort=None if s == SORTS[0] else s), root), s == current)
        for s, label in SORT_LABELS.items()
        if search.q.strip() or s != SORTS[0]
    ]


def _label(results: Results, facet: str, value: str) -> str:
    return next((c.label for c in results.facets.get(facet, ()) if c.value == value), value)


def _pagination(search: Search, results: Results, root: str = "") -> list[tuple[str, str | None]]:
    """(label, href or None for the current page / a gap) of the pagination links."""
    last, current = results.pages, search.page
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    out: list[tuple[str, str | None]] = []
    previous = 0
    for n in shown:
        if n - previous > 1:
            out.append(("…", None))
        href = url("/search", query_string(search, page=n if n > 1 else None), root)
        out.append((str(n), None if n == current else href))
        previous = n
    return out


def as_json(results: Results, search: Search) -> dict[str, Any]:
    links = {"self": url("/search.json", query_string(search)), "html": url("/search", query_string(search))}
    if search.page < results.pages:
        links["next"] = url("/search.json", query_string(search, page=search.page + 1))
    if search.page > 1:
        links["prev"] = url("/search.json", query_string(search, page=search.page - 1 if search.page > 2 else None))
    if results.suggestion:
        links["suggestion"] = url("/search.json", query_string(search, q=results.suggestion, page=None))
    return {
        "query": results.query,
        "filters": results.filters,
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "pages": results.pages,
        "took_ms": results.millis,
        "sort": results.sort,
        "partial": results.partial,
        "all_words": results.all_words,
        "suggestion": results.suggestion,
        "results": [
            {
                "iri": h.iri,
                "url": h.href,
                "title": h.title,
                "kind": h.kind,
                "producer": h.producer,
                "access": h.access,
                "themes": h.themes,
                "keywords": h.keywords,
                "excerpt": html.unescape(_MARK.sub("", h.excerpt)),
                "excerpt_html": h.excerpt,
                "score": h.score,
                "modified": h.modified,
            }
            for h in results.hits
        ],
        "facets": {f: [c.__dict__ for c in counts] for f, counts in results.facets.items()},
        "links": links,
    }


def as_csv(results: Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "iri", "title", "kind", "producer", "access", "themes", "keywords", "score", "modified"])
    for rank, h in enumerate(results.hits, 1):
        writer.writerow(
            [
                rank,
                h.iri,
                h.title,
                (h.kind or {}).get("label", ""),
                (h.producer or {}).get("label", ""),
                (h.access or {}).get("label", ""),
                " | ".join(t["label"] for t in h.themes),
                " | ".join(h.keywords),
                "" if h.score is None else h.score,
                h.modified or "",
            ]
        )
    return out.getvalue()
