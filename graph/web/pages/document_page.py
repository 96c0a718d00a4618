"""The page of a guide or a use-case story (``schema:Article``), laid out as an article: title, lead, author or
producer, date, reading time and the text itself, then the resources and organisations it cites as cards, the
usages it tells of and the related stories. What the record does not say (many sources give no author or
date) is not shown; where it comes from is, from the named graph that holds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from markupsafe import Markup
from pyoxigraph import NamedNode

from graph import text
from graph.namespaces import DCT, SCHEMA
from graph.web.context import Context
from graph.web.pages._cards import Card, cards
from graph.web.pages._prose import one_line, prose
from graph.web.pages._view import Link, Own, date_fr, first, group, href_of, lang_of, parts_of, provenance, values
from graph.web.urls import Urls

RELATED_SHOWN = 6
QUERY = """
SELECT ?d ?part ?x ?label ?a ?alabel ?b ?blabel ?c WHERE {
  {
    BIND("kind" AS ?part) ?d dct:type ?x . OPTIONAL { ?x skos:prefLabel ?label } OPTIONAL { ?x skos:notation ?c }
  } UNION {
    BIND("cited" AS ?part) ?d dct:references ?x .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:publisher ?b . OPTIONAL { ?b foaf:name ?blabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("usage" AS ?part) ?x dct:source ?d ; a duv:Usage ; duv:refersTo ?a .
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?a dct:title ?alabel }
    OPTIONAL { ?x prov:wasAssociatedWith|duv:hasUsageTool ?b . OPTIONAL { ?b foaf:name|dct:title ?blabel } }
  } UNION {
    BIND("related" AS ?part) ?d dct:relation ?x . ?x a schema:Article .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("related" AS ?part) ?x dct:relation ?d ; a schema:Article .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("neighbour" AS ?part) ?d dct:references ?r . ?x dct:references ?r ; a schema:Article .
    FILTER(?x != ?d)
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("author" AS ?part) VALUES ?p { dct:creator dct:publisher dct:contributor schema:author } ?d ?p ?x .
    OPTIONAL { ?x foaf:name|dct:title ?label }
  } UNION {
    BIND("source" AS ?part) GRAPH ?x { ?d dct:title ?t } OPTIONAL { ?x dct:source ?label }
  }
}
"""


@dataclass
class Told:
    """A usage the story tells of: what for, which resource, who."""

    href: str | None
    purpose: Link
    resource: Link
    users: list[Link]


@dataclass
class Organisation:
    link: Link
    roles: list[str]

    @property
    def summary(self) -> str:
        """'Produit API Sirene ; utilise API Adresse'."""
        said = " ; ".join(self.roles)
        return said[:1].upper() + said[1:]


@dataclass
class ArticleView:
    iri: str
    title: Link
    kind: Link | None
    lead: Link | None
    authors: list[Link]
    date: str | None
    minutes: int | None
    body: Markup | None
    keywords: list[Link]
    sources: list[str]
    cited: list[Card]
    organisations: list[Organisation]
    usages: list[Told]
    related: list[Card]
    provenance: list[str] = field(default_factory=list)


def source_label(said: str) -> str:
    """How the meta graph names a source, for people: 'SocialGouv/ressourcerie _data @ 33cc8907…' (a full
    commit) -> 'SocialGouv/ressourcerie _data (version 33cc890)'."""
    name, at, version = said.rpartition(" @ ")
    if at and len(version) == 40 and all(c in "0123456789abcdef" for c in version):
        return f"{name} (version {version[:7]})"
    return said


def _lead(description: Any, body: str) -> Link | None:
    """The description as the lead, unless the text opens with it (a description taken from the text)."""
    if description is None:
        return None
    lead = one_line(description.value)
    opening = one_line(body)
    if not lead or opening.startswith(lead.rstrip("…").rstrip()):
        return None
    return Link(lead, None, lang_of(description))


def _organisations(request: Request, ctx: Context, cited: list[Card], usages: list[Told]) -> list[Organisation]:
    """The producers of the resources cited and the users the story names, each with what it does in it."""
    found: dict[str, Organisation] = {}
    for card in cited:
        for p in card.producers:
            org = found.setdefault(p.href or p.text, Organisation(p, []))
            org.roles.append(f"produit {card.link.text}")
    for u in usages:
        for user in u.users:
            org = found.setdefault(user.href or user.text, Organisation(user, []))
            org.roles.append(f"utilise {u.resource.text}")
    for org in found.values():
        org.roles = list(dict.fromkeys(org.roles))
    return sorted(found.values(), key=lambda o: o.link.text.lower())


def build(request: Request, ctx: Context, iri: NamedNode, own: Own) -> ArticleView:
    parts = parts_of(ctx, QUERY, {"d": iri})
    urls = Urls.of(request)
    kind = None
    for r in parts.get("kind", []):
        notation = r.get("c")
        label = r["label"].value if r.get("label") else r["x"].value
        kind = Link(label, urls.path("/search", kind=notation.value) if notation else None)
    cited = cards(request, ctx, parts.get("cited", []))
    usages = []
    for u_iri, rs in group(parts.get("usage", [])).items():
        purpose, resource = first(rs, "label"), values(rs, "a", "alabel")[0]
        usages.append(
            Told(
                href_of(request, ctx, u_iri),
                Link(purpose.value if purpose else "Usage sans description", None, lang_of(purpose)),
                Link(resource[1] or resource[0], href_of(request, ctx, resource[0])),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "b", "blabel")],
            )
        )
    usages.sort(key=lambda u: (u.resource.text.lower(), u.purpose.text.lower()))
    related = cards(request, ctx, parts.get("related", []))
    shown = {c.iri for c in related}
    related += [c for c in cards(request, ctx, parts.get("neighbour", [])) if c.iri not in shown]
    authors = [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(parts.get("author", []), "x", "label")]
    sources = sorted({source_label(r["label"].value) for r in parts.get("source", []) if r.get("label") is not None})
    body = own.text(SCHEMA.text) or ""
    title = own.literal(DCT.title)
    dated = own.literal(DCT.issued) or own.literal(DCT.created) or own.literal(DCT.modified)
    keywords = sorted(
        {Link(k.value, None, lang_of(k)) for k in own.literals(SCHEMA.keywords)},
        key=lambda link: (link.text.lower(), link.text),
    )
    return ArticleView(
        iri=iri.value,
        title=Link(title.value if title else iri.value, None, lang_of(title)),
        kind=kind,
        lead=_lead(own.literal(DCT.description), body),
        authors=authors,
        date=date_fr(dated),
        minutes=text.reading_minutes(body) if body.strip() else None,
        body=prose(urls, body),
        keywords=keywords,
        sources=sources,
        cited=cited,
        organisations=_organisations(request, ctx, cited, usages),
        usages=usages,
        related=related[:RELATED_SHOWN],
        provenance=provenance(own),
    )
