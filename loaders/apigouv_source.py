"""api.gouv.fr as a harvest source: the sheets, producers and services of a checkout of the api.gouv.fr
repository's ``_data`` folder (``api/``, ``producteurs/``, ``service/``), mapped as the seed maps them.

Keys of a sheet: ``identifier:<slug>``, ``url:`` of its api.gouv.fr page and of the data.gouv.fr
dataservice page it moved to (``www.data.gouv.fr/fr/dataservices/<slugify(title)>``, as api.gouv.fr links
it). Of a producer: ``identifier:<slug>`` and ``name:`` of its names.

With a ``finder`` (``loaders.harvest.openapi_fetch``), a sheet's OpenAPI document (``doc_tech_link``) is fetched
and the endpoint it states becomes the API's ``dcat:endpointURL``; a document that cannot be read is a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.datagouv import page_url
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.namespaces import DCAT, DCT, FOAF, RDF, SKOS
from graph.rdf import root_of
from graph.seed import THEME_SCHEME, ontology_triples
from graph.text import norm
from loaders import apigouv
from loaders._build import Themes
from loaders._mapping import keys, url_key
from loaders.harvest.openapi_fetch import EndpointFinder
from loaders.ressourcerie import Index


@dataclass
class ApigouvSource:
    iris: Iris
    folder: Path
    name: str = "apigouv"
    finder: EndpointFinder | None = field(default=None, repr=False)

    @property
    def warnings(self) -> list[str]:
        return self.finder.warnings if self.finder is not None else []

    def records(self) -> Iterator[Record]:
        themes = Themes.from_triples(ontology_triples(), THEME_SCHEME)
        out = apigouv.load(self.folder, self.iris, themes, Index(), [])
        by_root: dict[NamedNode, list[Triple]] = defaultdict(list)
        for t in out.triples:
            by_root[root_of(t.subject)].append(t)  # type: ignore[arg-type]
        order = {"organisation": 0, "resource": 1, "service": 2, "usage": 3}
        for node in sorted(by_root, key=lambda n: (order.get(n.value.rsplit("/", 2)[-2], 9), n.value)):
            triples = by_root[node]
            rec = Record(node, triples, _label(node, triples), _keys(node, triples), _notes(node, out.problems))
            yield self.finder.complete(rec) if self.finder is not None else rec


def _label(node: NamedNode, triples: list[Triple]) -> str:
    for t in triples:
        if t.subject == node and t.predicate in (DCT.title, FOAF.name) and isinstance(t.object, Literal):
            return t.object.value
    return node.value.rsplit("/", 1)[-1]


def _keys(node: NamedNode, triples: list[Triple]) -> frozenset[str]:
    own = [t for t in triples if t.subject == node]
    found: list[str | None] = [f"identifier:{v}" for v in _texts(own, DCT.identifier)]
    types = {t.object for t in own if t.predicate == RDF.type}
    if DCAT.DataService in types:
        found += [url_key(page_url("dataservice", slugify(v))) for v in _texts(own, DCT.title)]
        pages = [t.object.value for t in own if t.predicate == FOAF.page and isinstance(t.object, NamedNode)]
        found += [url_key(p) for p in pages if p.startswith(f"{apigouv.SITE}/les-api/")]
    elif FOAF.Agent in types:
        found += [f"name:{norm(v)}" for v in _texts(own, FOAF.name, SKOS.altLabel)]
    return keys(*found)


def _texts(own: list[Triple], *predicates: NamedNode) -> list[str]:
    return [t.object.value for t in own if t.predicate in predicates and isinstance(t.object, Literal)]


def _notes(node: NamedNode, problems: list[str]) -> list[str]:
    slug = node.value.rsplit("/", 1)[-1]
    return [p for p in problems if p.split(":", 1)[0].removesuffix(".md") == slug]
