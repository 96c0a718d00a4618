"""Access rights: the EU access-rights table (``PUBLIC``, ``RESTRICTED``, ``NON_PUBLIC``), with the words the
site uses for each: the key of search facets and forms, the form's choice, the resource page's badge and
explanation (the facets' labels are the concepts' own, in the ontology)."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.namespaces import ACCESS


@dataclass(frozen=True)
class AccessRight:
    key: str  # in URLs and forms: open, on-request, restricted
    iri: NamedNode
    choice: str  # what the contribution form offers
    badge: str  # the resource page's badge
    level: str  # the DSFR badge kind
    explanation: str


ACCESS_RIGHTS: tuple[AccessRight, ...] = (
    AccessRight(
        "open",
        ACCESS.PUBLIC,
        "Ouverte à tous",
        "Ouverte",
        "success",
        "Accessible à tous, sans démarche ni restriction.",
    ),
    AccessRight(
        "on-request",
        ACCESS.RESTRICTED,
        "Ouverte sur demande (compte, habilitation)",
        "Sur demande",
        "warning",
        "Accessible sur demande ou après création d'un compte.",
    ),
    AccessRight(
        "restricted",
        ACCESS.NON_PUBLIC,
        "Réservée (certaines administrations)",
        "Restreinte",
        "error",
        "Réservée à certains publics, en général les administrations habilitées.",
    ),
)
BY_KEY: dict[str, AccessRight] = {a.key: a for a in ACCESS_RIGHTS}
BY_IRI: dict[NamedNode, AccessRight] = {a.iri: a for a in ACCESS_RIGHTS}
