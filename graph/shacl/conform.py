"""Shapes as boolean SPARQL expressions: "this node conforms to that shape", "this value violates that check".

Shapes met inside ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``
become expressions built from ``EXISTS`` over the same checks the reported constraints make. Two readings of
"conforms" exist: *strict* (the node has no result at all, what sh:node needs) and *lenient*, pyshacl's
reading when warnings are allowed: a shape of severity sh:Warning or sh:Info always conforms, and a shape's
property shapes count by that same reading. Validation with warnings allowed (as ``graph.validation`` runs
pyshacl) uses the lenient reading in sh:not, sh:and, sh:or, sh:xone and sh:qualifiedValueShape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from graph.shacl import lexical, paths
from graph.shacl import model as m
from graph.shacl.parse import Shapes, Unsupported
from graph.shacl.terms import RDF_LANGSTRING, SH, XSD, text

STRICT, LENIENT = "strict", "lenient"
TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
RDF_TYPE_RESOURCE = (
    "(?{p} = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> && "
    "?{o} = <http://www.w3.org/2000/01/rdf-schema#Resource>)"
)
# literals rdflib reads as Python strings (pyshacl compares those only with each other)
STRINGY = {XSD + t for t in ("string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN")}
STRINGY.add(RDF_LANGSTRING)
MAX_NESTED_COUNT = 4  # sh:minCount and friends inside nested shapes are counted with distinct variables


@dataclass
class Expressions:
    """Builds the expressions, with fresh variable names."""

    shapes: Shapes
    allow_warnings: bool = True
    _n: int = field(default=0, init=False)

    @property
    def member_mode(self) -> str:
        return LENIENT if self.allow_warnings else STRICT

    def var(self, stem: str = "v") -> str:
        self._n += 1
        return f"?{stem}{self._n}"

    def shape(self, key: str) -> m.Shape:
        shape = self.shapes.shapes.get(key)
        if shape is None:  # a node only named as a shape: no constraints, conforms
            return m.Shape(key, key, None, SH + "Violation", {}, False, m.Targets())
        if shape.unsupported:
            raise Unsupported(f"{shape.name}: {'; '.join(shape.unsupported)}")
        return shape

    # --- conformance as expressions --------------------------------------------------------------------------

    def conforms(self, key: str, x: str, mode: str, stack: tuple[str, ...] = ()) -> str:
        """A boolean expression: the node ``x`` conforms to the shape ``key``."""
        if key in stack:
            raise Unsupported("recursive shapes")
        shape = self.shape(key)
        if shape.deactivated:
            return "true"
        if mode == LENIENT and shape.severity in (SH + "Warning", SH + "Info"):
            return "true"
        parts = [self.fails(shape, con, x, mode, (*stack, key)) for con in shape.constraints]
        return " && ".join(f"!({p})" for p in parts) if parts else "true"

    def fails(self, s: m.Shape, con: m.Constraint, x: str, mode: str, stack: tuple[str, ...]) -> str:
        """A boolean expression: the constraint gives a result (or, for sh:property, a failure) for focus ``x``."""
        path = paths.sparql(s.path) if s.path is not None else None
        if isinstance(con, m.Property):
            if path is None:
                return f"!({self.conforms(con.shape, x, mode, stack)})"
            v = self.var()
            return f"EXISTS {{ {x} {path} {v} FILTER(!({self.conforms(con.shape, v, mode, stack)})) }}"
        if isinstance(con, m.VALUE_CONSTRAINTS):
            if path is None:
                return self.bad(con, x, stack)
            v = self.var()
            return f"EXISTS {{ {x} {path} {v} FILTER({self.bad(con, v, stack)}) }}"
        if isinstance(con, m.MinCount):
            return f"NOT EXISTS {{ {self._distinct(x, path, con.n)} }}"  # type: ignore[arg-type]
        if isinstance(con, m.MaxCount):
            return f"EXISTS {{ {self._distinct(x, path, con.n + 1)} }}"  # type: ignore[arg-type]
        if isinstance(con, m.UniqueLang):
            a, b = self.var(), self.var()
            same = f"isLiteral({a}) && isLiteral({b}) && !sameTerm({a}, {b}) && LANG({a}) != '' && LCASE(LANG({a})) = LCASE(LANG({b}))"
            return f"EXISTS {{ {x} {path} {a} . {x} {path} {b} FILTER({same}) }}"
        if isinstance(con, m.HasValue):
            if path is None:
                return f"!sameTerm({x}, {text(con.value)})"
            return f"NOT EXISTS {{ {x} {path} {text(con.value)} }}"
        if isinstance(con, m.PropertyPair):
            return self._pair_fails(con, x, path)
        if isinstance(con, m.Qualified):
            q_ok = lambda v: self._qualifies(con, v, stack)  # noqa: E731
            out = []
            if con.minimum:
                out.append(f"NOT EXISTS {{ {self._distinct(x, path, con.minimum, q_ok)} }}")  # type: ignore[arg-type]
            if con.maximum is not None:
                out.append(f"EXISTS {{ {self._distinct(x, path, con.maximum + 1, q_ok)} }}")  # type: ignore[arg-type]
            return " || ".join(f"({o})" for o in out) or "false"
        if isinstance(con, m.Closed):
            p, o = self.var(), self.var()
            keep = self._closed_filter(con, p, o)
            if path is None:
                return f"EXISTS {{ {x} {p} {o} FILTER({keep}) }}"
            v = self.var()
            return f"EXISTS {{ {x} {path} {v} . {v} {p} {o} FILTER({keep}) }}"
        raise Unsupported(f"{m.component(con)} is not compiled")  # pragma: no cover

    def _distinct(self, x: str, path: str, n: int, ok: object = None) -> str:
        """A pattern: ``n`` pairwise distinct values of ``x`` along ``path`` (each passing ``ok``, if given)."""
        if n > MAX_NESTED_COUNT:
            raise Unsupported(f"a count above {MAX_NESTED_COUNT} inside a nested shape")
        vs = [self.var() for _ in range(n)]
        parts = [f"{x} {path} {v} ." for v in vs]
        conds = [f"!sameTerm({a}, {b})" for a, b in combinations(vs, 2)]
        if ok is not None:
            conds += [ok(v) for v in vs]  # type: ignore[operator]
        if conds:
            parts.append(f"FILTER({' && '.join(conds)})")
        return " ".join(parts)

    def _pair_fails(self, con: m.PropertyPair, x: str, path: str | None) -> str:
        p = text(con.predicate)
        v, o = self.var(), self.var()
        if con.kind == "Equals":
            if path is None:
                return f"(NOT EXISTS {{ {x} {p} {x} }} || EXISTS {{ {x} {p} {o} FILTER(!sameTerm({o}, {x})) }})"
            return (
                f"(EXISTS {{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {p} {v} }} }} || "
                f"EXISTS {{ {x} {p} {o} FILTER NOT EXISTS {{ {x} {path} {o} }} }})"
            )
        if con.kind == "Disjoint":
            if path is None:
                return f"EXISTS {{ {x} {p} {x} }}"
            return f"EXISTS {{ {x} {path} {v} . {x} {p} {v} }}"
        fails = self._not_less(v, o, con.kind == "LessThanOrEquals")
        return f"EXISTS {{ {x} {path} {v} . {x} {p} {o} FILTER({fails}) }}"

    @staticmethod
    def _not_less(v: str, o: str, or_equal: bool) -> str:
        """pyshacl's sh:lessThan(OrEquals): IRIs and string literals compare as strings, and only with each
        other; other literals compare as SPARQL does; what cannot be compared fails."""
        op = "<=" if or_equal else "<"

        def stringy(t: str) -> str:
            return (
                f"(isIRI({t}) || (isLiteral({t}) && datatype({t}) IN ({', '.join(f'<{d}>' for d in sorted(STRINGY))})))"
            )

        both = f"{stringy(v)} && {stringy(o)}"
        neither = f"!{stringy(v)} && !{stringy(o)}"
        return f"!COALESCE(({both} && STR({v}) {op} STR({o})) || ({neither} && {v} {op} {o}), false)"

    def _qualifies(self, con: m.Qualified, v: str, stack: tuple[str, ...]) -> str:
        mode = self.member_mode
        ok = self.conforms(con.shape, v, mode, stack)
        siblings = [self.conforms(s, v, mode, stack) for s in con.siblings]
        return f"({ok})" + "".join(f" && !({s})" for s in siblings)

    @staticmethod
    def _closed_filter(con: m.Closed, p: str, o: str) -> str:
        allowed = ", ".join(f"<{a}>" for a in sorted(con.allowed))
        keep = f"{p} NOT IN ({allowed})" if allowed else "true"
        return f"{keep} && !{RDF_TYPE_RESOURCE.format(p=p[1:], o=o[1:])}"

    # --- one value against a value constraint ----------------------------------------------------------------

    def bad(self, con: m.Constraint, v: str, stack: tuple[str, ...]) -> str:
        """A boolean expression: the value node ``v`` violates the value constraint ``con``."""
        if isinstance(con, m.ClassIn):
            return f"NOT EXISTS {{ {v} {TYPE_OF} {text(con.cls)} }}"
        if isinstance(con, m.Datatype):
            return f"!({_datatype_ok(con.datatype.value, v)})"
        if isinstance(con, m.NodeKind):
            return {
                "IRI": f"!isIRI({v})",
                "BlankNode": f"!isBlank({v})",
                "Literal": f"!isLiteral({v})",
                "BlankNodeOrIRI": f"isLiteral({v})",
                "BlankNodeOrLiteral": f"isIRI({v})",
                "IRIOrLiteral": f"isBlank({v})",
            }[con.kind]
        if isinstance(con, m.Range):
            dt = con.bound.datatype.value
            guard = f"datatype({v}) IN ({', '.join(f'<{d}>' for d in sorted(STRINGY))})"
            guard = guard if dt in STRINGY else f"!({guard})"
            return f"!COALESCE(isLiteral({v}) && {guard} && {v} {con.op} {text(con.bound)}, false)"
        if isinstance(con, m.Length):
            op = "<" if con.minimum else ">"
            return f"(isBlank({v}) || STRLEN(STR({v})) {op} {con.n})"
        if isinstance(con, m.Pattern):
            return f"(isBlank({v}) || !REGEX(STR({v}), {string(regex(con.pattern, con.flags))}, {string(con.flags)}))"
        if isinstance(con, m.LanguageIn):
            tagged = f"COALESCE(LANG({v}) != '', false)"
            if "*" in con.languages:
                return f"!({tagged})"
            langs = ", ".join(string(lang) for lang in con.languages)
            first = f"LCASE(STRBEFORE(CONCAT(LANG({v}), '-'), '-'))"
            return f"!({tagged} && (LCASE(LANG({v})) IN ({langs}) || {first} IN ({langs})))"
        if isinstance(con, m.Not):
            return f"({self.conforms(con.shape, v, self.member_mode, stack)})"
        if isinstance(con, m.Logical):
            members = [f"({self.conforms(s, v, self.member_mode, stack)})" for s in con.shapes]
            if con.kind == "And":
                return f"!({' && '.join(members)})"
            if con.kind == "Or":
                return f"!({' || '.join(members)})"
            return f"(({' + '.join(f'IF({c}, 1, 0)' for c in members)}) != 1)"
        if isinstance(con, m.Node):
            return f"!({self.conforms(con.shape, v, STRICT, stack)})"
        if isinstance(con, m.In):
            if not con.values:
                return "true"
            return f"!({' || '.join(f'sameTerm({v}, {text(t)})' for t in con.values)})"
        raise Unsupported(f"{m.component(con)} is not a value constraint")  # pragma: no cover


def _datatype_ok(dt: str, v: str) -> str:
    """pyshacl's datatype match: the literal has the datatype and, for the datatypes rdflib parses, a lexical
    form it accepts (``lexical.py``); rdfs:Literal matches every literal, rdfs:Datatype every typed one.

    Each function applied to a value makes pyoxigraph read the value's text from disk when it is long, and
    ``datatype()`` is slow on simple literals: so one function call where one will do (``LANG`` for a
    language-tagged literal; the value cast back from its own text for the datatypes the store parses)."""
    if dt == "http://www.w3.org/2000/01/rdf-schema#Literal":
        return f"isLiteral({v})"
    if dt == "http://www.w3.org/2000/01/rdf-schema#Datatype":
        return f"isLiteral({v}) && LANG({v}) = '' && datatype({v}) != <{XSD}string>"
    if dt == RDF_LANGSTRING:
        return f"COALESCE(LANG({v}) != '', false)"
    if dt in lexical.REWRITTEN:
        raise Unsupported(f"sh:datatype <{dt}>: the store keeps such literals as another datatype")
    if dt in lexical.CAST:
        return f"({lexical.cast_ok(dt, v)}{lexical.placeholder(dt, v)})"
    if dt == XSD + "string":
        return f"COALESCE(sameTerm(<{dt}>(STR({v})), {v}), false)"
    ok = f"isLiteral({v}) && datatype({v}) = <{dt}>"
    if dt in lexical.UNCHECKED:
        ok += f" && (true{lexical.placeholder(dt, v)})"
    return ok


def string(s: str) -> str:
    """A SPARQL string literal."""
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def regex(pattern: str, flags: str) -> str:
    """A Python ``re`` pattern (pyshacl's dialect) in the store's dialect: without the ``m`` flag Python's
    ``$`` also matches before a final newline, so it becomes ``(?:\\n?$)``."""
    if "m" in flags:
        return pattern
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # "[]...]": a leading "]" is a member
                out.append("[]")
                i += 2
                continue
        elif ch == "$":
            ch = "(?:\\n?$)"
        out.append(ch)
        i += 1
    return "".join(out)
