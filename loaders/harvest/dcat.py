"""A DCAT catalogue as a harvest source: its pages gathered (``paging``), then its datasets and data
services mapped to our records, with the organisations that publish them.

Reading is lenient: untagged text takes the record's (else the catalogue's, else French) language, a
missing description takes the title, text licences, formats, media types and languages become IRIs where
``vocabularies`` knows them, a publisher missing on a dataset is the catalogue's. What cannot be mapped is
dropped and noted in the record's ``notes``; the shapes judge the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from graph.harvest.keys import datagouv_key, identifier_keys, iri_key, name_key, siren_key, url_key
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.model.kinds import KIND_CLASSES
from graph.namespaces import (
    ACCESS,
    ADMS,
    DCAT,
    DCT,
    FOAF,
    ID_SCHEME,
    KIND,
    ORG,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VCARD,
    XSD,
    Namespace,
)
from graph.store.base import Store
from graph.text import norm
from graph.threads import ahead
from loaders._build import Themes, contact_iri, iri
from loaders.harvest import vocabularies
from loaders.harvest.fetch import Fetcher
from loaders.harvest.paging import Page, PageWalk

Node = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal
GEODCAT = Namespace("http://data.europa.eu/930/")
AGENT_TYPES = {FOAF.Agent, FOAF.Organization, FOAF.Person, ORG.Organization, ORG.FormalOrganization}
NAME_PROPERTIES = (FOAF.name, VCARD["organization-name"], VCARD.fn, SKOS.prefLabel, RDFS.label, DCT.title)
ACCESS_TEXT = {"public": ACCESS.PUBLIC, "ouvert": ACCESS.PUBLIC, "restreint": ACCESS.RESTRICTED}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Concepts:
    """The concepts a harvested theme may point to: every ``skos:Concept`` of the ontology graph, and the
    labels of the instance's theme scheme and of the EU data themes, for themes given as text."""

    known: set[NamedNode] = field(default_factory=set)
    themes: list[Themes] = field(default_factory=list)

    @classmethod
    def from_store(cls, store: Store, ontology_graph: NamedNode, theme_scheme: NamedNode) -> Concepts:
        triples = [q.triple for q in store.quads(graph=ontology_graph)]
        known = {t.subject for t in triples if t.predicate == RDF.type and t.object == SKOS.Concept}
        eu = NamedNode("http://publications.europa.eu/resource/authority/data-theme")
        return cls(known, [Themes.from_triples(triples, theme_scheme), Themes.from_triples(triples, eu)])  # type: ignore[arg-type]

    def theme(self, value: Term) -> NamedNode | None:
        if isinstance(value, NamedNode):
            return value if value in self.known else None
        if isinstance(value, Literal):
            return next((c for t in self.themes if (c := t.get(value.value)) is not None), None)
        return None


class DcatSource:
    """``records()`` reads the catalogue at ``location`` (a URL or a file), page by page, then maps it."""

    def __init__(
        self,
        name: str,
        location: str,
        iris: Iris,
        fetcher: Fetcher,
        concepts: Concepts,
        *,
        max_pages: int = 1000,
        on_page: Callable[[Page], None] | None = None,
    ) -> None:
        self.name = name
        self.location = location
        self.walk = PageWalk(fetcher, location, max_pages=max_pages, on_page=on_page)
        self.mapper = DcatMapper(name, iris, concepts)

    @property
    def pages(self) -> int:
        return len(self.walk.urls)

    @property
    def warnings(self) -> list[str]:
        return self.walk.warnings

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return self.mapper.rejected

    def records(self) -> Iterator[Record]:
        """The pages are fetched a page ahead, in a thread, while the pages already read are mapped."""
        stream = self.mapper.stream()
        for page in ahead(self.walk, name="harvest-pages"):
            stream.add(page.quads)
        yield from stream.finish()


