"""Serve a store on 127.0.0.1 and harvest its feed with the harvesters it is meant for, printing what each
imports: data.gouv.fr's udata (walking /catalog.ttl from its first page, and reading one page of 1000),
CKAN's ckanext-dcat (euro_dcat_ap_3), our own harvester in each RDF format, and Joinup's ADMS-AP rules on
/catalog/software. Needs the dev dependencies (pip install -e '.[dev]').

    .venv/bin/python scripts/harvesters_report.py [STORE]     # default: a copy of var/store
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import uvicorn
from pyoxigraph import NamedNode

from graph.config import Settings
from graph.harvest.pipeline import Harvester
from graph.iris import Iris
from graph.namespaces import DCAT, DCT, KIND
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.web.app import create_app
from graph.writer import Writer
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher
from tests.harvesters import check_adms_ap, ckan_harvest, udata_harvest


def serve(store: Path) -> tuple[str, uvicorn.Server]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(store_path=str(store), query_workers=1, base_iri=f"http://127.0.0.1:{port}/")
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", default="var/store", help="an embedded store (copied first)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="harvesters-"))
    copy = work / "store"
    source = EmbeddedStore(Path(args.store))
    source.backup(copy)
    counts = {
        kind: {q.subject.value for q in source.quads(None, DCT.type, kind, None) if "/resource/" in q.subject.value}
        for kind in (KIND.api, KIND.dataset)
    }
    served_datasets = {q.object.value for q in source.quads(None, DCAT.servesDataset, None, None)}
    with_endpoint = {q.subject.value for q in source.quads(None, DCAT.endpointURL, None, None)}
    source.close()
    apis, datasets = counts[KIND.api], counts[KIND.dataset]
    base, server = serve(copy)
    try:
        print(
            f"store: {args.store}: {len(apis)} APIs ({len(with_endpoint)} with an endpoint), {len(datasets)} data sets"
        )
        for url in (f"{base}/catalog.ttl", f"{base}/catalog.ttl?page_size=1000"):
            started = time.perf_counter()
            u = udata_harvest(url)
            share = (len(u.dataservices) + len(u.datasets)) / (len(apis) + len(datasets))
            print(
                f"udata ({url.removeprefix(base)}): job {u.status}, {len(u.dataservices)} of {len(apis)} APIs as "
                f"dataservices ({sum(1 for d in u.dataservices if d.base_api_url)} with base_api_url, "
                f"{sum(1 for d in u.dataservices if d.machine_documentation_url)} with machine documentation), "
                f"{len(u.datasets)} of {len(datasets)} data sets "
                f"({sum(1 for d in u.datasets if d.resources)} with resources): {100 * share:.1f} %, "
                f"{len(u.errors)} errors, {time.perf_counter() - started:.0f} s"
            )
        c = ckan_harvest(f"{base}/catalog.ttl")
        resources = sum(len(d["resources"]) for d in c.datasets)
        through_apis = sum(1 for d in c.datasets for r in d["resources"] if r.get("access_services"))
        print(
            f"ckanext-dcat (euro_dcat_ap_3, /catalog.ttl, {len(c.pages)} pages): {len(c.datasets)} of {len(datasets)} "
            f"data sets, {resources} resources ({through_apis} through an API, for {len(served_datasets)} data sets "
            f"served by APIs); data sets without resource: {sum(1 for d in c.datasets if not d['resources'])}"
        )
        iris = Iris("https://ressourcerie.fabrique.social.gouv.fr/")
        found = {}
        for ext in ("ttl", "jsonld", "rdf", "nt"):
            fresh = EmbeddedStore()
            writer = Writer(fresh, Validator(), iris)
            writer.replace_graphs({iris.ontology_graph: ontology_triples()})
            concepts = Concepts.from_store(fresh, iris.ontology_graph, NamedNode(iris.base + "def/theme"))
            url = f"{base}/catalog.{ext}"
            report = Harvester(writer).run(DcatSource("own", url, iris, Fetcher(), concepts), url)
            found[ext] = {q.subject.value for q in fresh.quads(None, DCT.type, None, iris.graph("harvest/own"))}
            print(
                f"our harvester (/catalog.{ext}): {report.status}, {report.pages} pages, {report.written} records "
                f"written, {len(report.skipped)} skipped, {len(report.warnings)} warnings"
            )
        same = all(v == found["ttl"] for v in found.values())
        print(f"our harvester: the same records in the four formats: {same}")
        feed = httpx.get(f"{base}/catalog/software.nt", params={"page_size": 1000}, timeout=60)
        rules = check_adms_ap(feed.content)
        print(
            f"ADMS-AP rules (/catalog/software): {rules.run} rules run, not run {rules.not_run}, "
            f"{len(rules.errors)} errors"
        )
        for rule, message in rules.errors:
            print(f"  rule {rule}: {message}")
    finally:
        server.should_exit = True
        time.sleep(0.5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
