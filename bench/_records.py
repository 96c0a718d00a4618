"""Generated records for the robustness scripts' writes: one organisation and N resources it publishes, valid
against the shapes by construction, all IRIs under a tag so that each write can be told apart and checked."""

from __future__ import annotations

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
PREFIXES = """@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix kind: <https://ressourcerie.fabrique.social.gouv.fr/def/kind/> .
@prefix theme: <https://ressourcerie.fabrique.social.gouv.fr/def/theme/> .
"""


def turtle(tag: str, resources: int) -> str:
    """Turtle of organisation ``bench-TAG`` and resources ``bench-TAG-1`` .. ``bench-TAG-N`` (``triples(N)``)."""
    org = f"<{BASE}organisation/bench-{tag}>"
    lines = [PREFIXES, f'{org} a org:Organization, foaf:Organization, foaf:Agent ;\n    foaf:name "Banc {tag}"@fr .\n']
    for n in range(1, resources + 1):
        slug = f"bench-{tag}-{n}"
        lines.append(
            f"<{BASE}resource/{slug}> a dcat:Resource, dcat:DataService ;\n"
            f'    dct:identifier "{slug}" ;\n'
            f'    dct:title "API de banc {tag} {n}"@fr ;\n'
            f'    dct:description "Ressource générée par les scripts de robustesse ({tag}, {n})."@fr ;\n'
            f"    dct:type kind:api ;\n"
            f"    dct:publisher {org} ;\n"
            f"    dcat:theme theme:emploi .\n"
        )
    return "\n".join(lines)


def triples(resources: int) -> int:
    """Triples in ``turtle(tag, resources)``: 4 for the organisation, 8 per resource."""
    return 4 + 8 * resources
