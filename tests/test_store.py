from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, Variable, parse

from graph.errors import QuerySyntaxError, StoreError
from graph.store import EmbeddedStore
from graph.store.embedded import _with_values

EX = "http://example.org/"
G1, G2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
P = NamedNode(EX + "p")
Q = NamedNode(EX + "q")


def t(s: str, o: str) -> Triple:
    return Triple(NamedNode(EX + s), P, Literal(o))


def test_select_binds_user_input_as_a_term_never_as_text() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "x"), t("b", 'y" } ; DROP ALL ; #')]})
    result = store.select("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"o": Literal('y" } ; DROP ALL ; #')})
    assert [r[0].value for r in result.rows] == [EX + "b"]
    assert len(list(store.quads())) == 2


def test_queries_see_the_union_of_named_graphs() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1")], G2: [t("b", "2")]})
    assert len(store.select("SELECT ?s WHERE { ?s ?p ?o }").rows) == 2
    assert store.ask("ASK { <http://example.org/b> ?p ?o }")


def test_syntax_error_gives_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError, match=r"line 2, column \d+"):
        EmbeddedStore().select("SELECT * WHERE {\n ?s ?p }")


def test_replace_graphs_replaces_only_the_graphs_named() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")], G2: [t("b", "1")]})
    store.replace_graphs({G1: [t("c", "3")]})
    assert {q.subject.value for q in store.quads(None, None, None, G1)} == {EX + "c"}
    assert len(list(store.quads(None, None, None, G2))) == 1


def test_replace_graphs_writes_the_difference_and_an_emptied_graph_is_no_longer_named() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1"), t("a", "2"), t("b", "1")], G2: [t("c", "1")]})
    store.replace_graphs({G1: [t("a", "1"), t("a", "3"), t("b", "1")], G2: []})  # one out, one in, G2 emptied
    assert sorted((q.subject.value, q.object.value) for q in store.quads(None, None, None, G1)) == [
        (EX + "a", "1"),
        (EX + "a", "3"),
        (EX + "b", "1"),
    ]
    assert store.graph_names() == [G1]
    store.replace_graphs({G2: [t("d", "1")]})  # additions alone, to a new graph
    assert store.graph_names() == [G1, G2] and len(list(store.quads())) == 4
    with pytest.raises(StoreError, match="skolemised"):
        store.replace_graphs({G2: [Triple(BlankNode(), P, Literal("x"))]})
    with pytest.raises(StoreError, match="skolemised"):
        store.replace_graphs({G1: [Triple(NamedNode(EX + "e"), P, BlankNode())]})  # with removals
    assert len(list(store.quads())) == 4  # neither refused write changed anything


def test_describe_follows_hash_nodes_only() -> None:
    store = EmbeddedStore()
    a, part, other = NamedNode(EX + "a"), NamedNode(EX + "a#part"), NamedNode(EX + "other")
    store.replace_graphs(
        {
            G1: [
                Triple(a, P, part),
                Triple(part, P, Literal("in")),
                Triple(a, P, other),
                Triple(other, P, Literal("out")),
            ]
        }
    )
    assert {q.subject for q in store.describe(a)} == {a, part}


def test_remove_is_exact_and_refuses_blank_nodes() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")]})
    store.remove([Quad(NamedNode(EX + "a"), P, Literal("1"), G1)])
    assert [q.object.value for q in store.quads()] == ["2"]


def test_on_disk_store_persists_and_backs_up(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "db")
    store.replace_graphs({G1: [t("a", "1")]})
    store.backup(tmp_path / "copy")
    store.close()
    reopened = EmbeddedStore(tmp_path / "copy")
    assert len(list(reopened.quads())) == 1
    reopened.close()


def test_in_memory_store_cannot_back_up(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="in-memory"):
        EmbeddedStore().backup(tmp_path / "x")


@pytest.mark.parametrize("fmt", [RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.TURTLE, RdfFormat.N_TRIPLES])
def test_dump_round_trips(fmt: RdfFormat) -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1")], G2: [t("b", 'é\n"')]})
    out = io.BytesIO()
    store.dump(out, fmt)
    assert len(list(parse(out.getvalue(), format=fmt))) == 2


def test_stats_counts_each_graph() -> None:
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "1"), t("a", "2")], G2: [t("b", "1")]})
    stats = store.stats()
    assert stats.quads == 3
    assert {(g.name, g.triples) for g in stats.graphs} == {(G1, 2), (G2, 1)}


def test_bindings_are_stated_as_values_at_the_top_of_the_where_clause() -> None:
    query = "# header: WHERE { not here\nCONSTRUCT { ?s ?p ?o } WHERE {\n  ?s ?p ?o\n}"
    planned = _with_values(query, {"s": NamedNode(EX + "a"), "o": Literal('y" } #', language="fr")})
    assert planned is not None
    assert planned.startswith("# header: WHERE { not here\nCONSTRUCT { ?s ?p ?o } WHERE {")
    assert ' VALUES (?s ?o) { (<http://example.org/a> "y\\" } #"@fr) } ' in planned
    assert _with_values(query, {"s": BlankNode()}) is None  # VALUES cannot hold a blank node
    # an ASK's group is its WHERE group (the same locator as the remote store's bindings)
    assert _with_values("ASK { ?s ?p ?o }", {"s": NamedNode(EX + "a")}) == (
        "ASK { VALUES (?s) { (<http://example.org/a>) }  ?s ?p ?o }"
    )
    union = "SELECT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }"
    assert _with_values(union, {"s": NamedNode(EX + "a")}) is None  # a row above the branches is not pushed in


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }",
        "SELECT ?o (COUNT(?s) AS ?n) WHERE { ?s <http://example.org/p> ?o } GROUP BY ?o",
        "SELECT ?s ?x ?o WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?x } }",
        "SELECT ?s ?o WHERE { { SELECT ?s ?o WHERE { ?s ?p ?o } } FILTER NOT EXISTS { ?s <http://example.org/q> ?o } }",
    ],
)
def test_bound_queries_answer_as_with_substitutions_alone(query: str) -> None:
    """(pyoxigraph substitutes only variables the SELECT projects.)"""
    store = EmbeddedStore()
    store.replace_graphs({G1: [t("a", "x"), t("b", "y"), t("c", "x"), Triple(NamedNode(EX + "a"), Q, Literal("x"))]})
    bindings = {"o": Literal("x")}
    plain = store._store.query(query, use_default_graph_as_union=True, substitutions={Variable("o"): Literal("x")})
    expected = sorted(tuple(str(s[v]) for v in plain.variables) for s in plain)  # type: ignore[union-attr]
    assert _with_values(query, bindings) is not None
    assert sorted(tuple(str(v) for v in row) for row in store.select(query, bindings).rows) == expected
