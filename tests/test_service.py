"""The real service on 127.0.0.1 (`ressourcerie serve`, the shared `service` fixture): SPARQL clients with their
defaults, fair use of the query workers between clients, online backup and JSON logs."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import rdflib
from pyoxigraph import RdfFormat, parse

from graph.cli import main
from tests.browser import ROOT
from tests.conftest import SERVICE_TOKEN

USAGES = "SELECT ?u WHERE { ?u a <http://www.w3.org/ns/duv#Usage> } ORDER BY ?u"
GRAPH = "CONSTRUCT { ?u a <http://www.w3.org/ns/duv#Usage> } WHERE { ?u a <http://www.w3.org/ns/duv#Usage> }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# --- SPARQL clients, with their defaults ---------------------------------------------------------------------------


def test_sparqlwrapper_with_its_defaults(service) -> None:
    """SPARQLWrapper's defaults failed: format sent twice, format=xml refused for CONSTRUCT."""
    from SPARQLWrapper import JSON, TSV, SPARQLWrapper

    endpoint = f"{service.url}/sparql"
    select = SPARQLWrapper(endpoint)
    select.setQuery(USAGES)
    doc = select.query().convert()  # XML results by default
    assert len(doc.getElementsByTagName("result")) == 42  # type: ignore[union-attr]
    construct = SPARQLWrapper(endpoint)
    construct.setQuery(GRAPH)
    graph = construct.query().convert()  # RDF/XML by default, into rdflib
    assert isinstance(graph, rdflib.Graph) and len(graph) == 42
    for fmt in (JSON, TSV):  # TSV sends format=tsv&format=text/tab-separated-values
        client = SPARQLWrapper(endpoint, returnFormat=fmt)
        client.setQuery(USAGES)
        client.setMethod("POST")
        assert client.query().response.status == 200
    ask = SPARQLWrapper(endpoint, returnFormat=JSON)
    ask.setQuery("ASK { ?s ?p ?o }")
    assert ask.query().convert()["boolean"] is True  # type: ignore[index]


def test_rdflib_sparqlstore_with_its_defaults(service) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(f"{service.url}/sparql"))
    assert len(list(graph.query(USAGES))) == 42
    assert len(graph.query(GRAPH).graph) == 42  # type: ignore[arg-type]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


COMUNICA = """
import { QueryEngine } from '@comunica/query-sparql';
const engine = new QueryEngine();
const source = { sources: [{ type: 'sparql', value: process.argv[1] }] };
const rows = await (await engine.queryBindings(process.argv[2], source)).toArray();
const quads = await (await engine.queryQuads(process.argv[3], source)).toArray();
const yes = await engine.queryBoolean('ASK { ?s ?p ?o }', source);
console.log(JSON.stringify({ rows: rows.length, quads: quads.length, ask: yes }));
"""


def test_comunica_with_its_defaults(service) -> None:
    if shutil.which("node") is None or not (ROOT / "node_modules/@comunica/query-sparql").is_dir():
        pytest.skip("node or @comunica/query-sparql is not installed (make setup installs it)")
    out = subprocess.run(
        ["node", "--input-type=module", "-e", COMUNICA, f"{service.url}/sparql", USAGES, GRAPH],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"rows": 42, "quads": 42, "ask": True}


# --- fair use of the query workers ---------------------------------------------------------------------------------


def from_address(address: str) -> httpx.Client:
    """A client whose connections come from another loopback address: another client for the service."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_a_client_flooding_slow_queries_does_not_delay_another_clients_query(service) -> None:
    """20 cartesian COUNTs made a simple ASK wait 58.8 s; the named-query pages timed out."""
    flood, other = from_address("127.0.0.2"), from_address("127.0.0.3")
    with ThreadPoolExecutor(5) as pool:
        slow = [pool.submit(flood.get, f"{service.url}/sparql", params={"query": SLOW}) for _ in range(5)]
        time.sleep(1.0)
        ask = other.get(f"{service.url}/sparql", params={"query": "ASK {}"})
        page = other.get(f"{service.url}/queries/theme-counts.json")
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        assert page.status_code == 200
        assert not any(f.done() for f in slow), "answered while every slow query was still waiting or running"
        assert {f.result().status_code for f in slow} <= {503}


# --- online backup -------------------------------------------------------------------------------------------------


def test_backup_while_the_service_runs_equals_the_live_store(service, tmp_path: Path) -> None:
    """It was refused: "IO error: While lock file: .../LOCK: Resource temporarily unavailable"."""
    r = httpx.put(
        f"{service.url}/store",
        params={"graph": "http://example.org/backup-test"},
        content="<http://example.org/s> <http://example.org/p> 1 .",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "Content-Type": "text/turtle"},
    )
    assert r.status_code in (201, 204), r.text
    target = tmp_path / "backup"
    assert main(["--store", str(service.store_path), "backup", str(target)]) == 0
    live = {
        q
        for q in parse(gzip.decompress(httpx.get(f"{service.url}/dumps/ressourcerie.nq.gz").content), RdfFormat.N_QUADS)
    }
    from pyoxigraph import Store

    copy = Store.read_only(str(target))
    assert set(copy) == live
    assert any(q.graph_name.value == "http://example.org/backup-test" for q in live)  # type: ignore[union-attr]


# --- JSON logs -------------------------------------------------------------------------------------------------------


def test_json_log_lines_carry_the_request_id_the_answer_echoes(service) -> None:
    r = httpx.get(f"{service.url}/healthz", headers={"X-Request-ID": "trace-me-42"})
    assert r.headers["x-request-id"] == "trace-me-42"
    for _ in range(50):
        lines = [json.loads(line) for line in service.log.read_text().splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == "trace-me-42"]
        if mine:
            break
        time.sleep(0.1)
    assert mine and mine[0]["path"] == "/healthz" and mine[0]["status"] == 200
