"""The focus nodes of a compiled constraint, as a group pattern that binds a variable: the targets of a shape
that has some (``TargetFocus``), the value nodes of an enclosing property shape (``PathFocus``), or the
values that fail an ``sh:node`` shape (``DetailFocus``, for the nested results pyshacl reports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.shacl import model as m
from graph.shacl import paths
from graph.shacl.conform import STRICT, TYPE_OF
from graph.shacl.terms import text

if TYPE_CHECKING:
    from graph.shacl.conform import Expressions


@dataclass(frozen=True)
class Bound:
    """A group pattern binding a focus variable, and the variables of the enclosing focus nodes it keeps
    apart: pyshacl checks a property shape's property shapes once per enclosing focus node, so a value node
    reached from two focus nodes has its results twice."""

    text: str
    chain: tuple[str, ...] = ()


class Focus:
    """The focus nodes of a unit."""

    def pattern(self, c: Expressions, var: str) -> Bound:
        raise NotImplementedError


@dataclass(frozen=True)
class TargetFocus(Focus):
    targets: m.Targets

    def pattern(self, c: Expressions, var: str) -> Bound:
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

    def pattern(self, c: Expressions, var: str) -> Bound:
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

    def pattern(self, c: Expressions, var: str) -> Bound:
        failing = f"!({c.conforms(self.shape, var, STRICT)})"
        if self.path is None:
            return Bound(
                f"{{ SELECT DISTINCT {var} WHERE {{ {self.parent.pattern(c, var).text} FILTER({failing}) }} }}"
            )
        p = c.var("f")
        walk = f"{self.parent.pattern(c, p).text} {p} {paths.sparql(self.path)} {var}"
        return Bound(f"{{ SELECT DISTINCT {var} WHERE {{ {walk} FILTER({failing}) }} }}")
