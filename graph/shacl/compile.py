"""Shapes compiled to SPARQL: one SELECT per reported constraint, returning only the results.

A *unit* is a constraint of a shape together with the focus nodes it is checked on: the targets of a shape
that has some (``TargetFocus``), or the value nodes of an enclosing property shape (``PathFocus``), or the
values that fail an ``sh:node`` shape (``DetailFocus``, for the nested results pyshacl reports). Its query
returns one row per validation result: ``?this`` (the focus node) and, depending on the component,
``?value``, ``?rpath`` (sh:closed) or ``?lang`` (sh:uniqueLang).

Shapes met inside ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``
become boolean SPARQL expressions (``conforms``), built from ``EXISTS`` over the same checks. Two readings
of "conforms" exist: *strict* (the node has no result at all, what sh:node needs) and *lenient*, pyshacl's
reading when warnings are allowed: a shape of severity sh:Warning or sh:Info always conforms, and a shape's
property shapes count by that same reading. Validation with warnings allowed (as ``graph.validation`` runs
pyshacl) uses the lenient reading in sh:not, sh:and, sh:or, sh:xone and sh:qualifiedValueShape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from pyoxigraph import NamedNode

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
MAX_NESTED_COUNT = 4
NO_LIMIT = 10**15  # sh:minCount and friends inside nested shapes, by distinct variables


# --- focus nodes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A group pattern binding a focus variable, and the variables of the enclosing focus nodes it keeps
    apart: pyshacl checks a property shape's property shapes once per enclosing focus node, so a value node
    reached from two focus nodes has its results twice."""

    text: str
    chain: tuple[str, ...] = ()


class Focus:
    """The focus nodes of a unit."""

    def pattern(self, c: Compiler, var: str) -> Bound:
        raise NotImplementedError


@dataclass(frozen=True)
class TargetFocus(Focus):
    targets: m.Targets

    def pattern(self, c: Compiler, var: str) -> Bound:
        branches = [f"{{ {var} {TYPE_OF} {text(cls)} }}" for cls in self.targets.classes]
        if self.targets.nodes:
            branches.append(f"{{ VALUES {var} {{ {' '.join(text(n) for n in self.targets.nodes)} }} }}")
        branches += [f"{{ {var} {text(p)} {c.var()} }}" for p in self.targets.subjects_of]
        branches += [f"{{ {c.var()} {text(p)} {var} }}" for p in self.targets.objects_of]
        # no DISTINCT here: a node with two target types comes twice, but every unit query removes repeats
        # from its (few) result rows, which costs less than doing it on every target
        return Bound(f"{{ {' UNION '.join(branches)} }}")


@dataclass(frozen=True)
class PathFocus(Focus):
    """The value nodes of a property shape whose focus nodes are ``parent``'s."""

    parent: Focus
    path: paths.Path

    def pattern(self, c: Compiler, var: str) -> Bound:
        p = c.var("f")
        outer = self.parent.pattern(c, p)
        chain = (*outer.chain, p)
        walk = f"{outer.text} {p} {paths.sparql(self.path)} {var}"
        return Bound(f"{{ SELECT DISTINCT {' '.join(chain)} {var} WHERE {{ {walk} }} }}", chain)


@dataclass(frozen=True)
class DetailFocus(Focus):
    """The value nodes (of ``parent``'s focus nodes along ``path``, or those nodes themselves) that do not
    conform to the node shape ``shape``: the focus nodes of the results nested under sh:node results (the
    engine repeats them under each sh:node result)."""

    parent: Focus
    path: paths.Path | None
    shape: str

    def pattern(self, c: Compiler, var: str) -> Bound:
        failing = f"!({c.conforms(self.shape, var, STRICT)})"
        if self.path is None:
            return Bound(
                f"{{ SELECT DISTINCT {var} WHERE {{ {self.parent.pattern(c, var).text} FILTER({failing}) }} }}"
            )
        p = c.var("f")
        walk = f"{self.parent.pattern(c, p).text} {p} {paths.sparql(self.path)} {var}"
        return Bound(f"{{ SELECT DISTINCT {var} WHERE {{ {walk} FILTER({failing}) }} }}")


