"""Pages served by more than one process (``page_processes``, graph/web/readers.py): the real service with one
reader, then the parts on their own (the follower of the writer's snapshots, what a reader answers)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad
from rdflib.compare import isomorphic

from graph.config import ConfigError, Settings
from graph.store.embedded import EmbeddedStore
from graph.store.following import POINTER, Follower, publish
from graph.web.readers import FromReaders, servable

TOKEN = "readers-token"
BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
API_ENTREPRISE = BASE + "resource/api-entreprise"
SEED_GRAPH = BASE + "graph/seed/ressourcerie"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
PAGES = [
    ("/resource/api-entreprise", "text/html"),
    ("/resource/api-entreprise", "text/turtle"),
    ("/organisation/dinum", "text/html"),
    ("/organisation/dinum", "application/ld+json"),
    ("/catalog", "text/turtle"),
    ("/.well-known/void", "text/turtle"),
]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):  # type: ignore[no-untyped-def]
    """`ressourcerie serve` with one reader beside the writing process, writes on (bearer TOKEN), JSON logs."""
    from tests.browser import start_service

    yield from start_service(
        tmp_path_factory.mktemp("readers"),
        seeded_dir,
        page_processes="1",
        updates="true",
        update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(),
        log_format="json",
    )


def crowd(url: str, requests: list[tuple[str, dict[str, str]]], clients: int = 10) -> list[httpx.Response]:
    """The requests made by ``clients`` clients at once, each on its own connection (kept alive)."""
    local = threading.local()

    def one(request: tuple[str, dict[str, str]]) -> httpx.Response:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=30)
        return local.client.get(request[0], headers=request[1])

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, requests))


def from_each(url: str, path: str, headers: dict[str, str], rounds: int = 30) -> list[httpx.Response]:
    """The same request made by 10 new clients at once, again until both processes have answered it."""
    answers: list[httpx.Response] = []
    for _ in range(rounds):
        answers += crowd(url, [(path, headers)] * 10)
        if {r.headers["ressourcerie-process"] for r in answers} >= {"writer", "reader 1"}:
            return answers
    raise AssertionError(f"{path}: answered only by {Counter(r.headers['ressourcerie-process'] for r in answers)}")


def update(url: str, text: str) -> httpx.Response:
    return httpx.post(url + "/sparql", data={"update": text}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)


def test_both_processes_serve_pages_with_the_same_bodies_and_validators(two) -> None:  # type: ignore[no-untyped-def]
    for path, accept in PAGES:
        same = from_each(two.url, path, {"Accept": accept})
        assert {r.status_code for r in same} == {200}
        assert len({r.headers["etag"] for r in same}) == 1, (path, accept)
        assert len({r.headers["last-modified"] for r in same}) == 1, (path, accept)
        writer = next(r for r in same if r.headers["ressourcerie-process"] == "writer")
        reader = next(r for r in same if r.headers["ressourcerie-process"] == "reader 1")
        if "html" in accept:
            assert writer.text == reader.text, (path, accept)
        else:  # the same graph (VoID's partitions are blank nodes, named afresh in each answer)
            fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld"}[accept]
            graphs = [rdflib.Graph().parse(data=r.text, format=fmt) for r in (writer, reader)]
            assert len(graphs[0]) > 10 and isomorphic(*graphs), (path, accept)
        # a copy validated by one process is current for the other
        again = from_each(two.url, path, {"Accept": accept, "If-None-Match": writer.headers["etag"]})
        assert {r.status_code for r in again} == {304}, (path, accept)


def test_every_record_page_is_served_by_either_process(two) -> None:  # type: ignore[no-untyped-def]
    kinds = " ".join(f'"{BASE}{k}/"' for k in ("resource", "organisation", "person", "usage", "service", "document"))
    query = (
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) VALUES ?k { "
        + kinds
        + ' } FILTER(STRSTARTS(STR(?s), ?k) && !CONTAINS(STR(?s), "#")) }'
    )
    rows = httpx.get(
        two.url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    paths = sorted({b["s"]["value"].removeprefix(BASE) for b in rows.json()["results"]["bindings"]})
    assert len(paths) > 300
    answers = crowd(two.url, [("/" + p, {"Accept": "text/html"}) for p in paths])
    failed = [(r.request.url.path, r.status_code) for r in answers if r.status_code != 200]
    assert not failed, failed[:10]
    assert Counter(r.headers["ressourcerie-process"] for r in answers)["reader 1"] > len(paths) // 10


def test_a_write_is_in_every_page_as_soon_as_it_is_answered(two) -> None:  # type: ignore[no-untyped-def]
    seen: Counter[str] = Counter()
    before = httpx.get(two.url + "/resource/api-entreprise", headers={"Accept": "text/turtle"}).headers["etag"]
    for k in range(5):
        label = f"Entreprise-{k}-écrite"
        if k % 2:  # SPARQL Update (graphs replaced whole), or Graph Store POST (the record's triples added)
            r = update(
                two.url, f'INSERT DATA {{ GRAPH <{SEED_GRAPH}> {{ <{API_ENTREPRISE}> <{ALT_LABEL}> "{label}"@fr }} }}'
            )
        else:
            r = httpx.post(
                two.url + "/store",
                params={"graph": SEED_GRAPH},
                content=f'<{API_ENTREPRISE}> <{ALT_LABEL}> "{label}"@fr .'.encode(),
                headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
            )
        assert r.status_code in (201, 204), r.text
        seen[r.headers["ressourcerie-process"]] += 1
        after = from_each(two.url, "/resource/api-entreprise", {"Accept": "text/turtle", "If-None-Match": before})
        for answer in after:
            assert answer.status_code == 200, answer.headers["ressourcerie-process"]  # the old copy is stale
            assert label in answer.text, answer.headers["ressourcerie-process"]
        tags = {a.headers["etag"] for a in after}
        assert len(tags) == 1 and before not in tags
        before = tags.pop()
        # a page the write did not touch: the same validators from every process too
        other = from_each(two.url, "/resource/api-particulier", {"Accept": "text/turtle"})
        assert len({(a.headers["etag"], a.headers["last-modified"]) for a in other}) == 1
    assert sum(seen.values()) == 5, seen


def test_a_reader_passes_on_what_it_does_not_answer(two) -> None:  # type: ignore[no-untyped-def]
    # each on a new connection: the reader takes its share of them
    answers = []
    ask = f"ASK {{ <{API_ENTREPRISE}> ?p ?o }}".encode()
    for k in range(30):
        answers.append(
            httpx.post(
                two.url + "/sparql",
                # with a Content-Length, or chunked
                content=ask if k % 2 else iter([ask[:10], ask[10:]]),
                headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            )
        )
        answers.append(httpx.get(two.url + "/resource/api-entreprise", cookies={"session": "x"}))
        answers.append(
            httpx.get(two.url + "/search", params={"q": "API Entreprise"}, headers={"Accept": "application/json"})
        )
    processes = Counter(r.headers["ressourcerie-process"] for r in answers)
    assert set(processes) <= {"writer", "writer via reader 1"}, processes  # never the reader's own
    assert processes["writer via reader 1"], processes
    for r in answers:
        assert r.status_code == 200, (r.request.url, r.text)
        assert "x-request-id" in r.headers and "content-type" in r.headers
    assert all(r.json()["boolean"] is True for r in answers if r.request.url.path == "/sparql")
    found = [r.json() for r in answers if r.request.url.path == "/search"]
    assert all(f["results"][0]["iri"] == API_ENTREPRISE for f in found), found[0]["results"][:2]
    # the client's address reaches the writing process's access log
    forwarded = [r.headers["x-request-id"] for r in answers if r.headers["ressourcerie-process"] != "writer"]
    lines = [json.loads(x) for x in two.log.read_text().splitlines() if x.startswith("{")]
    logged = {line.get("request_id"): line for line in lines if line.get("logger") == "ressourcerie.access"}
    assert all(logged[rid]["client"] == "127.0.0.1" for rid in forwarded if rid in logged)
    assert any(rid in logged for rid in forwarded)


def test_a_write_through_a_reader_reports_its_errors_as_the_writer_does(two) -> None:  # type: ignore[no-untyped-def]
    for _ in range(10):
        refused = httpx.post(two.url + "/sparql", data={"update": "INSERT DATA { <a:b> <a:c> 1 }"})
        assert refused.status_code == 401, refused.text
        wrong = update(two.url, "INSERT DATA { this is not SPARQL }")
        assert wrong.status_code == 400 and "syntax" in wrong.text.lower(), wrong.text


def test_metrics_count_what_every_process_answered(two) -> None:  # type: ignore[no-untyped-def]
    from prometheus_client.parser import text_string_to_metric_families

    from_each(two.url, "/resource/api-entreprise", {"Accept": "text/turtle"})
    answers = [httpx.get(two.url + "/metrics") for _ in range(10)]  # new connections: either process takes them
    assert {r.status_code for r in answers} == {200}
    assert {r.headers["ressourcerie-process"] for r in answers} <= {"writer", "writer via reader 1"}
    families = list(text_string_to_metric_families(answers[-1].text))
    names = [f.name for f in families]
    assert len(names) == len(set(names)), "each family once"
    requests = next(f for f in families if f.name == "ressourcerie_http_requests")
    pages = {
        s.labels["process"]: s.value
        for s in requests.samples
        if s.name.endswith("_total") and s.labels["route"] == "/{kind}/{rest:path}" and s.labels["status"] == "200"
    }
    assert pages.get("writer", 0) > 0 and pages.get("reader 1", 0) > 0, pages
    assert all("process" in s.labels for f in families for s in f.samples)


def test_a_reader_that_stops_is_started_again(two) -> None:  # type: ignore[no-untyped-def]
    readers = two.store_path.with_name(two.store_path.name + "-snapshots") / "readers"
    (pid,) = [int(p.name) for p in readers.iterdir()]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:  # meanwhile the writing process answers every page
        answers = crowd(two.url, [("/resource/api-entreprise", {"Accept": "text/turtle"})] * 10)
        assert all(r.status_code == 200 for r in answers)
        alive = [int(p.name) for p in readers.iterdir()]
        if alive and alive != [pid] and any(r.headers["ressourcerie-process"] == "reader 1" for r in answers):
            break
        assert time.monotonic() < deadline, f"no reader answers again: {alive}"
        time.sleep(0.2)
    assert pid not in alive
    assert "ressourcerie-reader-1 stopped (exit code -9); starting it again" in two.log.read_text()


# --- the parts ---------------------------------------------------------------------------------------------------


def snapshot(store: EmbeddedStore, directory: Path, n: int) -> str:
    target = directory / str(n)
    store.backup(target)
    return str(target)


def test_the_follower_opens_the_newest_snapshot_and_deletes_the_copies_no_one_reads(tmp_path: Path) -> None:
    primary = EmbeddedStore(tmp_path / "store")
    shots = tmp_path / "store-snapshots"
    shots.mkdir()
    a, b = NamedNode("http://example.org/a"), NamedNode("http://example.org/b")
    primary.add([Quad(a, b, Literal("one"), NamedNode("http://example.org/g"))])
    publish(shots, {"snapshot": snapshot(primary, shots, 1), "generation": 1, "changed": 1.5, "epoch": "e"})
    opened: list[tuple[pyoxigraph.Store, dict[str, Any]]] = []
    follower = Follower(shots, lambda store, state: opened.append((store, state)))
    assert follower.catch_up() is True
    assert follower.catch_up() is False  # nothing moved: not opened again
    assert len(opened) == 1 and opened[0][1]["generation"] == 1
    assert [q.object.value for q in opened[0][0].quads_for_pattern(a, b, None)] == ["one"]

    # the writer deletes its snapshot as soon as a newer one is taken: the reader's copy does not move
    primary.add([Quad(a, b, Literal("two"), NamedNode("http://example.org/g"))])
    publish(shots, {"snapshot": snapshot(primary, shots, 2), "generation": 2, "changed": 2.5, "epoch": "e"})
    shutil.rmtree(shots / "1")
    assert sorted(q.object.value for q in opened[0][0].quads_for_pattern(a, b, None)) == ["one"]
    assert follower.catch_up() is True
    assert sorted(q.object.value for q in opened[1][0].quads_for_pattern(a, b, None)) == ["one", "two"]
    copies = sorted(p.name for p in follower.own.iterdir())
    assert copies == ["1", "2"]  # the first copy is still read (``opened`` holds it)

    # a pointer naming a snapshot already deleted: the follower reads the pointer again
    primary.add([Quad(a, b, Literal("three"), NamedNode("http://example.org/g"))])
    publish(shots, {"snapshot": str(shots / "gone"), "generation": 3, "changed": 3.5, "epoch": "e"})
    stale_pointer = (shots / POINTER).read_text()
    calls = 0

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            return stale_pointer
        return json.dumps({"snapshot": snapshot(primary, shots, 3), "generation": 3, "changed": 3.5, "epoch": "e"})

    original = Path.read_text
    Path.read_text = read_text  # type: ignore[method-assign]
    try:
        opened.clear()  # nothing holds the first two copies now
        assert follower.catch_up() is True
    finally:
        Path.read_text = original  # type: ignore[method-assign]
    assert calls == 2
    assert sorted(q.object.value for q in opened[0][0].quads_for_pattern(a, b, None)) == ["one", "three", "two"]
    assert sorted(p.name for p in follower.own.iterdir()) == ["4"], "copies no one reads are deleted"
    primary.close()


def test_what_a_reader_answers_itself() -> None:
    def scope(method: str, path: str, *headers: tuple[bytes, bytes], root: str = "") -> dict[str, Any]:
        return {"type": "http", "method": method, "path": path, "headers": list(headers), "root_path": root}

    for path in [
        "/resource/api-entreprise",
        "/organisation/dinum",
        "/resource/api-entreprise.ttl",
        "/catalog",
        "/catalog.ttl",
        "/catalog/software",
        "/.well-known/void",
        "/.well-known/void.ttl",
        "/static/site.css",
    ]:
        assert servable(scope("GET", path)), path
        assert servable(scope("HEAD", path)), path
        assert not servable(scope("POST", path)), path
        assert not servable(scope("GET", path, (b"cookie", b"s=1"))), path
        assert not servable(scope("GET", path, (b"authorization", b"Bearer x"))), path
    assert servable(scope("GET", "/root/resource/x", root="/root"))
    for path in [
        "/",
        "/sparql",
        "/search",
        "/metrics",
        "/readyz",
        "/account",
        "/moderation",
        "/store",
        "/queries",
        "/resource",
        "/theme/emploi",
        "/contribute/resource",
        "/changes.atom",
        "/network",
    ]:
        assert not servable(scope("GET", path)), path


def test_the_writer_believes_a_forwarded_address_only_from_its_own_socket() -> None:
    import asyncio

    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope["client"], scope["scheme"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    headers = [(b"x-forwarded-for", b"203.0.113.7"), (b"x-forwarded-proto", b"https")]
    wrapped = FromReaders(app)

    def run() -> None:  # in a thread of its own: the tests' thread may hold another library's event loop
        asyncio.run(wrapped({"type": "http", "client": None, "scheme": "http", "headers": headers}, None, send))
        asyncio.run(
            wrapped({"type": "http", "client": ("198.51.100.1", 5), "scheme": "http", "headers": headers}, None, send)
        )

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [(("203.0.113.7", 0), "https"), (("198.51.100.1", 5), "http")]
    assert all((b"ressourcerie-process", b"writer") in m["headers"] for m in sent)


def test_page_processes_needs_the_embedded_store_on_disk() -> None:
    with pytest.raises(ConfigError, match="page_processes must be 0"):
        Settings(page_processes=-1)
    with pytest.raises(ConfigError, match="embedded store on disk"):
        Settings(page_processes=1, store_path=":memory:")
    with pytest.raises(ConfigError, match="embedded store on disk"):
        Settings(page_processes=2, store="sparql+http://127.0.0.1:8890/sparql")
    assert Settings(page_processes=2).page_processes == 2
