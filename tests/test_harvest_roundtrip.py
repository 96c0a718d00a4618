"""Our own DCAT feed (/catalog), harvested into a fresh instance, gives the same records.

/catalog is the DCAT feed of the service, walked page by page (Hydra) by the harvester as another instance would.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pyoxigraph import NamedNode

from graph.config import Settings
from graph.harvest.pipeline import Harvester
from graph.iris import Iris
from graph.seed import ontology_triples
from graph.store import EmbeddedStore, Store
from graph.validation import Validator
from graph.web.app import create_app
from graph.writer import Writer
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher

RECORDS = """SELECT ?r ?kind ?title ?publisher WHERE {
  ?r a dcat:Resource ; dct:type ?kind ; dct:title ?title ; dct:publisher ?publisher .
  FILTER(LANG(?title) = "fr")
}"""


@pytest.fixture
def served(tmp_path: Path, seeded_dir: Path) -> Iterator[str]:
    """The service on the seed store, behind uvicorn on a free local port."""
    copy = tmp_path / "served"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # the feed's paging links are minted under base_iri, the address harvesters reach the instance at; the
    # records keep the IRIs they were loaded with
    app = create_app(Settings(store_path=str(copy), query_workers=1, base_iri=f"http://127.0.0.1:{port}/"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the service did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


def records(store: Store) -> set[tuple[str, ...]]:
    return {tuple(t.value for t in row) for row in store.select(RECORDS).rows}  # type: ignore[union-attr]


def test_our_catalog_harvested_into_a_fresh_instance_gives_the_same_records(
    served: str, seeded: EmbeddedStore, iris: Iris, validator: Validator
) -> None:
    answer = httpx.get(f"{served}/catalog", headers={"Accept": "text/turtle"}, timeout=30, follow_redirects=True)
    assert answer.status_code == 200
    fresh = EmbeddedStore()
    writer = Writer(fresh, validator, iris)
    writer.replace_graphs({iris.ontology_graph: ontology_triples()})
    concepts = Concepts.from_store(fresh, iris.ontology_graph, NamedNode(iris.base + "def/theme"))
    url = f"{served}/catalog?page_size=40"  # several pages
    report = Harvester(writer).run(DcatSource("ressourcerie", url, iris, Fetcher(), concepts), url)
    assert report.succeeded, report.summary()
    assert report.skipped == [], report.summary()
    expected = records(seeded)
    assert len({r[0] for r in expected}) == 258  # every resource of the seed, whatever its kind
    assert records(fresh) == expected
