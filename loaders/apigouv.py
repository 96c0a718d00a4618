"""api.gouv.fr (betagouv/api.gouv.fr ``_data``) as RDF: API sheets, producers, services.

The Ressourcerie is the primary source: an api.gouv.fr sheet, producer or service that the Ressourcerie
also describes (same title, same organisation) keeps the Ressourcerie's IRI, and this source only adds
what can have several values (identifiers, keywords, themes, links, contacts, alternative titles).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.iris import Iris, slugify
from graph.namespaces import (
    ACCESS,
    ADMS,
    DCAT,
    DCT,
    DUV,
    FOAF,
    ID_SCHEME,
    KIND,
    ORG,
    RDF,
    SCHEMA,
    SKOS,
    VCARD,
)
from graph.text import norm
from loaders._build import Out, Themes, as_list, contact_iri, fr, iri, parse_date
from loaders.endpoints import EndpointBook
from loaders.frontmatter import Page, read_pages
from loaders.operators import Agents, Statements
from loaders.organisations import canonical
from loaders.ressourcerie import (
    Index,
    Usage,
    catalogue_fields,
    organisation,
    record_head,
    service,
    service_usages,
    usage,
)

SITE = "https://api.gouv.fr"
# is_open, as api.gouv.fr defines it (its /api/v1 "openness": 1 open; 0 semi_open, an account to create, its
# account_link; -1 closed, reserved to those its access_page names, after an authorisation request)
ACCESS_RIGHTS: Mapping[int, NamedNode] = {1: ACCESS.PUBLIC, 0: ACCESS.RESTRICTED, -1: ACCESS.NON_PUBLIC}
# Properties a record has once: when the primary source already gives the record, they are dropped here
# (a differing title or name is kept as an alternative one).
SINGLE = {
    DCT.description,
    DCT.identifier,
    DCT.type,
    DCT.publisher,
    DCT.accessRights,
    DCT.modified,
    ORG.classification,
    SCHEMA.text,
    FOAF.homepage,
    DUV.refersTo,
    DUV.hasUsageTool,
    DCT.source,
}
ALTERNATIVE = {DCT.title: DCT.alternative, FOAF.name: SKOS.altLabel}


def load(
    folder: Path,
    iris: Iris,
    themes: Themes,
    primary: Index,
    primary_triples: list[Triple],
    book: EndpointBook | None = None,
    datasets: Mapping[str, NamedNode] | None = None,
) -> Out:
    """The sheets, producers and services; ``book`` gives the endpoints read from OpenAPI documents, ``datasets``
    the data sets known by their data.gouv.fr id (a sheet's ``datagouv_uuid``: the data sets the API serves)."""
    out = Out()
    book = book or EndpointBook()
    known = {t.subject for t in primary_triples}
    orgs: dict[str, NamedNode] = {}
    for page in read_pages(folder / "producteurs"):
        orgs[page.stem] = organisation(out, iris, page, canonical(page.stem), tag="-apigouv")
        ident = NamedNode(f"{orgs[page.stem].value}#apigouv")
        _identifier(out, orgs[page.stem], ident, page.stem)
    statements = Statements.check(folder, out)
    agents = Agents.of(iris, primary_triples + out.triples)

    index = Index(resources=dict(primary.resources))
    taken = {n.value for n in primary.resources.values()}
    for page in read_pages(folder / "api"):
        title = page.meta.get("title") or page.stem
        node = primary.resource(title)
        if node is None:
            slug = slugify(page.stem)
            node = iris.resource(slug if iris.resource(slug).value not in taken else f"{slug}-apigouv")
            taken.add(node.value)
        index.resources[norm(title)] = node
        index.resources[norm(page.stem)] = node
        _api(out, themes, orgs, page, node, book, datasets or {})

    usages: list[Usage] = []
    for page in read_pages(folder / "service"):
        slug = slugify(page.stem)
        said = statements.service(page.path)
        operator = agents.get(out, said) if said else None
        tool = service(out, iris, page, slug, operator)
        usages += service_usages(out, iris, index, page, tool, slug, operator)
    for u in usages:
        usage(out, iris, u)

    out.triples = _merge(out.triples, known, primary_triples)
    return out


def _identifier(out: Out, owner: NamedNode, ident: NamedNode, slug: str) -> None:
    out.add(owner, ADMS.identifier, ident)
    out.add(ident, RDF.type, ADMS.Identifier)
    out.add(ident, SKOS.notation, Literal(slug))
    out.add(ident, DCT.type, ID_SCHEME.apigouv)
    out.add(ident, ADMS.schemaAgency, fr("Direction interministérielle du numérique (api.gouv.fr)"))


def _api(
    out: Out,
    themes: Themes,
    orgs: dict[str, NamedNode],
    page: Page,
    node: NamedNode,
    book: EndpointBook,
    datasets: Mapping[str, NamedNode],
) -> None:
    m = page.meta
    record_head(
        out, node, page, (DCAT.Resource, DCAT.DataService), KIND.api, page.body or (m.get("content_intro") or "")
    )
    catalogue_fields(out, themes, page, node, orgs.get(m.get("producer") or ""), ACCESS_RIGHTS)
    out.add(node, DCT.modified, parse_date(m.get("last_update")))
    out.add(node, DCAT.landingPage, iri(m.get("external_site") or m.get("extrenal_site")))
    out.add(node, FOAF.page, iri(f"{SITE}/les-api/{page.stem}"))
    out.add(node, FOAF.page, iri(m.get("doc_tech_external")))
    description = iri(m.get("doc_tech_link"), base=SITE)
    out.add(node, DCAT.endpointDescription, description)
    found = book.lookup(description.value if description else None) or book.dataservice(m.get("title"))
    if found is not None:
        out.endpoints.setdefault(node, (found.url.value, found.source))
    contact = contact_iri(m.get("contact_link"))
    if contact:
        point = NamedNode(f"{node.value}#contact-apigouv")
        out.add(node, DCAT.contactPoint, point)
        out.add(point, RDF.type, VCARD.Kind)
        out.title(point, m.get("title"), VCARD.fn)
        out.add(point, VCARD.hasEmail if contact[0] == "email" else VCARD.hasURL, contact[1])
    _identifier(out, node, NamedNode(f"{node.value}#apigouv"), page.stem)
    uuids = m.get("datagouv_uuid")
    for n, uuid in enumerate(as_list(uuids), start=1):
        ident = NamedNode(f"{node.value}#datagouv-{n}")
        out.add(node, ADMS.identifier, ident)
        out.add(ident, RDF.type, ADMS.Identifier)
        out.add(ident, SKOS.notation, Literal(uuid))
        out.add(ident, DCT.type, ID_SCHEME.datagouv)
        out.add(ident, ADMS.schemaAgency, fr("data.gouv.fr"))
        out.add(node, DCAT.servesDataset, datasets.get(uuid))


def _merge(triples: list[Triple], known: set, primary_triples: list[Triple]) -> list[Triple]:
    """Keep, for records the primary source gives, only what may have several values, and what it has once
    when the primary source does not give it (its access rights, say)."""
    primary_values = {(t.subject, t.predicate): t.object for t in primary_triples}
    already = set(primary_triples)
    kept = []
    for t in triples:
        if t in already:
            continue
        if t.subject not in known:
            kept.append(t)
        elif t.predicate in ALTERNATIVE:
            if norm(t.object.value) != norm(primary_values.get((t.subject, t.predicate), t.object).value):  # type: ignore[union-attr]
                kept.append(Triple(t.subject, ALTERNATIVE[t.predicate], t.object))
        elif t.predicate not in SINGLE or (t.subject, t.predicate) not in primary_values:
            kept.append(t)
    return list(dict.fromkeys(kept))
