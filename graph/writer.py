"""The one write path: every write to the public store goes through the ``Writer``.

The writer owns the lock. A write is a transaction: inside the lock it reads the store as it is, computes its
change, has it validated with the shapes and committed in one atomic step (``graph.ingest``), then tells each
subscriber once what changed (the search index indexes the records again, the query workers move to a new
snapshot, whole-store figures are computed again). Two writes never interleave: a SPARQL Update that reads the
whole store, an approval that publishes a contribution and a harvest that replaces its graph each see the
others' results, so none of them can erase another.

    with writer.transaction("SPARQL Update") as tx:
        contents = compute(tx.store)          # read under the lock
        tx.replace_graphs(contents)           # validated, committed, subscribers told once the block ends

A transaction makes at most one write (one atomic commit); one that makes none tells nobody. A failing
subscriber is logged: the write it follows is committed all the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from graph import metrics
from graph.errors import ValidationFailed
from graph.ingest import Contents, GraphName, Ingestor, ProvenanceOf, WriteResult
from graph.iris import Iris
from graph.store.base import Store
from graph.validation import Report, ValidationResult, Validator

log = logging.getLogger("ressourcerie.writer")


@dataclass(frozen=True)
class Change:
    """What one committed write did, as its subscribers are told."""

    operation: str  # what wrote: "SPARQL Update", "approval", "harvest datagouv", "load"...
    generation: int  # the store's write count in this process, after this write
    records: frozenset[NamedNode]  # the records the write touched (their IRIs, without # parts)
    graphs: frozenset[GraphName]  # the graphs it wrote to
    result: WriteResult


Subscriber = Callable[[Change], None]


class NestedTransaction(RuntimeError):
    """A transaction opened inside another one in the same thread: a programming error (it would deadlock)."""


class Transaction:
    """One write, made under the writer's lock: reads through ``store``, then one of the write methods."""

    def __init__(self, writer: Writer, operation: str) -> None:
        self._writer = writer
        self.operation = operation
        self.result: WriteResult | None = None
        self._graphs: set[GraphName] = set()

    @property
    def store(self) -> Store:
        """The store, for the reads a write depends on: nothing else writes while the transaction is open."""
        return self._writer.store

    @property
    def iris(self) -> Iris:
        return self._writer.iris

    # --- writes: one per transaction, each validated and atomic ------------------------------------------------

    def replace_graphs(
        self,
        contents: Contents,
        sources: Mapping[NamedNode, str] | None = None,
        provenance: Iterable[Triple] = (),
    ) -> WriteResult:
        """Replace each named graph (or the default graph) with new content, after validation."""
        self._begin(contents.keys())
        return self._done(self._writer._ingestor.replace_graphs(contents, sources, provenance))

    def replace_graph_records(
        self, graph: NamedNode, records: Mapping[NamedNode, list[Triple]], source: str, provenance: ProvenanceOf
    ) -> tuple[WriteResult, dict[NamedNode, list[ValidationResult]]]:
        """Replace a graph with the records that conform, leaving out the others (see ``Ingestor``)."""
        self._begin([graph])
        result, skipped = self._writer._ingestor.replace_graph_records(graph, records, source, provenance)
        return self._done(result), skipped

    def add(self, contents: Contents) -> WriteResult:
        """Add triples to graphs, after validation of the records they touch."""
        self._begin(contents.keys())
        return self._done(self._writer._ingestor.add(contents))

    def remove_record(self, iri: NamedNode, graph: NamedNode | None = None) -> WriteResult:
        """Remove a record (its IRI and its # nodes), from one graph or all, if what remains stays valid."""
        self._begin([graph] if graph is not None else [])
        return self._done(self._writer._ingestor.remove_record(iri, graph))

    # --- checks: what a write would meet, nothing written ------------------------------------------------------

    def check_add(self, contents: Contents) -> Report:
        return self._writer._ingestor.check_add(contents)

    def check_graphs(self, contents: Contents) -> Report:
        return self._writer._ingestor.check_graphs(contents)

    def _begin(self, graphs: Iterable[GraphName]) -> None:
        if self.result is not None:
            raise RuntimeError(f"{self.operation}: a transaction makes one write; open another for the next")
        self._graphs.update(graphs)

    def _done(self, result: WriteResult) -> WriteResult:
        self.result = result
        self._graphs.update(NamedNode(g) for g in result.graphs if g)
        return result


class Writer:
    """Owns the lock of the public store and tells subscribers about each committed write."""

    def __init__(self, store: Store, validator: Validator, iris: Iris) -> None:
        self.store = store
        self.iris = iris
        self._ingestor = Ingestor(store, validator, iris)
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._subscribers: list[Subscriber] = []
        self.generation = 0

    @property
    def validator(self) -> Validator:
        return self._ingestor.validator

    @validator.setter
    def validator(self, validator: Validator) -> None:
        with self._lock:
            self._ingestor.validator = validator

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber(change)`` after every committed write, in commit order; returns the unsubscriber."""
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    @contextmanager
    def transaction(self, operation: str) -> Iterator[Transaction]:
        """The lock, for one read-modify-write; the subscribers are told when the block ends after a write."""
        if self._owner == threading.get_ident():
            raise NestedTransaction(f"{operation}: a transaction is already open in this thread")
        with self._lock:
            self._owner = threading.get_ident()
            tx = Transaction(self, operation)
            try:
                yield tx
            except ValidationFailed:
                metrics.WRITES_REFUSED.labels(metrics.operation_label(operation)).inc()
                raise
            finally:  # a committed write is told about even when the block fails after it
                try:
                    if tx.result is not None and _changed(tx.result):
                        self.generation += 1
                        records, graphs = frozenset(tx.result.records), frozenset(tx._graphs)
                        self._notify(Change(operation, self.generation, records, graphs, tx.result))
                finally:
                    self._owner = None

    # --- one-step writes ----------------------------------------------------------------------------------------

    def replace_graphs(
        self,
        contents: Contents,
        *,
        operation: str = "replace",
        sources: Mapping[NamedNode, str] | None = None,
        provenance: Iterable[Triple] = (),
    ) -> WriteResult:
        with self.transaction(operation) as tx:
            return tx.replace_graphs(contents, sources, provenance)

    def add(self, contents: Contents, *, operation: str = "add") -> WriteResult:
        with self.transaction(operation) as tx:
            return tx.add(contents)

    def remove_record(
        self, iri: NamedNode, graph: NamedNode | None = None, *, operation: str = "remove"
    ) -> WriteResult:
        with self.transaction(operation) as tx:
            return tx.remove_record(iri, graph)

    # --- checks, against the store as it is -------------------------------------------------------------------

    def check_add(self, contents: Contents) -> Report:
        return self._ingestor.check_add(contents)

    def check_graphs(self, contents: Contents) -> Report:
        return self._ingestor.check_graphs(contents)

    def _notify(self, change: Change) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(change)
            except Exception:  # the write is committed: a follower that failed is reported, not the write
                log.exception("after %s (write %d): %r failed", change.operation, change.generation, subscriber)


def _changed(result: WriteResult) -> bool:
    return bool(result.added or result.removed or result.graphs or result.records)
