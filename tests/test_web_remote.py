"""The service on a remote SPARQL store (Oxigraph server, Virtuoso): same routes, same answers, same checks."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from graph.config import Settings
from graph.iris import Iris
from graph.paths import bundled
from graph.seed import load as load_seed
from graph.store import open_store
from graph.validation import Validator
from graph.web.app import create_app
from graph.writer import Writer
from tests.conftest import BASE, start_server

TOKEN = "remote-token"
USAGES = "SELECT ?u WHERE { ?u a <http://www.w3.org/ns/duv#Usage> } ORDER BY ?u"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A remote store of each kind, its own server instance, holding the seed."""
    server = start_server(request.param, tmp_path_factory.mktemp(request.param))
    settings = Settings(
        **server.settings(),
        updates=True,
        update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(),
        query_workers=2,
    )
    store = open_store(settings)
    load_seed(Writer(store, Validator(), Iris(BASE)), bundled("data/seed"))
    store.close()
    yield settings
    server.stop()


@pytest.fixture(scope="module")
def rclient(remote: Settings):
    with TestClient(create_app(remote), raise_server_exceptions=False) as c:
        yield c


def test_sparql_select_and_construct(rclient: TestClient) -> None:
    r = rclient.get("/sparql", params={"query": USAGES}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 42
    r = rclient.get("/sparql", params={"query": USAGES, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and len(r.text.strip().splitlines()) == 43
    construct = "CONSTRUCT { ?u a <http://www.w3.org/ns/duv#Usage> } WHERE { ?u a <http://www.w3.org/ns/duv#Usage> }"
    r = rclient.post("/sparql", data={"query": construct}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == 42
    assert rclient.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_sparql_errors(rclient: TestClient) -> None:
    r = rclient.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and r.json()["ok"] is False


def test_record_pages_and_descriptions(rclient: TestClient) -> None:
    r = rclient.get("/resource/api-sirene", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "API Sirene" in r.text
    r = rclient.get("/resource/api-adresse-base-adresse-nationale-ban.ttl")
    assert r.status_code == 200 and r.text.count("duv:refersTo") == 4
    assert rclient.get("/resource/nope", headers={"Accept": "application/json"}).status_code == 404
    assert rclient.get("/.well-known/void.ttl").status_code == 200


def test_validated_writes(rclient: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    graph = {"graph": BASE + "graph/remote-test"}
    good = f'<{BASE}organisation/acme> a <http://www.w3.org/ns/org#Organization>, <http://xmlns.com/foaf/0.1/Agent> ; <http://xmlns.com/foaf/0.1/name> "Acme"@fr .'
    r = rclient.put("/store", params=graph, content=good, headers={**auth, "Content-Type": "text/turtle"})
    assert r.status_code in (201, 204)
    bad = f'<{BASE}resource/broken> a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/title> "x"@fr .'
    r = rclient.put("/store", params=graph, content=bad, headers={**auth, "Content-Type": "text/turtle"})
    assert r.status_code == 422
    focus = {res["focus"] for res in r.json()["report"]["results"] if res["severity"] == "Violation"}
    assert focus == {BASE + "resource/broken"}
    r = rclient.get("/store", params=graph, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and "Acme" in r.text and "broken" not in r.text
    q = f"ASK {{ <{BASE}organisation/acme> ?p ?o }}"
    assert rclient.get("/sparql", params={"query": q}).json()["boolean"] is True


def test_a_query_past_the_timeout_is_abandoned_with_503(remote: Settings) -> None:
    import dataclasses
    import time

    with TestClient(create_app(dataclasses.replace(remote, query_timeout=1.0)), raise_server_exceptions=False) as c:
        start = time.perf_counter()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        r = c.get("/sparql", params={"query": slow})
        # ours (the request abandoned at query_timeout) or the store's own limit (Virtuoso refuses a query whose
        # estimated time exceeds its MaxQueryExecutionTime up front): either way 503 before any byte, quickly
        assert r.status_code == 503
        assert "query_timeout" in r.json()["detail"] or "exceeds the limit" in r.json()["detail"]
        assert time.perf_counter() - start < 10


def test_queries_never_see_a_replacement_under_way(remote: Settings, rclient: TestClient) -> None:
    from pyoxigraph import NamedNode, Triple

    from graph.store.remote import TMP_PREFIX

    store = open_store(remote)
    tmp = NamedNode(TMP_PREFIX + "half-done")
    store._upload(
        tmp, [Triple(NamedNode(BASE + "resource/ghost"), NamedNode("http://ex.org/p"), NamedNode("http://ex.org/o"))]
    )
    try:
        q = f"ASK {{ <{BASE}resource/ghost> ?p ?o }}"
        assert rclient.get("/sparql", params={"query": q}).json()["boolean"] is False
        q = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        graphs = {b["g"]["value"] for b in rclient.get("/sparql", params={"query": q}).json()["results"]["bindings"]}
        assert tmp.value not in graphs and BASE + "graph/seed/apigouv" in graphs
    finally:
        store._drop_quietly([tmp])
        store.close()


def test_people_pages(rclient: TestClient) -> None:
    html = {"Accept": "text/html"}
    home = rclient.get("/", headers=html)
    assert home.status_code == 200 and 'href="/def/theme/emploi">Emploi&nbsp;(40)</a>' in home.text
    ban = rclient.get("/resource/api-adresse-base-adresse-nationale-ban", headers=html).text
    assert "Qui l'utilise, et pour quoi (4)" in ban and 'href="/organisation/dinum"' in ban
    dinum = rclient.get("/organisation/dinum", headers=html).text
    assert "Ce qu'elle produit (17)" in dinum and 'href="/organisation/etalab"' in dinum
    theme = rclient.get("/def/theme/emploi", headers=html).text
    assert "Ressources de ce thème (40)" in theme
    usage = rclient.get("/usage/la-bonne-boite--api-adresse-base-adresse-nationale-ban", headers=html).text
    assert 'Par le service <a href="/service/la-bonne-boite">La Bonne Boîte</a>' in usage
    assert rclient.get("/themes/emploi", headers=html).status_code == 200


def test_named_queries_and_the_usage_map(rclient: TestClient, client: TestClient) -> None:
    """Named query parameters reach a remote store bound (VALUES), and the map is built the same way."""
    params = {"q": "inclusion"}
    remote = rclient.get("/queries/text-search.csv", params=params)
    assert remote.status_code == 200
    heading = '\ufeffTexte cherché,Ressource,Titre,Description,"Rang (1 titre, 2 mots-clés, 3 description)"'
    assert remote.text.splitlines()[0] == heading
    assert sorted(remote.text.splitlines()) == sorted(
        client.get("/queries/text-search.csv", params=params).text.splitlines()
    )
    assert rclient.get("/network.json").json()["counts"] == client.get("/network.json").json()["counts"]


def test_the_dcat_feed_walks_every_resource_once_and_conforms(rclient: TestClient, remote: Settings) -> None:
    from pyoxigraph import RdfFormat, parse

    from graph.dcat.conformance import check
    from graph.dcat.publish import Feed

    # the catalogue holds APIs, data sets and catalogues (software is in /catalog/software, guides in neither)
    query = (
        "SELECT ?r WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/type> ?k "
        f"VALUES ?k {{ <{BASE}def/kind/api> <{BASE}def/kind/dataset> <{BASE}def/kind/catalogue> }} }}"
    )
    r = rclient.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    expected = {b["r"]["value"] for b in r.json()["results"]["bindings"]}
    seen: list[str] = []
    url = "/catalog.nt?page_size=100"
    while url:
        page = rclient.get(url)
        assert page.status_code == 200, page.text
        triples = [q.triple for q in parse(page.content, format=RdfFormat.N_TRIPLES)]
        seen += [
            t.object.value
            for t in triples
            if t.subject.value == BASE + "catalog"
            and "/ns/dcat#" in t.predicate.value
            and t.predicate.value.rsplit("#")[1] in ("dataset", "service", "catalog", "resource")
        ]
        following = [t.object.value for t in triples if t.predicate.value == "http://www.w3.org/ns/hydra/core#next"]
        url = following[0][len(BASE) - 1 :] if following else ""
    assert len(seen) == len(set(seen)) and set(seen) == expected
    store = open_store(remote)
    try:
        assert check(Feed(store, remote)).report.violations == []
    finally:
        store.close()
