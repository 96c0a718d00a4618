"""The SPARQL queries of the HTTP scenario, in full (prefixes declared), so every server reads the same text.

The IRIs put into the lookup and CONSTRUCT texts are the generator's own record IRIs, never user input.
"""

from __future__ import annotations

PREFIXES = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX duv: <http://www.w3.org/ns/duv#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

THEME_COUNT = (
    PREFIXES + "SELECT ?theme (COUNT(?r) AS ?n) WHERE { ?r dcat:theme ?theme } GROUP BY ?theme ORDER BY DESC(?n)"
)
# Organisations whose resources are used by someone else, by number of such usages.
USAGE_JOIN = (
    PREFIXES
    + """SELECT ?org (COUNT(DISTINCT ?u) AS ?n) WHERE {
  ?u duv:refersTo ?r ; prov:wasAssociatedWith ?user .
  ?r dct:publisher ?org .
  FILTER(?user != ?org)
} GROUP BY ?org ORDER BY DESC(?n) LIMIT 20"""
)


def lookup(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def construct(iri: str) -> str:
    """One resource and the usages that refer to it."""
    return (
        PREFIXES
        + f"""CONSTRUCT {{ <{iri}> ?p ?o . ?u duv:refersTo <{iri}> ; dct:description ?d }}
WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?u duv:refersTo <{iri}> ; dct:description ?d }} }}"""
    )


def resource_iri(base: str, i: int, resources: int) -> str:
    """The generator's i-th resource IRI, spread over all of them."""
    return f"{base}resource/res-{(i * 7919) % resources:07d}"
