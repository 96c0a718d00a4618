"""SHACL validation: the one module that talks to pyshacl.

``Validator.validate`` takes a data graph (pyoxigraph triples) and returns a ``Report`` of typed results
(focus node, path, value, severity, message in French and English).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import NamedNode, Quad, Triple
from rdflib.namespace import SH

from graph.paths import bundled
from graph.rdf import read_rdflib, to_rdflib

_PREFIXES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/adms#": "adms:",
    "http://www.w3.org/ns/duv#": "duv:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://schema.org/": "schema:",
    "http://www.w3.org/2006/vcard/ns#": "vcard:",
    "http://www.w3.org/ns/oa#": "oa:",
    "https://ressourcerie.fabrique.social.gouv.fr/def/": "rsr:",
}
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def curie(iri: str) -> str:
    for ns, prefix in _PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return prefix + iri[len(ns) :]
    return f"<{iri}>"


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    path: str | None
    value: str | None
    severity: str
    message: dict[str, str]
    shape: str

    def text(self, lang: str = "en") -> str:
        msg = self.message.get(lang) or next(iter(self.message.values()), "")
        where = f"<{self.focus}>" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}{value}: {msg}"


@dataclass
class Report:
    results: list[ValidationResult] = field(default_factory=list)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self, lang: str = "en", limit: int | None = None) -> str:
        shown = sorted(self.results, key=lambda r: (r.severity != "Violation", r.focus, r.path or ""))
        lines = [r.text(lang) for r in shown[:limit]]
        if limit is not None and len(shown) > limit:
            lines.append(f"... and {len(shown) - limit} more")
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }

    def json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)

    def turtle(self) -> str:
        """The report as a SHACL ``sh:ValidationReport`` in Turtle."""
        g = rdflib.Graph()
        g.bind("sh", SH)
        report = rdflib.BNode()
        g.add((report, rdflib.RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, rdflib.RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, rdflib.URIRef(r.focus)))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add(
                (
                    node,
                    SH.sourceShape,
                    rdflib.URIRef(r.shape) if "://" in r.shape else rdflib.Literal(r.shape),
                )
            )
            if r.path:
                g.add((node, SH.resultPath, rdflib.Literal(r.path)))
            if r.value is not None:
                g.add((node, SH.value, rdflib.Literal(r.value)))
            for lang, text in r.message.items():
                g.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang or None)))
        return g.serialize(format="turtle")

    def extend(self, other: Report) -> None:
        self.results.extend(other.results)


@dataclass(frozen=True)
class PropertyLimit:
    """A property a node shape allows once (``sh:maxCount 1``) or once per language (``sh:uniqueLang``)."""

    target: str  # the node shape's sh:targetClass
    path: str  # a predicate IRI (shapes on complex paths are left out)
    once: bool
    per_language: bool


class Validator:
    def __init__(self, shapes: Iterable[Path] | None = None) -> None:
        files = list(shapes) if shapes is not None else sorted(bundled("shapes").glob("*.ttl"))
        self.shapes = rdflib.Graph()
        for f in files:
            self.shapes += read_rdflib(f)

    def validate(
        self, data: Iterable[Triple | Quad], focus: set[NamedNode] | None = None, *, warnings: bool = True
    ) -> Report:
        """Validate ``data``; when ``focus`` is given, only those nodes are validated (the rest of
        ``data`` is context: the types of linked nodes)."""
        graph = to_rdflib(data)
        _conforms, results_graph, _text = pyshacl.validate(
            graph, shacl_graph=self.shapes, inference="none", allow_warnings=True, advanced=False
        )
        report = self._report(results_graph)
        if focus is not None:
            keep = {n.value for n in focus}
            report.results = [r for r in report.results if r.focus.split("#", 1)[0] in keep or r.focus in keep]
        if not warnings:
            report.results = report.violations
        return report

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

    def _report(self, g: rdflib.Graph) -> Report:
        results = []
        for node in g.subjects(rdflib.RDF.type, SH.ValidationResult):
            focus = g.value(node, SH.focusNode)
            path = g.value(node, SH.resultPath)
            value = g.value(node, SH.value)
            severity = g.value(node, SH.resultSeverity)
            shape = g.value(node, SH.sourceShape)
            messages: dict[str, str] = {}
            for m in g.objects(node, SH.resultMessage):
                messages[getattr(m, "language", None) or ""] = str(m)
            if "" in messages and len(messages) > 1:
                del messages[""]
            results.append(
                ValidationResult(
                    focus=str(focus),
                    path=self._path(g, path) if path is not None else None,
                    value=None if value is None else _show(value),
                    severity=SEVERITIES.get(severity, str(severity)) if isinstance(severity, rdflib.URIRef) else "",
                    message=messages,
                    shape=self._shape_name(shape),
                )
            )
        results.sort(key=lambda r: (r.focus, r.path or "", r.severity, r.shape))
        return Report(results)

    def _path(self, g: rdflib.Graph, path: rdflib.term.Node) -> str:
        if isinstance(path, rdflib.URIRef):
            return curie(str(path))
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            items = list(rdflib.collection.Collection(g, alternatives))
            return "|".join(self._path(g, i) for i in items)
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + self._path(g, inverse)
        return str(path)

    def _shape_name(self, shape: rdflib.term.Node | None) -> str:
        if isinstance(shape, rdflib.URIRef):
            return curie(str(shape)) if "#" not in str(shape) else str(shape).rsplit("#", 1)[1]
        # a property shape (blank node): name it after its node shape and path
        if shape is None:
            return ""
        parent = self.shapes.value(None, SH.property, shape)
        path = self.shapes.value(shape, SH.path)
        parent_name = self._shape_name(parent) if parent is not None else "shape"
        return f"{parent_name}/{self._path(self.shapes, path) if path is not None else '?'}"


def _show(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.Literal):
        return str(term) + (f"@{term.language}" if term.language else "")
    return str(term)


DCAT_AP_SHAPES = "shapes/dcat-ap/3.0.0"


def dcat_ap_validator(*, recommended: bool = True, vocabularies: bool = False) -> Validator:
    """A validator with the official DCAT-AP 3.0.0 shapes (``shapes/dcat-ap/``): the mandatory ones and the
    range checks (violations), the recommended properties (warnings) and, when asked, the EU controlled
    vocabularies (meaningful only with those vocabularies in the data)."""
    names = ["shapes.ttl", "range.ttl"]
    if recommended:
        names.append("shapes_recommended.ttl")
    if vocabularies:
        names.append("mdr-vocabularies.shape.ttl")
    folder = bundled(DCAT_AP_SHAPES)
    return Validator([folder / name for name in names])
