"""The compiled SHACL engine: runs the shapes' SPARQL on a store and builds the report.

Each shape with targets is compiled once into its units (``compile.py``). A run first asks the store which
classes have instances, skips the shapes whose targets are absent, then runs each unit's SELECT and turns its
rows into results; an ``sh:node`` result also gets the results of its value against the node shape, as pyshacl
nests them. A shape the compiler refuses is validated by pyshacl on the same data (``fallback.py``): it is
logged once, and named in every report's ``fallback`` list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph
import rdflib
from pyoxigraph import BlankNode, NamedNode
from rdflib.namespace import OWL, RDFS

from graph.rdf import to_rdflib, to_rdflib_term
from graph.shacl import fallback, paths
from graph.shacl import model as m
from graph.shacl.compile import TYPE_OF, Compiler, TargetFocus, Unit, regex
from graph.shacl.messages import Messages
from graph.shacl.parse import Shapes, Unsupported, read
from graph.shacl.report import ValidationResult
from graph.shacl.terms import SH, XSD, Term, curie, severity_name, show

log = logging.getLogger(__name__)

Row = tuple[Term | None, ...]


class Source(Protocol):
    """Where the data is: a store that answers SELECT queries over the union of its graphs."""

    def select(self, query: str) -> list[Row]: ...

    def describe(self, node: BlankNode) -> list[tuple[Term, Term]]: ...

    def rdflib_graph(self) -> rdflib.Graph: ...

    def original(self, term: Term) -> Term: ...


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


@dataclass
class Plan:
    units: dict[str, list[Unit]]  # root shape key -> its units
    fallback: dict[str, str]  # root shape key -> why it goes to pyshacl


@dataclass
class Run:
    results: list[ValidationResult] = field(default_factory=list)
    details: list[ValidationResult] = field(default_factory=list)  # nested under sh:node results (sh:detail)
    fallback: list[str] = field(default_factory=list)
    queries: int = 0
    probes: dict[str, bool] = field(default_factory=dict)  # probe query -> found something
    present: dict[str, bool] = field(default_factory=dict)  # target pattern -> has a match


class Engine:
    def __init__(self, shapes_graph: rdflib.Graph, *, allow_warnings: bool = True, scan_first: bool = True) -> None:
        self.graph = shapes_graph
        self.allow_warnings = allow_warnings
        self.scan_first = scan_first
        self.shapes: Shapes = read(shapes_graph)
        self._check_patterns()
        self.messages = Messages(self.shapes)
        self.plan = self._plan()
        for key, why in self.plan.fallback.items():
            log.warning("SHACL shape %s is validated by pyshacl: %s", self.shapes.shapes[key].name, why)
        self._fallback_graph: rdflib.Graph | None = None
        self._details: dict[int, list[Unit]] = {}

    # --- compiling -------------------------------------------------------------------------------------------

    def _compiler(self) -> Compiler:
        return Compiler(self.shapes, allow_warnings=self.allow_warnings, scan_first=self.scan_first)

    def _plan(self) -> Plan:
        units: dict[str, list[Unit]] = {}
        refused: dict[str, str] = {}
        for key in self.shapes.roots:
            shape = self.shapes.shapes[key]
            try:
                if shape.unsupported:
                    raise Unsupported("; ".join(shape.unsupported))
                units[key] = self._compiler().units(key, TargetFocus(shape.targets))
            except Unsupported as e:
                refused[key] = str(e)
        return Plan(units, refused)

    def _check_patterns(self) -> None:
        """A pattern the store's regular expressions do not accept (look-around, back-references) would make
        every check of it fail silently: such shapes go to pyshacl."""
        probe = pyoxigraph.Store()
        for shape in self.shapes.shapes.values():
            for con in shape.constraints:
                if isinstance(con, m.Pattern):
                    q = f"SELECT (REGEX('', {_quote(regex(con.pattern, con.flags))}, {_quote(con.flags)}) AS ?ok) {{}}"
                    if next(iter(probe.query(q)))[0] is None:  # type: ignore[arg-type]
                        shape.unsupported.append(f"sh:pattern {con.pattern!r} is not a pattern the store accepts")

    # --- running ---------------------------------------------------------------------------------------------

    def run(self, source: Source, *, warnings: bool = True) -> Run:
        out = Run()
        for key, units in self.plan.units.items():
            shape = self.shapes.shapes[key]
            if shape.deactivated or not self._active(shape.targets, source, out):
                continue
            for unit in units:
                if not warnings and self.shapes.shapes[unit.shape].severity != SH + "Violation":
                    continue
                for _, r, nested in self._run_unit(unit, source, out):
                    (out.details if nested else out.results).append(r)
        if self.plan.fallback:
            out.fallback = [f"{self.shapes.shapes[k].name}: {why}" for k, why in self.plan.fallback.items()]
            out.results.extend(fallback.run(source.rdflib_graph(), self._fallback_shapes(), allow_warnings=True))
        return out

    def _active(self, targets: m.Targets, source: Source, out: Run) -> bool:
        """Whether the shape has focus nodes: some instance of a target class (or of a subclass), some
        triple of a targetSubjectsOf/targetObjectsOf predicate, or target nodes (those need not be in the
        data). One small query per class or predicate, answered from the indexes."""
        if targets.nodes:
            return True
        asks = [f"?s {TYPE_OF} {c}" for c in targets.classes]
        asks += [f"?s {p} ?o" for p in (*targets.subjects_of, *targets.objects_of)]
        for pattern in asks:
            if pattern not in out.present:
                out.queries += 1
                out.present[pattern] = bool(source.select(f"SELECT ?s WHERE {{ {pattern} }} LIMIT 1"))
            if out.present[pattern]:
                return True
        return False

    def _run_unit(self, unit: Unit, source: Source, out: Run) -> list[tuple[Term, ValidationResult, bool]]:
        """The unit's results, each with its focus node and whether it is nested under an sh:node result
        (those follow the result they belong to)."""
        if unit.probe is not None:
            if unit.probe not in out.probes:
                out.queries += 1
                out.probes[unit.probe] = bool(source.select(unit.probe))
            if not out.probes[unit.probe]:
                return []
        out.queries += 1
        rows = source.select(unit.query)
        if not rows:
            return []
        shape = self.shapes.shapes[unit.shape]
        nested: dict[Term, list[ValidationResult]] = {}
        if unit.detail is not None:
            for focus, r, _ in (x for d in self._detail_units(unit) for x in self._run_unit(d, source, out)):
                nested.setdefault(focus, []).append(r)
        found: list[tuple[Term, ValidationResult, bool]] = []
        for row in rows:
            cells = dict(zip(unit.columns, row, strict=True))
            this = cells["this"]
            assert this is not None
            value = cells.get("value")
            if "value" not in cells and isinstance(unit.constraint, m.VALUE_CONSTRAINTS):
                value = this  # a node shape's value node is its focus node
            rpath = cells.get("rpath")
            found.append((this, self._result(unit, shape, source.original(this), value, rpath, source), False))
            if unit.detail is not None and value is not None:
                found.extend((value, r, True) for r in nested.get(value, ()))
        return found

    def _detail_units(self, unit: Unit) -> list[Unit]:
        if id(unit) not in self._details:
            assert unit.detail is not None
            self._details[id(unit)] = self._compiler().units(unit.detail.shape, unit.detail)
        return self._details[id(unit)]

    def _result(
        self, unit: Unit, shape: m.Shape, this: Term, value: Term | None, rpath: Term | None, source: Source
    ) -> ValidationResult:
        value = None if value is None else source.original(value)
        if rpath is not None:
            path: str | None = curie(rpath.value) if isinstance(rpath, NamedNode) else str(rpath)
        else:
            path = paths.display(shape.path) if shape.path is not None else None
        return ValidationResult(
            focus=str(to_rdflib_term(this)),
            path=path,
            value=None if value is None else show(value),
            severity=severity_name(shape.severity),
            message=self.messages.of(shape, unit.component, this, value, source.describe),
            shape=shape.name,
            component=unit.component,
        )

    def _fallback_shapes(self) -> rdflib.Graph:
        if self._fallback_graph is None:
            keep = {self.shapes.nodes[k] for k in self.plan.fallback}
            class_types = {RDFS.Class, OWL.Class, *self.graph.subjects(RDFS.subClassOf, RDFS.Class)}
            self._fallback_graph = fallback.only(self.graph, keep, class_types)
        return self._fallback_graph


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
