"""Read a shapes graph (rdflib) into the model: which nodes are shapes, their targets and constraints.

Shapes are found as SHACL (and pyshacl) define them: instances of sh:NodeShape or sh:PropertyShape, subjects
of targets, sh:property or sh:node, and values of the shape-expecting parameters. A construct the compiler
does not handle (SPARQL-based constraints, custom constraint components, blank nodes where a query needs a
constant, malformed parameters) is recorded on the shape as ``unsupported``: the engine then hands that
shape to pyshacl rather than skipping it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from graph.rdf import from_rdflib_term
from graph.shacl import model as m
from graph.shacl import paths
from graph.shacl.names import key, shape_name
from graph.shacl.terms import Term

NODE_KINDS = {
    SH.IRI: "IRI",
    SH.BlankNode: "BlankNode",
    SH.Literal: "Literal",
    SH.BlankNodeOrIRI: "BlankNodeOrIRI",
    SH.BlankNodeOrLiteral: "BlankNodeOrLiteral",
    SH.IRIOrLiteral: "IRIOrLiteral",
}
RANGES = {
    SH.minExclusive: (">", "MinExclusive"),
    SH.minInclusive: (">=", "MinInclusive"),
    SH.maxExclusive: ("<", "MaxExclusive"),
    SH.maxInclusive: ("<=", "MaxInclusive"),
}
PAIRS = {SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals"}
LOGICAL = {SH["and"]: "And", SH["or"]: "Or", SH.xone: "Xone"}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# parameters of SHACL Core and SHACL-SPARQL; a shape using any other is read as having no such constraint
KNOWN = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    *RANGES,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    *PAIRS,
    SH["not"],
    *LOGICAL,
    SH.node,
    SH.property,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.closed,
    SH.ignoredProperties,
    SH.hasValue,
    SH["in"],
}


class Unsupported(Exception):
    """A construct this compiler does not translate; the shape goes to pyshacl."""


@dataclass
class Shapes:
    """Every shape of a shapes graph by key, and the keys of those with targets (validated on their own)."""

    graph: rdflib.Graph
    shapes: dict[str, m.Shape]
    nodes: dict[str, rdflib.term.Node]  # key -> the shape's node in the shapes graph
    roots: list[str]


def read(g: rdflib.Graph) -> Shapes:
    found = _shape_nodes(g)
    custom = _custom_parameters(g)
    shapes: dict[str, m.Shape] = {}
    nodes: dict[str, rdflib.term.Node] = {}
    for node in sorted(found, key=key):
        shape = _shape(g, node, found, custom)
        shapes[shape.key] = shape
        nodes[shape.key] = node
    roots = [k for k, s in shapes.items() if s.targets]
    return Shapes(g, shapes, nodes, roots)


def _shape_nodes(g: rdflib.Graph) -> set[rdflib.term.Node]:
    found: set[rdflib.term.Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (*TARGETS, SH.property, SH.node):
        found.update(g.subjects(p, None))
    for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found.update(g.objects(None, p))
    for p in LOGICAL:
        for lst in g.objects(None, p):
            found.update(_items(g, lst))
    return {n for n in found if isinstance(n, rdflib.URIRef | rdflib.BNode)}


def _custom_parameters(g: rdflib.Graph) -> list[set[rdflib.term.Node]]:
    """The mandatory parameter predicates of each custom constraint component declared in the shapes graph."""
    out = []
    for comp in g.subjects(RDF.type, SH.ConstraintComponent):
        mandatory: set[rdflib.term.Node] = set()
        for param in g.objects(comp, SH.parameter):
            optional = g.value(param, SH.optional)
            if not (isinstance(optional, rdflib.Literal) and optional.toPython() is True):
                mandatory.update(g.objects(param, SH.path))
        if mandatory:
            out.append(mandatory)
    return out


def _sorted(nodes: Iterable[rdflib.term.Node]) -> list[rdflib.term.Node]:
    """Distinct nodes in rdflib's order: its terms compare at run time (Identifier.__lt__), its stubs do not say."""
    return sorted(set(nodes))  # type: ignore[type-var]


