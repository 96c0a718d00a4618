"""Identity keys: how the same resource or organisation is recognised across sources.

A key is ``kind:value`` (see ``Record.keys``). ``KeyIndex.build`` reads every key of the records already in
the store in one SPARQL query; the harvest pipeline looks a record's keys up there, strongest kind first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from graph.rdf import root_of
from graph.store.base import Store
from graph.text import norm

# strongest first: a SIREN names one organisation, a name may be shared
PRIORITY = ("siren", "datagouv", "identifier", "iri", "url", "name")
_DATAGOUV = re.compile(
    r"data\.gouv\.fr/(?:[a-z]{2}/)?(?:api/\d+/)?(?:datasets|dataservices|organizations|reuses)/([0-9a-f]{24})\b"
)
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
_SIREN = re.compile(r"^\d{9}$|^\d{14}$")


def url_key(url: str) -> str | None:
    """'https://Example.org/a/' -> 'url:example.org/a' (no scheme, no trailing slash, lower case)."""
    value = url.strip()
    if not value.lower().startswith(("http://", "https://")):
        return None
    value = value.split("://", 1)[1].split("#", 1)[0].rstrip("/").lower()
    return f"url:{value}" if value else None


def iri_key(iri: str) -> str | None:
    """The IRI a source gives a record (kept by us as its ``dct:source``): stronger than a landing page,
    which several records may share. Normalised like a URL."""
    key = url_key(iri)
    return "iri:" + key[4:] if key else None


def datagouv_key(text: str) -> str | None:
    """A data.gouv.fr id (24 hex digits), alone or in a data.gouv.fr URL."""
    value = text.strip().lower()
    m = _DATAGOUV.search(value)
    if m:
        return f"datagouv:{m.group(1)}"
    return f"datagouv:{value}" if _OBJECT_ID.match(value) else None


def siren_key(text: str) -> str | None:
    """A SIREN (9 digits), or the SIREN of a SIRET (14 digits); spaces ignored."""
    digits = re.sub(r"\s", "", text)
    return f"siren:{digits[:9]}" if _SIREN.match(digits) else None


def identifier_keys(identifier: str) -> set[str]:
    """Keys of a ``dct:identifier``. Short or numeric identifiers ('1', 'ds1') are local to their catalogue
    and name nothing across sources: they give no key."""
    value = identifier.strip()
    keys = {k for k in (url_key(value), datagouv_key(value)) if k}
    if not keys and len(value) >= 8 and not value.isdigit() and not re.search(r"\s", value):
        keys.add(f"identifier:{value.lower()}")
    return keys


def name_key(name: str) -> str | None:
    value = norm(name)
    return f"name:{value}" if value else None


_INDEX_QUERY = """
SELECT ?g ?s ?kind ?value ?agent ?own ?meta WHERE {
  GRAPH ?g {
    {
      ?s dct:identifier ?value . BIND("identifier" AS ?kind)
    } UNION {
      ?s dcat:landingPage|schema:codeRepository ?value . BIND("url" AS ?kind)
    } UNION {
      ?s dct:source ?value . BIND("iri" AS ?kind)
    } UNION {
      ?s a org:Organization ; foaf:homepage ?value . BIND("url" AS ?kind)
    } UNION {
      ?s a org:Organization ; foaf:name|skos:altLabel ?value . BIND("name" AS ?kind)
    } UNION {
      ?s adms:identifier ?i . ?i skos:notation ?value ; dct:type ?scheme .
      VALUES (?scheme ?kind) {
        (<https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme/siren> "siren")
        (<https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme/datagouv> "datagouv")
      }
    }
  }
  FILTER(?g != ?own && ?g != ?meta && isIRI(?s))
  BIND(EXISTS { ?s a foaf:Agent } AS ?agent)
}
"""


@dataclass
class KeyIndex:
    """(family, key) -> IRI of the record that carries it, for records outside one graph (the source's own).
    The family ('agent' or 'resource') keeps an organisation from matching a resource."""

    by_key: dict[tuple[str, str], set[NamedNode]] = field(default_factory=dict)
    records: set[NamedNode] = field(default_factory=set)  # every record seen (to avoid minting a taken IRI)

    @classmethod
    def build(cls, store: Store, own: NamedNode, meta: NamedNode) -> KeyIndex:
        index = cls()
        result = store.select(_INDEX_QUERY, {"own": own, "meta": meta})
        for _g, s, kind, value, agent, _own, _meta in result.rows:
            if not isinstance(s, NamedNode) or kind is None or value is None or "#" in s.value:
                continue
            index.records.add(root_of(s))
            family = "agent" if agent is not None and agent.value == "true" else "resource"
            index.add(family, keys_of(kind.value, value.value), s)
        return index

    def add(self, family: str, keys: Iterable[str], iri: NamedNode) -> None:
        for key in keys:
            self.by_key.setdefault((family, key), set()).add(iri)

    def lookup(self, family: str, keys: Iterable[str]) -> tuple[str, NamedNode] | None:
        """The strongest of ``keys`` that names one known record of the family, and that record. A key that
        several records carry (two APIs citing the same data.gouv.fr dataset) names none of them."""
        keys = set(keys)
        for kind in PRIORITY:
            for key in sorted(k for k in keys if k.startswith(kind + ":")):
                found = self.by_key.get((family, key), set())
                if len(found) == 1:
                    return key, next(iter(found))
        return None

    def ambiguous(self, family: str, keys: Iterable[str]) -> list[str]:
        return sorted(k for k in keys if len(self.by_key.get((family, k), ())) > 1)


def keys_of(kind: str, value: str) -> set[str]:
    if kind == "identifier":
        return identifier_keys(value)
    if kind == "url":
        return {k for k in (url_key(value), datagouv_key(value)) if k}
    if kind == "iri":
        return {k for k in (iri_key(value), url_key(value), datagouv_key(value)) if k}
    if kind == "name":
        return {k for k in (name_key(value),) if k}
    if kind == "siren":
        return {k for k in (siren_key(value),) if k}
    if kind == "datagouv":
        return {k for k in (datagouv_key(value),) if k}
    return set()