class DcatMapper:
    """DCAT (datasets, data services, their publishers and contact points) -> our records."""

    def __init__(self, source: str, iris: Iris, concepts: Concepts) -> None:
        self.source = source
        self.iris = iris
        self.concepts = concepts
        self.rejected: list[tuple[str, str]] = []  # (what, why): things that cannot become a record at all

    def records(self, quads: Iterable[Quad]) -> Iterator[Record]:
        stream = self.stream()
        stream.add(quads)
        yield from stream.finish()

    def stream(self) -> MappingStream:
        """Pages given one at a time, mapped as they come; ``finish`` gives the records of them all."""
        return MappingStream(self)

    def _ours(self, g: _Graph, s: Node) -> tuple[str, NamedNode] | None:
        """The record's identifier and our IRI for it; None (rejected) if it has neither identifier nor IRI."""
        ident = g.text(s, DCT.identifier) or (s.value if isinstance(s, NamedNode) else None)
        for p in (DCAT.endpointURL, DCAT.landingPage):  # a blank node: keyed by its address, if it has one
            ident = ident or next((v.value for v in g.values(s, p) if isinstance(v, NamedNode)), None)
        return None if ident is None else (ident, self._resource_iri(s, ident))

    # --- resources ------------------------------------------------------------------------------------------

    def _resource_iri(self, s: Node, ident: str) -> NamedNode:
        if isinstance(s, NamedNode) and s.value.startswith(self.iris.base + "resource/") and "#" not in s.value:
            return s
        slug = slugify(ident)
        if "://" in ident:  # a URL: its last segment, or more of it when that says little ('v2.1', '42')
            host, _, path = ident.split("://", 1)[1].partition("/")
            parts = [p for p in path.split("/") if p]
            slug = slugify(parts[-1]) if parts else slugify(host)
            if len(slug) < 12 or slug.replace("-", "").isdigit():
                slug = slugify(" ".join([host.split(".")[0], *parts]))
        return self.iris.resource(slug if identifier_keys(ident) else f"{self.source}-{slug}")

    def _resource(
        self, g: _Graph, s: Node, node: NamedNode, ident: str, agent: Record | None, ours: dict[Node, NamedNode]
    ) -> Record:
        b = _Builder(node)
        lang = self._language(g, s)
        kind, classes = _kind(g, s) or (KIND.dataset, ())
        api = kind == KIND.api
        for cls in (DCAT.Resource, *classes):
            b.add(node, RDF.type, cls)
        b.add(node, DCT.type, kind)
        b.add(node, DCT.identifier, Literal(ident))
        title = b.texts(node, g.values(s, DCT.title), lang, DCT.title, DCT.alternative)
        if not b.texts(node, g.values(s, DCT.description), lang, DCT.description, None) and title:
            b.add(node, DCT.description, Literal(title.value, language=title.language))
            b.notes.append("no description: the title stands for it")
        if agent is not None:
            b.add(node, DCT.publisher, agent.iri)
        b.date(node, DCT.modified, g.values(s, DCT.modified), latest=True)
        b.date(node, DCT.issued, g.values(s, DCT.issued))
        seen: set[str] = set()
        for word in g.values(s, DCAT.keyword):
            if isinstance(word, Literal) and word.value.strip() and norm(word.value) not in seen:
                seen.add(norm(word.value))
                b.add(node, DCAT.keyword, word)
        for t in g.values(s, DCAT.theme):
            b.mapped(node, DCAT.theme, t, self.concepts.theme, "theme")
        for p in (DCAT.landingPage, FOAF.page, DCAT.endpointURL, DCAT.endpointDescription, SCHEMA.codeRepository):
            for v in g.values(s, p):
                b.link(node, p, v)
        if api:
            for v in g.values(s, DCAT.servesDataset):
                b.add(node, DCAT.servesDataset, g.ours(ours, v) if isinstance(v, NamedNode | BlankNode) else None)
        for v in g.values(s, DCT.language):
            b.mapped(node, DCT.language, v, _text_map(vocabularies.language), "language")
        licences = (
            g.values(s, DCT.license)
            or [v for d in g.values(s, DCAT.distribution) for v in g.values(d, DCT.license)][:1]
        )
        for v in licences:
            b.mapped(node, DCT.license, v, _text_map(vocabularies.licence), "licence")
        for v in g.values(s, DCT.accessRights)[:1]:
            b.mapped(node, DCT.accessRights, v, _access, "access rights")
        for n, c in enumerate(g.values(s, DCAT.contactPoint), start=1):
            self._contact(g, b, node, c, n)
        for n, d in enumerate(g.values(s, DCAT.distribution), start=1):
            self._distribution(g, b, node, d, n, lang)
        if isinstance(s, NamedNode) and s != node:
            b.add(node, DCT.source, s)
        keys = set(identifier_keys(ident))
        links = [s.value] if isinstance(s, NamedNode) else []
        keys.update(k for k in (iri_key(s.value),) if k and isinstance(s, NamedNode))
        links += [v.value for v in g.values(s, DCAT.landingPage)]
        for i in g.values(s, ADMS.identifier):
            links += [v.value for v in g.values(i, SKOS.notation)]
        for value in links:
            keys.update(k for k in (url_key(value), datagouv_key(value)) if k)
        for k in sorted(k for k in keys if k.startswith("datagouv:")):
            self._identifier(b, node, k.split(":", 1)[1], ID_SCHEME.datagouv, "data.gouv.fr", "datagouv")
        label = title.value if title else ident
        return Record(node, b.triples, label, frozenset(keys), b.notes)

    def _language(self, g: _Graph, s: Node) -> str:
        for holder in (s, *g.catalogues_of(s)):
            tags = {t for v in g.values(holder, DCT.language) if (t := vocabularies.language_tag(_text(v)))}
            if len(tags) == 1:
                return tags.pop()
        return "fr"

    def _contact(self, g: _Graph, b: _Builder, node: NamedNode, c: Term, n: int) -> None:
        if not isinstance(c, NamedNode | BlankNode):
            return
        point = NamedNode(f"{node.value}#contact-{self.source}" + (f"-{n}" if n > 1 else ""))
        reach = []
        for v in g.values(c, VCARD.hasEmail):
            found = contact_iri(_text(v))
            if found and found[0] == "email":
                reach.append((VCARD.hasEmail, found[1]))
        for v in g.values(c, VCARD.hasURL):
            page = iri(_text(v))
            if page is not None:
                reach.append((VCARD.hasURL, page))
        if not reach:
            b.notes.append(f"contact point {g.text(c, VCARD.fn) or ''} gives no email or page: left out".strip())
            return
        b.add(node, DCAT.contactPoint, point)
        b.add(point, RDF.type, VCARD.Kind)
        fn = g.text(c, VCARD.fn)
        if fn:
            b.add(point, VCARD.fn, Literal(fn))
        for p, o in reach:
            b.add(point, p, o)

    def _distribution(self, g: _Graph, b: _Builder, node: NamedNode, d: Term, n: int, lang: str) -> None:
        if not isinstance(d, NamedNode | BlankNode):
            return
        dist = NamedNode(f"{node.value}#distribution-{n}-{self.source}")
        b.add(node, DCAT.distribution, dist)
        b.add(dist, RDF.type, DCAT.Distribution)
        b.texts(dist, g.values(d, DCT.title), lang, DCT.title, None)
        b.texts(dist, g.values(d, DCT.description), lang, DCT.description, None)
        for p in (DCAT.accessURL, DCAT.downloadURL):
            for v in g.values(d, p):
                b.link(dist, p, v)
        for v in g.values(d, DCT.format):
            b.mapped(dist, DCT.format, v, _text_map(vocabularies.file_type), "format")
        for v in g.values(d, DCAT.mediaType):
            b.mapped(dist, DCAT.mediaType, v, _text_map(vocabularies.media_type), "media type")
        for v in g.values(d, DCT.license):
            b.mapped(dist, DCT.license, v, _text_map(vocabularies.licence), "licence")
        b.date(dist, DCT.modified, g.values(d, DCT.modified), latest=True)
        size = g.text(d, DCAT.byteSize)
        if size and size.isdigit():
            b.add(dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))

    def _identifier(self, b: _Builder, node: NamedNode, value: str, scheme: NamedNode, agency: str, tag: str) -> None:
        # one node per value: a record may carry several identifiers of one scheme (two data.gouv.fr datasets)
        suffix = "" if value == _slug(value) and len(value) < 40 else f"-{hashlib.sha1(value.encode()).hexdigest()[:8]}"
        ident = NamedNode(f"{node.value}#{tag}-{self.source}-{_slug(value)[:40]}{suffix}")
        b.add(node, ADMS.identifier, ident)
        b.add(ident, RDF.type, ADMS.Identifier)
        b.add(ident, SKOS.notation, Literal(value))
        b.add(ident, DCT.type, scheme)
        b.add(ident, ADMS.schemaAgency, Literal(agency, language="fr"))

    # --- publishers -----------------------------------------------------------------------------------------

    def _publisher(self, g: _Graph, s: Node) -> Node | None:
        """The dataset's publisher if it is an agent, else its distributor (GeoDCAT), else the catalogue's
        publisher, else its creator; a publisher that is only a vCard is the last resort."""
        cats = g.catalogues_of(s)
        owners = g.owners(s)  # a data service given as a distribution's access service: its dataset's publisher
        candidates = [
            *g.values(s, DCT.publisher),
            *g.values(s, GEODCAT.distributor),
            *[p for o in owners for p in [*g.values(o, DCT.publisher), *g.values(o, GEODCAT.distributor)]],
            *[p for c in cats for p in g.values(c, DCT.publisher)],
            *g.values(s, DCT.creator),
        ]
        nodes = [c for c in candidates if isinstance(c, NamedNode | BlankNode)]
        agents = [c for c in nodes if g.types(c) & AGENT_TYPES or g.values(c, FOAF.name)]
        found = agents or nodes
        return found[0] if found else None

    def _agent(self, g: _Graph, a: Node, rejected: list[tuple[str, str]]) -> Record | None:
        name = next(
            (v for p in NAME_PROPERTIES for v in g.values(a, p) if isinstance(v, Literal) and v.value.strip()), None
        )
        if name is None:
            rejected.append((a.value, "publisher without a name (foaf:name, vcard:fn, skos:prefLabel...)"))
            return None
        person = FOAF.Person in g.types(a)
        kind = "person" if person else "organisation"
        prefix = f"{self.iris.base}{kind}/"
        node = (
            a
            if isinstance(a, NamedNode) and a.value.startswith(prefix) and "#" not in a.value
            else self.iris.record(kind, slugify(name.value))
        )
        b = _Builder(node)
        for cls in (FOAF.Person, FOAF.Agent) if person else (ORG.Organization, FOAF.Organization, FOAF.Agent):
            b.add(node, RDF.type, cls)
        b.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
        if person:
            b.add(node, FOAF.name, Literal(name.value.strip()))
        else:
            b.add(node, FOAF.name, Literal(name.value.strip(), language=name.language or "fr"))
        for v in g.values(a, FOAF.homepage):
            b.link(node, FOAF.homepage, v)
        keys = {k for k in (name_key(name.value),) if k and not person}
        keys.update(k for k in (iri_key(a.value),) if k and isinstance(a, NamedNode))
        links = [a.value] if isinstance(a, NamedNode) else []
        links += [v.value for v in g.values(a, FOAF.homepage)]
        for value in links:
            keys.update(k for k in (url_key(value), datagouv_key(value)) if k)
        texts = [v.value for v in g.values(a, DCT.identifier)]
        texts += [v.value for i in g.values(a, ADMS.identifier) for v in g.values(i, SKOS.notation)]
        for text in texts:
            siren = siren_key(text)
            keys.update({siren} if siren else identifier_keys(text))
        for k in sorted(keys):
            kind_, value = k.split(":", 1)
            if kind_ == "siren":
                self._identifier(b, node, value, ID_SCHEME.siren, "Insee", "siren")
            elif kind_ == "datagouv":
                self._identifier(b, node, value, ID_SCHEME.datagouv, "data.gouv.fr", "datagouv")
        if isinstance(a, NamedNode) and a != node:
            b.add(node, DCT.source, a)
        return Record(node, b.triples, name.value.strip(), frozenset(keys), b.notes)


