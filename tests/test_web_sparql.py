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


import csv  # noqa: E402
import io  # noqa: E402

import pytest  # noqa: E402
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results  # noqa: E402

USAGES = "SELECT ?u WHERE { ?u a <http://www.w3.org/ns/duv#Usage> } ORDER BY ?u"
GRAPH = "CONSTRUCT { ?u a <http://www.w3.org/ns/duv#Usage> } WHERE { ?u a <http://www.w3.org/ns/duv#Usage> }"


@pytest.mark.parametrize(
    "fmt", [QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.CSV, QueryResultsFormat.TSV]
)
def test_select_in_every_results_format(client: TestClient, fmt: QueryResultsFormat) -> None:
    r = client.get("/sparql", params={"query": USAGES}, headers={"Accept": fmt.media_type})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == fmt.media_type.split(";")[0]
    assert r.headers["vary"].startswith("Accept")
    if fmt == QueryResultsFormat.CSV:
        assert len(list(csv.reader(io.StringIO(r.text)))) == 43
    else:
        assert len(list(parse_query_results(r.content, fmt))) == 42


@pytest.mark.parametrize(
    "fmt",
    [RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.RDF_XML, RdfFormat.TRIG, RdfFormat.N_QUADS],
)
def test_construct_in_every_rdf_format(client: TestClient, fmt: RdfFormat) -> None:
    r = client.post(
        "/sparql", content=GRAPH, headers={"Content-Type": "application/sparql-query", "Accept": fmt.media_type}
    )
    assert r.status_code == 200
    assert len(list(parse(r.content, format=fmt))) == 42


