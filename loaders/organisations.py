"""Organisations of the seed: one IRI per organisation across sources, types, and known hierarchy.

Both sources name producers by a file slug; the same organisation may carry different slugs (the
Ressourcerie's ``ursaff`` and ``pole-emploi`` are api.gouv.fr's ``urssaf`` and ``france-travail``); another
source names them by name or acronym, matched with ``by_name``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from graph.iris import slugify
from graph.namespaces import DCT, FOAF, ORG_TYPE, RDF, SKOS
from graph.text import norm

# source slug -> canonical slug (the last segment of the organisation's IRI)
CANONICAL = {
    "ursaff": "urssaf",
    "pole-emploi": "france-travail",
    "banque_de_france": "banque-de-france",
    "mtei": "ministere-travail",
}

# Parent organisations (org:subOrganizationOf) among the seed's producers.
PARENTS = {
    "dares": "ministere-travail",  # a directorate of the labour ministry
    "dgefp": "ministere-travail",
    "dgt": "ministere-travail",
    "dreets-occitanie": "ministere-travail",  # regional service of the labour ministry
    "dnum": "ministere-travail",  # digital directorate of the social ministries
    "fabrique": "dnum",  # La Fabrique numérique is part of the DNUM
    "etalab": "dinum",  # Etalab is a department of the DINUM
    "lab-ia": "dinum",  # "Lab IA de la DINUM"
    "beta-gouv": "dinum",  # the beta.gouv.fr incubator is run by the DINUM
}

TYPES = {
    "ministère": ORG_TYPE.ministere,
    "etablissement public": ORG_TYPE["etablissement-public"],
    "groupement d'intérêt public": ORG_TYPE.gip,
    "institution indépendante": ORG_TYPE["institution-independante"],
    "entreprise de service public": ORG_TYPE["entreprise-service-public"],
    "association avec mission de service public": ORG_TYPE["association-service-public"],
    "juridiction": ORG_TYPE.juridiction,
    "département": ORG_TYPE.collectivite,
    "collectivité": ORG_TYPE.collectivite,
    "autre": ORG_TYPE.autre,
}


def canonical(source_slug: str) -> str:
    return CANONICAL.get(source_slug, slugify(source_slug))


def names(name: str, acronym: str | None = None) -> list[str]:
    """A name, the name without a trailing '(acronym)', and the acronyms, normalised."""
    found = [name]
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", name)
    if m:
        found += [m.group(1), m.group(2)]
    if acronym:
        found.append(acronym)
    return [norm(n) for n in found if n and n.strip()]


def by_name(triples: Iterable[Triple], identifiers: bool = False) -> dict[str, NamedNode]:
    """The organisations among ``triples`` by their normalised names and acronyms (``foaf:name``,
    ``skos:altLabel``), and their ``dct:identifier`` (their IRI's last segment) with ``identifiers``; the first
    IRI in order keeps a name two organisations share."""
    organisations: set[NamedNode] = set()
    labels = (FOAF.name, SKOS.altLabel, DCT.identifier) if identifiers else (FOAF.name, SKOS.altLabel)
    named: list[tuple[NamedNode, str]] = []
    for t in triples:
        if t.predicate == RDF.type and t.object == FOAF.Organization and isinstance(t.subject, NamedNode):
            organisations.add(t.subject)
        elif t.predicate in labels and isinstance(t.object, Literal) and isinstance(t.subject, NamedNode):
            named.append((t.subject, t.object.value))
    found: dict[str, NamedNode] = {}
    for subject, name in sorted(named, key=lambda n: n[0].value):
        if subject in organisations:
            found.setdefault(norm(name), subject)
    return found
