"""The page of a resource: what it is, who produces it, how to reach it, who uses it and for what, the guides
and stories that talk about it. Its own statements come from ``Store.describe``, the rest from one SELECT."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from markupsafe import Markup
from pyoxigraph import NamedNode

from graph.model.access import BY_IRI
from graph.namespaces import ADMS, DCAT, DCT, FOAF, ID_SCHEME, SCHEMA, SKOS, VCARD
from graph.web.context import Context
from graph.web.pages._prose import one_line, prose
from graph.web.pages._view import (
    Link,
    Own,
    date_fr,
    first,
    group,
    href_of,
    lang_of,
    parts_of,
    provenance,
    theme_href,
    values,
)
from graph.web.urls import Urls

QUERY = """
SELECT ?r ?part ?x ?label ?a ?alabel ?b ?blabel ?c ?d WHERE {
  {
    VALUES (?p ?part) { (dct:type "kind") (dcat:theme "theme") (dct:publisher "publisher")
                        (dct:contributor "contributor") (dct:accessRights "access") (dct:license "licence") }
    ?r ?p ?x .
    OPTIONAL { ?x skos:prefLabel|foaf:name|dct:title|rdfs:label ?label }
    OPTIONAL { ?x skos:notation ?c }
    OPTIONAL { ?x skos:closeMatch ?a . ?a skos:prefLabel ?alabel }
  } UNION {
    BIND("usage" AS ?part)
    ?x duv:refersTo ?r .
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?x prov:wasAssociatedWith ?a . OPTIONAL { ?a foaf:name ?alabel } }
    OPTIONAL { ?x duv:hasUsageTool ?b . OPTIONAL { ?b dct:title ?blabel } }
    OPTIONAL { ?x rsr:outcome ?c }
    OPTIONAL { ?x prov:startedAtTime ?d }
  } UNION {
    BIND("document" AS ?part)
    ?x dct:references ?r ; a foaf:Document .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:description ?c }
  } UNION {
    BIND("feedback" AS ?part)
    ?x oa:hasTarget ?r .
    OPTIONAL { ?x oa:bodyValue ?label }
    OPTIONAL { ?x duv:hasRating ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
    OPTIONAL { ?x dct:creator ?b . OPTIONAL { ?b foaf:name ?blabel } }
    OPTIONAL { ?x dct:created ?d }
  } UNION {
    BIND("identifier" AS ?part)
    ?r adms:identifier ?x . ?x dct:type ?a .
    OPTIONAL { ?a skos:prefLabel ?alabel }
  }
}
"""


@dataclass
class Identifier:
    scheme: str
    notation: str
    href: str | None
    agency: str | None


@dataclass
class UsageItem:
    href: str | None
    purpose: Link
    users: list[Link]
    tools: list[Link]
    outcome: Link | None
    since: str | None


@dataclass
class Access:
    label: str
    badge: str
    explanation: str


@dataclass
class ResourceView:
    iri: str
    title: Link
    alternative: Link | None
    kind: Link | None
    description: Link | None
    text: Markup | None
    themes: list[Link]
    keywords: list[Link]
    publishers: list[Link]
    contributors: list[Link]
    access: Access | None
    licences: list[Link]
    endpoints: list[Link]
    landing_pages: list[Link]
    documentation: list[Link]
    repositories: list[Link]
    contacts: list[Link]
    modified: str | None
    identifiers: list[Identifier]
    datagouv: list[Link]
    usages: list[UsageItem]
    documents: dict[str, list[Link]]
    feedback: list[dict[str, Any]] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    text_lang: str | None = None  # the language of the text, when not French


def identifier_href(scheme: str, notation: str, page: str | None) -> str | None:
    """Where an identifier can be looked up: its own page, else the register it comes from."""
    if page:
        return page
    if scheme == ID_SCHEME.datagouv.value:
        return f"https://www.data.gouv.fr/fr/datasets/{notation}/"
    if scheme == ID_SCHEME.apigouv.value:
        return f"https://api.gouv.fr/les-api/{notation}"
    if scheme == ID_SCHEME.siren.value:
        return f"https://annuaire-entreprises.data.gouv.fr/entreprise/{notation}"
    if scheme == ID_SCHEME.siret.value:
        return f"https://annuaire-entreprises.data.gouv.fr/etablissement/{notation}"
    return None


def identifiers(own: Own, rows: list[dict[str, Any]]) -> list[Identifier]:
    """The record's adms:identifier nodes (hash nodes, in ``own``), with the label of their scheme."""
    scheme_labels = {r["a"].value: r["alabel"].value for r in rows if r.get("alabel") is not None}
    out = []
    for node in own.iris(ADMS.identifier):
        notation = own.text(SKOS.notation, node)
        schemes = own.iris(DCT.type, node)
        if notation is None:
            continue
        scheme = schemes[0] if schemes else ""
        page = own.iris(FOAF.page, node)
        out.append(
            Identifier(
                scheme_labels.get(scheme, scheme.rsplit("/", 1)[-1]),
                notation,
                identifier_href(scheme, notation, page[0] if page else None),
                own.text(ADMS.schemaAgency, node),
            )
        )
    return sorted(out, key=lambda i: (i.scheme.lower(), i.notation))


def links(request: Request, ctx: Context, iris: list[str], labels: dict[str, str] | None = None) -> list[Link]:
    labels = labels or {}
    return [Link(labels.get(i) or i, href_of(request, ctx, i)) for i in dict.fromkeys(iris)]


