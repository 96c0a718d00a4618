"""The page of a usage: which resource, who uses it, through which service, for what, with what result,
since when, the feedback given and the story it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pyoxigraph import NamedNode

from graph.namespaces import DCT, FOAF, ORG, PROV, RSR
from graph.web.pages._prose import one_line
from graph.web.pages._view import Link, Own, date_fr, first, group, href_of, lang_of, parts_of, values
from graph.web.pages.organisation_page import _link

QUERY = """
SELECT ?u ?part ?x ?label ?a ?alabel ?b ?c ?clabel WHERE {
  {
    BIND("resource" AS ?part) ?u duv:refersTo ?x .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:publisher ?a . OPTIONAL { ?a foaf:name ?alabel } }
    OPTIONAL { ?x dct:type ?c . OPTIONAL { ?c skos:prefLabel ?clabel } }
    OPTIONAL { ?x dct:description ?b }
  } UNION {
    BIND("agent" AS ?part) ?u prov:wasAssociatedWith ?x .
    OPTIONAL { ?x foaf:name ?label }
    OPTIONAL { ?x a ?a . FILTER(?a IN (foaf:Person, org:Organization)) }
  } UNION {
    BIND("tool" AS ?part) ?u duv:hasUsageTool ?x .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x foaf:homepage ?a }
    OPTIONAL { ?x dct:description ?b }
    OPTIONAL { ?x dct:publisher ?c . OPTIONAL { ?c foaf:name ?clabel } }
  } UNION {
    BIND("source" AS ?part) ?u dct:source ?x . OPTIONAL { ?x dct:title ?label }
  } UNION {
    BIND("feedback" AS ?part) ?x oa:hasTarget ?u .
    OPTIONAL { ?x oa:bodyValue ?label }
    OPTIONAL { ?x duv:hasRating ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:created ?b }
    OPTIONAL { ?x dct:creator ?c . OPTIONAL { ?c foaf:name ?clabel } }
  } UNION {
    BIND("sibling" AS ?part) ?u duv:refersTo ?r . ?x duv:refersTo ?r .
    FILTER(?x != ?u)
    OPTIONAL { ?x dct:description ?label }
  }
}
"""


@dataclass
class Tool:
    link: Link
    homepage: str | None
    description: Link | None
    publishers: list[Link]


@dataclass
class FeedbackItem:
    href: str | None
    body: Link | None
    rating: str | None
    date: str | None
    creators: list[Link]


@dataclass
class UsageView:
    iri: str
    title: str
    purpose: Link | None
    outcome: Link | None
    started: str | None
    ended: str | None
    resource: Link | None
    resource_kind: str | None
    resource_description: Link | None
    producers: list[Link]
    people: list[Link]
    organisations: list[Link]
    tools: list[Tool]
    sources: list[Link]
    feedback: list[FeedbackItem]
    siblings: list[Link]


def _text(lit: Any) -> Link | None:
    return Link(lit.value, None, lang_of(lit)) if lit is not None else None


def _line(lit: Any) -> Link | None:
    """A description of another record, which may hold Markdown, as one line of words."""
    return Link(one_line(lit.value), None, lang_of(lit)) if lit is not None else None


def build(request: Request, ctx: Any, iri: NamedNode, own: Own) -> UsageView:
    parts = parts_of(ctx, QUERY, {"u": iri})
    resources = group(parts.get("resource", []))
    resource = kind = resource_description = None
    producers: list[Link] = []
    if resources:
        r_iri, rs = next(iter(resources.items()))
        resource = _link(request, ctx, r_iri, first(rs, "label"))
        k = first(rs, "clabel")
        kind = k.value if k else None
        resource_description = _line(first(rs, "b"))
        producers = [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "a", "alabel")]
    people: list[Link] = []
    organisations: list[Link] = []
    for a_iri, rs in group(parts.get("agent", [])).items():
        types = {r["a"].value for r in rs if r.get("a") is not None}
        link = _link(request, ctx, a_iri, first(rs, "label"))
        (people if FOAF.Person.value in types and ORG.Organization.value not in types else organisations).append(link)
    tools = []
    for t_iri, rs in group(parts.get("tool", [])).items():
        home = values(rs, "a", "a")
        tools.append(
            Tool(
                _link(request, ctx, t_iri, first(rs, "label")),
                home[0][0] if home else None,
                _line(first(rs, "b")),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "c", "clabel")],
            )
        )
    feedback = []
    for f_iri, rs in group(parts.get("feedback", [])).items():
        rating = first(rs, "alabel")
        feedback.append(
            FeedbackItem(
                href_of(request, ctx, f_iri),
                _text(first(rs, "label")),
                rating.value if rating else None,
                date_fr(first(rs, "b")),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "c", "clabel")],
            )
        )
    sources = [_link(request, ctx, i, first(rs, "label")) for i, rs in group(parts.get("source", [])).items()]
    siblings = sorted(
        (_link(request, ctx, i, first(rs, "label")) for i, rs in group(parts.get("sibling", [])).items()),
        key=lambda link: link.text.lower(),
    )
    purpose = own.literal(DCT.description)
    users = [link.text for link in organisations + people] + [t.link.text for t in tools]
    title = f"Usage de {resource.text}" if resource else "Usage"
    if users:
        title += " par " + ", ".join(users)
    return UsageView(
        iri=iri.value,
        title=title,
        purpose=_text(purpose),
        outcome=_text(own.literal(RSR.outcome)),
        started=date_fr(own.literal(PROV.startedAtTime)),
        ended=date_fr(own.literal(PROV.endedAtTime)),
        resource=resource,
        resource_kind=kind,
        resource_description=resource_description,
        producers=producers,
        people=sorted(people, key=lambda link: link.text.lower()),
        organisations=sorted(organisations, key=lambda link: link.text.lower()),
        tools=tools,
        sources=sources,
        feedback=feedback,
        siblings=siblings,
    )
