"""The query workers (graph/store/pool.py): snapshots kept while read, a worker's crash answered 400, nothing left
behind in /tmp."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
from fastapi.testclient import TestClient

from graph.store import EmbeddedStore
from graph.store._scratch import PREFIX, scratch_dir, sweep
from graph.store.pool import Snapshots

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_snapshot_read_by_a_query_outlives_any_number_of_writes(tmp_path: Path) -> None:
    """A query waiting for a worker failed with FileNotFoundError .../snapshots/52/CURRENT once three writes
    landed meanwhile: its snapshot was deleted under it."""
    store = EmbeddedStore(tmp_path / "store")
    snapshots = Snapshots(store, tmp_path / "snapshots")
    (tmp_path / "snapshots").mkdir()
    snapshots.refresh()
    held = snapshots.take()
    for _ in range(5):
        snapshots.refresh()
    assert Path(held).is_dir()
    assert len(pyoxigraph.Store.read_only(held)) == 0  # it still opens
    assert len(snapshots.kept()) == 2  # the one read and the newest; those in between are gone
    snapshots.release(held)
    assert snapshots.kept() == [snapshots.take()]
    store.close()


TOKEN = "pool-token"


def test_lookups_waiting_behind_slow_queries_survive_writes(make_client) -> None:
    """The issue's reproduction: 2 slow SELECTs, then 3 lookups, then 5 small Graph Store PUTs."""
    c = make_client(
        query_workers=2,
        client_queries=5,
        short_query_seconds=30.0,
        query_timeout=2.0,
        updates=True,
        update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    with ThreadPoolExecutor(5) as pool:
        slow = [pool.submit(c.get, "/sparql", params={"query": SLOW}) for _ in range(2)]
        time.sleep(0.3)
        lookups = [pool.submit(c.get, "/sparql", params={"query": "ASK { ?s ?p ?o }"}) for _ in range(3)]
        for n in range(5):
            body = f"<http://example.org/s{n}> <http://example.org/p> {n} ."
            assert c.put(f"/store?graph=http://example.org/g{n}", content=body, headers=headers).status_code in (
                201,
                204,
            )
        assert [f.result().status_code for f in lookups] == [200, 200, 200]
        assert [f.result().status_code for f in slow] == [503, 503]


def nested_select(n: int) -> str:
    return "SELECT * WHERE " + "{ " * n + "?s ?p ?o" + " }" * n


def test_a_deeply_nested_query_is_a_400_before_any_worker_sees_it(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": nested_select(3000)})
    assert r.status_code == 400 and "max_nesting_depth" in r.json()["detail"]


def test_a_query_that_crashes_its_worker_is_a_400_and_the_worker_is_replaced(make_client) -> None:
    """It answered 503 "worker failed"; the depth check is lifted here to reach the engine's own crash."""
    c = make_client(max_nesting_depth=100_000)
    r = c.get("/sparql", params={"query": nested_select(3000)})
    assert r.status_code == 400, r.text
    assert "stopped the SPARQL engine" in r.json()["detail"]
    assert c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_answers_live_beside_the_store_and_a_restart_removes_what_a_kill_left(make_client) -> None:
    """/tmp/ressourcerie-answers-* folders were left behind after the service was killed."""
    c = make_client()
    store = Path(c.app.state.context.settings.store_path)  # type: ignore[attr-defined]
    answers = store.with_name(store.name + "-snapshots") / "answers"
    assert answers.is_dir()
    r = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert list(answers.iterdir()) == []  # the large answer was spilled here, streamed, then removed
    (answers / "left-by-a-killed-service.answer").write_bytes(b"x")
    c.app.state.context.runner.__init__(c.app.state.context.store, c.app.state.context.runner.limits)  # type: ignore[attr-defined]
    assert list(answers.iterdir()) == []


def test_the_remote_runners_scratch_folders_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"{PREFIX}{dead.pid}-abc"
    left.mkdir()
    mine = Path(scratch_dir(str(tmp_path)))
    assert not left.exists() and mine.name.startswith(f"{PREFIX}{os.getpid()}-")
    assert sweep(str(tmp_path)) == []  # our own is kept


def test_the_workers_results_writers_say_what_pyoxigraphs_own_serializers_say() -> None:
    """The workers write SPARQL results themselves (to count rows for the cap): each format, read back, holds
    the same solutions as pyoxigraph's serializer of the same query (language tags, datatypes, blank nodes,
    unbound values, quotes, control characters and non-ASCII text)."""
    import csv
    import io
    import json
    import xml.etree.ElementTree as ET

    from graph.store._worker import write_solutions

    store = pyoxigraph.Store()
    store.load(
        input='<http://a/x> <http://a/p> "héllo \\n\\"q\\" \\\\"@fr-CA, "1"^^<http://www.w3.org/2001/XMLSchema#integer>, '
        '"plain", _:b1, <http://a/é?x=1&y=2> . <http://a/y> <http://a/p> "z\\t" .',
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    query = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?unbound } } ORDER BY ?s ?o"
    formats = {
        "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
        "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
        "text/csv": pyoxigraph.QueryResultsFormat.CSV,
        "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
    }

    def read(media_type: str, data: bytes) -> object:
        if "json" in media_type:
            return json.loads(data)
        if "xml" in media_type:
            return [ET.tostring(e) for e in ET.fromstring(data).iter()]
        if "csv" in media_type:
            return list(csv.reader(io.StringIO(data.decode(), newline="")))
        return data.decode().splitlines()

    for media_type, fmt in formats.items():
        ours = io.BytesIO()
        rows, truncated = write_solutions(ours, store.query(query), media_type, 100)  # type: ignore[arg-type]
        theirs = store.query(query).serialize(format=fmt)  # type: ignore[union-attr]
        assert (rows, truncated) == (6, False)
        mine, reference = read(media_type, ours.getvalue()), read(media_type, theirs)
        if "tab-separated" in media_type:  # pyoxigraph may shorten a number to Turtle's form (1 for "1"^^xsd:integer)
            mine = [line.replace('"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "1") for line in mine]  # type: ignore[attr-defined]
        assert mine == reference, media_type
    capped = io.BytesIO()
    assert write_solutions(capped, store.query(query), "application/sparql-results+json", 2) == (2, True)  # type: ignore[arg-type]
    assert len(json.loads(capped.getvalue())["results"]["bindings"]) == 2
