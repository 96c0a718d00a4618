from __future__ import annotations

import time

from fastapi.testclient import TestClient

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_select_json_by_get(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 10_000


def test_pathological_query_is_stopped_at_the_timeout(make_client) -> None:
    c = make_client(query_timeout=1.5)
    start = time.perf_counter()
    r = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    elapsed = time.perf_counter() - start
    assert r.status_code == 503
    assert "query_timeout" in r.json()["detail"]
    assert elapsed < 10
    # the worker was replaced: the next query is answered
    assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
