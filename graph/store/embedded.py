"""The embedded store: the one module that owns a pyoxigraph ``Store``.

On disk at a path, or in memory for tests. Queries see the union of the named graphs as their default
graph. Every write is a single pyoxigraph transaction: a whole update request or a single ``extend``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
)

from graph._sparqltext import describe_syntax_error, keywords, with_values
from graph.errors import QuerySyntaxError, StoreError
from graph.namespaces import PREFIXES
from graph.rdf import record_statements
from graph.store.base import Bindings, GraphInfo, SelectResult, StoreStats, Term
from graph.store.pool import QueryPool
from graph.store.queries import QueryLimits, QueryRunner


def _with_values(query: str, bindings: Bindings) -> str | None:
    """The query with its bindings also stated as a ``VALUES`` row at the top of its WHERE clause, or None.

    pyoxigraph applies ``substitutions`` after planning: a query whose selective pattern uses a bound variable
    is planned as if it were free (a lookup of one record's inbound links scanned every typed node, 0.8 s at
    1M triples instead of 5 ms). The VALUES row, made of the bound terms' own serialisation (never of text),
    lets the planner start from them; the substitutions still apply, so the answer is the same. Not for a query
    with UNION: a row joined above the branches is not pushed into them, and only adds a join."""
    if "UNION" in keywords(query) or not all(isinstance(v, NamedNode | pyoxigraph.Literal) for v in bindings.values()):
        return None  # blank nodes cannot be written in VALUES
    try:
        return with_values(query, list(bindings), [str(v) for v in bindings.values()])
    except QuerySyntaxError:
        return None  # no WHERE group to bind in: the substitutions alone apply


class EmbeddedStore:
    engine = "pyoxigraph"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path in (None, ":memory:") else Path(path)
        try:
            if self.path is None:
                self._store = pyoxigraph.Store()
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = pyoxigraph.Store(str(self.path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {self.path}: {e}") from None
        except RuntimeError as e:  # RocksDB's "Corruption: ..." and the like
            raise StoreError(
                f"cannot open the store at {self.path}, it is damaged: {e}; restore it from a backup"
            ) from None

    # --- reading --------------------------------------------------------------------------------------------

    def _query(self, query: str, bindings: Bindings | None) -> QuerySolutions | QueryBoolean | QueryTriples:
        substitutions: dict[Variable, Term | Triple] = {Variable(k): v for k, v in (bindings or {}).items()}
        planned = _with_values(query, bindings) if bindings else None
        if planned is not None:
            try:
                return self._store.query(
                    planned, use_default_graph_as_union=True, prefixes=PREFIXES, substitutions=substitutions
                )
            except (SyntaxError, RuntimeError):
                pass  # the text the bindings went into does not parse: run the query as given
        try:
            return self._store.query(
                query,
                use_default_graph_as_union=True,
                prefixes=PREFIXES,
                substitutions=substitutions or None,
            )
        except SyntaxError as e:
            raise QuerySyntaxError(describe_syntax_error(e)) from None
        except RuntimeError as e:
            raise QuerySyntaxError(str(e)) from None
        except OSError as e:
            raise StoreError(f"store read failed: {e}") from None

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        result = self._query(query, bindings)
        if not isinstance(result, QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        variables = [v.value for v in result.variables]
        rows = [tuple(solution) for solution in result]  # a solution iterates over its values in that order
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        result = self._query(query, bindings)
        if not isinstance(result, QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def describe(self, iri: NamedNode) -> list[Quad]:
        return record_statements(
            iri, lambda nodes: (q for n in nodes for q in self._store.quads_for_pattern(n, None, None, None))
        )

    def graph_names(self) -> list[NamedNode]:
        return sorted((g for g in self._store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)

    def stats(self) -> StoreStats:
        counts = self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        assert isinstance(counts, QuerySolutions)
        graphs = [GraphInfo(row["g"], int(row["n"].value)) for row in counts]
        default = sum(1 for _ in self._store.quads_for_pattern(None, None, None, DefaultGraph()))
        return StoreStats(quads=len(self._store), graphs=graphs, default_graph_triples=default)

    # --- writing --------------------------------------------------------------------------------------------

    def replace_graphs(self, contents: Mapping[NamedNode | DefaultGraph, Iterable[Triple]]) -> None:
        """Only the difference is written: what the graphs held and no longer hold, and what they did not hold.
        Additions alone (a new graph, a first harvest) are one ``extend``; otherwise one update request."""
        removed: list[Quad] = []
        added: list[Quad] = []
        dropped: list[NamedNode] = []
        for graph, triples in contents.items():
            if isinstance(graph, NamedNode) and not self._store.contains_named_graph(graph):
                added += dict.fromkeys(Quad(t.subject, t.predicate, t.object, graph) for t in triples)  # all new
                continue
            new = {Quad(t.subject, t.predicate, t.object, graph) for t in triples}
            old = set(self._store.quads_for_pattern(None, None, None, graph))
            removed += old - new
            added += new - old
            if not new and isinstance(graph, NamedNode):
                dropped.append(graph)  # an emptied graph is no longer named, as after DROP GRAPH
        if not removed and not dropped:
            if added:
                _check_skolemised(added)
                self.add(added)
            return
        parts = []
        if removed:
            parts.append("DELETE DATA {\n" + _quads_text(removed) + "\n}")
        if added:
            parts.append("INSERT DATA {\n" + _quads_text(added) + "\n}")
        parts += [f"DROP SILENT GRAPH {g}" for g in dropped]
        self._update(" ;\n".join(parts))

    def add(self, quads: Iterable[Quad]) -> None:
        try:
            self._store.extend(quads)
        except OSError as e:
            raise StoreError(f"store write failed: {e}") from None

    def remove(self, quads: Iterable[Quad]) -> None:
        text = _quads_text(quads)
        if text:
            self._update("DELETE DATA {\n" + text + "\n}")

    def _update(self, update: str) -> None:
        try:
            self._store.update(update)
        except SyntaxError as e:  # only if a term failed to serialise: a bug, not user input
            raise StoreError(f"internal update error: {e}") from None
        except OSError as e:
            raise StoreError(f"store write failed, nothing was written: {e}") from None

    # --- whole store ----------------------------------------------------------------------------------------

    def dump(self, out: IO[bytes], fmt: RdfFormat, graph: NamedNode | None = None) -> None:
        if graph is not None:
            self._store.dump(out, fmt, from_graph=graph, prefixes=None if fmt.supports_datasets else PREFIXES)
        elif fmt.supports_datasets:
            self._store.dump(out, fmt)
        else:
            merged = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            assert isinstance(merged, QueryTriples)
            pyoxigraph.serialize(merged, out, fmt, prefixes=PREFIXES)

    def backup(self, directory: Path) -> str:
        if self.path is None:
            raise StoreError("an in-memory store cannot be backed up; use export instead")
        try:
            self._store.flush()
            self._store.backup(str(directory))
        except OSError as e:
            raise StoreError(f"backup to {directory} failed: {e}") from None
        return f"backup written to {directory}"

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Unvalidated, non-atomic fast path, for trusted data into empty graphs (benchmarks, restores)."""
        self._store.bulk_extend(quads)

    def query_runner(self, limits: QueryLimits) -> QueryRunner:
        """Queries from /sparql run in worker processes on snapshots of this store, stopped at the timeout."""
        return QueryPool(self, limits)

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else ":memory:"

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
        del self._store


def _check_skolemised(quads: Iterable[Quad]) -> None:
    if any(type(q.subject) is BlankNode or type(q.object) is BlankNode for q in quads):
        raise StoreError("blank nodes reach the store only skolemised; got one in a write")


def _quads_text(quads: Iterable[Quad]) -> str:
    """Quads as the body of ``INSERT DATA`` / ``DELETE DATA``, grouped by graph."""
    by_graph: dict[NamedNode | BlankNode | DefaultGraph, list[Triple]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    return "\n".join(
        _ntriples(ts) if isinstance(g, DefaultGraph) else f"GRAPH {g} {{\n{_ntriples(ts)}\n}}"
        for g, ts in by_graph.items()
    )


def _ntriples(triples: Iterable[Triple]) -> str:
    lines = []
    for t in triples:
        if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode):
            raise StoreError("blank nodes reach the store only skolemised; got one in a write")
        lines.append(f"{t} .")
    return "\n".join(lines)