# --- units ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One reported constraint: its shape, component, query, and for sh:node the nested shape.

    ``probe``, when set, is a query that does not depend on the focus nodes and returns a row whenever the
    unit has a result (the failing values of a path, say): the engine runs it first, once per run for all
    the units that share it, and runs ``query`` only when the probe found something.

    ``needs``, when set, names predicates of which the data must hold a triple for the unit to have a result
    (its path's): on a small data graph whose predicates are known, the engine skips the others."""

    shape: str
    constraint: m.Constraint
    component: str
    query: str
    columns: tuple[str, ...]
    focus: Focus
    detail: DetailFocus | None = None  # sh:node: where the nested results' focus nodes are
    probe: str | None = None
    needs: frozenset[str] | None = None


@dataclass
class Compiler:
    shapes: Shapes
    allow_warnings: bool = True
    scan_first: bool = True  # bounded paths: find the failing values first, then join with the focus nodes
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

    # --- reported units --------------------------------------------------------------------------------------

    def units(self, key: str, focus: Focus, stack: tuple[str, ...] = ()) -> list[Unit]:
        """The units of a shape checked on ``focus``: its own constraints and those of its property shapes."""
        if key in stack:
            raise Unsupported("recursive shapes")
        shape = self.shape(key)
        if shape.deactivated:
            return []
        out: list[Unit] = []
        for con in shape.constraints:
            if isinstance(con, m.Property):
                inner = focus if shape.path is None else PathFocus(focus, shape.path)
                out += self.units(con.shape, inner, (*stack, key))
            else:
                out += self._units(shape, con, focus, (*stack, key))
        return out

    def _units(self, s: m.Shape, con: m.Constraint, focus: Focus, stack: tuple[str, ...]) -> list[Unit]:
        comp = m.component(con)
        path = paths.sparql(s.path) if s.path is not None else None
        bounded = s.path is not None and paths.is_bounded(s.path)
        b = focus.pattern(self, "?this")
        f, chain = b.text, " ".join(b.chain)
        # the focus nodes as a sub-select: joined to a probe's rows by hashing, evaluated once, rather than
        # looked up for each row (a probe may hold a value shared by many nodes of other classes)
        joined = f"{{ SELECT * WHERE {{ {f} }} }}"

        # the unit has a result only if the path has values (not so for minimum counts and absent values)
        walks = s.path is not None and not paths.may_be_empty(s.path)
        valued = isinstance(con, (*m.VALUE_CONSTRAINTS, m.MaxCount, m.UniqueLang, m.Closed)) or (
            isinstance(con, m.PropertyPair) and con.kind != "Equals"
        )
        needs = frozenset(paths.predicates(s.path)) if walks and valued and s.path is not None else None

        def unit(query: str, columns: tuple[str, ...], component: str = comp, **kw: object) -> Unit:
            cols = columns + ("",) * len(b.chain)
            return Unit(s.key, con, component, query, cols, focus, needs=needs, **kw)  # type: ignore[arg-type]

        def grouped(select: str, where: str, having: str) -> str:
            """``select`` per focus node (and enclosing focus nodes), the groups that pass ``having``."""
            return f"SELECT {select} {chain} WHERE {{ {where} }} GROUP BY {select.split(' (')[0]} {chain} HAVING ({having})"

        if isinstance(con, m.VALUE_CONSTRAINTS):
            detail = DetailFocus(focus, s.path, con.shape) if isinstance(con, m.Node) else None
            if path is None:
                if isinstance(con, m.ClassIn):
                    q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} MINUS {{ ?this {TYPE_OF} {text(con.cls)} }} }}"
                else:
                    q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} FILTER({self.bad(con, '?this', stack)}) }}"
                return [unit(q, ("this",), detail=detail)]
            bad = self.bad(con, "?value", stack)  # first: refuses recursive shapes before the probe is built
            if self.scan_first and bounded:
                probe = self._failing_values(con, path)
                q = f"SELECT DISTINCT ?this ?value {chain} WHERE {{ {{ {probe} }} ?this {path} ?value . {joined} }}"
                return [unit(q, ("this", "value"), detail=detail, probe=probe)]
            if isinstance(con, m.ClassIn):
                q = f"SELECT DISTINCT ?this ?value {chain} WHERE {{ {f} ?this {path} ?value MINUS {{ ?value {TYPE_OF} {text(con.cls)} }} }}"
            else:
                q = f"SELECT DISTINCT ?this ?value {chain} WHERE {{ {f} ?this {path} ?value FILTER({bad}) }}"
            return [unit(q, ("this", "value"), detail=detail)]
        if isinstance(con, m.MinCount):
            if con.n == 1 and bounded:
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} MINUS {{ ?this {path} {self.var()} }} }}"
            elif con.n == 1:
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} FILTER NOT EXISTS {{ ?this {path} {self.var()} }} }}"
            else:
                q = grouped("?this", f"{f} OPTIONAL {{ ?this {path} ?v }}", f"COUNT(DISTINCT ?v) < {con.n}")
            return [unit(q, ("this",))]
        if isinstance(con, m.MaxCount):
            if self.scan_first and bounded:
                probe = f"SELECT ?this WHERE {{ ?this {path} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {con.n})"
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {{ {probe} }} {joined} }}"
                return [unit(q, ("this",), probe=probe)]
            q = grouped("?this", f"{f} ?this {path} ?v", f"COUNT(DISTINCT ?v) > {con.n}")
            return [unit(q, ("this",))]
        if isinstance(con, m.UniqueLang):
            tagged = f"?this {path} ?v FILTER(isLiteral(?v) && LANG(?v) != '') BIND(LCASE(LANG(?v)) AS ?lang)"
            if self.scan_first and bounded:
                several = f"SELECT ?this WHERE {{ ?this {path} ?w }} GROUP BY ?this HAVING (COUNT(DISTINCT ?w) > 1)"
                probe = (
                    f"SELECT ?this ?lang WHERE {{ {{ {several} }} {tagged} }} "
                    "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
                )
                q = f"SELECT DISTINCT ?this ?lang {chain} WHERE {{ {{ {probe} }} {joined} }}"
                return [unit(q, ("this", "lang"), probe=probe)]
            q = grouped("?this ?lang", f"{f} {tagged}", "COUNT(DISTINCT ?v) > 1")
            return [unit(q, ("this", "lang"))]
        if isinstance(con, m.HasValue):
            if path is None:
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} FILTER(!sameTerm(?this, {text(con.value)})) }}"
            elif bounded:
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} MINUS {{ ?this {path} {text(con.value)} }} }}"
            else:
                q = f"SELECT DISTINCT ?this {chain} WHERE {{ {f} FILTER NOT EXISTS {{ ?this {path} {text(con.value)} }} }}"
            return [unit(q, ("this",))]
        if isinstance(con, m.PropertyPair):
            less = con.kind.startswith("LessThan")
            cols = ("this", "value", "other") if less else ("this", "value")
            return [
                unit(
                    f"SELECT DISTINCT {' '.join('?' + c for c in cols)} {chain} WHERE {{ {self._pair(con, f, path)} }}",
                    cols,
                )
            ]
        if isinstance(con, m.Qualified):
            out = []
            ok = self._qualifies(con, "?v", stack)
            where = f"{f} OPTIONAL {{ ?this {path} ?v FILTER({ok}) }}"
            if con.maximum is not None:
                q = grouped("?this", where, f"COUNT(DISTINCT ?v) > {con.maximum}")
                out.append(unit(q, ("this",), "QualifiedMaxCountConstraintComponent"))
            if con.minimum is not None:
                q = grouped("?this", where, f"COUNT(DISTINCT ?v) < {con.minimum}")
                out.append(unit(q, ("this",), "QualifiedMinCountConstraintComponent"))
            return out
        if isinstance(con, m.Closed):
            keep = self._closed_filter(con, "?rpath", "?value")
            if path is None:
                q = f"SELECT DISTINCT ?this ?rpath ?value {chain} WHERE {{ {f} ?this ?rpath ?value FILTER({keep}) }}"
                return [unit(q, ("this", "rpath", "value"))]
            q = (
                f"SELECT DISTINCT ?this ?rpath ?value ?v {chain} WHERE {{ {f} ?this {path} ?v . ?v ?rpath ?value "
                f"FILTER({keep}) }}"
            )
            return [unit(q, ("this", "rpath", "value", ""))]
        raise Unsupported(f"{comp} is not compiled")  # pragma: no cover

    def _failing_values(self, con: m.Constraint, path: str) -> str:
        """The distinct values along ``path`` (from any node) that violate the value constraint: a query
        that reads each value once, and that is the same text wherever the same check appears."""
        # The LIMIT, far above any store's size, keeps the planner from pushing the filter under DISTINCT,
        # where it would run once per triple rather than once per value (10x slower on dcat:keyword).
        values = f"SELECT DISTINCT ?value WHERE {{ ?x {path} ?value }} LIMIT {NO_LIMIT}"
        classes = self._classes(con, 0)
        if classes:  # an anti-join with the instances: no function evaluated per value
            instances = " UNION ".join(f"{{ ?value {TYPE_OF} {text(c)} }}" for c in classes)
            return f"SELECT ?value WHERE {{ {{ {values} }} MINUS {{ {instances} }} }}"
        fresh = Compiler(self.shapes, self.allow_warnings, self.scan_first)
        return f"SELECT ?value WHERE {{ {{ {values} }} FILTER({fresh.bad(con, '?value', ())}) }}"

    def _classes(self, con: m.Constraint, depth: int) -> list[NamedNode] | None:
        """The classes such that a value passes ``con`` exactly when it is an instance of one of them (sh:class,
        sh:or of such shapes, sh:node on such a shape), or None."""
        if isinstance(con, m.ClassIn):
            return [con.cls]
        if depth > 8 or not isinstance(con, m.Node | m.Logical) or (isinstance(con, m.Logical) and con.kind != "Or"):
            return None
        members = [con.shape] if isinstance(con, m.Node) else list(con.shapes)
        mode = STRICT if isinstance(con, m.Node) else self.member_mode
        out: list[NamedNode] = []
        for key in members:
            shape = self.shapes.shapes.get(key)
            if shape is None or shape.unsupported or shape.deactivated or shape.path is not None:
                return None
            if mode == LENIENT and shape.severity in (SH + "Warning", SH + "Info"):
                return None
            if len(shape.constraints) != 1:
                return None
            inner = self._classes(shape.constraints[0], depth + 1)
            if inner is None:
                return None
            out += inner
        return list(dict.fromkeys(out))

    def _pair(self, con: m.PropertyPair, f: str, path: str | None) -> str:
        """The WHERE clause of a property pair's results: focus ``?this``, ``?value`` (and ``?other``)."""
        p = text(con.predicate)
        if con.kind == "Equals":
            if path is None:
                return (
                    f"{{ {f} FILTER NOT EXISTS {{ ?this {p} ?this }} BIND(?this AS ?value) }} "
                    f"UNION {{ {f} ?this {p} ?value FILTER(!sameTerm(?value, ?this)) }}"
                )
            return (
                f"{{ {f} ?this {path} ?value FILTER NOT EXISTS {{ ?this {p} ?value }} }} "
                f"UNION {{ {f} ?this {p} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
            )
        if con.kind == "Disjoint":
            if path is None:
                return f"{f} ?this {p} ?this BIND(?this AS ?value)"
            return f"{f} ?this {path} ?value . ?this {p} ?value"
        fails = self._not_less("?value", "?other", con.kind == "LessThanOrEquals")
        return f"{f} ?this {path} ?value . ?this {p} ?other FILTER({fails})"

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
            return f"(isBlank({v}) || !REGEX(STR({v}), {_string(regex(con.pattern, con.flags))}, {_string(con.flags)}))"
        if isinstance(con, m.LanguageIn):
            tagged = f"isLiteral({v}) && LANG({v}) != ''"
            if "*" in con.languages:
                return f"!({tagged})"
            langs = ", ".join(_string(lang) for lang in con.languages)
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
    form it accepts (``lexical.py``); rdfs:Literal matches every literal, rdfs:Datatype every typed one."""
    if dt == "http://www.w3.org/2000/01/rdf-schema#Literal":
        return f"isLiteral({v})"
    if dt == "http://www.w3.org/2000/01/rdf-schema#Datatype":
        return f"isLiteral({v}) && LANG({v}) = '' && datatype({v}) != <{XSD}string>"
    if dt == RDF_LANGSTRING:
        return f"isLiteral({v}) && LANG({v}) != ''"
    if dt in lexical.REWRITTEN:
        raise Unsupported(f"sh:datatype <{dt}>: the store keeps such literals as another datatype")
    ok = f"isLiteral({v}) && datatype({v}) = <{dt}>"
    if dt in lexical.CAST or dt in lexical.UNCHECKED:
        ok += f" && ({lexical.cast_ok(dt, v)}{lexical.placeholder(dt, v)})"
    return ok


def _string(s: str) -> str:
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
