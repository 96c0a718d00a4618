"""How reports name shapes and paths: a named shape by its CURIE or fragment, a blank property shape as
``NodeShape/path`` after the node shape that holds it."""

from __future__ import annotations

import rdflib
from rdflib.namespace import SH

from graph.shacl import paths
from graph.shacl.terms import curie


def path_name(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    try:
        return paths.display(paths.read(g, node))
    except paths.PathError:
        return str(node)


def shape_name(g: rdflib.Graph, shape: rdflib.term.Node | None, depth: int = 0) -> str:
    if isinstance(shape, rdflib.URIRef):
        return curie(str(shape)) if "#" not in str(shape) else str(shape).rsplit("#", 1)[1]
    if shape is None:
        return ""
    parent = g.value(None, SH.property, shape)
    path = g.value(shape, SH.path)
    parent_name = shape_name(g, parent, depth + 1) if parent is not None and depth < 8 else "shape"
    return f"{parent_name}/{path_name(g, path) if path is not None else '?'}"


def key(node: rdflib.term.Node) -> str:
    """A shape's key: its node in N-Triples form."""
    return node.n3()
