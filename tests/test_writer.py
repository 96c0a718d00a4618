"""The one write path: writes never interleave, subscribers hear of each committed write once.

The lost update this guards against: a SPARQL Update reads the whole store, an approval publishes a
contribution, then the update replaces the graphs it changed with what it computed from its (older) read,
erasing the approval. Both go through the writer's transactions now; the test runs them in real threads,
started together, many times.
"""

from __future__ import annotations

import hashlib
import threading

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.errors import ValidationFailed
from graph.namespaces import DCAT, DCT, RDF
from graph.writer import Change, NestedTransaction, Writer
from tests.conftest import BASE
from tests.test_contributions import BEARER, RESOURCE, THEME, TOKEN

UPDATE_TOKEN = "writer-token"
UPDATE = {"Authorization": f"Bearer {UPDATE_TOKEN}", "Content-Type": "application/sparql-update"}
CONTRIBUTIONS = f"{BASE}graph/contributions"
SIRENE = f"{BASE}resource/api-sirene"
COUNTER = NamedNode(BASE + "resource/api-sirene")
ROUNDS = 6


def test_an_update_and_an_approval_at_the_same_time_both_survive(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(
        updates=True,
        update_token_sha256=hashlib.sha256(UPDATE_TOKEN.encode()).hexdigest(),
        moderation_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )
    sids = []
    for k in range(ROUNDS):
        r = c.post("/api/contributions/resource", json={**RESOURCE, "title": f"API course {k}", "themes": [THEME]})
        assert r.status_code == 201, r.text
        sids.append(r.json()["id"])
    answers: dict[tuple[str, int], object] = {}
    for k, sid in enumerate(sids):
        start = threading.Barrier(2)
        # the update rewrites the contributions graph, where the approval publishes
        text = f'INSERT DATA {{ GRAPH <{CONTRIBUTIONS}> {{ <{SIRENE}> <{DCAT.keyword.value}> "course {k}"@fr }} }}'

        def update(k: int = k, text: str = text, start: threading.Barrier = start) -> None:
            start.wait()
            answers["update", k] = c.post("/sparql", content=text, headers=UPDATE).status_code

        def approve(k: int = k, sid: str = sid, start: threading.Barrier = start) -> None:
            start.wait()
            r = c.post(f"/api/moderation/submissions/{sid}/approve", headers=BEARER, json={"moderator": "M"})
            answers["approval", k] = (r.status_code, r.json().get("records"))

        threads = [threading.Thread(target=update), threading.Thread(target=approve)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    store = c.app.state.context.store
    for k in range(ROUNDS):
        assert answers["update", k] == 204
        status, records = answers["approval", k]  # type: ignore[misc]
        assert status == 200
        record = NamedNode(records[0])
        assert next(store.quads(record, DCT.title, None, NamedNode(CONTRIBUTIONS)), None) is not None, (
            f"round {k}: the approved record {record.value} was erased"
        )
        keyword = Literal(f"course {k}", language="fr")
        assert next(store.quads(NamedNode(SIRENE), DCAT.keyword, keyword, None), None) is not None, (
            f"round {k}: the update was erased"
        )
        found = c.get("/search.json", params={"q": f"API course {k}"}).json()
        assert record.value in [h["iri"] for h in found["results"]]


def _count(writer: Writer, graph: NamedNode) -> int:
    values = [int(q.object.value) for q in writer.store.quads(COUNTER, DCT.extent, None, graph)]
    return values[0] if values else 0


def test_read_modify_write_from_many_threads_loses_nothing(small: Writer, iris) -> None:  # type: ignore[no-untyped-def]
    """Each thread reads a counter and writes it back plus one, in a transaction: no increment is lost."""
    graph = iris.graph("counter")
    threads, per_thread = 4, 5

    def bump() -> None:
        for _ in range(per_thread):
            with small.transaction("bump") as tx:
                n = _count(small, graph)
                tx.replace_graphs({graph: [Triple(COUNTER, DCT.extent, Literal(str(n + 1)))]})

    workers = [threading.Thread(target=bump) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert _count(small, graph) == threads * per_thread


def test_subscribers_hear_of_each_write_once_in_order(small: Writer, iris) -> None:  # type: ignore[no-untyped-def]
    heard: list[Change] = []
    small.subscribe(heard.append)
    api = NamedNode(BASE + "resource/api-test")
    small.add({iris.graph("test"): [Triple(api, DCT.description, Literal("encore", language="fr"))]})
    small.remove_record(NamedNode(BASE + "resource/nothing-here"))  # nothing to remove: not a write
    with small.transaction("read only") as tx:
        assert tx.store is small.store  # reads, writes nothing: nobody is told
    assert [c.operation for c in heard] == ["add"]
    assert heard[0].records == frozenset({api}) and heard[0].generation == small.generation
    assert iris.graph("test") in heard[0].graphs


def test_a_refused_write_tells_nobody_and_changes_nothing(small: Writer, iris) -> None:  # type: ignore[no-untyped-def]
    heard: list[Change] = []
    small.subscribe(heard.append)
    before = set(small.store.quads())
    bad = NamedNode(BASE + "resource/untitled")
    with pytest.raises(ValidationFailed):
        small.add({iris.graph("test"): [Triple(bad, RDF.type, DCAT.Resource)]})
    assert heard == [] and set(small.store.quads()) == before


def test_a_failing_subscriber_does_not_undo_the_write(small: Writer, iris) -> None:  # type: ignore[no-untyped-def]
    heard: list[str] = []

    def broken(change: Change) -> None:
        raise RuntimeError("index unavailable")

    small.subscribe(broken)
    small.subscribe(lambda change: heard.append(change.operation))
    api = NamedNode(BASE + "resource/api-test")
    small.add({iris.graph("test"): [Triple(api, DCT.description, Literal("malgré tout", language="fr"))]})
    assert heard == ["add"]
    assert next(small.store.quads(api, DCT.description, Literal("malgré tout", language="fr"), None), None)


def test_one_write_per_transaction_and_no_nesting(small: Writer, iris) -> None:  # type: ignore[no-untyped-def]
    heard: list[Change] = []
    small.subscribe(heard.append)
    api = NamedNode(BASE + "resource/api-test")
    one = {iris.graph("test"): [Triple(api, DCT.description, Literal("un", language="fr"))]}
    with pytest.raises(RuntimeError, match="one write"), small.transaction("two writes") as tx:
        tx.add(one)
        tx.add(one)
    assert [c.operation for c in heard] == ["two writes"]  # the first write was committed, and told
    with pytest.raises(NestedTransaction), small.transaction("outer"), small.transaction("inner"):
        pass
    with small.transaction("after"):  # the lock was given back both times
        pass