def _items(g: rdflib.Graph, lst: rdflib.term.Node) -> list[rdflib.term.Node]:
    try:
        return list(Collection(g, lst))
    except Exception:
        return []


def _one(g: rdflib.Graph, node: rdflib.term.Node, p: rdflib.URIRef) -> rdflib.term.Node | None:
    values = list(g.objects(node, p))
    if len(values) > 1:
        raise Unsupported(f"more than one {p.n3(g.namespace_manager)}")
    return values[0] if values else None


def _integer(value: rdflib.term.Node, what: str) -> int:
    if not (isinstance(value, rdflib.Literal) and value.datatype == XSD.integer) or not isinstance(
        value.toPython(), int
    ):
        raise Unsupported(f"{what} is not an xsd:integer literal")
    if value.toPython() < 0:
        raise Unsupported(f"{what} is negative")
    return int(value.toPython())


def _term(value: rdflib.term.Node, what: str) -> Term:
    if isinstance(value, rdflib.BNode):
        raise Unsupported(f"{what} is a blank node (a query cannot name it)")
    return from_rdflib_term(value)


def _iri(value: rdflib.term.Node, what: str) -> rdflib.URIRef:
    if not isinstance(value, rdflib.URIRef):
        raise Unsupported(f"{what} is not an IRI")
    return value


