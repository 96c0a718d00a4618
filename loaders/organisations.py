"""Organisations of the seed: one IRI per organisation across sources, types, and known hierarchy.

Both sources name producers by a file slug; the same organisation may carry different slugs (the
Ressourcerie's ``ursaff`` and ``pole-emploi`` are api.gouv.fr's ``urssaf`` and ``france-travail``).
"""

from __future__ import annotations

from graph.iris import slugify
from graph.namespaces import ORG_TYPE

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
