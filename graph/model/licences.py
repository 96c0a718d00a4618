"""Licences: the one table. Each known licence has its IRI (the form the catalogue publishes), its name in
French, its ADMS licence types, the other IRIs that name it and the ways sources write it (normalised text, as
``graph.text.norm`` gives it: udata ids, catalogue labels, GitHub names). Software licences not listed are read
by their SPDX identifier (``spdx``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.text import norm


@dataclass(frozen=True)
class Licence:
    iri: str
    name: str
    types: tuple[str, ...] = ()  # ADMS licence types: Attribution, ShareAlike, PublicDomain
    aliases: tuple[str, ...] = ()  # other IRIs of the same licence
    texts: tuple[str, ...] = ()  # normalised names sources give it
    offered: bool = False  # in the contribution form's list
    spdx: str | None = None  # its SPDX identifier


_ETALAB_2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
_ETALAB_1 = "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf"
_ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
_CC_BY = "https://creativecommons.org/licenses/by/4.0/"
_CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"

LICENCES: tuple[Licence, ...] = (
    Licence(
        _ETALAB_2,
        "Licence Ouverte / Open Licence 2.0 (Etalab)",
        ("Attribution",),
        aliases=(
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
            "https://spdx.org/licenses/etalab-2.0.html",
        ),
        texts=(
            "licence ouverte",
            "licence ouverte v2 0",
            "licence ouverte version 2 0",
            "licence ouverte open licence",
            "licence ouverte open licence version 2 0",
            "open licence 2 0",
            "etalab 2 0",
            "lov2",
        ),
        offered=True,
        spdx="etalab-2.0",
    ),
    Licence(
        _ETALAB_1,
        "Licence Ouverte / Open Licence 1.0 (Etalab)",
        ("Attribution",),
        texts=(
            "licence ouverte v1 0",
            "licence ouverte version 1 0",
            "licence ouverte open licence version 1 0",
            "fr lo",
        ),
    ),
    Licence(
        _ODBL,
        "Open Database License (ODbL) 1.0",
        ("Attribution", "ShareAlike"),
        texts=("odbl", "open database license odbl", "odc odbl"),
        offered=True,
        spdx="ODbL-1.0",
    ),
    Licence(
        "https://opendatacommons.org/licenses/by/1-0/",
        "Open Data Commons Attribution 1.0",
        ("Attribution",),
        texts=("odc by",),
    ),
    Licence("https://opendatacommons.org/licenses/pddl/1-0/", "Open Data Commons PDDL 1.0", texts=("pddl", "odc pddl")),
    Licence(
        _CC_BY,
        "Creative Commons Attribution 4.0 (CC BY 4.0)",
        ("Attribution",),
        texts=("cc by", "cc by 4 0", "creative commons attribution"),
        offered=True,
        spdx="CC-BY-4.0",
    ),
    Licence(
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "Creative Commons Attribution - Partage dans les mêmes conditions 4.0 (CC BY-SA 4.0)",
        ("Attribution", "ShareAlike"),
        texts=("cc by sa", "cc by sa 4 0"),
        spdx="CC-BY-SA-4.0",
    ),
    Licence(
        _CC0,
        "Creative Commons Zero 1.0 (CC0)",
        ("PublicDomain",),
        texts=("cc0", "cc0 1 0", "creative commons cczero", "cc zero"),
        spdx="CC0-1.0",
    ),
    Licence(
        "https://spdx.org/licenses/MIT.html",
        "Licence MIT",
        ("Attribution",),
        aliases=("https://opensource.org/licenses/MIT",),
        texts=("mit", "mit license"),
        offered=True,
        spdx="MIT",
    ),
    Licence(
        "https://spdx.org/licenses/Apache-2.0.html",
        "Licence Apache 2.0",
        ("Attribution",),
        aliases=("https://www.apache.org/licenses/LICENSE-2.0",),
        texts=("apache 2 0", "apache license 2 0"),
        offered=True,
        spdx="Apache-2.0",
    ),
    Licence(
        "https://spdx.org/licenses/EUPL-1.2.html",
        "Licence publique de l'Union européenne (EUPL) 1.2",
        ("Attribution", "ShareAlike"),
        aliases=("https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",),
        texts=("eupl 1 2", "european union public license 1 2"),
        offered=True,
        spdx="EUPL-1.2",
    ),
    Licence(
        "https://spdx.org/licenses/GPL-3.0-or-later.html",
        "GNU GPL 3.0 ou ultérieure",
        ("Attribution", "ShareAlike"),
        aliases=("https://www.gnu.org/licenses/gpl-3.0.html",),
        texts=("gpl 3 0",),
        offered=True,
        spdx="GPL-3.0-or-later",
    ),
    Licence(
        "https://spdx.org/licenses/AGPL-3.0-or-later.html",
        "GNU Affero GPL 3.0 ou ultérieure",
        ("Attribution", "ShareAlike"),
        aliases=("https://www.gnu.org/licenses/agpl-3.0.html",),
        texts=("agpl 3 0",),
        offered=True,
        spdx="AGPL-3.0-or-later",
    ),
)

_BY_IRI: dict[str, Licence] = {iri: lic for lic in LICENCES for iri in (lic.iri, *lic.aliases)}
_BY_TEXT: dict[str, Licence] = {text: lic for lic in LICENCES for text in lic.texts}
OFFERED: list[tuple[str, str]] = [(lic.iri, lic.name) for lic in LICENCES if lic.offered]


def known(iri: str) -> Licence | None:
    """The licence an IRI names (its own or one of its other IRIs, with or without a final slash)."""
    return _BY_IRI.get(iri) or _BY_IRI.get(iri.rstrip("/"))


def licence_name(iri: str) -> str:
    """The name of a known licence, else its IRI."""
    found = known(iri)
    return found.name if found is not None else iri


def licence_types(iri: str) -> tuple[str, ...]:
    """The ADMS licence types of a licence IRI (none for an unknown one)."""
    found = _BY_IRI.get(iri)
    return found.types if found is not None else ()


def from_text(text: str) -> NamedNode | None:
    """The licence a catalogue names in words ('Licence Ouverte v2.0', 'odc-odbl', 'CC-BY 4.0'), if known."""
    found = _BY_TEXT.get(norm(text))
    return NamedNode(found.iri) if found is not None else None


# --- software licences: SPDX identifiers -------------------------------------------------------------------------

_SPDX_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
# SPDX identifiers seen in the sources, by lower case (publiccode.yml files often write them in lower case)
_SPDX: dict[str, str] = {
    s.lower(): s
    for s in (
        "0BSD", "AFL-3.0", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
        "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0",
        "CDDL-1.0", "CECILL-2.1", "CECILL-B", "CECILL-C", "CPL-1.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2",
        "GPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-only", "GPL-3.0-or-later", "IPL-1.0",
        "ISC", "LGPL-2.0", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1-only", "LGPL-2.1-or-later",
        "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MPL-1.1", "MPL-2.0", "OLDAP-2.8", "PostgreSQL",
        "Unlicense", "X11", "Zlib",
    )
}  # fmt: skip
# licence names as GitHub and GitLab give them (code.gouv.fr) -> SPDX
_SPDX_NAMES: dict[str, str] = {
    "apache license 2 0": "Apache-2.0",
    "mit license": "MIT",
    "gnu affero general public license v3 0": "AGPL-3.0",
    "gnu general public license v3 0": "GPL-3.0",
    "gnu general public license v2 0": "GPL-2.0",
    "gnu lesser general public license v3 0": "LGPL-3.0",
    "gnu lesser general public license v2 1": "LGPL-2.1",
    "mozilla public license 2 0": "MPL-2.0",
    "bsd 3 clause new or revised license": "BSD-3-Clause",
    "bsd 2 clause simplified license": "BSD-2-Clause",
    "eclipse public license 2 0": "EPL-2.0",
    "european union public license 1 2": "EUPL-1.2",
    "the unlicense": "Unlicense",
    "creative commons zero v1 0 universal": "CC0-1.0",
    "gpl v2 0": "GPL-2.0",
    "lgpl v2 1": "LGPL-2.1",
    "bsd 3 0": "BSD-3-Clause",
    "mpl 2 0": "MPL-2.0",
    "epl 1 0": "EPL-1.0",
}


def spdx(value: object) -> list[NamedNode]:
    """Licence IRIs (spdx.org) of an SPDX identifier, an expression of several, or a licence's common name."""
    if not isinstance(value, str) or not value.strip():
        return []
    found = []
    for part in re.split(r"\s*(?:,|/| et | or | OR | and | AND )\s*", value.strip()):
        ident = _SPDX.get(part.lower()) or _SPDX_NAMES.get(norm(part))
        if ident is None and _SPDX_TOKEN.match(part) and any(c.isdigit() for c in part):
            ident = part
        if ident is not None:
            found.append(NamedNode(f"https://spdx.org/licenses/{ident}.html"))  # the form the licence tables use
    return found
