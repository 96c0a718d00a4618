"""Work on untrusted input in a process that may die (graph/sandbox.py), and the update effect run there."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from graph import sandbox, update_effect

META = "https://example.org/graph/meta"
G = "https://example.org/graph/g"
DATA = serialize(
    [
        Quad(
            NamedNode("https://example.org/s"),
            NamedNode("https://example.org/p"),
            NamedNode("https://example.org/o"),
            NamedNode(G),
        )
    ],
    format=RdfFormat.N_QUADS,
)


def effect(update: str, timeout: float = 30.0) -> update_effect.Effect:
    return sandbox.run(update_effect.compute, DATA, update, "https://example.org/", META, timeout=timeout)


def test_an_update_effect_is_the_changed_graphs_whole() -> None:
    out = effect(f"INSERT DATA {{ GRAPH <{G}> {{ <https://example.org/s> <https://example.org/p> 1 }} }}")
    assert out.error is None and set(out.graphs) == {G}
    assert out.graphs[G].count(b"\n") == 2


def test_a_syntax_error_comes_back_as_such() -> None:
    out = effect("INSERT DATA { <https://example.org/s> ")
    assert out.error == "syntax" and "expected" in out.message


def test_writing_to_the_meta_graph_is_reported() -> None:
    out = effect(f"INSERT DATA {{ GRAPH <{META}> {{ <https://example.org/s> <https://example.org/p> 1 }} }}")
    assert out.wrote_meta and out.graphs == {}


def test_a_parser_crash_kills_the_child_not_the_caller() -> None:
    """3,000 nested groups overflow the SPARQL parser's stack: a segmentation fault, in the child."""
    n = 3000
    with pytest.raises(sandbox.Crashed, match=r"SIGSEGV|SIGBUS|SIGABRT|killed"):
        effect("DELETE { ?s ?p ?o } WHERE " + "{ " * n + "?s ?p ?o" + " }" * n)
    assert effect("CLEAR SILENT DEFAULT").error is None  # the next one runs


def test_a_child_past_its_time_is_stopped() -> None:
    """A property path of 1,000 steps keeps the engine busy: stopped at the timeout."""
    with pytest.raises(sandbox.TimedOut):
        effect("DELETE { ?s ?p ?o } WHERE { ?s " + "/".join(["<https://example.org/p>"] * 1000) + " ?o }", 1.0)


def test_describe_exit() -> None:
    assert sandbox.describe_exit(-11) == "killed by SIGSEGV"
    assert sandbox.describe_exit(1) == "exited with code 1"
