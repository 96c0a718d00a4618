"""The page of a person: name, contact, memberships and roles, documented usages, what they publish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pyoxigraph import NamedNode

from graph.namespaces import FOAF
from graph.web.pages._view import Link, Own, first, group, href_of, lang_of, parts_of, values
from graph.web.pages.organisation_page import Member, UsageLine, _link, usage_lines
from graph.web.pages.resource_page import contacts, links

QUERY = """
SELECT ?p ?part ?x ?label ?a ?alabel ?b ?blabel ?c ?clabel WHERE {
  {
    BIND("membership" AS ?part)
    ?m org:member ?p ; org:organization ?x .
    OPTIONAL { ?x foaf:name ?label }
    OPTIONAL { ?m org:role ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
  } UNION {
    BIND("usage" AS ?part)
    ?x prov:wasAssociatedWith ?p ; duv:refersTo ?a .
    OPTIONAL { ?a dct:title ?alabel }
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?x duv:hasUsageTool ?c . OPTIONAL { ?c dct:title ?clabel } }
  } UNION {
    BIND("produces" AS ?part) ?x dct:publisher ?p . OPTIONAL { ?x dct:title ?label }
  } UNION {
    BIND("feedback" AS ?part)
    ?x dct:creator ?p ; oa:hasTarget ?a .
    OPTIONAL { ?a dct:title|dct:description ?alabel }
    OPTIONAL { ?x oa:bodyValue ?label }
  }
}
"""


@dataclass
class Feedback:
    href: str | None
    body: Link | None
    target: Link


@dataclass
class PersonView:
    iri: str
    name: Link
    mailboxes: list[Link]
    homepages: list[Link]
    contacts: list[Link]
    memberships: list[Member]
    usages: list[UsageLine]
    produces: list[Link]
    feedback: list[Feedback]


def build(request: Request, ctx: Any, iri: NamedNode, own: Own) -> PersonView:
    parts = parts_of(ctx, QUERY, {"p": iri})
    memberships = []
    for org, rs in group(parts.get("membership", [])).items():
        roles = sorted({lab or i.rsplit("/", 1)[-1] for i, lab in values(rs, "a", "alabel")})
        memberships.append(Member(_link(request, ctx, org, first(rs, "label")), roles))
    memberships.sort(key=lambda m: m.person.text.lower())
    produces = sorted(
        (_link(request, ctx, i, first(rs, "label")) for i, rs in group(parts.get("produces", [])).items()),
        key=lambda link: link.text.lower(),
    )
    feedback = []
    for f, rs in group(parts.get("feedback", [])).items():
        body, target = first(rs, "label"), values(rs, "a", "alabel")
        feedback.append(
            Feedback(
                href_of(request, ctx, f),
                Link(body.value, None, lang_of(body)) if body else None,
                Link(target[0][1] or target[0][0], href_of(request, ctx, target[0][0])),
            )
        )
    name = own.literal(FOAF.name)
    return PersonView(
        iri=iri.value,
        name=Link(name.value if name else iri.value, None, lang_of(name)),
        mailboxes=[Link(m.removeprefix("mailto:"), m) for m in own.iris(FOAF.mbox)],
        homepages=links(request, ctx, own.iris(FOAF.homepage)),
        contacts=contacts(request, ctx, own),
        memberships=memberships,
        usages=usage_lines(request, ctx, parts.get("usage", [])),
        produces=produces,
        feedback=feedback,
    )
