"""Publishing profiles: how one of our records reads in DCAT-AP 3 (``DcatAp``) and in ADMS-AP (``AdmsAp``,
the software feed), like ckanext-dcat's profile classes: a base, and a subclass that changes only what differs.

A profile takes a record's own statements (and its ``#`` nodes, distributions and publisher, read by the feed)
and writes the record as the application profile expects: its class, the properties the profile knows, every
IRI it points to typed with the class the DCAT-AP range shapes expect (foaf:Document, dct:LicenseDocument,
skos:Concept...), our themes with the EU data themes they match. It invents nothing: what the record lacks is
left out, and the few choices forced by the profile are written down here.

- An API is a ``dcat:DataService`` only when its endpoint URL is known (``dcat:endpointURL``, which DCAT-AP
  requires). Otherwise it is published as a ``dcat:Resource`` with ``dct:type`` API, and its endpoint
  description becomes ``foaf:page`` (``dcat:endpointDescription`` would make it a data service by its domain).
- Datasets are ``dcat:Dataset``, catalogues ``dcat:Catalog``; source code, AI models and technical
  documentation are ``dcat:Resource`` (DCAT-AP has no class for them) and the software is also in the
  ADMS-AP feed as ``adms:Asset``.
- A distribution needs an access URL: a distribution with only a download URL gets it as its access URL too
  (the file is accessed there); one with neither is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from graph.dcat import vocab
from graph.namespaces import ADMS, DCAT, DCT, FOAF, KIND, RDF, SCHEMA, SKOS, VCARD, XSD

# the terms used, built once (a Namespace attribute builds a new NamedNode each time)
_ADMS_Asset = ADMS.Asset
_ADMS_AssetDistribution = ADMS.AssetDistribution
_ADMS_Identifier = ADMS.Identifier
_ADMS_identifier = ADMS.identifier
_ADMS_schemaAgency = ADMS.schemaAgency
_DCAT_Catalog = DCAT.Catalog
_DCAT_DataService = DCAT.DataService
_DCAT_Dataset = DCAT.Dataset
_DCAT_Distribution = DCAT.Distribution
_DCAT_Resource = DCAT.Resource
_DCAT_accessURL = DCAT.accessURL
_DCAT_byteSize = DCAT.byteSize
_DCAT_catalog = DCAT.catalog
_DCAT_contactPoint = DCAT.contactPoint
_DCAT_dataset = DCAT.dataset
_DCAT_distribution = DCAT.distribution
_DCAT_downloadURL = DCAT.downloadURL
_DCAT_endpointDescription = DCAT.endpointDescription
_DCAT_endpointURL = DCAT.endpointURL
_DCAT_keyword = DCAT.keyword
_DCAT_landingPage = DCAT.landingPage
_DCAT_mediaType = DCAT.mediaType
_DCAT_resource = DCAT.resource
_DCAT_servesDataset = DCAT.servesDataset
_DCAT_service = DCAT.service
_DCAT_theme = DCAT.theme
_DCT_LicenseDocument = DCT.LicenseDocument
_DCT_LinguisticSystem = DCT.LinguisticSystem
_DCT_MediaType = DCT.MediaType
_DCT_MediaTypeOrExtent = DCT.MediaTypeOrExtent
_DCT_RightsStatement = DCT.RightsStatement
_DCT_Standard = DCT.Standard
_DCT_accessRights = DCT.accessRights
_DCT_conformsTo = DCT.conformsTo
_DCT_description = DCT.description
_DCT_format = DCT.format
_DCT_identifier = DCT.identifier
_DCT_issued = DCT.issued
_DCT_language = DCT.language
_DCT_license = DCT.license
_DCT_modified = DCT.modified
_DCT_publisher = DCT.publisher
_DCT_title = DCT.title
_DCT_type = DCT.type
_FOAF_Agent = FOAF.Agent
_FOAF_Document = FOAF.Document
_FOAF_Organization = FOAF.Organization
_FOAF_Person = FOAF.Person
_FOAF_homepage = FOAF.homepage
_FOAF_name = FOAF.name
_FOAF_page = FOAF.page
_KIND_api = KIND.api
_KIND_catalogue = KIND.catalogue
_KIND_dataset = KIND.dataset
_RDF_type = RDF.type
_SCHEMA_codeRepository = SCHEMA.codeRepository
_SKOS_Concept = SKOS.Concept
_SKOS_ConceptScheme = SKOS.ConceptScheme
_SKOS_inScheme = SKOS.inScheme
_SKOS_notation = SKOS.notation
_SKOS_prefLabel = SKOS.prefLabel
_VCARD_Kind = VCARD.Kind
_VCARD_fn = VCARD.fn
_VCARD_hasEmail = VCARD.hasEmail
_VCARD_hasURL = VCARD.hasURL
_XSD_nonNegativeInteger = XSD.nonNegativeInteger

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
    homepage: NamedNode | None = None
    classification: NamedNode | None = None


@dataclass
class Source:
    """What the feed read about one record."""

    iri: NamedNode
    kind: NamedNode
    modified: Literal | None
    own: Objects
    nodes: Mapping[NamedNode, Objects]  # '#' nodes and distributions, by IRI
    agents: Mapping[NamedNode, Agent]


class Out:
    """Triples of a page, without repeats; ``typed`` states what an IRI is once per page."""

    def __init__(self) -> None:
        self.triples: dict[Triple, None] = {}

    def add(self, s: NamedNode, p: NamedNode, o: Term) -> None:
        self.triples[Triple(s, p, o)] = None

    def typed(self, iri: NamedNode, *classes: NamedNode) -> None:
        for c in classes:
            self.add(iri, _RDF_type, c)

    def all(self) -> list[Triple]:
        return list(self.triples)


def _iris(values: Iterable[Term]) -> list[NamedNode]:
    return [v for v in values if isinstance(v, NamedNode)]


def _literals(values: Iterable[Term]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal)]


class DcatAp:
    """DCAT-AP 3.0.0."""

    # literal-valued properties copied as they are
    LITERALS = (_DCT_title, _DCT_description, _DCT_identifier, _DCAT_keyword, _DCT_issued)
    DOCUMENTS = (_DCAT_landingPage, _FOAF_page)

    def __init__(self, concepts: Mapping[NamedNode, Concept], scheme_titles: Mapping[NamedNode, list[Literal]]):
        self.concepts = concepts
        self.scheme_titles = scheme_titles

    # --- the class and the collection property of a record ---------------------------------------------------

    def record_class(self, src: Source) -> NamedNode:
        if src.kind == _KIND_dataset:
            return _DCAT_Dataset
        if src.kind == _KIND_catalogue:
            return _DCAT_Catalog
        if src.kind == _KIND_api and _iris(src.own.get(_DCAT_endpointURL, [])):
            return _DCAT_DataService
        return _DCAT_Resource

    @staticmethod
    def membership(cls: NamedNode) -> NamedNode:
        """The catalogue property that lists a record of this class."""
        return {
            _DCAT_Dataset: _DCAT_dataset,
            _DCAT_DataService: _DCAT_service,
            _DCAT_Catalog: _DCAT_catalog,
            _ADMS_Asset: _DCAT_dataset,
        }.get(cls, _DCAT_resource)

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
            out.add(r, _DCT_modified, src.modified)
        if cls != _DCAT_Dataset:  # the class says it; DCAT-AP wants the EU dataset-type table there
            out.add(r, _DCT_type, src.kind)
            self.concept(out, src.kind)
        for theme in _iris(own.get(_DCAT_theme, [])):
            out.add(r, _DCAT_theme, theme)
            self.concept(out, theme)
            for match in self.concepts.get(theme, Concept()).matches:
                if match.value.startswith(str(vocab.DATA_THEME_SCHEME.value)):
                    out.add(r, _DCAT_theme, match)
                    self.concept(out, match)
        for p in self.DOCUMENTS:
            for page in _iris(own.get(p, [])):
                out.add(r, p, page)
                out.typed(page, _FOAF_Document)
        if cls == _DCAT_Catalog:
            for page in _iris(own.get(_FOAF_homepage, []))[:1]:
                out.add(r, _FOAF_homepage, page)
                out.typed(page, _FOAF_Document)
        for publisher in _iris(own.get(_DCT_publisher, []))[:1]:
            out.add(r, _DCT_publisher, publisher)
            self.agent(out, publisher, src.agents.get(publisher))
        for rights in _iris(own.get(_DCT_accessRights, []))[:1]:
            out.add(r, _DCT_accessRights, rights)
            out.typed(rights, _DCT_RightsStatement)
            self.concept(out, rights)
        for licence in _iris(own.get(_DCT_license, []))[:1]:
            out.add(r, _DCT_license, licence)
            self.licence(out, licence)
        for lang in own.get(_DCT_language, []):
            self.language(out, r, lang)
        for standard in _iris(own.get(_DCT_conformsTo, [])):
            out.add(r, _DCT_conformsTo, standard)
            out.typed(standard, _DCT_Standard)
        for contact in _iris(own.get(_DCAT_contactPoint, [])):
            self.contact(out, r, contact, src.nodes.get(contact, {}))
        for ident in _iris(own.get(_ADMS_identifier, [])):
            self.identifier(out, r, ident, src.nodes.get(ident, {}))
        self.specific(out, src, cls)
        return cls

    def specific(self, out: Out, src: Source, cls: NamedNode) -> None:
        """What depends on the class: endpoints of data services, distributions of datasets."""
        r, own = src.iri, src.own
        descriptions = _iris(own.get(_DCAT_endpointDescription, []))
        if cls == _DCAT_DataService:
            for url in _iris(own.get(_DCAT_endpointURL, [])):
                out.add(r, _DCAT_endpointURL, url)
            for d in descriptions:
                out.add(r, _DCAT_endpointDescription, d)
            for dataset in _iris(own.get(_DCAT_servesDataset, [])):
                out.add(r, _DCAT_servesDataset, dataset)
        else:
            for d in descriptions:
                out.add(r, _FOAF_page, d)
                out.typed(d, _FOAF_Document)
        if cls in (_DCAT_Dataset, _ADMS_Asset):
            for dist in _iris(own.get(_DCAT_distribution, [])):
                licence = next(iter(_iris(own.get(_DCT_license, []))), None)
                self.distribution(out, r, dist, src.nodes.get(dist, {}), cls, licence)
        if _SCHEMA_codeRepository in own:
            for repo in _iris(own[_SCHEMA_codeRepository]):
                out.add(r, _SCHEMA_codeRepository, repo)

    # --- the nodes a record points to --------------------------------------------------------------------------

    def concept(self, out: Out, iri: NamedNode) -> None:
        found = self.concepts.get(iri)
        out.typed(iri, _SKOS_Concept)
        if found is None:
            return
        for label in found.labels:
            out.add(iri, _SKOS_prefLabel, label)
        if found.scheme is not None:
            self.in_scheme(out, iri, found.scheme)

    def in_scheme(self, out: Out, iri: NamedNode, scheme: NamedNode) -> None:
        out.add(iri, _SKOS_inScheme, scheme)
        self.scheme(out, scheme)

    def scheme(self, out: Out, iri: NamedNode) -> None:
        out.typed(iri, _SKOS_ConceptScheme)
        known = vocab.SCHEME_TITLES.get(iri.value)
        titles = self.scheme_titles.get(iri) or ([Literal(known, language="en")] if known else [Literal(iri.value)])
        for title in titles:
            out.add(iri, _DCT_title, title)

    def agent(self, out: Out, iri: NamedNode, agent: Agent | None) -> None:
        out.typed(iri, _FOAF_Agent)
        if agent is None:
            return
        for t in agent.types:
            if t in (_FOAF_Organization, _FOAF_Person):
                out.typed(iri, t)
        for name in agent.names:
            out.add(iri, _FOAF_name, name)
        if agent.classification is not None:
            kind = vocab.publisher_type(agent.classification.value)
            if kind is not None:
                out.add(iri, _DCT_type, kind)
                out.typed(kind, _SKOS_Concept)
                out.add(
                    kind,
                    _SKOS_prefLabel,
                    Literal(vocab.PUBLISHER_TYPE_LABELS[kind.value.rsplit("/", 1)[1]], language="en"),
                )
                self.in_scheme(out, kind, vocab.PUBLISHER_TYPE_SCHEME)

    def licence(self, out: Out, iri: NamedNode) -> None:
        out.typed(iri, _DCT_LicenseDocument)
        for kind in vocab.licence_types(iri.value):
            out.add(iri, _DCT_type, kind)
            out.typed(kind, _SKOS_Concept)
            out.add(
                kind, _SKOS_prefLabel, Literal(vocab.LICENCE_TYPE_LABELS[kind.value.rsplit("/", 1)[1]], language="en")
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
        out.add(subject, _DCT_language, iri)
        out.typed(iri, _DCT_LinguisticSystem, _SKOS_Concept)
        self.in_scheme(out, iri, vocab.LANGUAGE_SCHEME)
        if label:
            out.add(iri, _SKOS_prefLabel, Literal(label, language="en"))

    def contact(self, out: Out, r: NamedNode, iri: NamedNode, node: Objects) -> None:
        names = _literals(node.get(_VCARD_fn, []))
        emails = [e for e in _iris(node.get(_VCARD_hasEmail, [])) if e.value.startswith("mailto:")]
        urls = _iris(node.get(_VCARD_hasURL, []))
        if not (names or emails or urls):
            return
        out.add(r, _DCAT_contactPoint, iri)
        out.typed(iri, _VCARD_Kind)
        for p, values in ((_VCARD_fn, names), (_VCARD_hasEmail, emails), (_VCARD_hasURL, urls)):
            for v in values:
                out.add(iri, p, v)

    def identifier(self, out: Out, r: NamedNode, iri: NamedNode, node: Objects) -> None:
        notations = _literals(node.get(_SKOS_notation, []))
        if not notations:
            return
        out.add(r, _ADMS_identifier, iri)
        out.typed(iri, _ADMS_Identifier)
        for v in notations[:1]:
            out.add(iri, _SKOS_notation, Literal(v.value))
        for agency in _literals(node.get(_ADMS_schemaAgency, [])):
            out.add(iri, _ADMS_schemaAgency, agency)

    def distribution(
        self, out: Out, r: NamedNode, iri: NamedNode, node: Objects, cls: NamedNode, licence: NamedNode | None = None
    ) -> None:
        """A distribution; without a licence of its own, it has its record's (``licence``)."""
        access = _iris(node.get(_DCAT_accessURL, [])) or _iris(node.get(_DCAT_downloadURL, []))
        if not access:
            return
        out.add(r, _DCAT_distribution, iri)
        out.typed(iri, *self.distribution_classes(cls))
        for url in access:
            out.add(iri, _DCAT_accessURL, url)
        for url in _iris(node.get(_DCAT_downloadURL, [])):
            out.add(iri, _DCAT_downloadURL, url)
        for p in (_DCT_title, _DCT_description, _DCT_issued, _DCT_modified):
            for v in _literals(node.get(p, [])):
                out.add(iri, p, v)
        for v in _literals(node.get(_DCAT_byteSize, [])):
            if v.value.isdigit():
                out.add(iri, _DCAT_byteSize, Literal(v.value, datatype=_XSD_nonNegativeInteger))
        fmt = next(filter(None, (vocab.file_type(v.value) for v in node.get(_DCT_format, []))), None)
        if fmt is not None:
            out.add(iri, _DCT_format, fmt)
            out.typed(fmt, _DCT_MediaTypeOrExtent, _SKOS_Concept)
            self.in_scheme(out, fmt, vocab.FILE_TYPE_SCHEME)
            out.add(fmt, _SKOS_prefLabel, Literal(fmt.value.rsplit("/", 1)[1].replace("_", " ")))
        media = next(filter(None, (vocab.media_type(v.value) for v in node.get(_DCAT_mediaType, []))), None)
        if media is None and fmt is not None:
            media = vocab.media_type_of_file_type(fmt)
        if media is not None:
            out.add(iri, _DCAT_mediaType, media)
            out.typed(media, _DCT_MediaType)
        for own_licence in (_iris(node.get(_DCT_license, [])) or ([licence] if licence else []))[:1]:
            out.add(iri, _DCT_license, own_licence)
            self.licence(out, own_licence)
        for lang in node.get(_DCT_language, []):
            self.language(out, iri, lang)

    def distribution_classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (_DCAT_Distribution,)