def contacts(request: Request, ctx: Context, own: Own, subject: str | None = None) -> list[Link]:
    out = []
    for node in own.iris(DCAT.contactPoint, subject):
        name = own.text(VCARD.fn, node)
        for target in own.iris(VCARD.hasEmail, node) + own.iris(VCARD.hasURL, node):
            shown = target.removeprefix("mailto:")
            out.append(Link(f"{name} : {shown}" if name else shown, target))
    return out


def usage_items(request: Request, ctx: Context, rows: list[dict[str, Any]]) -> list[UsageItem]:
    items = []
    for iri, rs in group(rows).items():
        purpose = first(rs, "label")
        outcome = first(rs, "c")
        items.append(
            UsageItem(
                href_of(request, ctx, iri),
                Link(purpose.value if purpose else "Usage sans description", None, lang_of(purpose)),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "a", "alabel")],
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "b", "blabel")],
                Link(outcome.value, None, lang_of(outcome)) if outcome else None,
                date_fr(first(rs, "d")),
            )
        )
    return sorted(items, key=lambda u: u.purpose.text.lower())


def build(request: Request, ctx: Context, iri: NamedNode, own: Own) -> ResourceView:
    parts = parts_of(ctx, QUERY, {"r": iri})

    def linked(part: str) -> list[Link]:
        out = []
        for r in parts.get(part, []):
            label = r.get("label")
            out.append(
                Link(label.value if label else r["x"].value, href_of(request, ctx, r["x"].value), lang_of(label))
            )
        return sorted(set(out), key=lambda link: link.text.lower())

    kinds = parts.get("kind", [])
    kind = None
    if kinds:
        k = kinds[0]
        notation = k.get("c")
        search = Urls.of(request).path("/search", kind=notation.value) if notation else None
        kind = Link(k["label"].value if k.get("label") else k["x"].value, search)
    themes = sorted(
        {
            Link(
                r["label"].value if r.get("label") else r["x"].value,
                theme_href(request, ctx, r["x"].value, r["c"].value if r.get("c") else None),
            )
            for r in parts.get("theme", [])
        },
        key=lambda link: (link.text.lower(), link.text),
    )
    access = None
    for r in parts.get("access", []):
        known = BY_IRI.get(r["x"])
        if known is not None:
            access = Access(known.badge, known.level, known.explanation)
        else:
            access = Access(r["label"].value if r.get("label") else r["x"].value, "info", "")
    keywords = sorted(
        {Link(k.value, None, lang_of(k)) for k in own.literals(DCAT.keyword) + own.literals(SCHEMA.keywords)},
        key=lambda link: (link.text.lower(), link.text),
    )
    documents: dict[str, list[Link]] = {}
    for iri_doc, rs in group(parts.get("document", [])).items():
        title = first(rs, "label")
        kind_label = first(rs, "alabel")
        heading = {"Guide": "Guides", "Retour d'expérience": "Retours d'expérience"}.get(
            kind_label.value if kind_label else "", ""
        )
        documents.setdefault(heading or "Documents", []).append(
            Link(title.value if title else iri_doc, href_of(request, ctx, iri_doc), lang_of(title))
        )
    idents = identifiers(own, parts.get("identifier", []))
    datagouv = [
        Link(f"Jeu de données associé sur data.gouv.fr ({i.notation})", i.href)
        for i in idents
        if i.href and i.href.startswith("https://www.data.gouv.fr/")
    ]
    feedback = []
    for f_iri, rs in group(parts.get("feedback", [])).items():
        body, rating, creator = first(rs, "label"), first(rs, "alabel"), values(rs, "b", "blabel")
        feedback.append(
            {
                "href": href_of(request, ctx, f_iri),
                "body": body.value if body else None,
                "rating": rating.value if rating else None,
                "creator": [Link(lab or i, href_of(request, ctx, i)) for i, lab in creator],
                "date": date_fr(first(rs, "d")),
            }
        )
    title = own.literal(DCT.title)
    alternative = own.literal(DCT.alternative)
    description = own.literal(DCT.description)
    text = own.literal(SCHEMA.text)
    return ResourceView(
        iri=iri.value,
        title=Link(title.value if title else iri.value, None, lang_of(title)),
        alternative=Link(alternative.value, None, lang_of(alternative)) if alternative else None,
        kind=kind,
        description=Link(one_line(description.value), None, lang_of(description)) if description else None,
        text=prose(Urls.of(request), text.value, top=3)
        if text and text.value != (description and description.value)
        else None,
        themes=themes,
        keywords=keywords,
        publishers=linked("publisher"),
        contributors=linked("contributor"),
        access=access,
        licences=linked("licence") or links(request, ctx, own.iris(DCT.license)),
        endpoints=links(request, ctx, own.iris(DCAT.endpointURL)),
        landing_pages=links(request, ctx, own.iris(DCAT.landingPage) + own.iris(FOAF.homepage)),
        documentation=links(request, ctx, own.iris(DCAT.endpointDescription) + own.iris(FOAF.page)),
        repositories=links(request, ctx, own.iris(SCHEMA.codeRepository)),
        contacts=contacts(request, ctx, own),
        modified=date_fr(own.literal(DCT.modified)),
        identifiers=idents,
        datagouv=datagouv,
        usages=usage_items(request, ctx, parts.get("usage", [])),
        documents=documents,
        feedback=feedback,
        provenance=provenance(own),
        text_lang=lang_of(text),
    )
