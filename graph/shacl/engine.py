"""The compiled SHACL engine: runs the shapes' SPARQL on a store and builds the report.

Each shape with targets is compiled once into its units (``compile.py``). A run first asks the store which
classes have instances, skips the shapes whose targets are absent, then runs each unit's SELECT and turns its
rows into results; an ``sh:node`` result also gets the results of its value against the node shape, as pyshacl
nests them. A shape the compiler refuses is validated by pyshacl on the same data (``fallback.py``): it is
logged once, and named in every report's ``fallback`` list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pyoxigraph
import rdflib
from pyoxigraph import NamedNode
from rdflib.namespace import OWL, RDFS

from graph.rdf import to_rdflib_term
from graph.shacl import fallback, lexical, paths
from graph.shacl import model as m
from graph.shacl.compile import TYPE_OF, Compiler, TargetFocus, Unit, regex
from graph.shacl.messages import Messages
from graph.shacl.parse import Shapes, Unsupported, read
from graph.shacl.report import ValidationResult
from graph.shacl.sources import Source
from graph.shacl.terms import SH, Term, curie, severity_name, show

log = logging.getLogger(__name__)


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
    exceptions: dict[str, list[Term]] = field(default_factory=dict)  # literals rdflib reads otherwise


class Engine:
    def __init__(self, shapes_graph: rdflib.Graph, *, allow_warnings: bool = True, scan_first: bool = True) -> None:
        self.graph = shapes_graph
        self.allow_warnings = allow_warnings
        self.scan_first = scan_first
        self.shapes: Shapes = read(shapes_graph)
        self._check_patterns()
        self.messages = Messages(self.shapes)
        self.plan = self._plan()
        self.lexical = lexical.sources(self.shapes).query()
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
        if self.lexical is not None:
            out.queries += 1
            out.exceptions = lexical.exceptions(source.select(self.lexical), source.original)
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
            probe = lexical.fill(unit.probe, out.exceptions)
            if probe not in out.probes:
                out.queries += 1
                out.probes[probe] = bool(source.select(probe))
            if not out.probes[probe]:
                return []
        out.queries += 1
        rows = source.select(lexical.fill(unit.query, out.exceptions))
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
