"""Result messages: the shape's sh:message, or else a default one worded as pyshacl words it.

The default messages name shapes-graph nodes and data nodes the way pyshacl prints them
(``pyshacl.rdfutil.stringify_node``: CURIEs from rdflib's default prefixes, literals as ``Literal(...)``,
blank nodes by their description), so a report reads the same whichever engine produced it.
"""

from __future__ import annotations

from collections.abc import Callable

import rdflib
from pyoxigraph import BlankNode
from rdflib.namespace import SH

from graph.rdf import to_rdflib_term
from graph.shacl import model as m
from graph.shacl.parse import Shapes
from graph.shacl.terms import Term

Describe = Callable[[BlankNode], list[tuple[Term, Term]]]


def stringify_node(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """pyshacl's own, imported when a message first needs it (importing pyshacl takes about 8 MB)."""
    from pyshacl.rdfutil import stringify_node as pyshacl_stringify

    return pyshacl_stringify(graph, node)


_RANGE_OPS = {
    "MinExclusiveConstraintComponent": (SH.minExclusive, ">"),
    "MinInclusiveConstraintComponent": (SH.minInclusive, ">="),
    "MaxExclusiveConstraintComponent": (SH.maxExclusive, "<"),
    "MaxInclusiveConstraintComponent": (SH.maxInclusive, "<="),
}
_PAIRS = {
    "EqualsConstraintComponent": (SH.equals, "!="),
    "DisjointConstraintComponent": (SH.disjoint, "=="),
    "LessThanConstraintComponent": (SH.lessThan, "<="),
    "LessThanOrEqualsConstraintComponent": (SH.lessThanOrEquals, "<"),
}
_LOGICAL = {
    "AndConstraintComponent": (SH["and"], "all shapes in"),
    "OrConstraintComponent": (SH["or"], "one or more shapes in"),
    "XoneConstraintComponent": (SH.xone, "exactly one shape in"),
}


class Messages:
    def __init__(self, shapes: Shapes) -> None:
        self.sg = shapes.graph
        self.nodes = shapes.nodes
        self._data = rdflib.Graph()  # pyshacl's data graph is a fresh rdflib Graph: its default prefixes

    def of(self, shape: m.Shape, component: str, focus: Term, value: Term | None, describe: Describe) -> dict[str, str]:
        if shape.messages:
            return dict(shape.messages)
        return {"": self.default(shape, component, focus, value, describe)}

    def default(self, shape: m.Shape, component: str, focus: Term, value: Term | None, describe: Describe) -> str:
        node = self.nodes[shape.key]
        sg = self.sg

        def s(n: rdflib.term.Node) -> str:
            return stringify_node(sg, n)

        def d(t: Term | None) -> str:
            return self._stringify(t, describe)

        def objs(p: rdflib.URIRef) -> list[rdflib.term.Node]:
            return list(sg.objects(node, p))

        path = sg.value(node, SH.path)
        if component == "ClassConstraintComponent":
            rules = objs(SH["class"])
            if len(rules) < 2:
                return f"Value does not have class {s(rules[0])}"
            return "Value class is not in classes ({})".format(", ".join(s(c) for c in rules))
        if component == "DatatypeConstraintComponent":
            return f"Value is not Literal with datatype {s(objs(SH.datatype)[0])}"
        if component == "NodeKindConstraintComponent":
            return f"Value is not of Node Kind {s(objs(SH.nodeKind)[0])}"
        if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
            minimum = component.startswith("Min")
            n = objs(SH.minCount if minimum else SH.maxCount)[0].value  # type: ignore[attr-defined]
            return f"{'Less' if minimum else 'More'} than {n} values on {d(focus)}->{s(path)}"  # type: ignore[arg-type]
        if component in _RANGE_OPS:
            p, op = _RANGE_OPS[component]
            vals = objs(p)
            if len(vals) < 2:
                return f"Value is not {op} {s(vals[0])}"
            return f"Value is not {op} in ({', '.join(s(c) for c in vals)})"
        if component in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
            minimum = component.startswith("Min")
            rule = objs(SH.minLength if minimum else SH.maxLength)[0]
            return f"String length not {'>=' if minimum else '<='} {stringify_node(self._data, rule)}"
        if component == "PatternConstraintComponent":
            rules = objs(SH.pattern)
            if len(rules) < 2:
                return f"Value does not match pattern '{rules[0].value}'"  # type: ignore[attr-defined]
            return "Value does not match every pattern in ('{}')".format("', '".join(str(r.value) for r in rules))  # type: ignore[attr-defined]
        if component == "LanguageInConstraintComponent":
            return f"String language is not in {s(objs(SH.languageIn)[0])}"
        if component == "UniqueLangConstraintComponent":
            return "More than one String shares the same Language"
        if component in _PAIRS:
            p, op = _PAIRS[component]
            return f"Value of {d(focus)}->{', '.join(s(o) for o in objs(p))} {op} {d(value)}"
        if component == "NotConstraintComponent":
            nots = objs(SH["not"])
            if len(nots) == 1:
                return f"Node {d(value)} must not conform to shape {s(nots[0])}"
            return f"Node {d(value)} must not conform to any shapes in {' , '.join(s(n) for n in nots)}"
        if component in _LOGICAL:
            p, words = _LOGICAL[component]
            lists = objs(p)
            if len(lists) < 2:
                listed = " , ".join(s(i) for i in sg.items(lists[0]))
            else:
                listed = " and ".join("({})".format(" , ".join(s(i) for i in sg.items(lst))) for lst in lists)
            return f"Node {d(value)} must conform to {words} {listed}"
        if component == "NodeConstraintComponent":
            shapes = objs(SH.node)
            if len(shapes) < 2:
                text = f"Value does not conform to Shape {s(shapes[0])}."
            else:
                text = "Value must conform to every Shape in ('{}').".format("', '".join(s(c) for c in shapes))
            return text + " See details for more information."
        if component.startswith("Qualified"):
            shapes = list(dict.fromkeys(objs(SH.qualifiedValueShape)))
            counts = ""
            for p, word in ((SH.qualifiedMinCount, "MinCount"), (SH.qualifiedMaxCount, "MaxCount")):
                values = objs(p)
                if values:
                    counts += f" {word} {values[0].value}"  # type: ignore[attr-defined]
            listed = ",".join(s(x) for x in shapes)
            if len(shapes) > 1:
                return f"Focus node does not conform to shapes{counts}: ({listed})"
            return f"Focus node does not conform to shape{counts}: {listed}"
        if component == "ClosedConstraintComponent":
            return f"Node {d(focus)} is closed. It cannot have value: {d(value)}"
        if component == "HasValueConstraintComponent":
            the_set = [s(x) for x in dict.fromkeys(objs(SH.hasValue))]
            if path is not None:
                return f"Node {d(focus)}->{s(path)} does not contain a value in the set: {the_set}"
            return f"Node {d(focus)} value is not a in the set of values: {the_set}"
        if component == "InConstraintComponent":
            members = [s(v) for v in dict.fromkeys(sg.items(objs(SH["in"])[0]))]
            return f"Value {d(value)} not in list {members}"
        return ""

    def _stringify(self, term: Term | None, describe: Describe) -> str:
        if term is None:
            return "None"
        node = to_rdflib_term(term)
        if not isinstance(term, BlankNode):
            return stringify_node(self._data, node)
        g = rdflib.Graph()
        todo: list[BlankNode] = [term]
        seen: set[BlankNode] = set()
        while todo and len(seen) < 1000:
            b = todo.pop()
            if b in seen:
                continue
            seen.add(b)
            for p, o in describe(b):
                g.add((to_rdflib_term(b), to_rdflib_term(p), to_rdflib_term(o)))
                if isinstance(o, BlankNode):
                    todo.append(o)
        return stringify_node(g, node)
