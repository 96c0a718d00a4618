"""Themes: the concepts of the instance's theme scheme (setting ``theme_scheme``) with their resource counts,
the /themes list, and the page of one theme (its label, definition, matching EU themes, its resources)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pyoxigraph import Literal, NamedNode

from graph.errors import RessourcerieError
from graph.namespaces import DCT, SKOS
from graph.web.conneg import HTML_OR_JSON, HTML_OR_JSON_NAMES, choose
from graph.web.context import Context, context
from graph.web.pages._prose import one_line
from graph.web.pages._view import (
    Link,
    Own,
    first,
    group,
    href_of,
    lang_of,
    listed_only,
    merge,
    parts_of,
    record_path,
    theme_href,
    values,
)
from graph.web.render import Alternate, render
from graph.web.urls import Urls

THEMES = """
SELECT ?scheme ?t ?label ?notation (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?t skos:inScheme ?scheme .
  OPTIONAL { ?t skos:prefLabel ?label }
  OPTIONAL { ?t skos:notation ?notation }
  OPTIONAL { ?r dcat:theme ?t ; a dcat:Resource {listed} }
} GROUP BY ?scheme ?t ?label ?notation
"""
BY_NOTATION = "SELECT ?scheme ?notation ?t WHERE { ?t skos:inScheme ?scheme ; skos:notation ?notation } LIMIT 1"
QUERY = """
SELECT ?t ?part ?x ?label ?a ?alabel ?b ?c ?clabel WHERE {
  {
    BIND("resource" AS ?part) ?x dcat:theme ?t ; a dcat:Resource .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:description ?b }
    OPTIONAL { ?x dct:publisher ?c . OPTIONAL { ?c foaf:name ?clabel } }
  } UNION {
    BIND("match" AS ?part) ?t skos:closeMatch|skos:exactMatch|skos:broadMatch|skos:narrowMatch|skos:relatedMatch ?x .
    OPTIONAL { ?x skos:prefLabel ?label }
    OPTIONAL { ?x skos:definition ?b }
  } UNION {
    BIND("broader" AS ?part) ?t skos:broader ?x . OPTIONAL { ?x skos:prefLabel ?label } OPTIONAL { ?x skos:notation ?b }
  } UNION {
    BIND("narrower" AS ?part) ?x skos:broader ?t . OPTIONAL { ?x skos:prefLabel ?label } OPTIONAL { ?x skos:notation ?b }
  } UNION {
    BIND("scheme" AS ?part) ?t skos:inScheme ?x . OPTIONAL { ?x skos:prefLabel ?label }
  }
}
"""


class UnknownTheme(RessourcerieError):
    status = 404


@dataclass
class ThemeCount:
    iri: str
    label: str
    notation: str | None
    count: int


def theme_counts(ctx: Context) -> list[ThemeCount]:
    """The themes of the instance's scheme with how many resources each has, most used first (cached)."""

    def compute() -> list[ThemeCount]:
        scheme = NamedNode(ctx.settings.theme_scheme)
        out = []
        for row in merge(ctx.store.select(listed_only(THEMES, ctx), {"scheme": scheme}).dicts()):
            label, notation = row.get("label"), row.get("notation")
            out.append(
                ThemeCount(
                    row["t"].value,
                    label.value if label else row["t"].value.rsplit("/", 1)[-1],
                    notation.value if notation else None,
                    int(row["n"].value),
                )
            )
        return sorted(out, key=lambda t: (-t.count, t.label.lower()))

    return ctx.cached("themes", compute)


def is_theme(ctx: Context, own: Own) -> bool:
    return SKOS.Concept.value in own.types() and ctx.settings.theme_scheme in own.iris(SKOS.inScheme)


@dataclass
class ThemeResource:
    link: Link
    kind: str | None
    description: Link | None
    publishers: list[Link]


@dataclass
class ThemeView:
    iri: str
    label: Link
    definition: Link | None
    notation: str | None
    alt_labels: list[str]
    matches: list[tuple[Link, Link | None]]
    broader: list[Link]
    narrower: list[Link]
    schemes: list[Link]
    resources: list[ThemeResource]


def build(request: Request, ctx: Context, iri: NamedNode, own: Own) -> ThemeView:
    parts = parts_of(ctx, QUERY, {"t": iri})

    def lit(value: Literal | None) -> Link | None:
        """A description, which may hold Markdown, as one line of words."""
        return Link(one_line(value.value), None, lang_of(value)) if value is not None else None

    resources = []
    for r_iri, rs in group(parts.get("resource", [])).items():
        title, kind = first(rs, "label"), first(rs, "alabel")
        resources.append(
            ThemeResource(
                Link(title.value if title else r_iri, href_of(request, ctx, r_iri), lang_of(title)),
                kind.value if kind else None,
                lit(first(rs, "b")),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "c", "clabel")],
            )
        )
    resources.sort(key=lambda r: r.link.text.lower())
    matches = []
    for m_iri, rs in group(parts.get("match", [])).items():
        label = first(rs, "label")
        matches.append(
            (Link(label.value if label else m_iri, href_of(request, ctx, m_iri), lang_of(label)), lit(first(rs, "b")))
        )

    def concepts(part: str) -> list[Link]:
        out = []
        for c_iri, rs in group(parts.get(part, [])).items():
            label, notation = first(rs, "label"), first(rs, "b")
            out.append(
                Link(
                    label.value if label else c_iri,
                    theme_href(request, ctx, c_iri, notation.value if notation else None),
                )
            )
        return out

    label = own.literal(SKOS.prefLabel)
    definition = own.literal(SKOS.definition) or own.literal(DCT.description) or own.literal(SKOS.scopeNote)
    schemes = [Link(lab or i, None) for i, lab in values(parts.get("scheme", []), "x", "label")]
    return ThemeView(
        iri=iri.value,
        label=Link(label.value if label else iri.value, None, lang_of(label)),
        definition=lit(definition),
        notation=own.text(SKOS.notation),
        alt_labels=[a.value for a in own.literals(SKOS.altLabel)],
        matches=matches,
        broader=concepts("broader"),
        narrower=concepts("narrower"),
        schemes=schemes,
        resources=resources,
    )


# --- handlers ------------------------------------------------------------------------------------------------------


def themes(request: Request) -> Response:
    """GET /themes: the themes of the instance with their resource counts (HTML, or JSON)."""
    ctx = context(request)
    found = theme_counts(ctx)
    media = choose(request, HTML_OR_JSON, default="text/html", names=HTML_OR_JSON_NAMES)
    if media == "application/json":
        body = [
            {
                "iri": t.iri,
                "label": t.label,
                "notation": t.notation,
                "resources": t.count,
                "page": theme_href(request, ctx, t.iri, t.notation),
            }
            for t in found
        ]
        return JSONResponse({"scheme": ctx.settings.theme_scheme, "themes": body}, headers={"Vary": "Accept"})
    items = [(t, theme_href(request, ctx, t.iri, t.notation)) for t in found]
    urls = Urls.of(request)
    alternates = [Alternate(urls.path("/themes", format="json"), "application/json", "JSON")]
    scheme_path = record_path(ctx, ctx.settings.theme_scheme)
    if scheme_path is not None:  # the SKOS scheme itself, where this instance serves it
        alternates.append(Alternate(urls.page(scheme_path) + ".ttl", "text/turtle", "Turtle (SKOS)"))
    return render(
        request, "themes.html", alternates=alternates, page={"themes": items, "scheme": ctx.settings.theme_scheme}
    )
