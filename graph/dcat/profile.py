"""Publishing profiles: how one of our records reads in DCAT-AP 3 (``DcatAp``) and in ADMS-AP (``AdmsAp``,
the software feed), like ckanext-dcat's profile classes: a base, and a subclass that changes only what differs.

A profile takes a record's own statements (and its ``#`` nodes, distributions, publisher and the APIs that serve
it, read by the feed) and writes the record as the application profile expects: its class, the properties the
profile knows, every IRI it points to typed with the class the DCAT-AP range shapes expect (foaf:Document,
dct:LicenseDocument, skos:Concept...), our themes with the EU data themes they match. It invents nothing: what
the record lacks is left out, and the few choices forced by the profile are written down here.

- An API is a ``dcat:DataService``, as harvesters (data.gouv.fr's udata, piveau) import it: with its endpoint
  (``dcat:endpointURL``) where a source gives one, its machine-readable documentation
  (``dcat:endpointDescription``), the data sets it serves (``dcat:servesDataset``). DCAT-AP requires an
  endpoint URL; an API whose endpoint no source gives is published without one, as data.gouv.fr publishes its
  own (``graph.dcat.conformance`` lists those apart, the one accepted deviation).
- A data set is a ``dcat:Dataset`` with its distributions; one whose sources give none is given one whose access
  URL is its landing page (DCAT's accessURL "may be a landing page"); each API serving it is also one of its
  distributions, whose ``dcat:accessService`` is the API (how CKAN's ckanext-dcat, which imports data sets only,
  reaches APIs), accessed at the API's endpoint, else its landing page or documentation, else its record.
- Catalogues are ``dcat:Catalog``. Source code and AI models are in the ADMS-AP feed only, as ``adms:Asset``
  and ``dcat:Dataset`` (the W3C ADMS vocabulary makes the Asset a subclass of it, and Joinup's ADMS-AP rules
  read assets as data sets), the code repository as an ``adms:AssetDistribution``.
- A record without a contact point of its own has its publisher's: the producer answers for what it publishes.
- A distribution needs an access URL: a distribution with only a download URL gets it as its access URL too
  (the file is accessed there); one with neither is left out.
- A publisher carries its official identifiers (SIREN, SIRET, annuaire...) as ``adms:identifier``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from graph.dcat import vocab
from graph.namespaces import ADMS, DCAT, DCT, FOAF, KIND, RDF, SCHEMA, SKOS, VCARD, XSD

Objects = dict[NamedNode, list[NamedNode | Literal]]
Term = NamedNode | Literal


@dataclass
class Concept:
    """A SKOS concept of the ontology graph: labels, scheme, close matches."""

    labels: list[Literal] = field(default_factory=list)
    scheme: NamedNode | None = None
    matches: list[NamedNode] = field(default_factory=list)


@dataclass
class Agent:
    types: list[NamedNode] = field(default_factory=list)
    names: list[Literal] = field(default_factory=list)
    classification: NamedNode | None = None
    identifiers: dict[NamedNode, Objects] = field(default_factory=dict)  # adms:identifier nodes
    contacts: dict[NamedNode, Objects] = field(default_factory=dict)  # dcat:contactPoint nodes


@dataclass
class Service:
    """An API serving a data set, as the data set's distribution names it (``dcat:accessService``)."""

    iri: NamedNode
    titles: list[Literal] = field(default_factory=list)
    endpoints: list[NamedNode] = field(default_factory=list)
    descriptions: list[NamedNode] = field(default_factory=list)  # dcat:endpointDescription
    pages: list[NamedNode] = field(default_factory=list)  # dcat:landingPage

    @property
    def access(self) -> NamedNode:
        """Where the data set is accessed through the API: its endpoint, else its landing page or documentation,
        else its record."""
        return next(iter(self.endpoints + self.pages + self.descriptions), self.iri)


@dataclass
class Source:
    """What the feed read about one record."""

    iri: NamedNode
    kind: NamedNode
    modified: Literal | None
    own: Objects
    nodes: Mapping[NamedNode, Objects]  # '#' nodes and distributions, by IRI
    agents: Mapping[NamedNode, Agent]
    services: list[Service] = field(default_factory=list)  # the APIs serving this data set
    serves: list[NamedNode] = field(default_factory=list)  # the data sets of the feed this API serves


