"""What an operator needs: /healthz, /readyz, Prometheus /metrics, request ids, JSON logs, security headers."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from graph.logs import JsonLines, uvicorn_config
from graph.web.middleware import content_security_policy


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def test_healthz_says_the_process_answers(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"ok": True, "status": "alive"}


def test_readyz_checks_the_store_a_worker_and_the_index(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"store": True, "query_workers": True, "search_index": True}


def test_readyz_is_503_while_the_index_is_behind(make_client) -> None:
    c = make_client()
    ctx = c.app.state.context  # type: ignore[attr-defined]
    ctx.writer.generation += 1  # a committed write the index did not follow
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["search_index"] is False and r.json()["index_lag"] == 1


def test_metrics_count_requests_per_route_and_query_waits(client: TestClient) -> None:
    client.get("/resource/api-sirene", headers={"Accept": "text/turtle"})
    client.get("/sparql", params={"query": "ASK {}"})
    found = samples(client)
    route = (
        "ressourcerie_http_requests_total",
        (("method", "GET"), ("route", "/{kind}/{rest:path}"), ("status", "200")),
    )
    assert found[route] >= 1
    assert found[("ressourcerie_query_queue_seconds_count", (("lane", "public"),))] >= 1
    assert any(name == "ressourcerie_http_request_seconds_bucket" for name, _ in found)


def test_metrics_count_timeouts_and_worker_restarts(make_client) -> None:
    c = make_client(query_timeout=1.0)
    before = samples(c)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    assert c.get("/sparql", params={"query": slow}).status_code == 503
    after = samples(c)
    key = ("ressourcerie_queries_stopped_total", (("lane", "public"), ("reason", "timeout")))
    assert after[key] == before.get(key, 0) + 1
    restart = ("ressourcerie_query_worker_restarts_total", (("lane", "public"), ("reason", "timeout")))
    assert after[restart] == before.get(restart, 0) + 1


def test_metrics_can_be_switched_off(make_client) -> None:
    assert make_client(metrics=False).get("/metrics").status_code == 404


def test_every_answer_carries_a_request_id_and_echoes_a_sane_one(client: TestClient) -> None:
    r = client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["x-request-id"] != "<script>"


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("ressourcerie.access", logging.INFO, "", 0, "GET %s %d", ("/", 200), None)
    record.request_id = "r1"
    record.status = 200
    line = json.loads(JsonLines().format(record))
    assert line["message"] == "GET / 200" and line["request_id"] == "r1" and line["status"] == 200
    assert uvicorn_config("text") is None
    assert uvicorn_config("json")["loggers"]["uvicorn.access"]["handlers"] == []  # type: ignore[index]


# --- security headers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/moderation", "/search?q=emploi", "/resource/api-sirene", "/sparql"])
def test_html_pages_carry_the_security_headers(client: TestClient, path: str) -> None:
    """/moderation could be framed: no CSP, X-Content-Type-Options, Referrer-Policy nor frame ancestors."""
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/html"), path
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_machine_answers_carry_nosniff_without_a_page_policy(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in r.headers


def test_the_policy_allows_the_logos_origin() -> None:
    from graph.config import Settings

    assert "img-src 'self' data: https://logo.example" in content_security_policy(
        Settings(logo_url="https://logo.example/a/logo.svg")
    )