def test_ask_and_describe(client: TestClient) -> None:
    assert (
        client.post("/sparql", data={"query": "ASK { ?s a <http://www.w3.org/ns/duv#Usage> }"}).json()["boolean"]
        is True
    )
    r = client.get(
        "/sparql", params={"query": "DESCRIBE <https://ressourcerie.fabrique.social.gouv.fr/resource/api-sirene>"}
    )
    assert r.headers["content-type"].startswith("text/turtle")
    assert b"API Sirene" in r.content


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    r = client.get(
        "/sparql", params={"query": USAGES, "format": "csv"}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert r.headers["content-type"].startswith("text/csv")


def test_an_unknown_format_falls_back_to_accept(client: TestClient) -> None:
    """format= names no format offered: the Accept header decides (it used to be a 400)."""
    r = client.get(
        "/sparql", params={"query": USAGES, "format": "png"}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+xml")


def test_format_given_twice_as_sparqlwrapper_sends_it(client: TestClient) -> None:
    """SPARQLWrapper sends format=tsv&format=text/tab-separated-values (and output=, results=): the first value
    that names a format wins (it used to be a 400: "2 'format' parameters")."""
    r = client.get("/sparql", params=[("query", USAGES), ("format", "tsv"), ("format", "text/tab-separated-values")])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/tab-separated-values")


def test_format_xml_gives_rdf_xml_for_a_construct(client: TestClient) -> None:
    """SPARQLWrapper's default for CONSTRUCT is format=xml with Accept: application/rdf+xml (it used to be 400)."""
    r = client.get("/sparql", params={"query": GRAPH, "format": "xml"}, headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/rdf+xml")
    assert len(list(parse(r.content, format=RdfFormat.RDF_XML))) == 42


def test_dataset_parameters(client: TestClient) -> None:
    onto = "https://ressourcerie.fabrique.social.gouv.fr/graph/ontology"
    r = client.get("/sparql", params={"query": USAGES, "default-graph-uri": onto})
    assert r.json()["results"]["bindings"] == []
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = client.get("/sparql", params={"query": q, "named-graph-uri": onto}).json()["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [onto]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"method": "GET", "params": {"query": ["ASK {}", "ASK {}"]}}, 400, "exactly one"),
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "line 1, column"),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 405, "POST"),
        (
            {"method": "POST", "content": "ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "application/sparql-query",
        ),
        ({"method": "POST", "content": "ASK {}"}, 415, "Content-Type"),
        (
            {"method": "POST", "content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "UTF-8",
        ),
        ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ({"method": "GET", "params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406, "acceptable"),
    ],
)
def test_protocol_errors_share_one_shape(client: TestClient, request_kwargs: dict, status: int, words: str) -> None:
    kwargs = dict(request_kwargs)
    r = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"ok", "status", "error", "detail"}
    assert body["ok"] is False and body["status"] == status and words in body["detail"]


def test_html_clients_get_the_error_page(client: TestClient) -> None:
    r = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p }"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Demande incorrecte</h1>" in r.text and "La requête SPARQL contient une erreur de syntaxe." in r.text
    assert "<summary>Détail technique (en anglais)</summary>" in r.text  # the line and column, to correct it


def test_answer_over_the_cap_is_an_error_by_default(make_client) -> None:
    c = make_client(max_result_rows=10)
    r = c.get("/sparql", params={"query": USAGES})
    assert r.status_code == 422
    assert "max_result_rows" in r.json()["detail"]
    assert c.get("/sparql", params={"query": USAGES + " LIMIT 10"}).status_code == 200


def test_answer_over_the_cap_can_be_cut_and_says_so(make_client) -> None:
    c = make_client(max_result_rows=10, result_cap="truncate")
    r = c.get("/sparql", params={"query": USAGES})
    assert r.status_code == 200
    assert r.headers["ressourcerie-truncated"] == "max-rows=10"
    assert len(r.json()["results"]["bindings"]) == 10
    r = c.post(
        "/sparql",
        content=GRAPH,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert r.headers["ressourcerie-truncated"] == "max-rows=10"
    assert len(r.text.strip().splitlines()) == 10


def test_body_size_limit(make_client) -> None:
    c = make_client(max_body_bytes=100)
    r = c.post("/sparql", content="ASK {}" + " " * 200, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_cors_for_reads(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_concurrent_queries_after_a_timeout_still_work(make_client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    c = make_client(query_timeout=1.0, queue_timeout=10.0)
    slow = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: c.get("/sparql", params=p).status_code, [slow, {"query": "ASK {}"}] * 2))
    assert sorted(results) == [200, 200, 503, 503]


def test_federated_queries_are_refused(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400
    assert "SERVICE" in r.json()["detail"]
    # the word inside a string or an IRI is not the keyword
    r = client.get("/sparql", params={"query": 'SELECT * WHERE { ?s ?p "SERVICE" } LIMIT 1'})
    assert r.status_code == 200


def test_openapi_describes_the_non_sparql_routes(client: TestClient) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = client.get("/openapi.json").json()["paths"]
    assert "/.well-known/void" in paths and "/store" in paths and "/sparql" not in paths


def test_a_query_waits_for_a_worker_at_most_queue_timeout(make_client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    c = make_client(query_timeout=3.0, queue_timeout=0.5)
    slow = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(c.get, "/sparql", params=slow)
        time.sleep(0.3)
        r = c.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503 and "queue_timeout" in r.json()["detail"]
        assert first.result().status_code == 503


def test_a_large_answer_is_spilled_to_a_file_and_sent_whole(client: TestClient) -> None:
    from graph.store._worker import _Spool

    r = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
    )
    assert len(r.content) > _Spool.LIMIT
    count = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"}
    )
    assert len(r.text.strip().splitlines()) == int(count.json()["results"]["bindings"][0]["n"]["value"])


def test_sparql_requests_answered_directly_equal_the_frameworks_answers(client: TestClient) -> None:
    """``/sparql`` queries skip the router (``graph.web.fastpath``): each answer equals the one the same app gives
    through its routes, for answers, errors, the service description, CORS and the security headers."""
    import rdflib
    from rdflib.compare import isomorphic

    from graph import metrics
    from graph.web.fastpath import DirectRoute

    app = client.app
    kept = app.user_middleware  # type: ignore[attr-defined]
    app.user_middleware = [m for m in kept if m.cls is not DirectRoute]  # type: ignore[attr-defined]
    try:
        routed_stack = app.build_middleware_stack()  # type: ignore[attr-defined]
    finally:
        app.user_middleware = kept  # type: ignore[attr-defined]

    async def routed_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        scope["app"] = app
        await routed_stack(scope, receive, send)

    routed = TestClient(routed_app, raise_server_exceptions=False)
    sel, ttl = {"Accept": "application/sparql-results+json"}, {"Accept": "text/turtle"}
    requests = [
        ("GET", {"query": USAGES}, sel, None),
        ("GET", {"query": GRAPH}, ttl, None),
        ("GET", {"query": USAGES, "format": "csv"}, {}, None),
        ("GET", {"query": "SELECT ?s WHERE { ?s ?p }"}, sel, None),  # a syntax error
        ("GET", {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}, sel, None),
        ("GET", {"query": USAGES}, {"Accept": "image/png"}, None),  # nothing acceptable
        ("GET", {"query": USAGES}, {**sel, "Origin": "https://elsewhere.example"}, None),
        ("GET", {}, ttl, None),  # the service description
        ("GET", {}, {"Accept": "text/html"}, None),  # the workbench page
        ("GET", {"update": "CLEAR ALL"}, sel, None),
        ("POST", {}, {**sel, "Content-Type": "application/sparql-query"}, USAGES),
        ("POST", {}, {**sel, "Content-Type": "application/x-www-form-urlencoded"}, "query=ASK+%7B%7D"),
        ("POST", {}, {**sel, "Content-Type": "text/plain"}, USAGES),
        ("POST", {}, {"Content-Type": "application/sparql-update"}, "CLEAR ALL"),
    ]
    varying = {"x-request-id", "date", "set-cookie"}
    sparql_requests = sum(  # the metrics count each request under its route's path, whichever way it went
        smp.value
        for m in metrics.REQUESTS.collect()
        for smp in m.samples
        if smp.labels.get("route") == "/sparql" and smp.name.endswith("_total")
    )
    for method, params, headers, body in requests:
        direct = client.request(method, "/sparql", params=params, headers=headers, content=body)
        framework = routed.request(method, "/sparql", params=params, headers=headers, content=body)
        said = f"{method} {params} {headers}"
        assert direct.status_code == framework.status_code, said
        kind = direct.headers.get("content-type", "").split(";")[0]
        if kind == "text/turtle":  # the service description: blank nodes are named anew on each answer
            skip = varying | {"content-length"}
            assert isomorphic(rdflib.Graph().parse(data=direct.text, format="turtle"),
                              rdflib.Graph().parse(data=framework.text, format="turtle")), said  # fmt: skip
        else:
            skip = varying
            assert direct.content == framework.content, said
        assert {k: v for k, v in direct.headers.items() if k not in skip} == {
            k: v for k, v in framework.headers.items() if k not in skip
        }, said
    counted = sum(
        smp.value
        for m in metrics.REQUESTS.collect()
        for smp in m.samples
        if smp.labels.get("route") == "/sparql" and smp.name.endswith("_total")
    )
    assert counted - sparql_requests == 2 * len(requests)
    # behind a proxy serving the service under a prefix, the path holds the prefix
    proxied = {
        name: TestClient(asgi, root_path="/rsr", raise_server_exceptions=False)
        for name, asgi in (("direct", app), ("framework", routed_app))
    }
    answers = {name: c.get("/rsr/sparql", params={"query": USAGES}, headers=sel) for name, c in proxied.items()}
    assert answers["direct"].status_code == 200
    assert answers["direct"].content == answers["framework"].content