class AdmsAp(DcatAp):
    """ADMS-AP: software and AI models as ``adms:Asset`` (a kind of ``dcat:Dataset``), the code repository as
    an ``adms:AssetDistribution`` whose access URL is the repository."""

    def record_class(self, src: Source) -> NamedNode:
        return _ADMS_Asset

    def classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (_ADMS_Asset, _DCAT_Dataset)

    def distribution_classes(self, cls: NamedNode) -> tuple[NamedNode, ...]:
        return (_ADMS_AssetDistribution, _DCAT_Distribution)

    def record(self, out: Out, src: Source) -> NamedNode:
        cls = super().record(out, src)
        # the kind stays: it says source code or AI model, which the class does not
        out.add(src.iri, _DCT_type, src.kind)
        self.concept(out, src.kind)
        return cls

    def specific(self, out: Out, src: Source, cls: NamedNode) -> None:
        super().specific(out, src, cls)
        licence = next(iter(_iris(src.own.get(_DCT_license, []))), None)
        for repo in _iris(src.own.get(_SCHEMA_codeRepository, [])):
            dist = NamedNode(f"{src.iri.value}#code-repository")
            node: Objects = {_DCAT_accessURL: [repo], _DCT_title: [Literal("Dépôt de code source", language="fr")]}
            if licence is not None:
                node[_DCT_license] = [licence]
            self.distribution(out, src.iri, dist, node, cls)
            break
