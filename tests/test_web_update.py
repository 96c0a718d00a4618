"""Writes through the service: SPARQL Update at /sparql and the Graph Store Protocol at /store.

Who may write (updates setting, bearer token), validation (422, nothing written), errors (400, 413, 415).
The W3C suites are in test_w3c_protocol.py and test_w3c_gsp.py.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat

from graph.rdf import parse_bytes
from graph.validation import Validator
from tests.conftest import BASE

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = {**AUTH, "Content-Type": "application/sparql-update"}
TURTLE = {**AUTH, "Content-Type": "text/turtle"}
CONTRIBUTIONS = f"{BASE}graph/contributions"
META = f"{BASE}graph/meta"
DARES = f"{BASE}organisation/dares"
SIRENE = f"{BASE}resource/api-sirene"
PERSON = f"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{BASE}person/jane-doe> a foaf:Person, foaf:Agent ; foaf:name "Jane Doe" ; foaf:mbox <mailto:jane@example.org> .
"""


@pytest.fixture
def writer(make_client) -> TestClient:
    return make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())


def dump(client: TestClient) -> set[bytes]:
    out = io.BytesIO()
    client.app.state.context.store.dump(out, RdfFormat.N_QUADS)  # type: ignore[attr-defined]
    return set(out.getvalue().splitlines())


def ask(client: TestClient, query: str) -> bool:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


# --- who may write ---------------------------------------------------------------------------------------------


def test_writes_are_refused_while_updates_are_disabled(make_client) -> None:
    c = make_client()  # updates = false, the default
    r = c.post("/sparql", content=f"INSERT DATA {{ <{DARES}> <http://ex.org/p> 1 }}", headers=UPDATE)
    assert r.status_code == 403
    assert "disabled by configuration" in r.json()["detail"]
    assert c.put(f"/store?graph={CONTRIBUTIONS}", content=PERSON, headers=TURTLE).status_code == 403
    assert c.delete(f"/store?graph={CONTRIBUTIONS}", headers=AUTH).status_code == 403


def test_writes_are_refused_when_no_token_is_configured(make_client) -> None:
    c = make_client(updates=True)
    r = c.post("/sparql", content="CLEAR ALL", headers=UPDATE)
    assert r.status_code == 403
    assert "no token is configured" in r.json()["detail"]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic czNjcmV0LXRva2Vu", "Bearer "])
