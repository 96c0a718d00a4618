"""The store contract: one suite, run on the embedded store, Oxigraph server and Virtuoso."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from graph.errors import QuerySyntaxError, StoreError, ValidationFailed
from graph.iris import Iris
from graph.paths import bundled
from graph.rdf import parse_file
from graph.seed import load as load_seed
from graph.seed import ontology_triples
from graph.store import EmbeddedStore, RemoteStore, Store
from graph.validation import Validator
from graph.writer import Writer

FIXTURES = Path(__file__).parent / "fixtures"

EX = "http://example.org/"
G1, G2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
P = NamedNode(EX + "p")


def t(s: str, o: str) -> Triple:
    return Triple(NamedNode(EX + s), P, Literal(o))


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest):
    if request.param == "embedded":
        yield EmbeddedStore()
        return
    server = request.getfixturevalue(f"{request.param}_server")
    s = RemoteStore(server.query_url, server.update_url, server.gsp_url, user=server.user, password=server.password)
    names = s.graph_names()
    if names:
        s._update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in names))
    yield s
    s.close()


def test_select_binds_user_input_as_data(store: Store) -> None:
    hostile = 'y" } ; DROP ALL ; #'
    store.replace_graphs({G1: [t("a", "x"), t("b", hostile)]})
    result = store.select("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"o": Literal(hostile)})
    assert [(r[0].value, r[1]) for r in result.rows] == [(EX + "b", Literal(hostile))]
    assert len(list(store.quads(graph=G1))) == 2


def test_bindings_reach_filters_optionals_and_projection(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "Emploi et travail"), t("b", "Santé")]})
    query = "SELECT ?q ?s WHERE { ?s <http://example.org/p> ?o FILTER(CONTAINS(LCASE(?o), LCASE(STR(?q)))) }"
    rows = store.select(query, {"q": Literal("EMPLOI")}).rows
    assert [(r[0], r[1].value) for r in rows] == [(Literal("EMPLOI"), EX + "a")]


def test_ask_and_construct_see_the_union_of_named_graphs(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "1")], G2: [t("b", "2")]})
    assert store.ask("ASK { <http://example.org/b> <http://example.org/p> ?o }")
    assert not store.ask("ASK { <http://example.org/c> ?p ?o }")
    built = store.construct("CONSTRUCT { ?s <http://example.org/p> ?o } WHERE { ?s <http://example.org/p> ?o }")
    assert set(built) == {t("a", "1"), t("b", "2")}
    bound = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": NamedNode(EX + "a")})
    assert bound == [t("a", "1")]


def test_syntax_error_is_a_query_error(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        store.select("SELECT * WHERE {\n ?s ?p }")


def test_quads_by_pattern(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")], G2: [t("a", "1")]})
    a = NamedNode(EX + "a")
    assert len(list(store.quads(a, None, None, None))) == 3
    assert {q.graph_name for q in store.quads(a, P, Literal("1"), None)} == {G1, G2}
    assert [q.object for q in store.quads(None, None, Literal("2"), G1)] == [Literal("2")]
    assert list(store.quads(a, P, Literal("2"), G2)) == []


def test_describe_follows_hash_nodes_only(store: Store) -> None:
    a, part, deeper, other = (NamedNode(EX + n) for n in ("a", "a#part", "a#deeper", "other"))
    store.replace_graphs(
        {
            G1: [Triple(a, P, part), Triple(part, P, deeper), Triple(a, P, other), Triple(other, P, Literal("out"))],
            G2: [Triple(deeper, P, Literal("in"))],
        }
    )
    assert {q.subject for q in store.describe(a)} == {a, part, deeper}
    assert len(store.describe(a)) == 4


def test_replace_graphs_replaces_only_the_graphs_named(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")], G2: [t("b", "1")]})
    store.replace_graphs({G1: [t("c", "3")]})
    assert {q.subject.value for q in store.quads(None, None, None, G1)} == {EX + "c"}
    assert len(list(store.quads(None, None, None, G2))) == 1
    store.replace_graphs({G1: []})
    assert store.graph_names() == [G2]


def test_readers_see_the_old_graph_or_the_new_one(store: Store) -> None:
    old = [t(f"old{i}", "x") for i in range(300)]
    new = [t(f"new{i}", "y") for i in range(500)]
    store.replace_graphs({G1: old})
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(len(list(store.quads(None, None, None, G1))))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(4):
            store.replace_graphs({G1: new if i % 2 == 0 else old})
    finally:
        done.set()
        reader.join()
    assert seen <= {300, 500}


def test_add_and_remove(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "1")]})
    store.add([Quad(NamedNode(EX + "a"), P, Literal("2"), G1), Quad(NamedNode(EX + "b"), P, Literal('é\n"'), G2)])
    assert len(list(store.quads())) == 3
    store.remove([Quad(NamedNode(EX + "a"), P, Literal("1"), G1), Quad(NamedNode(EX + "b"), P, Literal('é\n"'), G2)])
    assert [q.object.value for q in store.quads()] == ["2"]


def test_stats_counts_each_graph(store: Store) -> None:
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")], G2: [t("b", "1")]})
    stats = store.stats()
    assert stats.quads == 3
    assert {(g.name, g.triples) for g in stats.graphs} == {(G1, 2), (G2, 1)}
    assert store.graph_names() == [G1, G2]


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TURTLE])
def test_dump_round_trips(store: Store, fmt: RdfFormat) -> None:
    store.replace_graphs({G1: [t("a", "1")], G2: [t("b", 'é\n"')]})
    out = io.BytesIO()
    store.dump(out, fmt)
    assert len(list(parse(out.getvalue(), format=fmt))) == 2
    one = io.BytesIO()
    store.dump(one, RdfFormat.N_TRIPLES, G2)
    assert [q.triple for q in parse(one.getvalue(), format=RdfFormat.N_TRIPLES)] == [t("b", 'é\n"')]


def test_a_long_answer_is_whole_or_refused_never_cut(store: Store) -> None:
    n = 12_000  # past Virtuoso's ResultSetMaxRows (10,000)
    store.replace_graphs({G1: [t(f"s{i}", str(i)) for i in range(n)]})
    try:
        rows = store.select("SELECT ?s WHERE { ?s <http://example.org/p> ?o }").rows
    except StoreError as e:
        assert "cut" in e.message
    else:
        assert len(rows) == n
    assert len(list(store.quads(None, P, None, G1))) == n  # the store's own reads page through
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    assert out.getvalue().count(b"\n") == n


def test_validated_ingest_and_a_refused_write_changes_nothing(store: Store, iris: Iris, validator: Validator) -> None:
    writer = Writer(store, validator, iris)
    writer.replace_graphs(
        {
            iris.ontology_graph: ontology_triples(),
            iris.graph("test"): [q.triple for q in parse_file(FIXTURES / "small.ttl")],
        }
    )
    before = store.stats()
    broken = NamedNode(iris.base + "resource/broken")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    with pytest.raises(ValidationFailed):
        writer.add({iris.graph("test"): [Triple(broken, rdf_type, NamedNode("http://www.w3.org/ns/dcat#Resource"))]})
    with pytest.raises(ValidationFailed):
        writer.remove_record(NamedNode(iris.base + "organisation/acme"))
    assert store.stats() == before


def test_seed_build_gives_the_embedded_counts(store: Store, iris: Iris, validator: Validator, seeded) -> None:
    load_seed(Writer(store, validator, iris), bundled("data/seed"))
    expected = {g.name: g.triples for g in seeded.stats().graphs}
    assert {g.name: g.triples for g in store.stats().graphs} == expected
