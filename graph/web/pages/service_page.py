"""The page of an online service (``schema:WebApplication``, ``duv:UsageTool``): what it is, who runs it, which
resources it uses and for what, who uses them through it, and the stories that tell of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from markupsafe import Markup
from pyoxigraph import NamedNode

from graph.namespaces import DCT, FOAF, SCHEMA
from graph.web.context import Context
from graph.web.pages._cards import Card, cards
from graph.web.pages._prose import one_line, prose
from graph.web.pages._view import Link, Own, first, group, href_of, lang_of, parts_of, provenance, values
from graph.web.pages.document_page import source_label
from graph.web.pages.resource_page import links
from graph.web.urls import Urls

QUERY = """
SELECT ?s ?part ?x ?label ?a ?alabel ?b ?blabel ?c ?u ?purpose WHERE {
  {
    BIND("uses" AS ?part) ?u duv:hasUsageTool ?s ; duv:refersTo ?x .
    OPTIONAL { ?u dct:description ?purpose }
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:publisher ?b . OPTIONAL { ?b foaf:name ?blabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("user" AS ?part) ?u duv:hasUsageTool ?s ; prov:wasAssociatedWith ?x .
    OPTIONAL { ?x foaf:name ?label }
  } UNION {
    BIND("operator" AS ?part) VALUES ?p { dct:publisher dct:creator schema:provider schema:author } ?s ?p ?x .
    OPTIONAL { ?x foaf:name ?label }
  } UNION {
    BIND("story" AS ?part) ?u duv:hasUsageTool ?s ; dct:source ?x . OPTIONAL { ?x dct:title ?label }
  } UNION {
    BIND("source" AS ?part) GRAPH ?x { ?s dct:title ?t } OPTIONAL { ?x dct:source ?label }
  }
}
"""


@dataclass
class ServiceView:
    iri: str
    title: Link
    lead: Link | None
    body: Markup | None
    homepages: list[Link]
    operators: list[Link]
    uses: list[Card]
    users: list[Link]
    stories: list[Link]
    sources: list[str]
    provenance: list[str] = field(default_factory=list)


def build(request: Request, ctx: Context, iri: NamedNode, own: Own) -> ServiceView:
    parts = parts_of(ctx, QUERY, {"s": iri})
    uses = cards(request, ctx, parts.get("uses", []))
    purposes: dict[str, list[str]] = {}
    for r in parts.get("uses", []):
        if r.get("purpose") is not None:
            purposes.setdefault(r["x"].value, []).append(r["purpose"].value)
    for card in uses:
        card.notes = list(dict.fromkeys(purposes.get(card.iri, [])))

    def named(part: str) -> list[Link]:
        found = [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(parts.get(part, []), "x", "label")]
        return sorted(found, key=lambda link: link.text.lower())

    title, description = own.literal(DCT.title), own.literal(DCT.description)
    stories = []
    for story, rs in group(parts.get("story", [])).items():
        label = first(rs, "label")
        stories.append(Link(label.value if label else story, href_of(request, ctx, story), lang_of(label)))
    return ServiceView(
        iri=iri.value,
        title=Link(title.value if title else iri.value, None, lang_of(title)),
        lead=Link(one_line(description.value), None, lang_of(description)) if description else None,
        body=prose(Urls.of(request), own.text(SCHEMA.text)),
        homepages=links(request, ctx, own.iris(FOAF.homepage) + own.iris(SCHEMA.url)),
        operators=named("operator"),
        uses=uses,
        users=named("user"),
        stories=stories,
        sources=sorted({source_label(r["label"].value) for r in parts.get("source", []) if r.get("label") is not None}),
        provenance=provenance(own),
    )