def test_a_missing_or_wrong_token_gets_401_with_a_bearer_challenge(writer: TestClient, authorization) -> None:
    headers = {"Content-Type": "application/sparql-update"}
    if authorization is not None:
        headers["Authorization"] = authorization
    before = dump(writer)
    r = writer.post("/sparql", content="CLEAR ALL", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["status"] == 401
    r = writer.put(f"/store?graph={CONTRIBUTIONS}", content=PERSON, headers={**headers, "Content-Type": "text/turtle"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert dump(writer) == before


def test_reads_need_no_token(writer: TestClient) -> None:
    assert writer.get(f"/store?graph={BASE}graph/ontology", headers={"Accept": "text/turtle"}).status_code == 200


# --- SPARQL Update ---------------------------------------------------------------------------------------------


def test_a_valid_update_is_applied_and_seen_by_the_next_query(writer: TestClient) -> None:
    text = f'INSERT DATA {{ GRAPH <{CONTRIBUTIONS}> {{ <{DARES}> <http://xmlns.com/foaf/0.1/nick> "Dares" }} }}'
    r = writer.post("/sparql", content=text, headers=UPDATE)
    assert r.status_code == 204, r.text
    assert ask(writer, f'ASK {{ GRAPH <{CONTRIBUTIONS}> {{ <{DARES}> <http://xmlns.com/foaf/0.1/nick> "Dares" }} }}')
    # the meta graph records the write
    assert ask(writer, f"ASK {{ GRAPH <{META}> {{ <{CONTRIBUTIONS}> ?p ?o }} }}")


def test_an_update_by_form_post_is_applied(writer: TestClient) -> None:
    text = f'INSERT DATA {{ GRAPH <{CONTRIBUTIONS}> {{ <{DARES}> <http://xmlns.com/foaf/0.1/nick> "D" }} }}'
    r = writer.post("/sparql", data={"update": text}, headers=AUTH)
    assert r.status_code == 204, r.text
    assert ask(writer, f'ASK {{ <{DARES}> <http://xmlns.com/foaf/0.1/nick> "D" }}')


def test_an_update_that_breaks_the_shapes_is_refused_and_changes_nothing(writer: TestClient) -> None:
    before = dump(writer)
    text = f"""PREFIX dct: <http://purl.org/dc/terms/>
    DELETE {{ GRAPH ?g {{ <{SIRENE}> dct:publisher ?p }} }} WHERE {{ GRAPH ?g {{ <{SIRENE}> dct:publisher ?p }} }}"""
    r = writer.post("/sparql", content=text, headers=UPDATE)
    assert r.status_code == 422, r.text
    violations = {(v["focus"], v["path"]) for v in r.json()["report"]["results"] if v["severity"] == "Violation"}
    assert (SIRENE, "dct:publisher") in violations
    assert dump(writer) == before
    assert ask(writer, f"ASK {{ <{SIRENE}> <http://purl.org/dc/terms/publisher> ?p }}")


def test_the_report_comes_in_turtle_when_asked(writer: TestClient) -> None:
    text = f"INSERT DATA {{ GRAPH <{CONTRIBUTIONS}> {{ <{BASE}person/nobody> a <http://xmlns.com/foaf/0.1/Person> }} }}"
    r = writer.post("/sparql", content=text, headers={**UPDATE, "Accept": "text/turtle"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/turtle")
    assert "sh:ValidationReport" in r.text and f"{BASE}person/nobody" in r.text


def test_an_update_syntax_error_is_a_400_with_its_position(writer: TestClient) -> None:
    r = writer.post("/sparql", content="PREFIX ex: <http://ex.org/>\nINSERT DATA { ex:a ex:b }", headers=UPDATE)
    assert r.status_code == 400
    assert "line 2, column" in r.json()["detail"]


def test_load_and_service_are_refused(writer: TestClient) -> None:
    for text in (
        "LOAD <http://example.org/data.ttl>",
        "INSERT { <http://ex.org/a> <http://ex.org/b> ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ):
        r = writer.post("/sparql", content=text, headers=UPDATE)
        assert r.status_code == 400
        assert "LOAD and SERVICE" in r.json()["detail"]


def test_an_update_may_not_write_the_meta_graph(writer: TestClient) -> None:
    before = dump(writer)
    r = writer.post(
        "/sparql", content=f"INSERT DATA {{ GRAPH <{META}> {{ <{DARES}> <http://ex.org/p> 1 }} }}", headers=UPDATE
    )
    assert r.status_code == 403
    assert dump(writer) == before


def test_an_update_without_graph_writes_the_default_graph(writer: TestClient) -> None:
    r = writer.post("/sparql", content='INSERT DATA { <http://ex.org/a> <http://ex.org/b> "c" }', headers=UPDATE)
    assert r.status_code == 204, r.text
    r = writer.get("/store?default", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert r.text.strip() == '<http://ex.org/a> <http://ex.org/b> "c" .'
    assert ask(writer, 'ASK { <http://ex.org/a> <http://ex.org/b> "c" }')  # queries see it in the union
    assert writer.post("/sparql", content="DROP DEFAULT", headers=UPDATE).status_code == 204
    assert writer.get("/store?default", headers={"Accept": "application/n-triples"}).text.strip() == ""


def test_using_graph_uri_sets_the_update_dataset(writer: TestClient) -> None:
    g = f"{BASE}graph/seed/ressourcerie"
    text = f"""INSERT {{ GRAPH <{CONTRIBUTIONS}> {{ ?s <http://xmlns.com/foaf/0.1/nick> "seen" }} }}
    WHERE {{ ?s a <http://www.w3.org/ns/org#Organization> FILTER(?s = <{DARES}>) }}"""
    r = writer.post("/sparql", params={"using-graph-uri": g}, content=text, headers=UPDATE)
    assert r.status_code == 204, r.text
    assert ask(writer, f'ASK {{ <{DARES}> <http://xmlns.com/foaf/0.1/nick> "seen" }}')


# --- Graph Store Protocol --------------------------------------------------------------------------------------


def test_gsp_put_get_delete_round_trip(writer: TestClient) -> None:
    url = f"/store?graph={BASE}graph/people"
    assert writer.get(url).status_code == 404
    r = writer.put(url, content=PERSON, headers=TURTLE)
    assert r.status_code == 201, r.text
    assert writer.put(url, content=PERSON, headers=TURTLE).status_code == 204
    r = writer.get(url, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/n-triples")
    assert f'<{BASE}person/jane-doe> <http://xmlns.com/foaf/0.1/name> "Jane Doe" .' in r.text
    assert len(r.text.strip().splitlines()) == 4
    head = writer.head(url, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/turtle")
    assert ask(writer, f'ASK {{ <{BASE}person/jane-doe> <http://xmlns.com/foaf/0.1/name> "Jane Doe" }}')
    assert writer.delete(url, headers=AUTH).status_code == 204
    assert writer.get(url).status_code == 404
    assert writer.delete(url, headers=AUTH).status_code == 404
    assert not ask(writer, f"ASK {{ <{BASE}person/jane-doe> ?p ?o }}")


def test_gsp_post_merges_and_post_to_the_store_creates_a_graph(writer: TestClient) -> None:
    r = writer.post("/store", content=PERSON, headers=TURTLE)
    assert r.status_code == 201, r.text
    location = r.headers["location"]
    assert location.startswith("http://testserver/store/")
    extra = f'<{BASE}person/jane-doe> <http://xmlns.com/foaf/0.1/nick> "jd" .'
    assert (
        writer.post(location, content=extra, headers={**AUTH, "Content-Type": "application/n-triples"}).status_code
        == 204
    )
    r = writer.get("/store", params={"graph": location}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert len(r.text.strip().splitlines()) == 5


def test_gsp_write_that_breaks_the_shapes_is_refused_and_changes_nothing(writer: TestClient) -> None:
    before = dump(writer)
    body = f"<{BASE}person/nameless> a <http://xmlns.com/foaf/0.1/Person>, <http://xmlns.com/foaf/0.1/Agent> ."
    r = writer.put(f"/store?graph={CONTRIBUTIONS}", content=body, headers=TURTLE)
    assert r.status_code == 422
    violations = {(v["focus"], v["path"]) for v in r.json()["report"]["results"] if v["severity"] == "Violation"}
    assert violations == {(f"{BASE}person/nameless", "foaf:name")}
    assert dump(writer) == before


def test_gsp_malformed_turtle_is_a_400_with_its_line(writer: TestClient) -> None:
    body = "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://ex.org/a> foaf:name .\n"
    r = writer.put(f"/store?graph={CONTRIBUTIONS}", content=body, headers=TURTLE)
    assert r.status_code == 400
    assert "line 2" in r.json()["detail"]


def test_gsp_unknown_content_type_is_a_415(writer: TestClient) -> None:
    r = writer.put(f"/store?graph={CONTRIBUTIONS}", content=PERSON, headers={**AUTH, "Content-Type": "text/x-nope"})
    assert r.status_code == 415
    r = writer.put(
        f"/store?graph={CONTRIBUTIONS}",
        content=PERSON,
        headers={**TURTLE, "Content-Type": "text/turtle; charset=latin-1"},
    )
    assert r.status_code == 415


def test_bodies_larger_than_max_body_bytes_are_a_413(make_client) -> None:
    c = make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(), max_body_bytes=100)
    assert c.put(f"/store?graph={CONTRIBUTIONS}", content=PERSON, headers=TURTLE).status_code == 413
    assert c.post("/sparql", content="# " + "x" * 200 + "\nCLEAR ALL", headers=UPDATE).status_code == 413


def test_gsp_graph_identification_errors_are_400(writer: TestClient) -> None:
    assert writer.get(f"/store?graph={CONTRIBUTIONS}&default").status_code == 400
    assert writer.get("/store?graph=not-an-iri").status_code == 400
    assert writer.get("/store").status_code == 400
    assert writer.put("/store", content=PERSON, headers=TURTLE).status_code == 400
    assert writer.get("/store/x?default").status_code == 400
    assert writer.put(f"/store?graph={META}", content=PERSON, headers=TURTLE).status_code == 403


def test_gsp_get_negotiates_and_answers_406(writer: TestClient) -> None:
    url = f"/store?graph={BASE}graph/ontology"
    assert (
        writer.get(url, headers={"Accept": "application/ld+json"})
        .headers["content-type"]
        .startswith("application/ld+json")
    )
    assert writer.get(url, headers={"Accept": "application/sparql-results+json"}).status_code == 406


# --- hostile writes: nothing crashes, nothing is half-written ------------------------------------------------------


def nested_update(n: int) -> str:
    return "DELETE { ?s ?p ?o } WHERE " + "{ " * n + "?s ?p ?o" + " }" * n


def test_a_deeply_nested_update_is_refused_before_parsing(writer: TestClient) -> None:
    """It killed the service process (a segmentation fault in the parser, in process)."""
    before = dump(writer)
    r = writer.post("/sparql", content=nested_update(3000), headers=UPDATE)
    assert r.status_code == 400 and "max_nesting_depth" in r.json()["detail"]
    assert dump(writer) == before
    assert ask(writer, "ASK { ?s ?p ?o }")


def test_an_update_that_crashes_the_engine_is_a_400_and_the_service_lives_on(make_client) -> None:
    """With the depth check out of the way, the parser's crash ends only the update's sandbox."""
    c = make_client(
        updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(), max_nesting_depth=100_000
    )
    before = dump(c)
    r = c.post("/sparql", content=nested_update(3000), headers=UPDATE)
    assert r.status_code == 400, r.text
    assert "stopped the SPARQL engine" in r.json()["detail"]
    assert dump(c) == before
    r = c.post(
        "/sparql",
        content=f"INSERT DATA {{ GRAPH <{CONTRIBUTIONS}> {{ <{DARES}> <http://ex.org/p> 1 }} }}",
        headers=UPDATE,
    )
    assert r.status_code == 204


def test_a_long_update_is_stopped_at_query_timeout_and_changes_nothing(make_client) -> None:
    c = make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(), query_timeout=1.0)
    before = dump(c)
    path = "/".join(["<http://ex.org/p>"] * 1000)
    r = c.post("/sparql", content=f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s {path} ?o }}", headers=UPDATE)
    assert r.status_code == 503 and "query_timeout" in r.json()["detail"]
    assert dump(c) == before


BNODES = """@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix v: <http://www.w3.org/2006/vcard/ns#> .
[] foaf:businessCard [ a v:VCard ; v:fn "Jane Doe" ] ; foaf:knows [ foaf:nick "j" ], [ foaf:nick "j" ] .
"""


def test_a_graph_with_blank_nodes_put_then_get_is_isomorphic(writer: TestClient) -> None:
    """Blank nodes came back as .../.well-known/genid/... IRIs."""
    import rdflib
    from rdflib.compare import isomorphic

    writer.app.state.context.writer.validator = Validator(shapes=[])  # type: ignore[attr-defined]
    graph = "http://example.org/graphs/people"
    assert writer.put(f"/store?graph={graph}", content=BNODES, headers=TURTLE).status_code == 201
    r = writer.get(f"/store?graph={graph}", headers={"Accept": "text/turtle"})
    got = rdflib.Graph().parse(data=r.text, format="turtle")
    assert isomorphic(got, rdflib.Graph().parse(data=BNODES, format="turtle")), r.text
    assert "genid" not in r.text


def test_the_same_blank_node_structure_in_two_graphs_is_two_nodes(writer: TestClient) -> None:
    """Skolem IRIs were a digest of the content alone: the same structure in two graphs became one node."""
    writer.app.state.context.writer.validator = Validator(shapes=[])  # type: ignore[attr-defined]
    for name in ("a", "b"):
        r = writer.put(f"/store?graph=http://example.org/graphs/{name}", content=BNODES, headers=TURTLE)
        assert r.status_code == 201
    q = "SELECT (COUNT(DISTINCT ?card) AS ?n) WHERE { ?who <http://xmlns.com/foaf/0.1/businessCard> ?card }"
    r = writer.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "2"


def test_many_identical_blank_nodes_each_get_their_own_iri(writer: TestClient) -> None:
    """8,000 identical [ e:q "x" ] took 8.3 s to name, under the write lock (quadratic); now linear
    (bench/skolemize.py measures it)."""
    from graph.rdf import skolemize

    body = "@prefix e: <http://example.org/> . e:s e:p " + ", ".join(['[ e:q "x" ]'] * 8000) + " ."
    quads = skolemize(parse_bytes(body.encode(), RdfFormat.TURTLE), BASE)
    assert len({q.object for q in quads if q.predicate.value == "http://example.org/p"}) == 8000


def test_deeply_nested_jsonld_to_the_graph_store_is_a_400(writer: TestClient) -> None:
    """It was a 500 (RecursionError in graph/rdf.py), the connection closed."""
    body = b'{"@id": "http://example.org/s", "http://example.org/p": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    r = writer.put(
        f"/store?graph={CONTRIBUTIONS}", content=body, headers={**AUTH, "Content-Type": "application/ld+json"}
    )
    assert r.status_code == 400 and "max_nesting_depth" in r.json()["detail"]
