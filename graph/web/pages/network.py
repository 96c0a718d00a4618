"""/network: the map of the usage network (cytoscape.js), its table, and its twins /network.json (cytoscape
elements), /network.svg (drawn server-side, for readers without JavaScript) and /network.csv. The same GET
filters (theme, kind, organisation, scope) drive all of them."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from graph import features
from graph.errors import BadRequest, QueryParameterError
from graph.network import EDGE_KINDS, SCOPES, TYPES, Network, build
from graph.network_svg import COLOURS, columns, svg
from graph.queries import Param
from graph.web.context import Context, context
from graph.web.render import Alternate, render
from graph.web.urls import Urls, path_of

FILTERS = {
    "theme": Param("theme", "iri", False, "un thème"),
    "kind": Param("kind", "iri", False, "un type de ressource"),
    "organisation": Param("organisation", "iri", False, "une organisation ou une personne"),
}
SHAPES = {"resource": "ellipse", "organisation": "round-rectangle", "person": "round-rectangle", "service": "diamond"}
# (extension, media type, title of the Link header (ASCII, as headers are), label on the page)
TWINS = [
    ("json", "application/json", "Usage network, cytoscape JSON", "Graphe JSON (éléments cytoscape)"),
    ("svg", "image/svg+xml", "Usage network, SVG drawing", "Image SVG"),
    ("csv", "text/csv", "Usages, CSV table", "Tableau CSV des usages"),
]


@dataclass
class Query:
    """The filters of a request, checked: IRIs (or CURIEs such as theme:emploi) and a scope."""

    values: dict[str, str] = field(default_factory=dict)  # as given, for the form and the links
    iris: dict[str, str] = field(default_factory=dict)
    scope: str = "used"
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, request: Request) -> Query:
        q = cls()
        params = request.query_params
        for name, param in FILTERS.items():
            raw = params.get(name, "").strip()
            if not raw:
                continue
            q.values[name] = raw
            try:
                q.iris[name] = param.term(raw).value
            except QueryParameterError:
                q.errors[name] = f"« {raw} » n'est pas une IRI : choisissez {param.help} dans la liste."
        scope = params.get("scope", "used") or "used"
        if scope not in SCOPES:
            q.errors["scope"] = f"« {scope} » n'est pas une étendue connue : {' ou '.join(SCOPES)}."
        else:
            q.scope = scope
            if scope != "used":
                q.values["scope"] = scope
        return q

    def string(self, **extra: str) -> str:
        pairs = {**self.values, **extra}
        return ("?" + urlencode(pairs)) if pairs else ""

    def english_errors(self) -> str:
        return "; ".join(f"{name}: {msg}" for name, msg in self.errors.items())


def _network(ctx: Context, q: Query) -> tuple[Network, Network]:
    """(the whole network of the scope, the filtered one)."""
    whole = ctx.cached(f"network:{q.scope}", lambda: build(ctx.store, q.scope))
    return whole, whole.filtered(q.iris.get("theme"), q.iris.get("kind"), q.iris.get("organisation"))


def _href(request: Request, ctx: Context, iri: str) -> str:
    path = path_of(ctx, iri)
    return Urls.of(request).page(path) if path is not None else iri


def _check_feature(ctx: Context) -> None:
    features.require(ctx.settings, "map")


def elements(request: Request, ctx: Context, net: Network) -> dict[str, Any]:
    """The network as cytoscape elements, with the column layout as each node's preset position."""
    pos = columns(net)
    centre = min((pos[i][0] for i, n in net.nodes.items() if n.type == "resource"), default=0.0)
    nodes = [
        {
            "data": {
                "id": n.id,
                "label": n.label,
                "type": n.type,
                "typeLabel": TYPES[n.type],
                "href": _href(request, ctx, n.id),
                "degree": n.degree,
                "colour": COLOURS[n.type],
                "shape": SHAPES.get(n.type, "triangle"),
                "side": "left" if pos[n.id][0] < centre else "right",  # where its label goes in columns
                **({"kind": n.kind[1]} if n.kind else {}),
                **({"themes": [label for _, label in n.themes]} if n.type == "resource" else {}),
            },
            "position": {"x": pos[n.id][0], "y": pos[n.id][1]},
        }
        for n in net.nodes.values()
    ]
    edges = [
        {
            "data": {
                "id": e.id,
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "kindLabel": EDGE_KINDS[e.kind],
                "label": e.label,
                **({"href": _href(request, ctx, e.usage), "usage": e.usage} if e.usage else {}),
            }
        }
        for e in net.edges
    ]
    return {"nodes": nodes, "edges": edges}


