"""Literals that rdflib (hence pyshacl) and the store read differently, for ``sh:datatype``.

A literal matches ``sh:datatype`` when it has the datatype and, for the datatypes rdflib parses, a lexical
form rdflib accepts. The compiled check asks the store to cast the lexical form (XSD rules), and the two
disagree at the edges: rdflib reads ``"2024-01-01"^^xsd:dateTime``, ``"2024-01-01T10:00:00"^^xsd:date`` or
``"1e3"^^xsd:decimal``, but rejects years beyond 9999 and bad ``xsd:hexBinary``, which the store takes.

So before a run the engine looks, among the values the datatype checks can meet (``Sources``: objects of some
predicates), for the literals where the two readings can differ, asks rdflib about each, and writes those it
reads otherwise into the queries as exceptions (``fill``). With clean data there are none, and the queries
run as compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import rdflib
from pyoxigraph import Literal

from graph.rdf import to_rdflib_term
from graph.shacl import model as m
from graph.shacl import paths
from graph.shacl.parse import Shapes
from graph.shacl.terms import RDF_LANGSTRING, XSD, Term, text

# datatypes whose lexical forms rdflib checks and the store can cast to
CAST = {XSD + t for t in ("boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time")}
CAST |= {XSD + t for t in ("duration", "dayTimeDuration", "yearMonthDuration")}
# datatypes rdflib checks and the store cannot: every such literal is asked about
UNCHECKED = {XSD + "hexBinary", XSD + "base64Binary"}
# datatypes the store rewrites on loading ("1"^^xsd:byte is kept as "1"^^xsd:integer): no query can tell them
REWRITTEN = {
    XSD + t
    for t in (
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "dateTimeStamp",
    )
}
# lexical forms the store casts but Python's date types cannot hold (years <= 0 or > 9999). "T24:00:00" too,
# but the store keeps it as the next day's "T00:00:00": the only disagreement left (rdflib rejects it).
_OUT_OF_PYTHON = "^-|^[0-9]{5}"
_TOKEN = re.compile(r"«lexical <([^>]+)> (\?[A-Za-z0-9_]+)»")


def placeholder(dt: str, v: str) -> str:
    """Where the exceptions for ``dt`` go in a compiled check of ``v``."""
    return f"«lexical <{dt}> {v}»"


def cast_ok(dt: str, v: str) -> str:
    """The store's reading of ``v``: a literal of the datatype whose lexical form casts to it, i.e. the value
    cast back from its own text is the value (one function call, no ``datatype()``)."""
    return f"COALESCE(sameTerm(<{dt}>(STR({v})), {v}), false)"


def fill(query: str, exceptions: dict[str, list[Term]]) -> str:
    """The query with each datatype's exceptions written in (the store's reading flipped for them)."""
    if "«" not in query:
        return query

    def one(match: re.Match[str]) -> str:
        dt, v = match.group(1), match.group(2)
        terms = exceptions.get(dt)
        if not terms:
            return ""
        return " != (" + " || ".join(f"sameTerm({v}, {text(t)})" for t in terms) + ")"

    return _TOKEN.sub(one, query)


def rdflib_reads(term: Term, dt: str) -> bool:
    """pyshacl's verdict on a literal that has the datatype ``dt``: rdflib parses it, into the right type."""
    lit = to_rdflib_term(term)
    if not isinstance(lit, rdflib.Literal) or lit.ill_typed is True:
        return False
    value = lit.value
    types: dict[str, type | tuple[type, ...]] = {
        XSD + "string": (str, bytes),
        RDF_LANGSTRING: (str, bytes),
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD + "boolean": bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    expected = types.get(dt)
    return expected is None or isinstance(value, expected)


@dataclass(frozen=True)
class Check:
    """The query that finds the literals to ask rdflib about, and the predicates it reads."""

    text: str
    predicates: frozenset[str]
    constants: bool

    def needed(self, predicates: set[str]) -> bool:
        """Whether data with these predicates can hold such literals."""
        return self.constants or not self.predicates.isdisjoint(predicates)


@dataclass
class Sources:
    """Where the values a datatype check meets can be literals: objects of ``predicates``, or ``constants``
    (literal target nodes), for the checked ``datatypes``."""

    datatypes: set[str] = field(default_factory=set)
    predicates: set[str] = field(default_factory=set)
    constants: set[Term] = field(default_factory=set)

    def check(self) -> Check | None:
        """The query for the literals whose two readings may differ, if the shapes check any datatype."""
        if not self.datatypes or not (self.predicates or self.constants):
            return None
        return Check(self._query(), frozenset(self.predicates), bool(self.constants))

    def _query(self) -> str:
        """The literals whose two readings may differ, with the store's reading (``?ok``)."""
        v = "?o"
        ok = "false"
        for dt in sorted(self.datatypes):
            ok = f"IF(datatype({v}) = <{dt}>, {'true' if dt in UNCHECKED else cast_ok(dt, v)}, {ok})"
        doubtful = f"!({ok}) || REGEX(STR({v}), '{_OUT_OF_PYTHON}')"
        if self.datatypes & UNCHECKED:
            doubtful += " || datatype(?o) IN (" + ", ".join(f"<{d}>" for d in sorted(self.datatypes & UNCHECKED)) + ")"
        branches = []
        if self.predicates:
            values = " ".join(f"<{p}>" for p in sorted(self.predicates))
            branches.append(f"{{ VALUES ?p {{ {values} }} ?s ?p {v} }}")
        if self.constants:
            branches.append(f"{{ VALUES {v} {{ {' '.join(text(c) for c in self.constants)} }} }}")
        kinds = ", ".join(f"<{d}>" for d in sorted(self.datatypes))
        # each distinct value once (the LIMIT keeps the filters above the DISTINCT, see compile.NO_LIMIT)
        values = f"SELECT DISTINCT {v} WHERE {{ {' UNION '.join(branches)} }} LIMIT {10**15}"
        return (
            f"SELECT {v} ?ok WHERE {{ {{ {values} }} "
            f"FILTER(isLiteral({v}) && datatype({v}) IN ({kinds})) FILTER({doubtful}) BIND({ok} AS ?ok) }}"
        )


def exceptions(rows: Iterable[tuple], original: object) -> dict[str, list[Term]]:
    """From the doubtful literals and the store's reading of each, those rdflib reads otherwise, by datatype."""
    out: dict[str, list[Term]] = {}
    for lit, ok in rows:
        dt = lit.datatype.value
        store_ok = ok is not None and ok.value == "true"
        if rdflib_reads(original(lit), dt) != store_ok:  # type: ignore[operator]
            out.setdefault(dt, []).append(lit)
    return out


def sources(shapes: Shapes) -> Sources:
    """Where the datatype checks (``CAST`` and ``UNCHECKED`` datatypes) of the shapes can meet literals.

    The focus nodes of a shape come from its targets (objects of sh:targetObjectsOf predicates, literal
    sh:targetNode) and from the shapes that refer to it (their value nodes); a property shape's value nodes are
    objects of its path's last predicates (and its focus nodes, when the path can be empty). Subjects are never
    literals, so class targets and inverse paths bring none."""
    focus: dict[str, Sources] = {k: Sources() for k in shapes.shapes}
    for k, s in shapes.shapes.items():
        focus[k].predicates |= {p.value for p in s.targets.objects_of}
        focus[k].constants |= {n for n in s.targets.nodes if isinstance(n, Literal)}
    changed = True
    while changed:
        changed = False
        for k, s in shapes.shapes.items():
            vals = _values(s, focus[k])
            for ref in _references(s):
                if ref not in focus:
                    continue
                before = (len(focus[ref].predicates), len(focus[ref].constants))
                focus[ref].predicates |= vals.predicates
                focus[ref].constants |= vals.constants
                changed = changed or before != (len(focus[ref].predicates), len(focus[ref].constants))
    out = Sources()
    for k, s in shapes.shapes.items():
        checked = {c.datatype.value for c in s.constraints if isinstance(c, m.Datatype)} & (CAST | UNCHECKED)
        if checked:
            vals = _values(s, focus[k])
            out.datatypes |= checked
            out.predicates |= vals.predicates
            out.constants |= vals.constants
    return out


def _values(s: m.Shape, focus: Sources) -> Sources:
    if s.path is None:
        return focus
    preds, empty = _objects(s.path)
    out = Sources(predicates=set(preds))
    if empty:
        out.predicates |= focus.predicates
        out.constants |= focus.constants
    return out


def _objects(path: paths.Path) -> tuple[set[str], bool]:
    """The predicates whose objects a path can end on, and whether it can be empty."""
    if isinstance(path, paths.Predicate):
        return {path.iri}, False
    if isinstance(path, paths.Inverse):
        return set(), _objects(path.path)[1]
    if isinstance(path, paths.Alternative):
        parts = [_objects(i) for i in path.items]
        return set().union(*(p for p, _ in parts)), any(e for _, e in parts)
    if isinstance(path, paths.Sequence):
        preds: set[str] = set()
        for item in reversed(path.items):
            p, empty = _objects(item)
            preds |= p
            if not empty:
                return preds, False
        return preds, True
    preds, empty = _objects(path.path)
    return preds, empty or path.mod in ("*", "?")


def _references(s: m.Shape) -> list[str]:
    out: list[str] = []
    for c in s.constraints:
        if isinstance(c, m.Not | m.Node | m.Property):
            out.append(c.shape)
        elif isinstance(c, m.Logical):
            out += c.shapes
        elif isinstance(c, m.Qualified):
            out += [c.shape, *c.siblings]
    return out
