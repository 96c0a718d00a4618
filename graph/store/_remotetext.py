"""The text of a query sent to a remote store: our prefixes declared, bound parameters written as a VALUES row of
checked terms (never caller text)."""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph

from graph._sparqltext import declared_prefixes, with_values
from graph.errors import StoreError
from graph.namespaces import PREFIXES
from graph.store.base import Bindings, Term


def prepare(query: str, bindings: Bindings | None = None) -> str:
    """The query as sent: our prefixes declared (those it does not declare itself), bindings as ``VALUES``."""
    declared = declared_prefixes(query)
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    if not bindings:
        return prologue + query
    names = list(bindings)
    return prologue + with_values(query, names, [constant(bindings[n], "") for n in names])


def constant(term: Term | DefaultGraph | None, variable: str) -> str:
    if term is None:
        return variable
    if isinstance(term, BlankNode):
        raise StoreError("a blank node cannot be sent to a remote store; records use IRIs")
    if isinstance(term, DefaultGraph):
        raise StoreError("a remote store holds named graphs only")
    return str(term)  # N-Triples form of a checked term: an IRI checked by NamedNode, an escaped literal
