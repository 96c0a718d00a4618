"""Licences people choose from when they propose a resource, and the names shown for a licence IRI."""

from __future__ import annotations

LICENCES: list[tuple[str, str]] = [
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "Licence Ouverte / Open Licence 2.0 (Etalab)"),
    ("https://opendatacommons.org/licenses/odbl/1-0/", "Open Database License (ODbL) 1.0"),
    ("https://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
    ("https://spdx.org/licenses/MIT.html", "Licence MIT"),
    ("https://spdx.org/licenses/Apache-2.0.html", "Licence Apache 2.0"),
    ("https://spdx.org/licenses/EUPL-1.2.html", "Licence publique de l'Union européenne (EUPL) 1.2"),
    ("https://spdx.org/licenses/GPL-3.0-or-later.html", "GNU GPL 3.0 ou ultérieure"),
    ("https://spdx.org/licenses/AGPL-3.0-or-later.html", "GNU Affero GPL 3.0 ou ultérieure"),
]
_ALIASES = {
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence": LICENCES[0][1],
    "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf": LICENCES[0][1],
    "https://spdx.org/licenses/etalab-2.0.html": LICENCES[0][1],
}


def licence_name(iri: str) -> str:
    """The name of a known licence, else its IRI."""
    return dict(LICENCES).get(iri) or _ALIASES.get(iri) or _ALIASES.get(iri.rstrip("/")) or iri
