"""Reading what the index holds from the store, by SPARQL through the store interface.

A searchable record is a resource, a guide or use-case story, an online service, an organisation or a
person; each is read with its texts, its facet values (kind, themes, producer, access) and its date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode

from graph.community.curation import curated_rows, set_aside
from graph.model.access import ACCESS_RIGHTS
from graph.namespaces import DCAT, DCT, FOAF, KIND, ORG, RDFS, SCHEMA, SKOS, THEME
from graph.rdf import root_of
from graph.store.base import Store
from graph.text import plain

CHUNK = 200

# the classes searched, in order of precedence when a node has several; pseudo-kinds of those without dct:type
CLASSES = {
    DCAT.Resource: None,
    FOAF.Document: None,
    SCHEMA.WebApplication: "service",
    ORG.Organization: "organisation",
    FOAF.Person: "person",
    SCHEMA.Question: "question",
}
PSEUDO_KINDS = {
    "service": "Service en ligne",
    "organisation": "Organisation",
    "person": "Personne",
    "question": "Question",
}
ACCESS_KEYS = {a.iri: a.key for a in ACCESS_RIGHTS}

_TEXT = {
    DCT.title: "title",
    FOAF.name: "title",
    SCHEMA.name: "title",
    RDFS.label: "title",
    DCT.alternative: "tagline",
    DCT.abstract: "tagline",
    SKOS.altLabel: "tagline",
    DCT.description: "description",
    SCHEMA.text: "body",
    DCAT.keyword: "keywords",
    SCHEMA.keywords: "keywords",
    DCT.modified: "modified",
}
_LINKS = {DCT.type: "kind", DCAT.theme: "theme", DCT.publisher: "producer", DCT.accessRights: "access"}

_READ = """
SELECT ?s ?class ?p ?o WHERE {
  %s
  VALUES ?class { dcat:Resource foaf:Document schema:WebApplication org:Organization foaf:Person schema:Question }
  ?s a ?class ; ?p ?o .
  VALUES ?p { dct:title foaf:name schema:name rdfs:label dct:alternative dct:abstract skos:altLabel dct:description schema:text
              dcat:keyword schema:keywords dct:modified dct:type dcat:theme dct:publisher dct:accessRights }
  FILTER(isIRI(?s))
}
"""
_LABELS = """
SELECT ?x ?label WHERE {
  VALUES ?x { %s }
  ?x skos:prefLabel|foaf:name|dct:title ?label .
}
"""
_DEPENDENTS = """
SELECT DISTINCT ?s WHERE {
  VALUES ?x { %s }
  ?s dct:publisher|dcat:theme|dct:type|dct:accessRights ?x .
}
"""


@dataclass
class FacetValue:
    facet: str
    key: str
    iri: str
    label: str


@dataclass
class Record:
    iri: str
    kind: FacetValue | None = None
    title: str = ""
    tagline: list[str] = field(default_factory=list)
    description: str = ""
    body: str = ""
    keywords: list[str] = field(default_factory=list)
    themes: list[FacetValue] = field(default_factory=list)
    producer: FacetValue | None = None
    access: FacetValue | None = None
    modified: str | None = None  # the latest dct:modified, as written (an ISO date or date-time)

    @property
    def facets(self) -> list[FacetValue]:
        return [v for v in (self.kind, self.producer, self.access, *self.themes) if v is not None]


def _best(values: list[Literal]) -> str:
    """The French value, else one without language, else English, else any."""
    rank = {"fr": 0, None: 1, "en": 2}
    ordered = sorted(values, key=lambda v: (rank.get(v.language, 3), v.value))
    return ordered[0].value if ordered else ""


def _iri_list(nodes: Iterable[NamedNode]) -> str:
    return " ".join(str(NamedNode(n.value)) for n in nodes)  # NamedNode checks the IRI and escapes it


def _chunks(items: list[NamedNode]) -> Iterator[list[NamedNode]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


class RecordReader:
    """Reads searchable records: all of them, or those given (with the records whose facets name them)."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base = base_iri

    def all(self) -> list[Record]:
        return self._records(self.store.select(_READ % "").rows)

    def some(self, iris: Iterable[NamedNode]) -> tuple[set[str], list[Record]]:
        """The records among ``iris`` (and those that point to them through a facet), as they are now; with
        the IRIs looked at, so that those gone can be dropped from the index."""
        roots = sorted({root_of(i) for i in iris}, key=lambda n: n.value)
        wanted = set(roots)
        for chunk in _chunks(roots):
            rows = self.store.select(_DEPENDENTS % _iri_list(chunk)).rows
            wanted.update(r[0] for r in rows if isinstance(r[0], NamedNode))
        ordered = sorted(wanted, key=lambda n: n.value)
        rows = []
        for chunk in _chunks(ordered):
            rows += self.store.select(_READ % f"VALUES ?s {{ {_iri_list(chunk)} }}").rows
        return {n.value for n in ordered}, self._records(rows)

    def _records(self, rows: list[Any]) -> list[Record]:
        curation = NamedNode(self.base + "graph/curation")
        rows = curated_rows(self.store, curation, rows)
        aside = set_aside(self.store, curation)  # merged duplicates and hidden entries are not searched
        rows = [row for row in rows if row[0] not in aside]
        classes: dict[NamedNode, set[NamedNode]] = defaultdict(set)
        values: dict[NamedNode, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for s, cls, p, o in rows:
            classes[s].add(cls)
            slot = _TEXT.get(p) or _LINKS.get(p)
            wanted = slot is not None and (slot in _LINKS.values()) == isinstance(o, NamedNode)
            if wanted and slot is not None and o not in values[s][slot]:
                values[s][slot].append(o)
        linked = {o for v in values.values() for slot in _LINKS.values() for o in v.get(slot, ())}
        labels = self._labels(sorted(linked, key=lambda n: n.value))
        return [self._record(s, classes[s], values[s], labels) for s in classes]

    def _labels(self, nodes: list[NamedNode]) -> dict[NamedNode, str]:
        found: dict[NamedNode, list[Literal]] = defaultdict(list)
        for chunk in _chunks(nodes):
            for x, label in self.store.select(_LABELS % _iri_list(chunk)).rows:
                if isinstance(label, Literal):
                    found[x].append(label)  # type: ignore[index]
        return {x: _best(v) for x, v in found.items()}

    def _record(
        self, s: NamedNode, classes: set[NamedNode], v: dict[str, list[Any]], labels: dict[NamedNode, str]
    ) -> Record:
        texts = {k: [o for o in v.get(k, ()) if isinstance(o, Literal)] for k in set(_TEXT.values())}
        record = Record(
            s.value,
            title=_best(texts["title"]),
            tagline=sorted({t.value for t in texts["tagline"]}),
            description=_words(_best(texts["description"])),
            body=_words(_best(texts["body"])),
            keywords=sorted({t.value for t in texts["keywords"]}, key=str.casefold),
            modified=max((t.value for t in texts["modified"]), default=None),
        )
        pseudo = next((CLASSES[c] for c in CLASSES if c in classes), None)
        kinds = [k for k in v.get("kind", ()) if k.value.startswith(str(KIND))]
        if kinds and pseudo is None:
            record.kind = self._value("kind", kinds[0], labels)
        elif pseudo is not None:
            record.kind = FacetValue("kind", pseudo, pseudo, PSEUDO_KINDS[pseudo])
        record.themes = [self._value("theme", t, labels) for t in v.get("theme", ())]
        if v.get("producer"):
            record.producer = self._value("producer", v["producer"][0], labels)
        access = [a for a in v.get("access", ()) if a in ACCESS_KEYS]
        if access:
            record.access = self._value("access", access[0], labels)
        return record

    def _value(self, facet: str, node: NamedNode, labels: dict[NamedNode, str]) -> FacetValue:
        return FacetValue(facet, self.key(facet, node), node.value, labels.get(node) or self.key(facet, node))

    def key(self, facet: str, node: NamedNode) -> str:
        """The short form of a facet value in URLs: 'api', 'emploi', 'organisation/dares', 'open'."""
        if facet == "access" and node in ACCESS_KEYS:
            return ACCESS_KEYS[node]
        for prefix in (str(KIND), str(THEME), self.base):
            if node.value.startswith(prefix) and len(node.value) > len(prefix):
                return node.value[len(prefix) :]
        return node.value


_MARKUP = re.compile(r"[*_#<>\[\]`|]|^\s*[-+]\s|^\s*\d+[.)]\s", re.M)


def _words(text: str) -> str:
    """A source's long text as the words a person reads (its Markdown and components rendered away): what is
    indexed and shown in excerpts. Text without markup is kept as it is."""
    return plain(text) if text and _MARKUP.search(text) else text
