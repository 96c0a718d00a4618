"""Where the data is: a store that answers SELECT queries over the union of its graphs.

``OxigraphSource`` reads a pyoxigraph ``Store`` (on disk or in memory), ``StoreSource`` one of our stores
(embedded or remote, through SPARQL), ``DataSource`` a data graph given as triples, loaded into an in-memory
store of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

import pyoxigraph
import rdflib
from pyoxigraph import BlankNode

from graph.rdf import to_rdflib
from graph.shacl.model import Targets
from graph.shacl.terms import RDF_TYPE, RDFS_SUBCLASS, XSD, Term
from graph.store.base import Store

Row = tuple[Term | None, ...]


class Source(Protocol):
    """Where the data is: a store that answers SELECT queries over the union of its graphs."""

    def select(self, query: str) -> list[Row]: ...

    def describe(self, node: BlankNode) -> list[tuple[Term, Term]]: ...

    def rdflib_graph(self) -> rdflib.Graph: ...

    def original(self, term: Term) -> Term: ...

    def predicates(self) -> set[str] | None:
        """The predicates of the data, when they are known without a query (else None)."""
        ...

    def has_target(self, targets: Targets, allowed: Callable[[Term], bool]) -> bool | None:
        """Whether one of the ``allowed`` nodes is a target, when that is known without a query (else None)."""
        ...


class OxigraphSource:
    """A pyoxigraph ``Store``, its default graph being the union of all its graphs."""

    def __init__(self, store: pyoxigraph.Store, *, union: bool = True) -> None:
        self.store = store
        self.union = union

    def select(self, query: str) -> list[Row]:
        return [tuple(s) for s in self.store.query(query, use_default_graph_as_union=self.union)]  # type: ignore[union-attr]

    def describe(self, node: BlankNode) -> list[tuple[Term, Term]]:
        return list(dict.fromkeys((q.predicate, q.object) for q in self.store.quads_for_pattern(node, None, None)))

    def rdflib_graph(self) -> rdflib.Graph:
        return to_rdflib(self.store)

    def original(self, term: Term) -> Term:
        return term

    def predicates(self) -> set[str] | None:
        return None

    def has_target(self, targets: Targets, allowed: Callable[[Term], bool]) -> bool | None:
        return None


class DataSource(OxigraphSource):
    """A data graph given as triples, in an in-memory store of its own. The store keeps literals in canonical
    form ("4.0"^^xsd:decimal as "4"); results name them as they were given, as pyshacl does."""

    def __init__(self, data: Iterable[pyoxigraph.Triple | pyoxigraph.Quad]) -> None:
        self.triples = [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in data]
        store = pyoxigraph.Store()
        store.extend(self.triples)
        super().__init__(store, union=False)
        self._originals: dict[Term, Term] | None = None

    def rdflib_graph(self) -> rdflib.Graph:
        return to_rdflib(self.triples)

    def predicates(self) -> set[str] | None:
        return {t.predicate.value for t in self.triples}

    def has_target(self, targets: Targets, allowed: Callable[[Term], bool]) -> bool | None:
        """Whether one of the ``allowed`` nodes is a target, read from the triples (no query)."""
        if any(allowed(n) for n in targets.nodes):
            return True
        classes = {c.value for c in targets.classes}
        supers: dict[str, set[str]] = {}
        for t in self.triples:
            if t.predicate.value == RDFS_SUBCLASS and isinstance(t.object, pyoxigraph.NamedNode):
                supers.setdefault(t.subject.value, set()).add(t.object.value)  # type: ignore[union-attr]

        def instance_class(cls: str, seen: frozenset[str] = frozenset()) -> bool:
            return cls in classes or any(instance_class(s, seen | {cls}) for s in supers.get(cls, set()) - seen)

        subjects_of = {p.value for p in targets.subjects_of}
        objects_of = {p.value for p in targets.objects_of}
        for t in self.triples:
            p = t.predicate.value
            if p == RDF_TYPE and allowed(t.subject) and instance_class(t.object.value):  # type: ignore[arg-type, union-attr]
                return True
            if (p in subjects_of and allowed(t.subject)) or (p in objects_of and allowed(t.object)):  # type: ignore[arg-type]
                return True
        return False

    def original(self, term: Term) -> Term:
        if not isinstance(term, pyoxigraph.Literal) or term.language or term.datatype.value == XSD + "string":
            return term
        if self._originals is None:
            self._originals = self._canonical()
        return self._originals.get(term, term)

    def _canonical(self) -> dict[Term, Term]:
        """The store's form of every typed literal of the data -> the literal as given."""
        typed = list(
            dict.fromkeys(
                t.object
                for t in self.triples
                if isinstance(t.object, pyoxigraph.Literal)
                and not t.object.language
                and t.object.datatype.value != XSD + "string"
            )
        )
        out: dict[Term, Term] = {}
        for start in range(0, len(typed), 500):
            batch = typed[start : start + 500]
            rows = " ".join(f"({i} {lit})" for i, lit in enumerate(batch))
            for i, canonical in self.select(f"SELECT ?i ?c WHERE {{ VALUES (?i ?c) {{ {rows} }} }}"):
                out.setdefault(canonical, batch[int(i.value)])  # type: ignore[arg-type, union-attr]
        return out


class StoreSource:
    """One of our stores (embedded or remote), read through SPARQL."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, query: str) -> list[Row]:
        return self.store.select(query).rows  # type: ignore[return-value]

    def describe(self, node: BlankNode) -> list[tuple[Term, Term]]:
        return list(dict.fromkeys((q.predicate, q.object) for q in self.store.quads(node, None, None, None)))  # type: ignore[misc]

    def rdflib_graph(self) -> rdflib.Graph:
        return to_rdflib(self.store.quads())

    def original(self, term: Term) -> Term:
        return term

    def predicates(self) -> set[str] | None:
        return None

    def has_target(self, targets: Targets, allowed: Callable[[Term], bool]) -> bool | None:
        return None