def rows(request: Request, ctx: Context, net: Network) -> list[dict[str, Any]]:
    """One row per usage: the resource, its user, the purpose, the resource's producers."""
    producers: dict[str, list[str]] = {}
    for e in net.edges:
        if e.kind == "production":
            producers.setdefault(e.target, []).append(e.source)

    def cell(iri: str) -> dict[str, str]:
        n = net.nodes[iri]
        return {"iri": iri, "label": n.label, "href": _href(request, ctx, iri), "type": TYPES[n.type]}

    out: list[dict[str, Any]] = [
        {
            "resource": cell(e.target),
            "user": cell(e.source),
            "purpose": e.label,
            "producers": [cell(p) for p in producers.get(e.target, [])],
            "usage": {"iri": e.usage, "href": _href(request, ctx, e.usage)},
        }
        for e in net.edges
        if e.kind == "usage"
    ]
    out.sort(key=lambda r: (r["resource"]["label"].casefold(), r["user"]["label"].casefold(), r["usage"]["iri"]))
    return out


async def network_page(request: Request) -> Response:
    return await _answer(request, None)


async def network_twin(request: Request, ext: str) -> Response:
    if ext not in {t[0] for t in TWINS}:
        raise BadRequest(f"/network.{ext}: the map is served as {', '.join('/network.' + t[0] for t in TWINS)}")
    return await _answer(request, ext)


async def _answer(request: Request, ext: str | None) -> Response:
    ctx = context(request)
    _check_feature(ctx)
    q = Query.read(request)
    if ext is not None and q.errors:
        raise BadRequest(q.english_errors())
    whole, net = await asyncio.to_thread(_network, ctx, q)
    if ext == "json":
        body = {**elements(request, ctx, net), "counts": net.counts(), "filters": {**q.iris, "scope": q.scope}}
        return JSONResponse(body)
    if ext == "svg":
        return Response(svg(net, lambda i: _href(request, ctx, i)), media_type="image/svg+xml")
    if ext == "csv":
        return Response(
            _csv(rows(request, ctx, net)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="reseau-des-usages.csv"'},
        )
    view = "table" if request.query_params.get("view") == "table" else "map"
    qs = q.string()
    urls = Urls.of(request)
    alternates = [Alternate(urls.path(f"/network.{e}") + qs, media, title) for e, media, title, _label in TWINS]
    page = {
        "query": q,
        "view": view,
        "options": whole.options(),
        "counts": net.counts(),
        "whole": whole.counts(),
        "elements": elements(request, ctx, net) if view == "map" else None,
        "svg": svg(net, lambda i: _href(request, ctx, i)).split("\n", 1)[1] if view == "map" else "",
        "rows": rows(request, ctx, net) if view == "table" else [],
        "map_href": urls.path("/network") + q.string(),
        "table_href": urls.path("/network") + q.string(view="table"),
        "twins": [(urls.path(f"/network.{e}") + qs, label, e.upper()) for e, _m, _t, label in TWINS],
        "types": [(t, label, COLOURS[t]) for t, label in TYPES.items()],
        "edge_kinds": EDGE_KINDS,
    }
    return render(request, "network.html", status=400 if q.errors else 200, alternates=alternates, page=page)


def _csv(data: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "resource",
            "resource_iri",
            "user",
            "user_iri",
            "user_type",
            "purpose",
            "producer",
            "producer_iri",
            "usage_iri",
        ]
    )
    for r in data:
        writer.writerow(
            [
                r["resource"]["label"],
                r["resource"]["iri"],
                r["user"]["label"],
                r["user"]["iri"],
                r["user"]["type"],
                r["purpose"],
                " ; ".join(p["label"] for p in r["producers"]),
                " ; ".join(p["iri"] for p in r["producers"]),
                r["usage"]["iri"],
            ]
        )
    return out.getvalue()
