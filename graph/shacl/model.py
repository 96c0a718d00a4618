"""The shapes as the compiler sees them: each shape, its targets and its constraints, one dataclass per kind.

Constants that go into queries (classes, datatypes, values) are pyoxigraph terms; shapes are referred to by
key (the N-Triples form of their node in the shapes graph) so that recursion can be detected and so that
a shape read once is compiled once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from graph.shacl.paths import Path
from graph.shacl.terms import Term


@dataclass(frozen=True)
class ClassIn:
    cls: NamedNode


@dataclass(frozen=True)
class Datatype:
    datatype: NamedNode


@dataclass(frozen=True)
class NodeKind:
    kind: str  # IRI, BlankNode, Literal, BlankNodeOrIRI, BlankNodeOrLiteral, IRIOrLiteral


@dataclass(frozen=True)
class MinCount:
    n: int


@dataclass(frozen=True)
class MaxCount:
    n: int


@dataclass(frozen=True)
class Range:
    op: str  # ">", ">=", "<", "<=": the value compared with the bound
    bound: Literal
    component: str  # MinExclusive, MinInclusive, MaxExclusive, MaxInclusive


@dataclass(frozen=True)
class Length:
    n: int
    minimum: bool


@dataclass(frozen=True)
class Pattern:
    pattern: str
    flags: str


@dataclass(frozen=True)
class LanguageIn:
    languages: tuple[str, ...]  # lower case


@dataclass(frozen=True)
class UniqueLang:
    pass


@dataclass(frozen=True)
class PropertyPair:
    kind: str  # Equals, Disjoint, LessThan, LessThanOrEquals
    predicate: NamedNode


@dataclass(frozen=True)
class Not:
    shape: str


@dataclass(frozen=True)
class Logical:
    kind: str  # And, Or, Xone
    shapes: tuple[str, ...]


@dataclass(frozen=True)
class Node:
    shape: str


@dataclass(frozen=True)
class Property:
    shape: str


@dataclass(frozen=True)
class Qualified:
    shape: str
    minimum: int | None
    maximum: int | None
    siblings: tuple[str, ...]


@dataclass(frozen=True)
class Closed:
    allowed: frozenset[str]  # predicates of the shape's property shapes and sh:ignoredProperties


@dataclass(frozen=True)
class HasValue:
    value: Term


@dataclass(frozen=True)
class In:
    values: tuple[Term, ...]


Constraint = (
    ClassIn
    | Datatype
    | NodeKind
    | MinCount
    | MaxCount
    | Range
    | Length
    | Pattern
    | LanguageIn
    | UniqueLang
    | PropertyPair
    | Not
    | Logical
    | Node
    | Property
    | Qualified
    | Closed
    | HasValue
    | In
)

# the constraints whose results carry the value node (the others report the focus node only)
VALUE_CONSTRAINTS = (ClassIn, Datatype, NodeKind, Range, Length, Pattern, LanguageIn, Not, Logical, Node, In)


def component(c: Constraint) -> str:
    """The local name of the SHACL constraint component (``sh:...ConstraintComponent``)."""
    name = {
        ClassIn: "Class",
        Datatype: "Datatype",
        NodeKind: "NodeKind",
        MinCount: "MinCount",
        MaxCount: "MaxCount",
        Length: "",
        Pattern: "Pattern",
        LanguageIn: "LanguageIn",
        UniqueLang: "UniqueLang",
        Not: "Not",
        Node: "Node",
        Property: "Property",
        Closed: "Closed",
        HasValue: "HasValue",
        In: "In",
    }.get(type(c))
    if isinstance(c, Length):
        name = "MinLength" if c.minimum else "MaxLength"
    elif isinstance(c, Range):
        name = c.component
    elif isinstance(c, PropertyPair | Logical):
        name = c.kind
    elif isinstance(c, Qualified):
        name = "QualifiedValueShape"
    return f"{name}ConstraintComponent"


@dataclass(frozen=True)
class Targets:
    classes: tuple[NamedNode, ...] = ()
    nodes: tuple[Term, ...] = ()
    subjects_of: tuple[NamedNode, ...] = ()
    objects_of: tuple[NamedNode, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)


@dataclass
class Shape:
    key: str
    name: str  # as reports name it: a CURIE or fragment, or "NodeShape/path" for a blank property shape
    path: Path | None  # None for a node shape
    severity: str  # the severity IRI
    messages: dict[str, str]  # by language, "" when untagged (as reports hold them)
    deactivated: bool
    targets: Targets
    constraints: list[Constraint] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # why this shape cannot be compiled

    @property
    def is_property(self) -> bool:
        return self.path is not None
