"""The page of an organisation: what it produces, who uses that (the organisations using it most first), what it
uses, its people, where it sits (parent and sub-organisations), its official identifiers. One ``Store.describe``
and one SELECT. What it produces (thousands of resources for the largest) is shown ``PER_PAGE`` at a time
(``?page=N``), with the total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pyoxigraph import NamedNode

from graph.namespaces import DCT, FOAF, RDFS, SKOS
from graph.web.pages._paging import PER_PAGE, ListPage, page_number, paged
from graph.web.pages._prose import one_line
from graph.web.pages._view import Link, Own, first, group, href_of, lang_of, parts_of, set_aside, values
from graph.web.pages.resource_page import Identifier, contacts, identifiers, links
from graph.web.urls import Urls, path_of

QUERY = """
SELECT ?o ?part ?x ?label ?a ?alabel ?b ?blabel ?c ?clabel WHERE {
  {
    BIND("classification" AS ?part) ?o org:classification ?x . OPTIONAL { ?x skos:prefLabel ?label }
  } UNION {
    BIND("parent" AS ?part) ?o org:subOrganizationOf|org:unitOf ?x . OPTIONAL { ?x foaf:name ?label }
  } UNION {
    BIND("child" AS ?part) ?x org:subOrganizationOf|org:unitOf ?o . OPTIONAL { ?x foaf:name ?label }
  } UNION {
    BIND("produces" AS ?part) ?x dct:publisher ?o ; a dcat:Resource .
    OPTIONAL { ?x dct:title ?label }
    OPTIONAL { ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
  } UNION {
    BIND("service" AS ?part) ?x dct:publisher ?o ; a duv:UsageTool . OPTIONAL { ?x dct:title ?label }
  } UNION {
    BIND("document" AS ?part) ?x dct:publisher ?o ; a foaf:Document .
    FILTER NOT EXISTS { ?x a dcat:Resource }
    OPTIONAL { ?x dct:title ?label }
  } UNION {
    BIND("uses" AS ?part)
    ?x prov:wasAssociatedWith ?o ; a duv:Usage ; duv:refersTo ?a .
    OPTIONAL { ?a dct:title ?alabel }
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?x duv:hasUsageTool ?c . OPTIONAL { ?c dct:title ?clabel } }
  } UNION {
    BIND("uses" AS ?part)
    ?tool dct:publisher ?o . ?x duv:hasUsageTool ?tool ; a duv:Usage ; duv:refersTo ?a .
    OPTIONAL { ?a dct:title ?alabel }
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?x duv:hasUsageTool ?c . OPTIONAL { ?c dct:title ?clabel } }
  } UNION {
    BIND("used" AS ?part)
    ?a dct:publisher ?o ; a dcat:Resource . ?x duv:refersTo ?a .
    OPTIONAL { ?a dct:title ?alabel }
    OPTIONAL { ?x dct:description ?label }
    OPTIONAL { ?x prov:wasAssociatedWith ?b . OPTIONAL { ?b foaf:name ?blabel } }
    OPTIONAL { ?x duv:hasUsageTool ?c . OPTIONAL { ?c dct:title ?clabel } }
  } UNION {
    BIND("member" AS ?part)
    ?m org:organization ?o ; org:member ?x .
    OPTIONAL { ?x foaf:name ?label }
    OPTIONAL { ?m org:role ?a . OPTIONAL { ?a skos:prefLabel ?alabel } }
  } UNION {
    BIND("identifier" AS ?part) ?o adms:identifier ?x . ?x dct:type ?a . OPTIONAL { ?a skos:prefLabel ?alabel }
  }
}
"""

# who uses the resources of the organisation and of its sub-organisations, directly or through a service it
# runs: how many usages of how many resources; counted by the store (the largest producers have thousands of
# usages), the names read afterwards for the users shown only
USERS = """
SELECT ?o ?x (COUNT(DISTINCT ?c) AS ?usages) (COUNT(DISTINCT ?a) AS ?resources) WHERE {
  ?a dct:publisher/org:subOrganizationOf* ?o ; a dcat:Resource .
  ?c duv:refersTo ?a ; a duv:Usage ; prov:wasAssociatedWith|duv:hasUsageTool/dct:publisher ?x .
} GROUP BY ?o ?x
"""
USERS_PER_PAGE = PER_PAGE
NAMES = "SELECT ?x ?label WHERE {{ VALUES ?x {{ {} }} ?x foaf:name ?label }}"


@dataclass
class Produced:
    link: Link
    kind: str | None


@dataclass
class UsageLine:
    href: str | None
    purpose: Link
    resource: Link
    users: list[Link]


@dataclass
class User:
    """An organisation (or person) using the resources of this one and its sub-organisations: how many usages
    of how many of them, made directly or through a service it runs."""

    link: Link
    usages: int
    resources: int


@dataclass
class Member:
    person: Link
    roles: list[str]


@dataclass
class OrganisationView:
    iri: str
    name: Link
    acronyms: list[str]
    description: Link | None
    classification: str | None
    homepages: list[Link]
    see_also: list[Link]
    contacts: list[Link]
    parents: list[Link]
    children: list[Link]
    produces: ListPage[Produced]
    services: list[Link]
    documents: list[Link]
    uses: list[UsageLine]
    used_by: list[UsageLine]
    users: ListPage[User]
    members: list[Member]
    identifiers: list[Identifier]


def _link(request: Request, ctx: Any, iri: str, label: Any) -> Link:
    return Link(label.value if label is not None else iri, href_of(request, ctx, iri), lang_of(label))


def usage_lines(request: Request, ctx: Any, rows: list[dict[str, Any]]) -> list[UsageLine]:
    lines = []
    for iri, rs in group(rows).items():
        purpose = first(rs, "label")
        resource = values(rs, "a", "alabel")
        users = values(rs, "b", "blabel") + values(rs, "c", "clabel")
        lines.append(
            UsageLine(
                href_of(request, ctx, iri),
                Link(purpose.value if purpose else "Usage sans description", None, lang_of(purpose)),
                Link(resource[0][1] or resource[0][0], href_of(request, ctx, resource[0][0])) if resource else Link(""),
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in users],
            )
        )
    return sorted(lines, key=lambda u: (u.resource.text.lower(), u.purpose.text.lower()))


def ranked_users(
    request: Request, ctx: Any, iri: NamedNode, number: int, href: Callable[[int], str], per_page: int = PER_PAGE
) -> ListPage[User]:
    """Who uses the resources, the most usages first, then the most resources, then by name; page ``number``.
    Names are read for the users of the page and those tied with them (their order among equals is by name)."""
    aside = set_aside(ctx)  # merged duplicates and hidden entries are not listed
    counts = [
        (r["x"], int(r["usages"].value), int(r["resources"].value))
        for r in ctx.store.select(USERS, {"o": iri}).dicts()
        if isinstance(r.get("x"), NamedNode) and r["x"] not in aside
    ]
    counts.sort(key=lambda c: (-c[1], -c[2], c[0].value))
    ordered: list[User | None] = [None] * len(counts)
    start = (number - 1) * per_page
    if start < len(counts):
        end = min(len(counts), start + per_page)
        lo, hi = start, end
        while lo > 0 and counts[lo - 1][1:] == counts[start][1:]:
            lo -= 1
        while hi < len(counts) and counts[hi][1:] == counts[end - 1][1:]:
            hi += 1
        shown = counts[lo:hi]
        names = group(ctx.store.select(NAMES.format(" ".join(str(x) for x, _, _ in shown))).dicts())
        users = [User(_link(request, ctx, x.value, first(names.get(x.value, []), "label")), n, m) for x, n, m in shown]
        users.sort(key=lambda u: (-u.usages, -u.resources, u.link.text.lower()))
        ordered[lo:hi] = users
    return paged(ordered, number, href, per_page)  # type: ignore[arg-type]  # the page's own items are all there


def build(request: Request, ctx: Any, iri: NamedNode, own: Own) -> OrganisationView:
    parts = parts_of(ctx, QUERY, {"o": iri})

    def simple(part: str) -> list[Link]:
        found = {r["x"].value: r.get("label") for r in parts.get(part, [])}
        return sorted((_link(request, ctx, i, lab) for i, lab in found.items()), key=lambda x: x.text.lower())

    produced = []
    for r_iri, rs in group(parts.get("produces", [])).items():
        kind = first(rs, "alabel")
        produced.append(Produced(_link(request, ctx, r_iri, first(rs, "label")), kind.value if kind else None))
    produced.sort(key=lambda p: p.link.text.lower())
    urls, path = Urls.of(request), path_of(ctx, iri.value)

    def page_href(n: int, param: str = "page", anchor: str = "titre-produit") -> str:
        params = {param: str(n)} if n > 1 else {}
        where = urls.page(path, **params) if path is not None else f"?{param}={n}"
        return f"{where}#{anchor}"

    users_page = page_number(request.query_params.get("users_page"), "users_page")

    def users_href(n: int) -> str:
        return page_href(n, "users_page", "titre-utilisateurs")

    members = []
    for p_iri, rs in group(parts.get("member", [])).items():
        roles = sorted({lab or i.rsplit("/", 1)[-1] for i, lab in values(rs, "a", "alabel")})
        members.append(Member(_link(request, ctx, p_iri, first(rs, "label")), roles))
    members.sort(key=lambda m: m.person.text.lower())
    classification = parts.get("classification", [])
    name = own.literal(FOAF.name)
    description = own.literal(DCT.description)
    return OrganisationView(
        iri=iri.value,
        name=Link(name.value if name else iri.value, None, lang_of(name)),
        acronyms=[lit.value for lit in own.literals(SKOS.altLabel)],
        description=Link(one_line(description.value), None, lang_of(description)) if description else None,
        classification=classification[0]["label"].value if classification and classification[0].get("label") else None,
        homepages=links(request, ctx, own.iris(FOAF.homepage)),
        see_also=links(request, ctx, own.iris(RDFS.seeAlso)),
        contacts=contacts(request, ctx, own),
        parents=simple("parent"),
        children=simple("child"),
        produces=paged(produced, page_number(request.query_params.get("page")), page_href),
        services=simple("service"),
        documents=simple("document"),
        uses=usage_lines(request, ctx, parts.get("uses", [])),
        used_by=usage_lines(request, ctx, parts.get("used", [])),
        users=ranked_users(request, ctx, iri, users_page, users_href, USERS_PER_PAGE),
        members=members,
        identifiers=identifiers(own, parts.get("identifier", [])),
    )