class Out:
    """Triples of a page, without repeats; ``typed`` states what an IRI is once per page."""

    def __init__(self) -> None:
        self.triples: dict[Triple, None] = {}
        self.described: set[tuple[str, NamedNode]] = set()

    def first(self, role: str, iri: NamedNode) -> bool:
        """True the first time a node is described in this role on the page (a concept, an agent...)."""
        if (role, iri) in self.described:
            return False
        self.described.add((role, iri))
        return True

    def add(self, s: NamedNode, p: NamedNode, o: Term) -> None:
        self.triples[Triple(s, p, o)] = None

    def typed(self, iri: NamedNode, *classes: NamedNode) -> None:
        for c in classes:
            self.add(iri, RDF.type, c)

    def all(self) -> list[Triple]:
        return list(self.triples)


def _iris(values: Iterable[Term]) -> list[NamedNode]:
    return [v for v in values if isinstance(v, NamedNode)]


def _literals(values: Iterable[Term]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal)]


class DcatAp:
    """DCAT-AP 3.0.0."""

    # literal-valued properties copied as they are
    LITERALS = (DCT.title, DCT.description, DCT.identifier, DCAT.keyword, DCT.issued)
    DOCUMENTS = (DCAT.landingPage, FOAF.page)

    def __init__(self, concepts: Mapping[NamedNode, Concept], scheme_titles: Mapping[NamedNode, list[Literal]]):
        self.concepts = concepts
        self.scheme_titles = scheme_titles

    # --- the class and the collection property of a record ---------------------------------------------------

    def record_class(self, src: Source) -> NamedNode:
        if src.kind == KIND.dataset:
            return DCAT.Dataset
        if src.kind == KIND.catalogue:
            return DCAT.Catalog
        if src.kind == KIND.api:
            return DCAT.DataService
        return DCAT.Resource

    @staticmethod
    def membership(cls: NamedNode) -> NamedNode:
        """The catalogue property that lists a record of this class."""
        return {
            DCAT.Dataset: DCAT.dataset,
            DCAT.DataService: DCAT.service,
            DCAT.Catalog: DCAT.catalog,
            ADMS.Asset: DCAT.dataset,
        }.get(cls, DCAT.resource)

    def classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (cls,)

    # --- one record -----------------------------------------------------------------------------------------

    def record(self, out: Out, src: Source) -> NamedNode:
        """Write the record; returns its class."""
        r, own = src.iri, src.own
        cls = self.record_class(src)
        out.typed(r, *self.classes(cls))
        for p in self.LITERALS:
            for v in _literals(own.get(p, [])):
                out.add(r, p, v)
        if src.modified is not None:
            out.add(r, DCT.modified, src.modified)
        if cls != DCAT.Dataset:  # the class says it; DCAT-AP wants the EU dataset-type table there
            out.add(r, DCT.type, src.kind)
            self.concept(out, src.kind)
        for theme in _iris(own.get(DCAT.theme, [])):
            out.add(r, DCAT.theme, theme)
            self.concept(out, theme)
            for match in self.concepts.get(theme, Concept()).matches:
                if match.value.startswith(str(vocab.DATA_THEME_SCHEME.value)):
                    out.add(r, DCAT.theme, match)
                    self.concept(out, match)
        for p in self.DOCUMENTS:
            for page in _iris(own.get(p, [])):
                out.add(r, p, page)
                out.typed(page, FOAF.Document)
        if cls == DCAT.Catalog:
            for page in _iris(own.get(FOAF.homepage, []))[:1]:
                out.add(r, FOAF.homepage, page)
                out.typed(page, FOAF.Document)
        for publisher in _iris(own.get(DCT.publisher, []))[:1]:
            out.add(r, DCT.publisher, publisher)
            self.agent(out, publisher, src.agents.get(publisher))
        for rights in _iris(own.get(DCT.accessRights, []))[:1]:
            out.add(r, DCT.accessRights, rights)
            out.typed(rights, DCT.RightsStatement)
            self.concept(out, rights)
        for licence in _iris(own.get(DCT.license, []))[:1]:
            out.add(r, DCT.license, licence)
            self.licence(out, licence)
        for lang in own.get(DCT.language, []):
            self.language(out, r, lang)
        for standard in _iris(own.get(DCT.conformsTo, [])):
            out.add(r, DCT.conformsTo, standard)
            out.typed(standard, DCT.Standard)
        contacts = {c: src.nodes.get(c, {}) for c in _iris(own.get(DCAT.contactPoint, []))}
        written = [c for c, node in contacts.items() if self.contact(out, r, c, node)]
        if not written:  # the producer answers for what it publishes
            for publisher in _iris(own.get(DCT.publisher, []))[:1]:
                agent = src.agents.get(publisher)
                for c, node in (agent.contacts if agent else {}).items():
                    self.contact(out, r, c, node)
        for ident in _iris(own.get(ADMS.identifier, [])):
            self.identifier(out, r, ident, src.nodes.get(ident, {}))
        self.specific(out, src, cls)
        return cls

    def specific(self, out: Out, src: Source, cls: NamedNode) -> None:
        """What depends on the class: endpoints of data services, distributions of datasets."""
        r, own = src.iri, src.own
        descriptions = _iris(own.get(DCAT.endpointDescription, []))
        if cls == DCAT.DataService:
            for url in _iris(own.get(DCAT.endpointURL, [])):
                out.add(r, DCAT.endpointURL, url)
            for d in descriptions:
                out.add(r, DCAT.endpointDescription, d)
            for dataset in src.serves:
                out.add(r, DCAT.servesDataset, dataset)
        else:
            for d in descriptions:
                out.add(r, FOAF.page, d)
                out.typed(d, FOAF.Document)
        if cls in (DCAT.Dataset, ADMS.Asset):
            licence = next(iter(_iris(own.get(DCT.license, []))), None)
            written = [
                dist
                for dist in _iris(own.get(DCAT.distribution, []))
                if self.distribution(out, r, dist, src.nodes.get(dist, {}), cls, licence)
            ]
            if cls == DCAT.Dataset:
                for service in src.services:
                    written.append(self.service_distribution(out, r, service, licence))
                if not written:
                    for page in _iris(own.get(DCAT.landingPage, []))[:1]:
                        node: Objects = {DCAT.accessURL: [page]}
                        self.distribution(out, r, NamedNode(f"{r.value}#distribution"), node, cls, licence)
        if SCHEMA.codeRepository in own:
            for repo in _iris(own[SCHEMA.codeRepository]):
                out.add(r, SCHEMA.codeRepository, repo)

    def service_distribution(self, out: Out, r: NamedNode, service: Service, licence: NamedNode | None) -> NamedNode:
        """The data set's distribution through an API that serves it: ``dcat:accessService`` is the API,
        described enough to stand on the page (class, title, endpoint)."""
        dist = NamedNode(f"{r.value}#service-{service.iri.value.rstrip('/').rsplit('/', 1)[-1]}")
        node: Objects = {DCAT.accessURL: [service.access], DCT.title: list(service.titles)}
        self.distribution(out, r, dist, node, DCAT.Dataset, licence)
        out.add(dist, DCAT.accessService, service.iri)
        if out.first("service", service.iri):
            out.typed(service.iri, DCAT.DataService)
            for title in service.titles:
                out.add(service.iri, DCT.title, title)
            for url in service.endpoints:
                out.add(service.iri, DCAT.endpointURL, url)
            for d in service.descriptions:
                out.add(service.iri, DCAT.endpointDescription, d)
        return dist

    # --- the nodes a record points to --------------------------------------------------------------------------

    def concept(self, out: Out, iri: NamedNode) -> None:
        if not out.first("concept", iri):
            return
        found = self.concepts.get(iri)
        out.typed(iri, SKOS.Concept)
        if found is None:
            return
        for label in found.labels:
            out.add(iri, SKOS.prefLabel, label)
        if found.scheme is not None:
            self.in_scheme(out, iri, found.scheme)

    def in_scheme(self, out: Out, iri: NamedNode, scheme: NamedNode) -> None:
        out.add(iri, SKOS.inScheme, scheme)
        self.scheme(out, scheme)

    def scheme(self, out: Out, iri: NamedNode) -> None:
        if not out.first("scheme", iri):
            return
        out.typed(iri, SKOS.ConceptScheme)
        known = vocab.SCHEME_TITLES.get(iri.value)
        titles = self.scheme_titles.get(iri) or ([Literal(known, language="en")] if known else [Literal(iri.value)])
        for title in titles:
            out.add(iri, DCT.title, title)

    def agent(self, out: Out, iri: NamedNode, agent: Agent | None) -> None:
        if not out.first("agent", iri):
            return
        out.typed(iri, FOAF.Agent)
        if agent is None:
            return
        for t in agent.types:
            if t in (FOAF.Organization, FOAF.Person):
                out.typed(iri, t)
        for name in agent.names:
            out.add(iri, FOAF.name, name)
        for ident, node in agent.identifiers.items():
            self.identifier(out, iri, ident, node)
        if agent.classification is not None:
            kind = vocab.publisher_type(agent.classification.value)
            if kind is not None:
                out.add(iri, DCT.type, kind)
                out.typed(kind, SKOS.Concept)
                out.add(
                    kind,
                    SKOS.prefLabel,
                    Literal(vocab.PUBLISHER_TYPE_LABELS[kind.value.rsplit("/", 1)[1]], language="en"),
                )
                self.in_scheme(out, kind, vocab.PUBLISHER_TYPE_SCHEME)

    def licence(self, out: Out, iri: NamedNode) -> None:
        if not out.first("licence", iri):
            return
        out.typed(iri, DCT.LicenseDocument)
        for kind in vocab.licence_types(iri.value):
            out.add(iri, DCT.type, kind)
            out.typed(kind, SKOS.Concept)
            out.add(
                kind, SKOS.prefLabel, Literal(vocab.LICENCE_TYPE_LABELS[kind.value.rsplit("/", 1)[1]], language="en")
            )
            self.in_scheme(out, kind, vocab.LICENCE_TYPE_SCHEME)

    def language(self, out: Out, subject: NamedNode, value: Term) -> None:
        if isinstance(value, NamedNode) and value.value.startswith(str(vocab.LANGUAGE)):
            iri, label = value, None
        else:
            found = vocab.language(value.value)
            if found is None:
                return
            iri, label = found
        out.add(subject, DCT.language, iri)
        out.typed(iri, DCT.LinguisticSystem, SKOS.Concept)
        self.in_scheme(out, iri, vocab.LANGUAGE_SCHEME)
        if label:
            out.add(iri, SKOS.prefLabel, Literal(label, language="en"))

    def contact(self, out: Out, r: NamedNode, iri: NamedNode, node: Objects) -> bool:
        """A vCard contact point of ``r``; False (and nothing written) when the node says nothing usable."""
        names = _literals(node.get(VCARD.fn, []))
        emails = [e for e in _iris(node.get(VCARD.hasEmail, [])) if e.value.startswith("mailto:")]
        urls = _iris(node.get(VCARD.hasURL, []))
        if not (names or emails or urls):
            return False
        out.add(r, DCAT.contactPoint, iri)
        out.typed(iri, VCARD.Kind)
        for p, values in ((VCARD.fn, names), (VCARD.hasEmail, emails), (VCARD.hasURL, urls)):
            for v in values:
                out.add(iri, p, v)
        return True

    def identifier(self, out: Out, r: NamedNode, iri: NamedNode, node: Objects) -> None:
        notations = _literals(node.get(SKOS.notation, []))
        if not notations:
            return
        out.add(r, ADMS.identifier, iri)
        out.typed(iri, ADMS.Identifier)
        for v in notations[:1]:
            out.add(iri, SKOS.notation, Literal(v.value))
        for agency in _literals(node.get(ADMS.schemaAgency, [])):
            out.add(iri, ADMS.schemaAgency, agency)

    def distribution(
        self, out: Out, r: NamedNode, iri: NamedNode, node: Objects, cls: NamedNode, licence: NamedNode | None = None
    ) -> bool:
        """A distribution; without a licence of its own, it has its record's (``licence``). False (and nothing
        written) when it has no URL."""
        access = _iris(node.get(DCAT.accessURL, [])) or _iris(node.get(DCAT.downloadURL, []))
        if not access:
            return False
        out.add(r, DCAT.distribution, iri)
        out.typed(iri, *self.distribution_classes(cls))
        for url in access:
            out.add(iri, DCAT.accessURL, url)
        for url in _iris(node.get(DCAT.downloadURL, [])):
            out.add(iri, DCAT.downloadURL, url)
        for p in (DCT.title, DCT.description, DCT.issued, DCT.modified):
            for v in _literals(node.get(p, [])):
                out.add(iri, p, v)
        for v in _literals(node.get(DCAT.byteSize, [])):
            if v.value.isdigit():
                out.add(iri, DCAT.byteSize, Literal(v.value, datatype=XSD.nonNegativeInteger))
        fmt = next(filter(None, (vocab.file_type(v.value) for v in node.get(DCT.format, []))), None)
        if fmt is not None:
            out.add(iri, DCT.format, fmt)
            out.typed(fmt, DCT.MediaTypeOrExtent, SKOS.Concept)
            self.in_scheme(out, fmt, vocab.FILE_TYPE_SCHEME)
            out.add(fmt, SKOS.prefLabel, Literal(fmt.value.rsplit("/", 1)[1].replace("_", " ")))
        media = next(filter(None, (vocab.media_type(v.value) for v in node.get(DCAT.mediaType, []))), None)
        if media is None and fmt is not None:
            media = vocab.media_type_of_file_type(fmt)
        if media is not None:
            out.add(iri, DCAT.mediaType, media)
            out.typed(media, DCT.MediaType)
        for own_licence in (_iris(node.get(DCT.license, [])) or ([licence] if licence else []))[:1]:
            out.add(iri, DCT.license, own_licence)
            self.licence(out, own_licence)
        for lang in node.get(DCT.language, []):
            self.language(out, iri, lang)
        return True

    def distribution_classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (DCAT.Distribution,)


