"""Our own DCAT feed (/catalog), harvested into a fresh instance, gives the same records, whichever RDF format the
feed is read in.

/catalog is the DCAT feed of the service, walked page by page (Hydra) by the harvester as another instance would.
"""

from __future__ import annotations

import httpx
import pytest
from pyoxigraph import NamedNode

from graph.harvest.pipeline import Harvester
from graph.iris import Iris
from graph.namespaces import KIND
from graph.seed import ontology_triples
from graph.store import EmbeddedStore, Store
from graph.validation import Validator
from graph.writer import Writer
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher

RECORDS = """SELECT ?r ?kind ?title ?publisher WHERE {
  ?r a dcat:Resource ; dct:type ?kind ; dct:title ?title ; dct:publisher ?publisher .
  FILTER(LANG(?title) = "fr")
}"""
CATALOGUED = {KIND.api.value, KIND.dataset.value, KIND.catalogue.value}  # what /catalog lists


def records(store: Store) -> set[tuple[str, ...]]:
    return {tuple(t.value for t in row) for row in store.select(RECORDS).rows}  # type: ignore[union-attr]


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "rdf", "nt"])
def test_our_catalog_harvested_into_a_fresh_instance_gives_the_same_records(
    served_seed: str, seeded: EmbeddedStore, iris: Iris, validator: Validator, extension: str
) -> None:
    answer = httpx.get(f"{served_seed}/catalog", headers={"Accept": "text/turtle"}, timeout=30, follow_redirects=True)
    assert answer.status_code == 200
    fresh = EmbeddedStore()
    writer = Writer(fresh, validator, iris)
    writer.replace_graphs({iris.ontology_graph: ontology_triples()})
    concepts = Concepts.from_store(fresh, iris.ontology_graph, NamedNode(iris.base + "def/theme"))
    url = f"{served_seed}/catalog.{extension}?page_size=40"  # several pages
    source = DcatSource("ressourcerie", url, iris, Fetcher(), concepts)
    report = Harvester(writer).run(source, url)
    assert report.succeeded, report.summary()
    assert report.skipped == [] and report.warnings == [], report.summary()
    assert report.pages == 7
    expected = {r for r in records(seeded) if r[1] in CATALOGUED}
    assert len({r[0] for r in expected}) == 255  # every API, data set and catalogue of the seed
    assert records(fresh) == expected
