"""The Ressourcerie's own content (SocialGouv/ressourcerie ``_data``) as RDF.

Resources, producers, guides, use cases and services. Use cases and services name the resources they
use by title (or file name); each such reference becomes a ``duv:Usage``, and references that match no
resource are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from graph.iris import Iris, slugify
from graph.model.kinds import KIND_CLASSES
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
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VCARD,
    XSD,
)
from graph.text import norm, summary
from loaders._build import Out, Themes, as_list, contact_iri, fr, iri
from loaders.endpoints import EndpointBook
from loaders.frontmatter import Page, read_pages
from loaders.operators import Agents, Statements
from loaders.organisations import PARENTS, TYPES, canonical

# Kind labels of the Ressourcerie -> (kind concept, RDF classes besides dcat:Resource)
KIND_LABELS: dict[str, NamedNode] = {
    "api": KIND.api,
    "jeu de donnees": KIND.dataset,
    "code source": KIND["source-code"],
    "intelligence artificielle": KIND.ai,
    "documentation technique": KIND.documentation,
    "catalogue": KIND.catalogue,
}
KINDS: dict[str, tuple[NamedNode, tuple[NamedNode, ...]]] = {
    label: (kind, KIND_CLASSES[kind]) for label, kind in KIND_LABELS.items()
}
# The Ressourcerie files carry no date: their records take the date of the source snapshot.
SNAPSHOT_DATE = Literal("2024-01-15", datatype=XSD.date)
# is_open, as the Ressourcerie's model defines it (MODEL_NOTES.md: its Notion field conditions_utilisation):
# 1 "Ouverte", 0 "Ouverte sur demande", -1 anything else, which says neither: no access right is published.
ACCESS_RIGHTS: Mapping[int, NamedNode] = {1: ACCESS.PUBLIC, 0: ACCESS.RESTRICTED}
# a data.gouv.fr resource permalink: the file itself
DATAGOUV_FILE = "https://www.data.gouv.fr/fr/datasets/r/"


@dataclass
class Index:
    """Names under which sources cite resources and documents -> IRIs."""

    resources: dict[str, NamedNode] = field(default_factory=dict)
    documents: dict[str, NamedNode] = field(default_factory=dict)
    organisations: dict[str, NamedNode] = field(default_factory=dict)

    def resource(self, name: str) -> NamedNode | None:
        return self.resources.get(norm(name))


@dataclass
class Usage:
    slug: str
    resource: NamedNode
    purpose: str
    tool: NamedNode | None = None
    source: NamedNode | None = None
    agent: NamedNode | None = None  # who makes the use, when a source says so (``loaders.operators``)


def organisation(out: Out, iris: Iris, page: Page, slug: str, tag: str = "") -> NamedNode:
    """An organisation; ``tag`` suffixes the names of its ``#`` nodes, so two sources keep theirs apart."""
    m = page.meta
    node = iris.organisation(slug)
    for cls in (ORG.Organization, FOAF.Organization, FOAF.Agent):
        out.add(node, RDF.type, cls)
    out.add(node, DCT.identifier, Literal(slug))
    out.title(node, m.get("name"), FOAF.name)
    acronym = m.get("acronym")
    if isinstance(acronym, str) and acronym.strip() and norm(acronym) != norm(m.get("name") or ""):
        out.add(node, SKOS.altLabel, fr(acronym))
    summary = m.get("short") or m.get("description")
    out.title(node, summary, DCT.description)
    kind = TYPES.get(str(m.get("type") or "").strip().lower())
    out.add(node, ORG.classification, kind)
    out.add(node, FOAF.homepage, iri(m.get("site")))
    out.add(node, RDFS.seeAlso, iri(m.get("siteOpenData")))
    contact = contact_iri(m.get("contact") or m.get("mailto"))
    if contact:
        point = NamedNode(f"{node.value}#contact{tag}")
        out.add(node, DCAT.contactPoint, point)
        out.add(point, RDF.type, VCARD.Kind)
        out.title(point, m.get("name"), VCARD.fn)
        out.add(point, VCARD.hasEmail if contact[0] == "email" else VCARD.hasURL, contact[1])
    annuaire = iri(m.get("annuaire"))
    if annuaire is not None:
        ident = NamedNode(f"{node.value}#annuaire{tag}")
        out.add(node, ADMS.identifier, ident)
        out.add(ident, RDF.type, ADMS.Identifier)
        out.add(ident, SKOS.notation, Literal(annuaire.value.rstrip("/").rsplit("/", 1)[-1]))
        out.add(ident, DCT.type, ID_SCHEME.annuaire)
        out.add(ident, ADMS.schemaAgency, fr("Direction de l'information légale et administrative"))
        out.add(ident, FOAF.page, annuaire)
    parent = PARENTS.get(slug)
    if parent:
        out.add(node, ORG.subOrganizationOf, iris.organisation(parent))
    return node


