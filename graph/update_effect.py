"""What a SPARQL Update would change, computed in a sandboxed child process (``graph.sandbox``).

The child gets the store as N-Quads, runs the update on an in-memory copy (pyoxigraph, the same engine) and sends
back the graphs the update changed, each with its whole new content as N-Triples. It imports only pyoxigraph and
the standard library, so a child starts in milliseconds; a parser that overflows its stack on the update's text
kills the child, never the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat

DEFAULT = ""  # the default graph's key in ``Effect.graphs``


@dataclass
class Effect:
    """The outcome: the graphs changed (IRI, or ``DEFAULT``) with their new content, or an error."""

    graphs: dict[str, bytes] = field(default_factory=dict)
    wrote_meta: bool = False  # the update added statements to the meta graph
    error: str | None = None  # "syntax" (a SPARQL syntax error) or "failed" (the engine refused it)
    message: str = ""


def compute(dataset: bytes, update: str, base_iri: str, meta: str) -> Effect:
    """Run ``update`` on a copy of ``dataset`` (N-Quads); the graphs it changes, less the meta graph."""
    before = list(pyoxigraph.parse(dataset, format=RdfFormat.N_QUADS))
    work = pyoxigraph.Store()
    work.bulk_extend(before)
    try:
        work.update(update, base_iri=base_iri)
    except SyntaxError as e:
        return Effect(error="syntax", message=str(e.msg if isinstance(e.msg, str) else e))
    except (RuntimeError, OSError) as e:  # CREATE of an existing graph, DROP of a missing one (without SILENT)...
        return Effect(error="failed", message=str(e))
    old, new = set(before), set(work)
    changed = {q.graph_name for q in old ^ new}
    meta_graph = NamedNode(meta)
    wrote_meta = any(q.graph_name == meta_graph for q in new - old)
    changed.discard(meta_graph)
    graphs: dict[str, bytes] = {}
    for g in changed:
        if not isinstance(g, NamedNode | DefaultGraph):
            continue  # a graph named by a blank node: pyoxigraph's updates never make one
        triples = (q.triple for q in work.quads_for_pattern(None, None, None, g))
        body = pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES)
        graphs[DEFAULT if isinstance(g, DefaultGraph) else g.value] = body or b""
    return Effect(graphs, wrote_meta)
