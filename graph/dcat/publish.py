"""The DCAT-AP feed: the catalogue of every resource (``/catalog``) and the ADMS-AP catalogue of software
(``/catalog/software``), in pages a harvester walks with Hydra links.

Records are ordered by IRI, so walking the pages from the first to the last meets every record once. The
list of records (IRI, kind, modification date, by one SPARQL SELECT), the concept tables and the catalogue's
facts are read once per write (``cached``). A page then reads its records through the store interface's
``describe`` (each record's quads and its ``#`` nodes': on the embedded store, index lookups, 4-5 times faster
than one SELECT over the page's IRI range) and a profile (``graph.dcat.profile``) writes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from pyoxigraph import Literal, NamedNode, Triple

from graph.community.curation import set_aside
from graph.config import Settings
from graph.dcat import vocab
from graph.dcat.profile import AdmsAp, Agent, Concept, DcatAp, Objects, Out, Service, Source
from graph.errors import BadRequest, RessourcerieError, whole_number
from graph.iris import Iris, slugify
from graph.model.kinds import SOFTWARE_KINDS
from graph.namespaces import ADMS, DCAT, DCT, FOAF, KIND, ORG, RDF, SKOS, XSD, Namespace
from graph.store.base import Store

T = TypeVar("T")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FEEDS = {"catalog": "catalog", "software": "catalog/software"}
# what each feed lists: the data catalogue has what DCAT-AP harvesters import (APIs, data sets, catalogues);
# software and AI models are in the ADMS-AP feed; documentation, guides and use-case stories in neither
KINDS = {"catalog": (KIND.api, KIND.dataset, KIND.catalogue), "software": SOFTWARE_KINDS}

INDEX = """
SELECT ?r ?kind ?modified WHERE {
  ?r a dcat:Resource ; dct:type ?kind .
  OPTIONAL { ?r dct:modified ?modified }
}
"""
LOADS = "SELECT ?g ?loaded ?meta WHERE { GRAPH ?meta { ?g dct:modified ?loaded } }"
CONCEPTS = """
SELECT ?c ?p ?o WHERE { ?c a skos:Concept ; ?p ?o . FILTER(?p IN (skos:prefLabel, skos:inScheme, skos:closeMatch)) }
"""
SCHEMES = "SELECT ?s ?title WHERE { ?s a skos:ConceptScheme ; skos:prefLabel ?title }"
LAST_LOAD = "SELECT (MAX(?when) AS ?last) ?meta WHERE { GRAPH ?meta { ?g dct:modified ?when } } GROUP BY ?meta"
ORGANISATIONS = "SELECT ?agent ?name WHERE { ?agent a foaf:Organization ; foaf:name ?name }"
AGENT_FACTS = (RDF.type, FOAF.name, ORG.classification, ADMS.identifier, DCAT.contactPoint)
# the APIs serving each data set, with what a distribution through them needs
SERVICES = """
SELECT ?dataset ?api ?p ?o WHERE {
  ?api dcat:servesDataset ?dataset ; a dcat:DataService .
  ?dataset a dcat:Dataset .
  ?api ?p ?o . FILTER(?p IN (dct:title, dcat:endpointURL, dcat:endpointDescription, dcat:landingPage))
}
"""


class PageNotFound(RessourcerieError):
    status = 404


# --- parameters ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    since: datetime | date | None = None

    def query(self, page: int) -> dict[str, str]:
        params = {"page": str(page), "page_size": str(self.size)}
        if self.since is not None:
            params["modified_since"] = self.since.isoformat().replace("+00:00", "Z")
        return params


def parse_since(raw: str) -> datetime | date:
    """'2024-05-01' (a date) or '2024-05-01T12:00:00Z' (a date-time; without a zone, UTC)."""
    text = raw.strip()
    try:
        if "T" not in text and len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+", 1) if "T" in text else text)
    except ValueError:
        raise BadRequest(
            f"modified_since must be a date (2024-05-01) or a date-time (2024-05-01T12:00:00Z), not {raw!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_paging(params: Mapping[str, str]) -> Paging:
    """``page`` (from 1), ``page_size`` (default 100, at most 1000), ``modified_since``; 400 when malformed."""
    since = params.get("modified_since")
    return Paging(
        whole_number("page", params.get("page"), 1),
        whole_number("page_size", params.get("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
        parse_since(since) if since else None,
    )


# --- the record index ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    iri: NamedNode
    kind: NamedNode
    modified: Literal | None  # the record's dct:modified, else the load time of its graph

    def since(self, moment: datetime | date) -> bool:
        """Modified on or after ``moment``; a record dated by day counts as modified at any time that day."""
        when = as_moment(self.modified) if self.modified is not None else None
        if when is None:
            return True  # no date: a harvester asking for changes should see it
        if isinstance(moment, datetime):
            if isinstance(when, datetime):
                return when >= moment
            return when >= moment.date()
        return (when.date() if isinstance(when, datetime) else when) >= moment


def as_moment(value: Literal) -> datetime | date | None:
    try:
        if value.datatype == XSD.date:
            return date.fromisoformat(value.value[:10])
        moment = datetime.fromisoformat(value.value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _latest(values: list[Literal]) -> Literal | None:
    dated = [(as_moment(v), v) for v in values]
    known = [(m, v) for m, v in dated if m is not None]
    if not known:
        return None

    def key(item: tuple[Any, Literal]) -> datetime:
        m = item[0]
        return m if isinstance(m, datetime) else datetime(m.year, m.month, m.day, tzinfo=UTC)

    return max(known, key=key)[1]


@dataclass
class Page:
    feed: str
    paging: Paging
    total: int
    last: int
    triples: list[Triple]
    counts: dict[str, int]  # records per class on this page (CURIEs)


def _no_cache(key: str, compute: Callable[[], T]) -> T:
    return compute()


class Feed:
    """Pages of the catalogue and of the software catalogue, from the store."""

    def __init__(
        self, store: Store, settings: Settings, cached: Callable[[str, Callable[[], Any]], Any] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.cached = cached or _no_cache

    # --- what is read once per write ------------------------------------------------------------------------

    def index(self, feed: str) -> list[Entry]:
        return self.cached(f"dcat:index:{feed}", lambda: self._index(feed))  # type: ignore[no-any-return]

    def _index(self, feed: str) -> list[Entry]:
        kinds: dict[NamedNode, NamedNode] = {}
        dates: dict[NamedNode, list[Literal]] = {}
        aside = set_aside(self.store, self.iris.graph("curation"))  # merged duplicates, hidden entries
        for r, kind, modified in self.store.select(INDEX).rows:
            assert isinstance(r, NamedNode) and isinstance(kind, NamedNode)
            if kind not in KINDS[feed] or r in aside:
                continue
            kinds.setdefault(r, kind)
            if isinstance(modified, Literal):
                dates.setdefault(r, []).append(modified)
        loads: dict[object, list[Literal]] = {}
        for g, loaded, _meta in self.store.select(LOADS, {"meta": self.iris.meta_graph}).rows:
            if isinstance(loaded, Literal):
                loads.setdefault(g, []).append(loaded)
        entries = []
        for r, kind in kinds.items():
            modified = _latest(dates.get(r, []))
            if modified is None:  # undated: when the graphs that hold it were loaded
                graphs = {q.graph_name for q in self.store.quads(r, DCT.type, None, None)}
                modified = _latest([when for g in graphs for when in loads.get(g, [])])
            entries.append(Entry(r, kind, modified))
        return sorted(entries, key=lambda e: e.iri.value)

    def concepts(self) -> tuple[dict[NamedNode, Concept], dict[NamedNode, list[Literal]]]:
        return self.cached("dcat:concepts", self._concepts)  # type: ignore[no-any-return]

    def _concepts(self) -> tuple[dict[NamedNode, Concept], dict[NamedNode, list[Literal]]]:
        concepts: dict[NamedNode, Concept] = {}
        for c, p, o in self.store.select(CONCEPTS).rows:
            assert isinstance(c, NamedNode)
            concept = concepts.setdefault(c, Concept())
            if p == SKOS.prefLabel and isinstance(o, Literal):
                concept.labels.append(o)
            elif p == SKOS.inScheme and isinstance(o, NamedNode):
                concept.scheme = o
            elif p == SKOS.closeMatch and isinstance(o, NamedNode):
                concept.matches.append(o)
        titles: dict[NamedNode, list[Literal]] = {}
        for s, title in self.store.select(SCHEMES).rows:
            if isinstance(s, NamedNode) and isinstance(title, Literal):
                titles.setdefault(s, []).append(title)
        return concepts, titles

    def services(self) -> dict[NamedNode, list[Service]]:
        """The APIs serving each data set (read once per write)."""
        return self.cached("dcat:services", self._services)  # type: ignore[no-any-return]

    def _services(self) -> dict[NamedNode, list[Service]]:
        apis: dict[NamedNode, Service] = {}
        served: dict[NamedNode, dict[NamedNode, None]] = {}
        for dataset, api, p, o in self.store.select(SERVICES).rows:
            if not (isinstance(dataset, NamedNode) and isinstance(api, NamedNode)):
                continue
            service = apis.setdefault(api, Service(api))
            served.setdefault(dataset, {})[api] = None
            if p == DCT.title and isinstance(o, Literal) and o not in service.titles:
                service.titles.append(o)
            elif isinstance(o, NamedNode) and isinstance(p, NamedNode):
                lists = {
                    DCAT.endpointURL: service.endpoints,
                    DCAT.endpointDescription: service.descriptions,
                    DCAT.landingPage: service.pages,
                }
                found = lists.get(p)
                if found is not None and o not in found:
                    found.append(o)
        return {d: [apis[a] for a in sorted(found, key=lambda n: n.value)] for d, found in served.items()}

    def agent(self, iri: NamedNode) -> Agent:
        """What the feed says of a publisher: its types, names, classification, official identifiers and contact
        points."""
        nodes: dict[NamedNode, Objects] = {iri: {}}
        for q in self.store.quads(iri, None, None, None):
            if q.predicate in AGENT_FACTS:
                _put(nodes, q.subject, q.predicate, q.object)
        for p in (ADMS.identifier, DCAT.contactPoint):
            for node in nodes[iri].get(p, []):
                if isinstance(node, NamedNode) and node.value.startswith(iri.value + "#"):
                    for q in self.store.quads(node, None, None, None):
                        _put(nodes, q.subject, q.predicate, q.object)
        return _agent(nodes[iri], nodes)

    def catalogue_facts(self) -> tuple[Literal | None, NamedNode | None, Agent | None]:
        """When the store was last written (from the meta graph), and the operator's record if the store has
        one (an agent named like ``site_operator``, articles and case aside)."""
        return self.cached("dcat:facts", self._facts)  # type: ignore[no-any-return]

    def _facts(self) -> tuple[Literal | None, NamedNode | None, Agent | None]:
        rows = self.store.select(LAST_LOAD, {"meta": self.iris.meta_graph}).rows
        last = rows[0][0] if rows and isinstance(rows[0][0], Literal) else None
        wanted = _name_key(self.settings.site_operator)
        for iri, name in sorted(self.store.select(ORGANISATIONS).rows, key=lambda row: str(row[0])):
            if isinstance(iri, NamedNode) and isinstance(name, Literal) and _name_key(name.value) == wanted:
                return last, iri, self.agent(iri)
        return last, None, None

    # --- a page ---------------------------------------------------------------------------------------------

    def iri(self, feed: str) -> NamedNode:
        return NamedNode(self.iris.base + FEEDS[feed])

    def page_iri(self, feed: str, paging: Paging, number: int, extension: str | None = None) -> NamedNode:
        path = FEEDS[feed] + (f".{extension}" if extension else "")
        return NamedNode(f"{self.iris.base}{path}?{urlencode(paging.query(number))}")

    def page(self, feed: str, paging: Paging, extension: str | None = None, asked: str | None = None) -> Page:
        """One page; ``asked`` is the path and query the client asked (``catalog?page_size=50``): the page's
        Hydra view is that URL, under the base IRI, so that a client reading the view of its own request URL
        finds the links (without it, the page's own canonical URL)."""
        entries = self.index(feed)
        if paging.since is not None:
            entries = [e for e in entries if e.since(paging.since)]
        total = len(entries)
        last = max(1, math.ceil(total / paging.size))
        if paging.page > last:
            raise PageNotFound(f"page {paging.page} does not exist: this feed has {last} page(s) of {paging.size}")
        chosen = entries[(paging.page - 1) * paging.size : paging.page * paging.size]
        profile = AdmsAp(*self.concepts()) if feed == "software" else DcatAp(*self.concepts())
        out = Out()
        catalogue = self.iri(feed)
        counts: dict[str, int] = {}
        for src in self._sources(chosen):
            cls = profile.record(out, src)
            out.add(catalogue, profile.membership(cls), src.iri)
            name = "adms:Asset" if cls.value.endswith("adms#Asset") else "dcat:" + cls.value.rsplit("#", 1)[1]
            counts[name] = counts.get(name, 0) + 1
        header = Out()
        self._header(header, profile, feed, paging, total, last, extension, asked)
        return Page(feed, paging, total, last, header.all() + out.all(), counts)

    def _sources(self, chosen: list[Entry]) -> list[Source]:
        """Each record's statements and its '#' nodes' (the store's ``describe``), and its distributions'; the
        APIs serving a data set, and the data sets (of the data catalogue) an API serves."""
        agents: dict[NamedNode, Agent] = {}
        services = self.services()
        datasets = {e.iri for e in self.index("catalog") if e.kind == KIND.dataset}
        sources = []
        for entry in chosen:
            nodes: dict[NamedNode, Objects] = {}
            for q in self.store.describe(entry.iri):
                _put(nodes, q.subject, q.predicate, q.object)
            own = nodes.get(entry.iri, {})
            for publisher in own.get(DCT.publisher, []):
                if isinstance(publisher, NamedNode) and publisher not in agents:
                    agents[publisher] = self.agent(publisher)
            for dist in own.get(DISTRIBUTION, []):
                if isinstance(dist, NamedNode) and dist not in nodes:
                    for q in self.store.quads(dist, None, None, None):
                        _put(nodes, q.subject, q.predicate, q.object)
            serves = [d for d in own.get(DCAT.servesDataset, []) if isinstance(d, NamedNode) and d in datasets]
            found = services.get(entry.iri, []) if entry.kind == KIND.dataset else []
            sources.append(Source(entry.iri, entry.kind, entry.modified, own, nodes, agents, found, serves))
        return sources

    def _header(
        self,
        out: Out,
        profile: DcatAp,
        feed: str,
        paging: Paging,
        total: int,
        last: int,
        extension: str | None,
        asked: str | None = None,
    ) -> None:
        s = self.settings
        cat = self.iri(feed)
        out.typed(cat, DCAT.Catalog, HYDRA.Collection)
        if feed == "software":
            out.add(cat, DCT.title, Literal(f"{s.site_name} : logiciels et modèles d'IA", language="fr"))
            out.add(cat, DCT.title, Literal(f"{s.site_name}: software and AI models", language="en"))
            out.add(
                cat, DCT.description, Literal(f"{s.site_tagline}. Code source et modèles réutilisables.", language="fr")
            )
        else:
            out.add(cat, DCT.title, Literal(s.site_name, language="fr"))
            out.add(cat, DCT.description, Literal(s.site_tagline, language="fr"))
        last_load, operator, agent = self.catalogue_facts()
        publisher = operator or NamedNode(f"{cat.value}#publisher")
        out.add(cat, DCT.publisher, publisher)
        profile.agent(out, publisher, agent or Agent(names=[Literal(s.site_operator, language="fr")]))
        home = NamedNode(self.iris.base)
        out.add(cat, FOAF.homepage, home)
        out.typed(home, FOAF.Document)
        profile.language(out, cat, Literal("fr"))
        if s.content_licence:
            licence = NamedNode(s.content_licence)
            out.add(cat, DCT.license, licence)
            profile.licence(out, licence)
        if last_load is not None:
            out.add(cat, DCT.modified, last_load)
        france = vocab.COUNTRY.FRA
        out.add(cat, DCT.spatial, france)
        out.typed(france, DCT.Location)
        for scheme in (NamedNode(s.theme_scheme), vocab.DATA_THEME_SCHEME):
            out.add(cat, DCAT.themeTaxonomy, scheme)
            profile.scheme(out, scheme)
        count = Literal(str(total), datatype=XSD.integer)
        out.add(cat, HYDRA.totalItems, count)
        view = NamedNode(self.iris.base + asked) if asked else self.page_iri(feed, paging, paging.page, extension)
        out.add(cat, HYDRA.view, view)
        out.typed(view, HYDRA.PartialCollectionView, HYDRA.PagedCollection)
        out.add(view, HYDRA.totalItems, count)
        out.add(view, HYDRA.itemsPerPage, Literal(str(paging.size), datatype=XSD.integer))
        links = {"first": 1, "last": last}
        if paging.page > 1:
            links["previous"] = paging.page - 1
        if paging.page < last:
            links["next"] = paging.page + 1
        for name, number in links.items():
            target = self.page_iri(feed, paging, number, extension)
            out.add(view, HYDRA[name], target)
            out.add(view, HYDRA[f"{name}Page"], target)


DISTRIBUTION = DCAT.distribution


def _put(nodes: dict[NamedNode, Objects], s: object, p: NamedNode, o: object) -> None:
    if isinstance(s, NamedNode) and isinstance(o, NamedNode | Literal):
        nodes.setdefault(s, {}).setdefault(p, []).append(o)


def _name_key(name: str) -> str:
    key = slugify(name)
    for article in ("la-", "le-", "les-", "l-"):
        if key.startswith(article):
            return key[len(article) :]
    return key


def _agent(node: Objects, nodes: Mapping[NamedNode, Objects] | None = None) -> Agent:
    agent = Agent()
    for p, found in ((ADMS.identifier, agent.identifiers), (DCAT.contactPoint, agent.contacts)):
        for ref in node.get(p, []):
            if isinstance(ref, NamedNode) and nodes is not None and ref in nodes:
                found[ref] = nodes[ref]
    for t in node.get(RDF.type, []):
        if isinstance(t, NamedNode):
            agent.types.append(t)
    agent.names = [n for n in node.get(FOAF.name, []) if isinstance(n, Literal)]
    classes = [c for c in node.get(ORG.classification, []) if isinstance(c, NamedNode)]
    agent.classification = classes[0] if classes else None
    return agent


def whole_feed(feed: Feed, name: str = "catalog", size: int = MAX_PAGE_SIZE) -> list[Page]:
    """Every page of a feed, walked as a harvester would."""
    pages = [feed.page(name, Paging(1, size))]
    while pages[-1].paging.page < pages[-1].last:
        pages.append(feed.page(name, Paging(pages[-1].paging.page + 1, size)))
    return pages