def record_head(
    out: Out, node: NamedNode, page: Page, classes: tuple[NamedNode, ...], kind: NamedNode | None, body: str
) -> None:
    """What every resource and document states: types, kind, identifier, title, description, body."""
    m = page.meta
    for cls in classes:
        out.add(node, RDF.type, cls)
    out.add(node, DCT.type, kind)
    out.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
    out.title(node, m.get("title"))
    out.title(node, summary(m.get("tagline"), body, m.get("title")), DCT.description)
    if body.strip():
        out.add(node, SCHEMA.text, fr(body))


def catalogue_fields(
    out: Out,
    themes: Themes,
    page: Page,
    node: NamedNode,
    publisher: NamedNode | None,
    access: Mapping[int, NamedNode] = ACCESS_RIGHTS,
) -> None:
    """The fields api.gouv.fr and the Ressourcerie share: producer, themes, keywords, openness (``is_open``,
    read with the source's own ``access`` table)."""
    m = page.meta
    if publisher is None:
        out.problems.append(f"{page.path.name}: producer {m.get('producer')!r} is not a known producer")
    out.add(node, DCT.publisher, publisher)
    for label in as_list(m.get("themes")):
        theme = themes.get(label)
        if theme is None:
            out.problems.append(f"{page.path.name}: theme {label!r} is not in the theme scheme")
        out.add(node, DCAT.theme, theme)
    seen: set[str] = set()
    for keyword in as_list(m.get("keywords")):
        if norm(keyword) not in seen:
            seen.add(norm(keyword))
            out.add(node, DCAT.keyword, fr(keyword))
    is_open = m.get("is_open")
    out.add(node, DCT.accessRights, access.get(is_open) if isinstance(is_open, int) else None)


def usage(out: Out, iris: Iris, u: Usage) -> NamedNode:
    node = iris.usage(u.slug)
    out.add(node, RDF.type, DUV.Usage)
    out.add(node, RDF.type, PROV.Activity)
    out.add(node, DUV.refersTo, u.resource)
    out.add(node, DCT.description, fr(u.purpose))
    out.add(node, DUV.hasUsageTool, u.tool)
    out.add(node, DCT.source, u.source)
    out.add(node, PROV.wasAssociatedWith, u.agent)
    return node


def service(out: Out, iris: Iris, page: Page, slug: str, operator: NamedNode | None = None) -> NamedNode:
    """A service; ``operator`` runs it, when a source says so (``loaders.operators``)."""
    m = page.meta
    node = iris.service(slug)
    out.add(node, RDF.type, DUV.UsageTool)
    out.add(node, RDF.type, SCHEMA.WebApplication)
    out.add(node, DCT.identifier, Literal(slug))
    out.title(node, m.get("title"))
    out.title(node, m.get("description"), DCT.description)
    out.add(node, FOAF.homepage, iri(m.get("link")))
    if page.body:
        out.add(node, SCHEMA.text, fr(page.body))
    out.add(node, DCT.publisher, operator)
    return node


def service_usages(
    out: Out, iris: Iris, index: Index, page: Page, tool: NamedNode, slug: str, user: NamedNode | None = None
) -> list[Usage]:
    """The usages of the resources a service names, each made by ``user`` (the service's operator) if known."""
    m = page.meta
    found = []
    for name in as_list(m.get("api")):
        res = index.resource(name)
        if res is None:
            out.problems.append(
                f"{page.path.name}: service {m.get('title')!r} uses {name!r}, which matches no resource"
            )
            continue
        purpose = f"{m.get('title')} : {m.get('description')}" if m.get("description") else str(m.get("title"))
        found.append(Usage(f"{slug}--{res.value.rsplit('/', 1)[-1]}", res, purpose, tool=tool, agent=user))
    return found


