"""SHACL validation: the one entry point the rest of the code uses.

``Validator.validate`` takes a data graph (pyoxigraph triples) and returns a ``Report`` of typed results
(focus node, path, value, severity, message in French and English). ``Validator.validate_store`` checks a
whole store (the union of its graphs). The shapes are compiled to SPARQL that pyoxigraph runs
(``graph.shacl``); ``engine="pyshacl"`` runs pyshacl instead, the reference the compiled engine is tested
against. Shapes the compiler refuses are validated by pyshacl and listed in ``Report.fallback``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import rdflib
from pyoxigraph import NamedNode, Quad, Triple
from rdflib.namespace import SH

from graph.paths import bundled
from graph.rdf import read_rdflib, to_rdflib
from graph.shacl import fallback
from graph.shacl.engine import Engine
from graph.shacl.report import Report, ValidationResult
from graph.shacl.sources import DataSource, OxigraphSource, Source, StoreSource
from graph.shacl.terms import Term, curie
from graph.store.base import Store

__all__ = ["PropertyLimit", "Report", "ValidationResult", "Validator", "curie", "dcat_ap_validator"]

ENGINES = ("sparql", "pyshacl")


@dataclass(frozen=True)
class PropertyLimit:
    """A property a node shape allows once (``sh:maxCount 1``) or once per language (``sh:uniqueLang``)."""

    target: str  # the node shape's sh:targetClass
    path: str  # a predicate IRI (shapes on complex paths are left out)
    once: bool
    per_language: bool


class Validator:
    def __init__(self, shapes: Iterable[Path] | None = None, *, engine: str = "sparql") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
        files = list(shapes) if shapes is not None else sorted(bundled("shapes").glob("*.ttl"))
        self.shapes = rdflib.Graph()
        for f in files:
            self.shapes += read_rdflib(f)
        self.engine = engine
        self._compiled: Engine | None = None

    @property
    def compiled(self) -> Engine:
        """The shapes compiled to SPARQL (once, on first use)."""
        if self._compiled is None:
            self._compiled = Engine(self.shapes)
        return self._compiled

    def validate(
        self, data: Iterable[Triple | Quad], focus: set[NamedNode] | None = None, *, warnings: bool = True
    ) -> Report:
        """Validate ``data``; when ``focus`` is given, only those nodes are validated (the rest of
        ``data`` is context: the types of linked nodes)."""
        keep = {n.value for n in focus} if focus is not None else None
        if self.engine == "pyshacl":
            report = Report(fallback.run(to_rdflib(data), self.shapes))
        else:
            report = self._run(DataSource(data), warnings, _kept(keep) if keep is not None else None)
        if keep is not None:
            report.results = [r for r in report.results if r.focus.split("#", 1)[0] in keep or r.focus in keep]
        if not warnings:
            report.results = report.violations
        return _sorted(report)

    def validate_store(self, store: Store | pyoxigraph.Store, *, warnings: bool = True) -> Report:
        """Validate a whole store: the union of its graphs, where the data is (no copy).

        The compiled queries are checked against pyoxigraph's SPARQL only: a remote store (another server)
        is validated by pyshacl over its quads, and the report says so."""
        compiled_for = isinstance(store, pyoxigraph.Store) or store.engine == "pyoxigraph"
        if self.engine == "pyshacl" or not compiled_for:
            quads = store.quads_for_pattern(None, None, None) if isinstance(store, pyoxigraph.Store) else store.quads()
            report = Report(fallback.run(to_rdflib(quads), self.shapes))
            if self.engine != "pyshacl":
                report.fallback = ["every shape: the store is not pyoxigraph, whose SPARQL the shapes are compiled for"]
        else:
            source = OxigraphSource(store) if isinstance(store, pyoxigraph.Store) else StoreSource(store)
            report = self._run(source, warnings)
        if not warnings:
            report.results = report.violations
        return _sorted(report)

    def _run(self, source: Source, warnings: bool, focus: Callable[[Term], bool] | None = None) -> Report:
        run = self.compiled.run(source, warnings=warnings, focus=focus)
        return Report(run.results + run.details, run.fallback)

    def property_limits(self) -> list[PropertyLimit]:
        """The single-valued properties the shapes declare, by target class: one pass over the shapes."""
        limits = []
        for shape, target in self.shapes.subject_objects(SH.targetClass):
            for prop in self.shapes.objects(shape, SH.property):
                path = self.shapes.value(prop, SH.path)
                if not isinstance(path, rdflib.URIRef):
                    continue
                once = any(m.toPython() == 1 for m in self.shapes.objects(prop, SH.maxCount))  # type: ignore[attr-defined]
                per_language = any(u.toPython() is True for u in self.shapes.objects(prop, SH.uniqueLang))  # type: ignore[attr-defined]
                if once or per_language:
                    limits.append(PropertyLimit(str(target), str(path), once, per_language))
        return limits


def _kept(keep: set[str]) -> Callable[[Term], bool]:
    """The nodes whose results ``validate`` keeps for a focus: those nodes and their ``#`` nodes."""

    def kept(node: Term) -> bool:
        return isinstance(node, NamedNode) and (node.value in keep or node.value.split("#", 1)[0] in keep)

    return kept


def _sorted(report: Report) -> Report:
    report.results.sort(key=lambda r: (r.focus, r.path or "", r.severity, r.shape))
    return report


DCAT_AP_SHAPES = "shapes/dcat-ap/3.0.0"


def dcat_ap_validator(*, recommended: bool = True, vocabularies: bool = False, engine: str = "sparql") -> Validator:
    """A validator with the official DCAT-AP 3.0.0 shapes (``shapes/dcat-ap/``): the mandatory ones and the
    range checks (violations), the recommended properties (warnings) and, when asked, the EU controlled
    vocabularies (meaningful only with those vocabularies in the data)."""
    names = ["shapes.ttl", "range.ttl"]
    if recommended:
        names.append("shapes_recommended.ttl")
    if vocabularies:
        names.append("mdr-vocabularies.shape.ttl")
    folder = bundled(DCAT_AP_SHAPES)
    return Validator([folder / name for name in names], engine=engine)