def _targets(g: rdflib.Graph, node: rdflib.term.Node) -> m.Targets:
    classes = [_iri(c, "sh:targetClass") for c in g.objects(node, SH.targetClass)]
    # pyshacl adds owl:Class rdfs:subClassOf rdfs:Class to every shapes graph
    class_types = {RDFS.Class, OWL.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
    if any(t in class_types for t in g.objects(node, RDF.type)):
        classes.append(_iri(node, "an implicit class target"))
    return m.Targets(
        classes=tuple(from_rdflib_term(c) for c in _sorted(classes)),  # type: ignore[misc]
        nodes=tuple(_term(n, "sh:targetNode") for n in _sorted(g.objects(node, SH.targetNode))),
        subjects_of=tuple(
            from_rdflib_term(_iri(p, "sh:targetSubjectsOf"))  # type: ignore[misc]
            for p in _sorted(g.objects(node, SH.targetSubjectsOf))
        ),
        objects_of=tuple(
            from_rdflib_term(_iri(p, "sh:targetObjectsOf"))  # type: ignore[misc]
            for p in _sorted(g.objects(node, SH.targetObjectsOf))
        ),
    )


def _messages(g: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    messages: dict[str, str] = {}
    for msg in g.objects(node, SH.message):
        messages[getattr(msg, "language", None) or ""] = str(msg)
    if "" in messages and len(messages) > 1:
        del messages[""]
    return messages


def _shape(g: rdflib.Graph, node: rdflib.term.Node, found: set[rdflib.term.Node], custom: list) -> m.Shape:
    path_node = _one_or_none(g, node, SH.path)
    severity = next(iter(set(g.objects(node, SH.severity))), SH.Violation)
    deactivated = _one_or_none(g, node, SH.deactivated)
    shape = m.Shape(
        key=key(node),
        name=shape_name(g, node),
        path=None,
        severity=str(severity),
        messages=_messages(g, node),
        deactivated=isinstance(deactivated, rdflib.Literal) and bool(deactivated.toPython()),
        targets=m.Targets(),
    )
    try:
        if len(set(g.objects(node, SH.deactivated))) > 1:
            raise Unsupported("more than one sh:deactivated")
        if deactivated is not None and not isinstance(deactivated, rdflib.Literal):
            raise Unsupported("sh:deactivated is not a literal")
        if path_node is not None:
            if (node, RDF.type, SH.NodeShape) in g:
                raise Unsupported("a sh:NodeShape with a sh:path")
            if len(set(g.objects(node, SH.path))) > 1:
                raise Unsupported("more than one sh:path")
            shape.path = paths.read(g, path_node)
        elif (node, RDF.type, SH.PropertyShape) in g:
            raise Unsupported("a sh:PropertyShape without a sh:path")
        shape.targets = _targets(g, node)
        shape.constraints = list(_constraints(g, node, shape, found))
        predicates = set(g.predicates(node, None))
        if SH.sparql in predicates:
            raise Unsupported("SPARQL-based constraint (sh:sparql)")
        for mandatory in custom:
            if mandatory <= predicates:
                raise Unsupported("custom constraint component")
    except (Unsupported, paths.PathError) as e:
        shape.unsupported.append(str(e))
    return shape


def _one_or_none(g: rdflib.Graph, node: rdflib.term.Node, p: rdflib.URIRef) -> rdflib.term.Node | None:
    return next(iter(g.objects(node, p)), None)


def _shape_ref(value: rdflib.term.Node, found: set[rdflib.term.Node]) -> str:
    if not isinstance(value, rdflib.URIRef | rdflib.BNode):
        raise Unsupported(f"a shape reference is not a node: {value!r}")
    return key(value)


def _constraints(
    g: rdflib.Graph, node: rdflib.term.Node, shape: m.Shape, found: set[rdflib.term.Node]
) -> Iterator[m.Constraint]:
    """The constraints of a shape, one component after the other in a fixed order."""
    prop = shape.is_property

    for c in _sorted(g.objects(node, SH["class"])):
        yield m.ClassIn(from_rdflib_term(_iri(c, "sh:class")))  # type: ignore[arg-type]
    dt = _one(g, node, SH.datatype)
    if dt is not None:
        yield m.Datatype(from_rdflib_term(_iri(dt, "sh:datatype")))  # type: ignore[arg-type]
    kind = _one(g, node, SH.nodeKind)
    if kind is not None:
        if kind not in NODE_KINDS:
            raise Unsupported(f"unknown sh:nodeKind {kind}")
        yield m.NodeKind(NODE_KINDS[kind])  # type: ignore[index]
    for p, cls in ((SH.minCount, m.MinCount), (SH.maxCount, m.MaxCount)):
        value = _one(g, node, p)
        if value is not None:
            if not prop:
                raise Unsupported(f"{cls.__name__} on a node shape")
            n = _integer(value, str(p))
            if not (cls is m.MinCount and n == 0):
                yield cls(n)
    for p, (op, comp) in RANGES.items():
        for bound in _sorted(g.objects(node, p)):
            if not isinstance(bound, rdflib.Literal):
                raise Unsupported(f"{comp} bound is not a literal")
            yield m.Range(op, from_rdflib_term(bound), comp)  # type: ignore[arg-type]
    for p, minimum in ((SH.minLength, True), (SH.maxLength, False)):
        value = _one(g, node, p)
        if value is not None:
            n = _integer(value, str(p))
            if not (minimum and n == 0):
                yield m.Length(n, minimum)
    flags_node = _one_or_none(g, node, SH.flags)
    flags = "".join(f for f in "im" if f in str(flags_node).lower()) if flags_node is not None else ""
    for pattern in _sorted(g.objects(node, SH.pattern)):
        if not isinstance(pattern, rdflib.Literal):
            raise Unsupported("sh:pattern is not a literal")
        yield m.Pattern(str(pattern), flags)
    langs = _one(g, node, SH.languageIn)
    if langs is not None:
        items = _items(g, langs)
        if not all(isinstance(i, rdflib.Literal) and isinstance(i.toPython(), str) for i in items):
            raise Unsupported("sh:languageIn is not a list of strings")
        yield m.LanguageIn(tuple(sorted({str(i).lower() for i in items})))
    unique = _one(g, node, SH.uniqueLang)
    if unique is not None:
        if not prop:
            raise Unsupported("sh:uniqueLang on a node shape")
        if not (isinstance(unique, rdflib.Literal) and isinstance(unique.toPython(), bool)):
            raise Unsupported("sh:uniqueLang is not a boolean")
        if unique.toPython():
            yield m.UniqueLang()
    for p, pair in PAIRS.items():
        for other in _sorted(g.objects(node, p)):
            if pair.startswith("LessThan") and not prop:
                raise Unsupported(f"sh:{pair[0].lower()}{pair[1:]} on a node shape")
            yield m.PropertyPair(pair, from_rdflib_term(_iri(other, f"sh:{pair}")))  # type: ignore[arg-type]
    for s in _sorted(g.objects(node, SH["not"])):
        yield m.Not(_shape_ref(s, found))
    for p, logic in LOGICAL.items():
        for lst in _sorted(g.objects(node, p)):
            members = _items(g, lst)
            if not members:
                raise Unsupported(f"sh:{logic.lower()} is not a non-empty list")
            refs = [_shape_ref(s, found) for s in members]
            yield m.Logical(logic, tuple(refs if logic == "Xone" else sorted(set(refs))))
    for s in _sorted(g.objects(node, SH.node)):
        yield m.Node(_shape_ref(s, found))
    for s in _sorted(g.objects(node, SH.property)):
        if g.value(s, SH.path) is None:
            raise Unsupported("sh:property points to a shape without sh:path")
        yield m.Property(_shape_ref(s, found))
    if prop:
        yield from _qualified(g, node)
    closed = _one(g, node, SH.closed)
    ignored = list(g.objects(node, SH.ignoredProperties))
    if ignored and closed is None:
        raise Unsupported("sh:ignoredProperties without sh:closed")
    if closed is not None and isinstance(closed, rdflib.Literal) and closed.toPython() is True:
        allowed = {str(p) for lst in ignored for p in _items(g, lst) if isinstance(p, rdflib.URIRef)}
        for s in g.objects(node, SH.property):
            path = g.value(s, SH.path)
            if isinstance(path, rdflib.URIRef):
                allowed.add(str(path))
        yield m.Closed(frozenset(allowed))
    for v in _sorted(g.objects(node, SH.hasValue)):
        yield m.HasValue(_term(v, "sh:hasValue"))
    values = _one(g, node, SH["in"])
    if values is not None:
        yield m.In(tuple(_term(v, "a member of sh:in") for v in dict.fromkeys(_items(g, values))))


def _qualified(g: rdflib.Graph, node: rdflib.term.Node) -> Iterator[m.Qualified]:
    shapes = _sorted(g.objects(node, SH.qualifiedValueShape))
    if not shapes:
        return
    minimum = _one(g, node, SH.qualifiedMinCount)
    maximum = _one(g, node, SH.qualifiedMaxCount)
    if minimum is None and maximum is None:
        raise Unsupported("sh:qualifiedValueShape without sh:qualifiedMinCount or sh:qualifiedMaxCount")
    disjoint = any(
        isinstance(d, rdflib.Literal) and d.toPython() is True for d in g.objects(node, SH.qualifiedValueShapesDisjoint)
    )
    for s in shapes:
        siblings: set[str] = set()
        if disjoint:
            for parent in g.subjects(SH.property, node):
                for sibling_prop in g.objects(parent, SH.property):
                    for sibling in g.objects(sibling_prop, SH.qualifiedValueShape):
                        if sibling != s:
                            siblings.add(key(sibling))
        yield m.Qualified(
            key(s),
            None if minimum is None else _integer_any(minimum, "sh:qualifiedMinCount"),
            None if maximum is None else _integer_any(maximum, "sh:qualifiedMaxCount"),
            tuple(sorted(siblings)),
        )


def _integer_any(value: rdflib.term.Node, what: str) -> int:
    if not (isinstance(value, rdflib.Literal) and isinstance(value.toPython(), int)) or isinstance(
        value.toPython(), bool
    ):
        raise Unsupported(f"{what} is not an integer")
    return int(value.toPython())
