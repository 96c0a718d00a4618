"""Namespaces and the terms the code refers to, as pyoxigraph named nodes."""

from __future__ import annotations

from pyoxigraph import NamedNode


class Namespace:
    """An IRI prefix; ``NS.term`` and ``NS["term"]`` give the NamedNode of a term."""

    __slots__ = ("__dict__", "_iri", "_terms")

    def __init__(self, iri: str) -> None:
        self._iri = iri
        self._terms: dict[str, NamedNode] = {}  # each term built once: hot loops name terms often

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.__dict__[name] = self[name]  # found as a plain attribute from now on, without this call
        return term

    def __getitem__(self, name: str) -> NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = NamedNode(self._iri + name)
        return term

    def __str__(self) -> str:
        return self._iri

    def __add__(self, other: str) -> str:
        return self._iri + other

    def __repr__(self) -> str:
        return f"Namespace({self._iri!r})"


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DUV = Namespace("http://www.w3.org/ns/duv#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("http://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")

# Our vocabulary: fixed for every instance, so that instances can harvest each other.
RSR = Namespace("https://ressourcerie.fabrique.social.gouv.fr/def/")
KIND = Namespace(RSR + "kind/")
THEME = Namespace(RSR + "theme/")
ORG_TYPE = Namespace(RSR + "organisation-type/")
ROLE = Namespace(RSR + "role/")
RATING = Namespace(RSR + "rating/")
ID_SCHEME = Namespace(RSR + "identifier-scheme/")
ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")

PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dct": str(DCT),
    "dcat": str(DCAT),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "adms": str(ADMS),
    "duv": str(DUV),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "vcard": str(VCARD),
    "oa": str(OA),
    "rsr": str(RSR),
    "kind": str(KIND),
    "theme": str(THEME),
}

TYPE = RDF.type