def load(folder: Path, iris: Iris, themes: Themes, book: EndpointBook | None = None) -> tuple[Out, Index]:
    out, index = Out(), Index()
    book = book or EndpointBook()

    producers = {p.stem: p for p in read_pages(folder / "producteurs")}
    for stem, page in producers.items():
        index.organisations[stem] = organisation(out, iris, page, canonical(stem))
    statements = Statements.check(folder, out)
    agents = Agents.of(iris, out.triples)

    for page in read_pages(folder / "api"):
        _resource(out, iris, themes, index, page, book)

    guides = read_pages(folder / "guides")
    for page in guides:
        node = iris.document(slugify(page.stem))
        for name in (page.stem, page.meta.get("title") or ""):
            index.documents[norm(name)] = node
    for page in guides:
        _document(out, iris, index, page, KIND.guide, "api")

    usages: list[Usage] = []
    for page in read_pages(folder / "usecases"):
        # use cases and guides share the document/ space: "recherche_entreprise" is both
        slug = "retour-" + slugify(page.stem)
        doc = _document(out, iris, index, page, KIND["use-case"], "related_ressources", slug)
        for name in as_list(page.meta.get("related_guides")):
            related = index.documents.get(norm(name))
            if related is None:
                out.problems.append(f"{page.path.name}: related guide {name!r} matches no guide")
            out.add(doc, DCT.relation, related)
        for name in as_list(page.meta.get("related_ressources")):
            res = index.resource(name)
            if res is not None:
                said = statements.story(page.path, name)
                user = agents.get(out, said) if said else None
                usages.append(
                    Usage(f"{slug}--{res.value.rsplit('/', 1)[-1]}", res, page.meta["title"], source=doc, agent=user)
                )

    for page in read_pages(folder / "service"):
        slug = slugify(page.stem)
        said = statements.service(page.path)
        operator = agents.get(out, said) if said else None
        tool = service(out, iris, page, slug, operator)
        usages += service_usages(out, iris, index, page, tool, slug, operator)

    for u in usages:
        usage(out, iris, u)
    return out, index


def _resource(out: Out, iris: Iris, themes: Themes, index: Index, page: Page, book: EndpointBook) -> None:
    m = page.meta
    slug = slugify(page.stem)
    node = iris.resource(slug)
    for name in (page.stem, m.get("title") or ""):
        index.resources[norm(name)] = node
    kinds = as_list(m.get("kind"))
    kind, classes = KINDS.get(norm(kinds[0]) if kinds else "", (None, ()))
    if kind is None:
        out.problems.append(f"{page.path.name}: unknown kind {kinds!r}")
    record_head(out, node, page, (DCAT.Resource, *classes), kind, page.body)
    catalogue_fields(out, themes, page, node, index.organisations.get(m.get("producer") or ""))
    out.add(node, DCT.modified, SNAPSHOT_DATE)
    doc, link = iri(m.get("doc_tech_link")), iri(m.get("doc_tech_external"))
    if kind == KIND.api:
        out.add(node, DCAT.endpointDescription, doc)
        found = book.lookup(doc.value if doc else None)
        if found is not None:
            out.endpoints[node] = (found.url.value, found.source)
    elif kind == KIND["source-code"] and doc is not None and "github.com" in doc.value:
        out.add(node, SCHEMA.codeRepository, doc)
    else:
        out.add(node, FOAF.page, doc)
    if kind == KIND.catalogue:
        out.add(node, FOAF.homepage, link)
    out.add(node, DCAT.landingPage, link)
    if kind == KIND.dataset and link is not None:
        distribution(out, node, link)
    ident = NamedNode(f"{node.value}#ressourcerie")
    out.add(node, ADMS.identifier, ident)
    out.add(ident, RDF.type, ADMS.Identifier)
    out.add(ident, SKOS.notation, Literal(page.path.name))
    out.add(ident, DCT.type, ID_SCHEME.ressourcerie)
    out.add(ident, ADMS.schemaAgency, fr("La Fabrique numérique des ministères sociaux"))


def distribution(out: Out, node: NamedNode, link: NamedNode) -> None:
    """A data set's one distribution: where its sheet sends people to get it (``doc_tech_external``), its access
    URL; a data.gouv.fr resource permalink is the file itself, so also its download URL. Nothing else is known
    of it (format, media type), so nothing else is said."""
    dist = NamedNode(f"{node.value}#distribution")
    out.add(node, DCAT.distribution, dist)
    out.add(dist, RDF.type, DCAT.Distribution)
    out.add(dist, DCAT.accessURL, link)
    if link.value.startswith(DATAGOUV_FILE):
        out.add(dist, DCAT.downloadURL, link)


def _document(
    out: Out, iris: Iris, index: Index, page: Page, kind: NamedNode, refs: str, slug: str | None = None
) -> NamedNode:
    m = page.meta
    slug = slug or slugify(page.stem)
    node = iris.document(slug)
    index.documents[norm(page.stem)] = node
    record_head(out, node, page, (FOAF.Document, SCHEMA.Article), kind, page.body)
    for tag in as_list(m.get("tags")):
        out.add(node, SCHEMA.keywords, fr(tag))
    for name in as_list(m.get(refs)):
        res = index.resource(name)
        if res is None:
            out.problems.append(f"{page.path.name}: {m.get('title')!r} cites {name!r}, which matches no resource")
        out.add(node, DCT.references, res)
    return node
