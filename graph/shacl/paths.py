"""SHACL property paths: read from a shapes graph, written as SPARQL property paths and shown in reports.

SHACL paths and SPARQL 1.1 property paths have the same meaning (the set of nodes reached), so a path is
compiled to the SPARQL path text the store evaluates. ``display`` is the short form reports carry
(``dct:title``, ``^dcat:inSeries``, ``dcat:landingPage|foaf:page``, ``a/b``, ``p*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from graph.shacl.terms import curie


class PathError(ValueError):
    """A path node that is not a well-formed SHACL path."""


@dataclass(frozen=True)
class Predicate:
    iri: str


@dataclass(frozen=True)
class Inverse:
    path: Path


@dataclass(frozen=True)
class Sequence:
    items: tuple[Path, ...]


@dataclass(frozen=True)
class Alternative:
    items: tuple[Path, ...]


@dataclass(frozen=True)
class Repeat:
    """``sh:zeroOrMorePath`` (``*``), ``sh:oneOrMorePath`` (``+``) or ``sh:zeroOrOnePath`` (``?``)."""

    path: Path
    mod: str


Path = Predicate | Inverse | Sequence | Alternative | Repeat

_REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def read(g: rdflib.Graph, node: rdflib.term.Node, depth: int = 0) -> Path:
    """The path at ``node`` of the shapes graph ``g``."""
    if depth > 32:
        raise PathError("path nested too deeply")
    if isinstance(node, rdflib.URIRef):
        return Predicate(str(node))
    if not isinstance(node, rdflib.BNode):
        raise PathError(f"a path is an IRI or a blank node, not {node!r}")
    if (node, RDF.first, None) in g:
        items = tuple(read(g, i, depth + 1) for i in Collection(g, node))
        if len(items) < 2:
            raise PathError("a sequence path has at least two members")
        return Sequence(items)
    found: list[Path] = []
    for p, o in g.predicate_objects(node):
        if p == SH.inversePath:
            found.append(Inverse(read(g, o, depth + 1)))
        elif p == SH.alternativePath:
            items = tuple(read(g, i, depth + 1) for i in Collection(g, o))
            if len(items) < 2:
                raise PathError("an alternative path has at least two members")
            found.append(Alternative(items))
        elif p in _REPEATS:
            found.append(Repeat(read(g, o, depth + 1), _REPEATS[p]))  # type: ignore[index]
    if len(found) != 1:
        raise PathError("a blank-node path has exactly one of sh:inversePath, sh:alternativePath, sh:*Path")
    return found[0]


def sparql(path: Path) -> str:
    """The SPARQL property path text."""
    if isinstance(path, Predicate):
        return f"<{path.iri}>"
    if isinstance(path, Inverse):
        return f"^({sparql(path.path)})"
    if isinstance(path, Sequence):
        return "(" + "/".join(sparql(i) for i in path.items) + ")"
    if isinstance(path, Alternative):
        return "(" + "|".join(sparql(i) for i in path.items) + ")"
    return f"({sparql(path.path)}){path.mod}"


def display(path: Path) -> str:
    """The short form a report shows: predicates as CURIEs, ``^`` inverse, ``|`` alternative, ``/`` sequence."""
    if isinstance(path, Predicate):
        return curie(path.iri)
    if isinstance(path, Inverse):
        return "^" + display(path.path)
    if isinstance(path, Alternative):
        return "|".join(display(i) for i in path.items)
    if isinstance(path, Sequence):
        return "/".join(f"({display(i)})" if isinstance(i, Alternative) else display(i) for i in path.items)
    inner = display(path.path)
    return (inner if isinstance(path.path, Predicate | Inverse) else f"({inner})") + path.mod


def is_bounded(path: Path) -> bool:
    """True when the path can be walked from every node at once (no ``*``, ``+``, ``?``): it then scans
    triples rather than enumerating every node of the graph."""
    if isinstance(path, Predicate):
        return True
    if isinstance(path, Inverse):
        return is_bounded(path.path)
    if isinstance(path, Sequence | Alternative):
        return all(is_bounded(i) for i in path.items)
    return False


def may_be_empty(path: Path) -> bool:
    """True when the path can have length zero (``*``, ``?``): the focus node is then one of its values."""
    if isinstance(path, Predicate):
        return False
    if isinstance(path, Inverse):
        return may_be_empty(path.path)
    if isinstance(path, Sequence):
        return all(may_be_empty(i) for i in path.items)
    if isinstance(path, Alternative):
        return any(may_be_empty(i) for i in path.items)
    return path.mod in ("*", "?") or may_be_empty(path.path)


def predicates(path: Path) -> set[str]:
    """The predicates a path uses."""
    if isinstance(path, Predicate):
        return {path.iri}
    if isinstance(path, Inverse | Repeat):
        return predicates(path.path)
    return set().union(*(predicates(i) for i in path.items))
