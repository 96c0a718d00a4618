"""Writing feed pages: Turtle, N-Triples, RDF/XML, TriG, N-Quads through pyoxigraph, and JSON-LD compacted
against our own context, prefixes only, written in each document (``"@context": {...}``): a JSON-LD reader
expands it without fetching anything (the same context is also served at ``/catalog/context.jsonld``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from graph.namespaces import PREFIXES, XSD
from graph.rdf import Subject, serialize_bytes

CONTEXT_PATH = "catalog/context.jsonld"
FEED_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "dcatap": "http://data.europa.eu/r5r/",
    "lang": "http://publications.europa.eu/resource/authority/language/",
    "filetype": "http://publications.europa.eu/resource/authority/file-type/",
    "datatheme": "http://publications.europa.eu/resource/authority/data-theme/",
    "access": "http://publications.europa.eu/resource/authority/access-right/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "licencetype": "http://purl.org/adms/licencetype/",
    "publishertype": "http://purl.org/adms/publishertype/",
}


def context() -> dict[str, object]:
    return {"@context": dict(FEED_PREFIXES)}


def grouped(triples: Sequence[Triple]) -> list[Triple]:
    """Triples grouped by subject, subjects in order of first appearance (catalogue, page, records...)."""
    groups: dict[object, list[Triple]] = {}
    for t in dict.fromkeys(triples):
        groups.setdefault(t.subject, []).append(t)
    return [t for group in groups.values() for t in group]


def serialize(triples: Sequence[Triple], fmt: RdfFormat) -> bytes:
    data = grouped(triples)
    if fmt == RdfFormat.JSON_LD:
        return jsonld(data)
    if fmt in (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS):
        return serialize_bytes(data, fmt)
    used = {t.predicate.value for t in data} | {t.object.value for t in data if isinstance(t.object, NamedNode)}
    used |= {t.subject.value for t in data if isinstance(t.subject, NamedNode)}  # a blank node's id is no IRI
    prefixes = {k: ns for k, ns in FEED_PREFIXES.items() if any(i.startswith(ns) for i in used)}
    return serialize_bytes(data, fmt, prefixes)


def _compact(iri: str) -> str:
    best = max(
        ((k, ns) for k, ns in FEED_PREFIXES.items() if iri.startswith(ns)), key=lambda kn: len(kn[1]), default=None
    )
    if best is None:
        return iri
    local = iri[len(best[1]) :]
    if not local or any(c in local for c in "/#?:"):
        return iri
    return f"{best[0]}:{local}"


def _value(term: object) -> object:
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    assert isinstance(term, Literal)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype == XSD.string:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def jsonld(triples: Sequence[Triple]) -> bytes:
    """Flattened JSON-LD: one node object per subject, keys compacted with the context's prefixes, the context
    written in the document."""
    nodes: dict[str, dict[str, list[object]]] = {}  # subject -> key -> values
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for t in triples:
        if not isinstance(t.subject, Subject):
            continue  # a subject is never a triple term (see graph.rdf.Subject)
        node = nodes.setdefault(t.subject.value, {})
        if t.predicate.value == rdf_type and isinstance(t.object, NamedNode):
            node.setdefault("@type", []).append(_compact(t.object.value))
            continue
        node.setdefault(_compact(t.predicate.value), []).append(_value(t.object))
    graph = [{"@id": subject, **node} for subject, node in nodes.items()]
    document = {"@context": dict(FEED_PREFIXES), "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
