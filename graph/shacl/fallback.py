"""pyshacl, the reference engine: validates the shapes the compiler refuses, and reads pyshacl's results graph
into report results (``graph.validation`` can also run it for every shape)."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

from graph.shacl import names
from graph.shacl.report import ValidationResult
from graph.shacl.terms import SH as SH_NS
from graph.shacl.terms import show

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def run(data: rdflib.Graph, shapes: rdflib.Graph, *, allow_warnings: bool = True) -> list[ValidationResult]:
    """Validate ``data`` with pyshacl (SHACL Core and SHACL-SPARQL, no inference, no advanced features)."""
    return check(data, shapes, allow_warnings=allow_warnings)[1]


def check(
    data: rdflib.Graph, shapes: rdflib.Graph, *, allow_warnings: bool = True
) -> tuple[bool, list[ValidationResult]]:
    """pyshacl's verdict (conforms) and its results."""
    import pyshacl  # on first use: the service starts without it (about 8 MB) when no shape falls back

    conforms, results_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=allow_warnings, advanced=False
    )
    return bool(conforms), results(results_graph, shapes)


def results(g: rdflib.Graph, shapes: rdflib.Graph) -> list[ValidationResult]:
    """The validation results of a pyshacl results graph (those nested under sh:detail included)."""
    out = []
    for node in g.subjects(RDF.type, SH.ValidationResult):
        focus = g.value(node, SH.focusNode)
        path = g.value(node, SH.resultPath)
        value = g.value(node, SH.value)
        severity = g.value(node, SH.resultSeverity)
        shape = g.value(node, SH.sourceShape)
        component = g.value(node, SH.sourceConstraintComponent)
        messages: dict[str, str] = {}
        for m in g.objects(node, SH.resultMessage):
            messages[getattr(m, "language", None) or ""] = str(m)
        if "" in messages and len(messages) > 1:
            del messages[""]
        comp = str(component) if component is not None else ""
        out.append(
            ValidationResult(
                focus=str(focus),
                path=names.path_name(g, path) if path is not None else None,
                value=None if value is None else show(value),
                severity={SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}.get(
                    severity,  # type: ignore[call-overload]
                    str(severity),
                ),
                message=messages,
                shape=names.shape_name(shapes, shape),
                component=comp[len(SH_NS) :] if comp.startswith(SH_NS) else comp,
            )
        )
    return out


def only(shapes: rdflib.Graph, keep: set[rdflib.term.Node], class_types: set[rdflib.term.Node]) -> rdflib.Graph:
    """A copy of the shapes graph in which only the shapes ``keep`` have targets: pyshacl run on it validates
    those shapes and no other (the rest stay, for the shapes they reference)."""
    g = rdflib.Graph()
    for t in shapes:
        s, p, o = t
        if s not in keep and (p in TARGETS or (p == RDF.type and o in class_types)):
            continue
        g.add(t)
    return g
