"""Shapes compiled to SPARQL: one SELECT per reported constraint, returning only the results.

A *unit* is a constraint of a shape together with the focus nodes it is checked on (``focus.py``). Its query
returns one row per validation result: ``?this`` (the focus node) and, depending on the component,
``?value``, ``?rpath`` (sh:closed) or ``?lang`` (sh:uniqueLang). Shapes met inside other constraints are
expressions (``conform.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.shacl import model as m
from graph.shacl import paths
from graph.shacl.conform import LENIENT, STRICT, TYPE_OF, Expressions
from graph.shacl.focus import DetailFocus, Focus, PathFocus
from graph.shacl.parse import Unsupported
from graph.shacl.terms import SH, text

NO_LIMIT = 10**15  # a LIMIT above any store's size (see _failing_values)


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
class Compiler(Expressions):
    scan_first: bool = True  # bounded paths: find the failing values first, then join with the focus nodes

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
            tagged = f"?this {path} ?v BIND(LCASE(LANG(?v)) AS ?lang) FILTER(?lang != '')"
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
        fresh = Compiler(self.shapes, allow_warnings=self.allow_warnings, scan_first=self.scan_first)
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
