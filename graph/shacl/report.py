"""Validation reports as the rest of the code uses them: typed results (focus node, path, value, severity,
message by language, shape name, constraint component) and their text, JSON and SHACL Turtle forms."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import rdflib
from rdflib.namespace import SH

from graph.shacl.terms import _PREFIXES


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    path: str | None
    value: str | None
    severity: str
    message: dict[str, str]
    shape: str
    component: str = ""  # the local name of the sh:sourceConstraintComponent, e.g. "MinCountConstraintComponent"

    def text(self, lang: str = "en") -> str:
        msg = self.message.get(lang) or next(iter(self.message.values()), "")
        where = f"<{self.focus}>" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}{value}: {msg}"

    def key(self) -> tuple[str, str, str, str, str]:
        """How results are ordered in a report."""
        return (self.focus, self.path or "", self.severity, self.shape, self.component)


@dataclass
class Report:
    results: list[ValidationResult] = field(default_factory=list)
    fallback: list[str] = field(default_factory=list)  # shapes validated by pyshacl, each with the reason

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
        out: dict[str, object] = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }
        if self.fallback:
            out["fallback"] = list(self.fallback)
        return out

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
            g.add((node, SH.sourceShape, _shape(r.shape)))
            if r.component:
                g.add((node, SH.sourceConstraintComponent, SH[r.component]))
            if r.path:
                g.add((node, SH.resultPath, _expand(r.path)))
            if r.value is not None:
                g.add((node, SH.value, rdflib.Literal(r.value)))
            for lang, text in r.message.items():
                g.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang or None)))
        return g.serialize(format="turtle")

    def extend(self, other: Report) -> None:
        self.results.extend(other.results)
        self.fallback.extend(f for f in other.fallback if f not in self.fallback)


def _shape(name: str) -> rdflib.term.Node:
    """A named shape's IRI; the others (``NodeShape/path``, CURIEs, fragments) stay names."""
    iri = name[1:-1] if name.startswith("<") and name.endswith(">") and name.count("<") == 1 else name
    return rdflib.URIRef(iri) if "://" in iri and not any(c in iri for c in '<> "{}|\\^`') else rdflib.Literal(name)


def _expand(path: str) -> rdflib.term.Node:
    """A predicate path back to its IRI (``dct:title``, ``<iri>``); a complex path stays as its text."""
    if path.startswith("<") and path.endswith(">") and path.count("<") == 1 and " " not in path:
        return rdflib.URIRef(path[1:-1])
    for ns, prefix in _PREFIXES.items():
        local = path[len(prefix) :]
        if path.startswith(prefix) and local and not any(c in local for c in "|/^*+?()<>"):
            return rdflib.URIRef(ns + local)
    return rdflib.Literal(path)