# --- helpers -------------------------------------------------------------------------------------------------


_LINKS_DOWN = frozenset((DCAT.dataset, DCAT.service, DCAT.distribution, DCAT.accessService))


class _Graph:
    """The gathered pages, indexed by subject. While ``reads`` is a dict, what is read is noted in it, with the
    state read (how many values, parents or catalogues; the IRI a record took), so that a mapping made before
    the last page can be checked against the pages once all are read (``unchanged``)."""

    def __init__(self, quads: Iterable[Quad] = ()) -> None:
        self._out: dict[Node, dict[NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._order: dict[Node, None] = {}  # subjects in the order the pages give them
        self._parents: dict[Node, list[Node]] = defaultdict(list)
        self._catalogues: list[Node] | None = None  # every catalogue of the pages, found once
        self.reads: dict[tuple[object, object], object] | None = None
        self.add(quads)

    def add(self, quads: Iterable[Quad]) -> list[Node]:
        """Adds a page's statements; the subjects it gives for the first time."""
        new: list[Node] = []
        order, out, parents = self._order, self._out, self._parents
        a_type, catalog = RDF.type, DCAT.Catalog
        for q in quads:
            s = q.subject
            if s not in order:
                order[s] = None  # type: ignore[index]
                new.append(s)  # type: ignore[arg-type]
            values = out[s][q.predicate]  # type: ignore[index]
            if q.object not in values:
                values.append(q.object)  # type: ignore[arg-type]
                if q.predicate in _LINKS_DOWN:
                    parents[q.object].append(s)  # type: ignore[index,arg-type]
                elif q.predicate == a_type and q.object == catalog:
                    self._catalogues = None
        return new

    def subjects(self) -> list[Node]:
        return list(self._order)

    def values(self, s: Term, p: NamedNode) -> list[Term]:
        found = self._out[s].get(p, ()) if s in self._out else ()  # type: ignore[index]
        if self.reads is not None:
            self.reads[(s, p)] = len(found)
        return list(found)

    def text(self, s: Term, p: NamedNode) -> str | None:
        return next((v.value.strip() for v in self.values(s, p) if isinstance(v, Literal) and v.value.strip()), None)

    def types(self, s: Term) -> set[Term]:
        return set(self.values(s, RDF.type))

    def parents(self, s: Node) -> list[Node]:
        """The subjects linking down to ``s`` (a catalogue to its datasets, a dataset to its distributions...)."""
        found = self._parents.get(s, [])
        if self.reads is not None:
            self.reads[("^", s)] = len(found)
        return found

    def catalogues_of(self, s: Node) -> list[Node]:
        """Catalogues listing ``s``, else every catalogue of the pages."""
        listing = [p for p in self.parents(s) if DCAT.Catalog in self.types(p)]
        if listing:
            return listing
        catalogues = self._all_catalogues()
        if self.reads is not None:
            self.reads[("catalogues", None)] = len(catalogues)
        return list(catalogues)

    def _all_catalogues(self) -> list[Node]:
        if self._catalogues is None:  # once: a scan of every subject for each record made a harvest quadratic
            a_type, catalog = RDF.type, DCAT.Catalog
            self._catalogues = [c for c in self._order if catalog in self._out[c].get(a_type, ())]
        return self._catalogues

    def owners(self, s: Node) -> list[Node]:
        """Datasets with a distribution whose access service is ``s``."""
        return [o for d in self.parents(s) for o in self.parents(d) if o not in self.catalogues_of(s)]

    def ours(self, ours: dict[Node, NamedNode], v: Node) -> NamedNode | None:
        """The IRI the record ``v`` takes, if it is one of the records."""
        found = ours.get(v)
        if self.reads is not None:
            self.reads[("ours", v)] = found
        return found

    def unchanged(self, reads: tuple[object, ...], ours: dict[Node, NamedNode]) -> bool:
        """Whether everything in ``reads`` (``kept``) is still as it was read, ``ours`` being the records' IRIs now."""
        out = self._out
        for i in range(0, len(reads), 3):
            s, p, seen = reads[i : i + 3]
            if type(s) is str:
                if s == "^":
                    now: object = len(self._parents.get(p, ()))  # type: ignore[call-overload]
                elif s == "ours":
                    now = ours.get(p)  # type: ignore[call-overload]
                else:
                    now = len(self._all_catalogues())
            else:
                now = len(out[s].get(p, ())) if s in out else 0  # type: ignore[index,call-overload]
            if now != seen:
                return False
        return True


def kept(reads: dict[tuple[object, object], object]) -> tuple[object, ...]:
    """What a mapping read, kept until the last page as one flat tuple (a third of the dict's memory)."""
    return tuple(x for (s, p), seen in reads.items() for x in (s, p, seen))


@dataclass
class _Mapped:
    """One resource as mapped, with its publisher's record (or why it was rejected) and what the mapping read."""

    node: NamedNode
    publisher: Node | None
    agent: Record | None
    agent_rejected: list[tuple[str, str]]
    record: Record
    reads: tuple[object, ...]  # (subject or kind, predicate or node, state) three by three: see ``kept``


class MappingStream:
    """Maps each page's new resources as the page comes, noting what each mapping read of the pages. At the end,
    a resource whose mapping read something a later page changed (its publisher described further on, a
    catalogue's language, a dataset it serves given later) is mapped again: the records are those that mapping
    every page at once gives, in the same order."""

    def __init__(self, mapper: DcatMapper) -> None:
        self.mapper = mapper
        self.g = _Graph()
        self.mapped: dict[Node, _Mapped] = {}
        self.ours: dict[Node, NamedNode] = {}  # the IRIs taken so far
        self.remapped = 0  # resources mapped again at the end: a later page changed what their mapping read

    def add(self, quads: Iterable[Quad]) -> None:
        g = self.g
        agents: dict[Node, tuple[Record | None, list[tuple[str, str]], dict[tuple[object, object], object]]] = {}
        for s in g.add(quads):
            g.reads = {}
            try:
                if _kind(g, s) is None or (found := self.mapper._ours(g, s)) is None:
                    continue
                self.ours[s] = found[1]
                self.mapped[s] = self._map(s, *found, self.ours, agents)
            finally:
                g.reads = None

    def finish(self) -> Iterator[Record]:
        g, m = self.g, self.mapper
        ours: dict[Node, NamedNode] = {}
        idents: dict[Node, str] = {}
        for s in [s for s in g.subjects() if _kind(g, s) is not None]:
            found = m._ours(g, s)
            if found is None:
                m.rejected.append((g.text(s, DCT.title) or "(untitled)", "no dct:identifier and no IRI"))
                continue
            idents[s], ours[s] = found
        agents: dict[Node, Record] = {}
        out: list[Record] = []
        for s, node in ours.items():
            done = self.mapped.get(s)
            if done is None or done.node != node or not g.unchanged(done.reads, ours):
                self.remapped += done is not None
                done = self._map(s, idents[s], node, ours, {})
            if done.publisher is not None and done.publisher not in agents:
                m.rejected.extend(done.agent_rejected)
                if done.agent is not None:
                    agents[done.publisher] = done.agent
            out.append(done.record)
        self.mapped.clear()
        yield from agents.values()
        yield from out

    def _map(
        self,
        s: Node,
        ident: str,
        node: NamedNode,
        ours: dict[Node, NamedNode],
        agents: dict[Node, tuple[Record | None, list[tuple[str, str]], dict[tuple[object, object], object]]],
    ) -> _Mapped:
        """Maps ``s``; a publisher already in ``agents`` (mapped for another resource of the same page) is not
        mapped again, and what its mapping read counts as read by this one."""
        g, m = self.g, self.mapper
        reads = g.reads
        publisher = m._publisher(g, s)
        agent: Record | None = None
        rejected: list[tuple[str, str]] = []
        if publisher is not None:
            if publisher not in agents:
                g.reads = {} if reads is not None else None
                try:
                    agent = m._agent(g, publisher, rejected)
                finally:
                    agents[publisher] = (agent, rejected, g.reads or {})
                    g.reads = reads
            agent, rejected, agent_reads = agents[publisher]
            if reads is not None:
                reads.update(agent_reads)
        record = m._resource(g, s, node, ident, agent, ours)
        return _Mapped(node, publisher, agent, list(rejected), record, kept(reads or {}))


class _Builder:
    """The triples of one record under construction, and what lenient reading noted."""

    def __init__(self, node: NamedNode) -> None:
        self.node = node
        self._triples: dict[Triple, None] = {}  # in the order added, each once
        self.notes: list[str] = []

    @property
    def triples(self) -> list[Triple]:
        return list(self._triples)

    def add(self, s: NamedNode, p: NamedNode, o: Term | None) -> None:
        if o is not None:
            self._triples[Triple(s, p, o)] = None

    def texts(
        self, s: NamedNode, values: list[Term], lang: str, p: NamedNode, more: NamedNode | None
    ) -> Literal | None:
        """Language-tagged texts, one per language under ``p`` (the first), the others under ``more``."""
        first: Literal | None = None
        taken: set[str] = set()
        for v in values:
            if not isinstance(v, Literal) or not v.value.strip():
                continue
            tagged = Literal(v.value.strip(), language=v.language or lang)
            if tagged.language not in taken:
                taken.add(tagged.language)  # type: ignore[arg-type]
                self.add(s, p, tagged)
                first = first or tagged
            elif more is not None:
                self.add(s, more, tagged)
        return first

    def date(self, s: NamedNode, p: NamedNode, values: list[Term], latest: bool = False) -> None:
        dates = [d for v in values if (d := _date(v)) is not None]
        if len(dates) < len([v for v in values if isinstance(v, Literal)]):
            self.notes.append(f"{p.value.rsplit('/', 1)[-1]}: a value is not a date and was left out")
        if dates:
            self.add(s, p, max(dates, key=lambda d: d.value) if latest else dates[0])

    def link(self, s: NamedNode, p: NamedNode, v: Term) -> None:
        found = v if isinstance(v, NamedNode) else iri(v.value) if isinstance(v, Literal) else None
        if found is None and not isinstance(v, BlankNode):
            self.notes.append(f"{p.value.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}: {v.value!r} is not a link")
        self.add(s, p, found)

    def mapped(
        self, s: NamedNode, p: NamedNode, v: Term, to_iri: Callable[[Term], NamedNode | None], what: str
    ) -> None:
        found = to_iri(v)
        if found is None and not isinstance(v, BlankNode):
            self.notes.append(f"{what} {v.value!r} is not one we know: left out")
        self.add(s, p, found)


def _kind(g: _Graph, s: Node) -> tuple[NamedNode, tuple[NamedNode, ...]] | None:
    """The kind of record ``s`` is, with its classes: our own kinds as another Ressourcerie gives them
    (``dct:type kind:source-code``...), else a data service is an API and a dataset a dataset."""
    types = g.types(s)
    for v in g.values(s, DCT.type):
        for kind, classes in KIND_CLASSES.items():
            if v == kind and (types & {DCAT.Resource, *classes}):
                return kind, classes
    if DCAT.DataService in types:
        return KIND.api, (DCAT.DataService,)
    if DCAT.Dataset in types:
        return KIND.dataset, (DCAT.Dataset,)
    return None


def _text(v: Term) -> str:
    return v.value if isinstance(v, Literal | NamedNode) else ""


def _text_map(mapping: Callable[[str], NamedNode | None]) -> Callable[[Term], NamedNode | None]:
    """Known IRIs pass through; text (or an IRI the table knows by its text) is mapped."""

    def to_iri(v: Term) -> NamedNode | None:
        if isinstance(v, NamedNode):
            return mapping(v.value) or v
        return mapping(v.value) if isinstance(v, Literal) else None

    return to_iri


def _access(v: Term) -> NamedNode | None:
    if isinstance(v, NamedNode):
        return v if v in (ACCESS.PUBLIC, ACCESS.RESTRICTED, ACCESS.NON_PUBLIC) else None
    return ACCESS_TEXT.get(norm(v.value)) if isinstance(v, Literal) else None


def _date(v: Term) -> Literal | None:
    if not isinstance(v, Literal):
        return None
    text = v.value.strip()
    if _DATE.match(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return Literal(text, datatype=XSD.date)
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return Literal(text, datatype=XSD.dateTime)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"
