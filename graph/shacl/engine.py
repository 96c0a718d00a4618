"""The compiled SHACL engine: runs the shapes' SPARQL on a store and builds the report.

Each shape with targets is compiled once into its units (``compile.py``). A run first asks the store which
classes have instances, skips the shapes whose targets are absent, then runs each unit's SELECT and turns its
rows into results; an ``sh:node`` result also gets the results of its value against the node shape, as pyshacl
nests them. A shape the compiler refuses is validated by pyshacl on the same data (``fallback.py``): it is
logged once, and named in every report's ``fallback`` list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph
import rdflib
from pyoxigraph import NamedNode
from rdflib.namespace import OWL, RDFS

from graph.rdf import to_rdflib_term
from graph.shacl import batch, fallback, lexical, paths
from graph.shacl import model as m
from graph.shacl.compile import Compiler, Unit
from graph.shacl.conform import TYPE_OF, regex
from graph.shacl.focus import TargetFocus
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
    # the shapes whose results all have one of their targets as focus node (no sh:node results, whose nested
    # results are on values, and no property shapes under property shapes, whose results are on values)
    on_targets: set[str] = field(default_factory=set)


@dataclass
class Run:
    results: list[ValidationResult] = field(default_factory=list)
    details: list[ValidationResult] = field(default_factory=list)  # nested under sh:node results (sh:detail)
    fallback: list[str] = field(default_factory=list)
    queries: int = 0
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
        self.lexical = lexical.sources(self.shapes).check()
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
        on_targets = {
            k for k, us in units.items() if all(u.detail is None and isinstance(u.focus, TargetFocus) for u in us)
        }
        return Plan(units, refused, on_targets)

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

    def run(self, source: Source, *, warnings: bool = True, focus: Callable[[Term], bool] | None = None) -> Run:
        """Validate the data of ``source``. With ``focus``, results on other focus nodes may be left out (the
        caller keeps only those on ``focus`` nodes): shapes whose targets are all elsewhere are not run."""
        out = Run()
        known = source.predicates()
        if self.lexical is not None and (known is None or self.lexical.needed(known)):
            out.queries += 1
            out.exceptions = lexical.exceptions(source.select(self.lexical.text), source.original)
        units = [
            u
            for key in self._active(source, out, focus)
            for u in self.plan.units[key]
            if (warnings or self.shapes.shapes[u.shape].severity == SH + "Violation")
            and (known is None or u.needs is None or not u.needs.isdisjoint(known))
        ]
        probes = list(dict.fromkeys(lexical.fill(u.probe, out.exceptions) for u in units if u.probe is not None))
        out.queries += (len(probes) + batch.CHUNK - 1) // batch.CHUNK
        found = {probes[i] for i in batch.exists(source, probes)}
        todo = [u for u in units if u.probe is None or lexical.fill(u.probe, out.exceptions) in found]
        out.queries += (len(todo) + batch.CHUNK - 1) // batch.CHUNK
        rows = batch.select(source, [(lexical.fill(u.query, out.exceptions), _named(u)) for u in todo])
        for i, unit in enumerate(todo):
            for _, r, nested in self._results(unit, rows.get(i, []), source, out):
                (out.details if nested else out.results).append(r)
        if self.plan.fallback:
            out.fallback = [f"{self.shapes.shapes[k].name}: {why}" for k, why in self.plan.fallback.items()]
            shapes = self._fallback_shapes()
            out.results.extend(fallback.run(source.rdflib_graph(), shapes, allow_warnings=self.allow_warnings))
        return out

    def _active(self, source: Source, out: Run, focus: Callable[[Term], bool] | None) -> list[str]:
        """The compiled shapes that have focus nodes: some instance of a target class (or of a subclass), some
        triple of a targetSubjectsOf/targetObjectsOf predicate, or target nodes (those need not be in the
        data). Each class or predicate is looked up once, from the indexes. With ``focus``, a shape whose
        results can only be on its targets needs a target among the ``focus`` nodes."""
        wanted: dict[str, list[str]] = {}
        always = []
        for key in self.plan.units:
            shape = self.shapes.shapes[key]
            if shape.deactivated:
                continue
            if focus is not None and key in self.plan.on_targets:
                found = source.has_target(shape.targets, focus)
                if found is not None:
                    if found:
                        always.append(key)
                    continue
            if shape.targets.nodes:
                always.append(key)
                continue
            patterns = [f"?s {TYPE_OF} {c}" for c in shape.targets.classes]
            patterns += [f"?s {p} ?o" for p in (*shape.targets.subjects_of, *shape.targets.objects_of)]
            wanted[key] = patterns
        asked = list(dict.fromkeys(p for ps in wanted.values() for p in ps))
        out.queries += (len(asked) + batch.CHUNK - 1) // batch.CHUNK
        present = {asked[i] for i in batch.exists(source, asked)}
        return [k for k in self.plan.units if k in always or any(p in present for p in wanted.get(k, ()))]

    def _run_unit(self, unit: Unit, source: Source, out: Run) -> list[tuple[Term, ValidationResult, bool]]:
        """A unit run on its own (the nested units of sh:node results)."""
        out.queries += 1
        rows = batch.select(source, [(lexical.fill(unit.query, out.exceptions), _named(unit))])
        return self._results(unit, rows.get(0, []), source, out)

    def _results(
        self, unit: Unit, rows: list[dict[str, Term | None]], source: Source, out: Run
    ) -> list[tuple[Term, ValidationResult, bool]]:
        """The unit's results, each with its focus node and whether it is nested under an sh:node result
        (those follow the result they belong to)."""
        if not rows:
            return []
        shape = self.shapes.shapes[unit.shape]
        nested: dict[Term, list[ValidationResult]] = {}
        if unit.detail is not None:
            for focus, r, _ in (x for d in self._detail_units(unit) for x in self._run_unit(d, source, out)):
                nested.setdefault(focus, []).append(r)
        found: list[tuple[Term, ValidationResult, bool]] = []
        for cells in rows:
            this = cells["this"]
            assert this is not None
            value = cells.get("value")
            if "value" not in unit.columns and isinstance(unit.constraint, m.VALUE_CONSTRAINTS):
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


def _named(unit: Unit) -> list[str]:
    """The unit's result columns (without the enclosing focus nodes' variables)."""
    return [c for c in unit.columns if c]


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