class AdmsAp(DcatAp):
    """ADMS-AP: software and AI models as ``adms:Asset`` (a kind of ``dcat:Dataset``), the code repository as
    an ``adms:AssetDistribution`` whose access URL is the repository."""

    def record_class(self, src: Source) -> NamedNode:
        return ADMS.Asset

    def classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (ADMS.Asset, DCAT.Dataset)

    def distribution_classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (ADMS.AssetDistribution, DCAT.Distribution)

    def contact(self, out: Out, r: NamedNode, iri: NamedNode, node: Objects) -> bool:
        """ADMS-AP's contact point has a name and an e-mail address (and its rules want any URL as a literal):
        a contact without address is left out, and only the name and address are written."""
        emails = [e for e in _iris(node.get(VCARD.hasEmail, [])) if e.value.startswith("mailto:")]
        if not emails:
            return False
        return super().contact(out, r, iri, {VCARD.fn: node.get(VCARD.fn, []), VCARD.hasEmail: list(emails)})

    def record(self, out: Out, src: Source) -> NamedNode:
        cls = super().record(out, src)
        # the kind stays: it says source code or AI model, which the class does not
        out.add(src.iri, DCT.type, src.kind)
        self.concept(out, src.kind)
        return cls

    def specific(self, out: Out, src: Source, cls: NamedNode) -> None:
        super().specific(out, src, cls)
        licence = next(iter(_iris(src.own.get(DCT.license, []))), None)
        for repo in _iris(src.own.get(SCHEMA.codeRepository, [])):
            dist = NamedNode(f"{src.iri.value}#code-repository")
            node: Objects = {DCAT.accessURL: [repo], DCT.title: [Literal("Dépôt de code source", language="fr")]}
            if licence is not None:
                node[DCT.license] = [licence]
            self.distribution(out, src.iri, dist, node, cls)
            break
