"""Terms as reports show them (CURIEs, values) and as SPARQL text (N-Triples syntax of pyoxigraph terms)."""

from __future__ import annotations

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode

from graph.rdf import to_rdflib_term

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_PREFIXES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/adms#": "adms:",
    "http://www.w3.org/ns/duv#": "duv:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://schema.org/": "schema:",
    "http://www.w3.org/2006/vcard/ns#": "vcard:",
    "http://www.w3.org/ns/oa#": "oa:",
    "https://ressourcerie.fabrique.social.gouv.fr/def/": "rsr:",
}
SEVERITIES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}

Term = NamedNode | BlankNode | Literal


def curie(iri: str) -> str:
    for ns, prefix in _PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return prefix + iri[len(ns) :]
    return f"<{iri}>"


def severity_name(iri: str) -> str:
    return SEVERITIES.get(iri, iri)


def show(term: Term | rdflib.term.Node) -> str:
    """A value as reports show it: the lexical form (as rdflib normalises it) with its language, or the IRI or
    blank-node label."""
    node = term if isinstance(term, rdflib.term.Node) else to_rdflib_term(term)
    if isinstance(node, rdflib.Literal):
        return str(node) + (f"@{node.language}" if node.language else "")
    return str(node)


def text(term: Term) -> str:
    """The term in SPARQL syntax. Blank nodes have none (in a query they are variables): callers refuse them."""
    if isinstance(term, BlankNode):
        raise ValueError("a blank node cannot be written in a query")
    return str(term)
