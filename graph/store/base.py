"""The store interface: everything above the store speaks only this.

The embedded pyoxigraph store implements it (``graph.store.embedded``); a remote SPARQL 1.1 store can
implement it too. Queries take user input only as bound variables (``bindings``), never pasted into text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple

from graph.store.queries import QueryLimits, QueryRunner

Term = NamedNode | BlankNode | Literal
Bindings = Mapping[str, Term]
GraphName = NamedNode | DefaultGraph


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


@dataclass
class GraphInfo:
    name: NamedNode
    triples: int


@dataclass
class StoreStats:
    quads: int
    graphs: list[GraphInfo] = field(default_factory=list)
    default_graph_triples: int = 0


class Store(Protocol):
    """A quad store with SPARQL 1.1 query over the union of its named graphs."""

    engine: str  # whose SPARQL answers: "pyoxigraph" (the embedded store), else the server's product

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]: ...

    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[Quad]: ...

    def describe(self, iri: NamedNode) -> list[Quad]:
        """The record's own quads (subject ``iri`` or ``iri#...``), in every graph."""
        ...

    def replace_graphs(self, contents: Mapping[GraphName, Iterable[Triple]]) -> None:
        """Replace each named graph with the given triples, all in one atomic step."""
        ...

    def add(self, quads: Iterable[Quad]) -> None:
        """Add quads atomically."""
        ...

    def remove(self, quads: Iterable[Quad]) -> None:
        """Remove quads atomically."""
        ...

    def graph_names(self) -> list[NamedNode]: ...

    def stats(self) -> StoreStats: ...

    def dump(self, out: IO[bytes], fmt: RdfFormat, graph: NamedNode | None = None) -> None: ...

    def backup(self, directory: Path) -> str:
        """Copy the store to ``directory``; returns what was written, for a message."""
        ...

    def query_runner(self, limits: QueryLimits) -> QueryRunner:
        """What answers /sparql and the named queries on this store, under the limits."""
        ...

    @property
    def label(self) -> str:
        """Where the data is, for messages: the store directory or the remote endpoint."""
        ...

    def close(self) -> None: ...
