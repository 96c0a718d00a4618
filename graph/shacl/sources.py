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
from pyoxigraph import BlankNode, Triple

from graph.rdf import to_rdflib
from graph.shacl.model import Targets
from graph.shacl.terms import RDF_TYPE, RDFS_SUBCLASS, XSD, Term
from graph.store.base import Store

Row = tuple[Term | None, ...]
SMALL = 5_000  # triples


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
        found: dict[tuple[Term, Term], None] = {}
        for q in self.store.quads_for_pattern(node, None, None):
            if not isinstance(q.object, Triple):  # RDF-star quoted triples are not SHACL values
                found[q.predicate, q.object] = None
        return list(found)

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
        self.triples = [t if isinstance(t, pyoxigraph.Triple) else t.triple for t in data]
        store = pyoxigraph.Store()
        store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        super().__init__(store, union=False)
        self._originals: dict[Term, Term] | None = None
        self._index: _Index | None = None

    def rdflib_graph(self) -> rdflib.Graph:
        return to_rdflib(self.triples)

    def predicates(self) -> set[str] | None:
        return set(self.index.subjects) if self.small else None

    def has_target(self, targets: Targets, allowed: Callable[[Term], bool]) -> bool | None:
        """Whether one of the ``allowed`` nodes is a target, read from the triples (no query)."""
        if not self.small:
            return None
        if any(allowed(n) for n in targets.nodes):
            return True
        index = self.index
        wanted = {c.value for c in targets.classes}
        for cls, instances in index.instances.items():
            if index.is_subclass(cls, wanted) and any(allowed(n) for n in instances):
                return True
        if any(allowed(n) for p in targets.subjects_of for n in index.subjects.get(p.value, ())):
            return True
        return any(allowed(n) for p in targets.objects_of for n in index.objects.get(p.value, ()))

    @property
    def small(self) -> bool:
        """Small enough for reading the triples in Python to cost less than asking the store (a write's
        records: tens of triples; reading costs about 10 µs a triple)."""
        return len(self.triples) <= SMALL

    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _Index(self.triples)
        return self._index

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


class _Index:
    """The triples of a small data graph by predicate, and its classes' instances and superclasses."""

    def __init__(self, triples: list[pyoxigraph.Triple]) -> None:
        self.subjects: dict[str, list[Term]] = {}
        self.objects: dict[str, list[Term]] = {}
        self.instances: dict[str, list[Term]] = {}
        self.supers: dict[str, set[str]] = {}
        for t in triples:
            p = t.predicate.value
            self.subjects.setdefault(p, []).append(t.subject)  # type: ignore[arg-type]
            self.objects.setdefault(p, []).append(t.object)  # type: ignore[arg-type]
            if isinstance(t.object, pyoxigraph.NamedNode):
                if p == RDF_TYPE:
                    self.instances.setdefault(t.object.value, []).append(t.subject)  # type: ignore[arg-type]
                elif p == RDFS_SUBCLASS and isinstance(t.subject, pyoxigraph.NamedNode):
                    self.supers.setdefault(t.subject.value, set()).add(t.object.value)

    def is_subclass(self, cls: str, of: set[str]) -> bool:
        """``cls`` is one of ``of`` or, through rdfs:subClassOf, a subclass of one."""
        todo, seen = [cls], {cls}
        while todo:
            c = todo.pop()
            if c in of:
                return True
            for sup in self.supers.get(c, ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return False


class StoreSource:
    """One of our stores (embedded or remote), read through SPARQL."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, query: str) -> list[Row]:
        return self.store.select(query).rows

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
