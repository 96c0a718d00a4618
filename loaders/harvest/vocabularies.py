"""Text values that catalogues give where DCAT-AP expects IRIs, mapped to the reference tables' IRIs:
licences, file types (EU file-type table), media types (IANA), languages (EU language table).

The file-type, media-type and language tables are graph.dcat.vocab's, the ones the catalogue publishes with;
the licence table is the values French catalogues (data.gouv.fr, opendatasoft, CKAN) use.
An unknown value is not guessed: the caller drops it and notes it in the harvest report.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from graph.dcat import vocab
from loaders._build import norm

FILE_TYPE = str(vocab.FILE_TYPE)
LANGUAGE = str(vocab.LANGUAGE)
MEDIA_TYPE = vocab.IANA

_ETALAB_1 = "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf"
_ETALAB_2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
_ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
# normalised text (loaders._build.norm) -> licence IRI
LICENCES: dict[str, str] = {
    "licence ouverte": _ETALAB_2,
    "licence ouverte v2 0": _ETALAB_2,
    "licence ouverte version 2 0": _ETALAB_2,
    "licence ouverte open licence": _ETALAB_2,
    "licence ouverte open licence version 2 0": _ETALAB_2,
    "open licence 2 0": _ETALAB_2,
    "etalab 2 0": _ETALAB_2,
    "lov2": _ETALAB_2,
    "licence ouverte v1 0": _ETALAB_1,
    "licence ouverte version 1 0": _ETALAB_1,
    "licence ouverte open licence version 1 0": _ETALAB_1,
    "fr lo": _ETALAB_1,
    "odbl": _ODBL,
    "open database license odbl": _ODBL,
    "odc odbl": _ODBL,
    "cc by": "https://creativecommons.org/licenses/by/4.0/",
    "cc by 4 0": "https://creativecommons.org/licenses/by/4.0/",
    "creative commons attribution": "https://creativecommons.org/licenses/by/4.0/",
    "cc by sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc by sa 4 0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc0 1 0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "creative commons cczero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc by": "https://opendatacommons.org/licenses/by/1-0/",
    "pddl": "https://opendatacommons.org/licenses/pddl/1-0/",
    "mit": "https://spdx.org/licenses/MIT.html",
    "apache 2 0": "https://spdx.org/licenses/Apache-2.0.html",
    "agpl 3 0": "https://spdx.org/licenses/AGPL-3.0-or-later.html",
    "gpl 3 0": "https://spdx.org/licenses/GPL-3.0-or-later.html",
    "eupl 1 2": "https://spdx.org/licenses/EUPL-1.2.html",
}
# file extension or format name (lower case) -> EU file-type code
FILE_TYPES: dict[str, str] = vocab.FILE_TYPES | vocab.SERVICE_TYPES


def licence(text: str) -> NamedNode | None:
    found = LICENCES.get(norm(text))
    return NamedNode(found) if found else None


def file_type(text: str) -> NamedNode | None:
    """'csv', 'CSV', '.csv', 'text/csv' or an EU file-type IRI -> the EU file-type IRI."""
    value = text.strip()
    if value.startswith(FILE_TYPE):
        return NamedNode(value)
    key = value.lower().lstrip(".")
    code = FILE_TYPES.get(key) or vocab.FILE_TYPE_OF_MEDIA_TYPE.get(key.split(";", 1)[0].strip())
    return NamedNode(FILE_TYPE + code) if code else None


def media_type(text: str) -> NamedNode | None:
    """'text/csv' (or its IANA IRI) -> <https://www.iana.org/assignments/media-types/text/csv>."""
    return vocab.media_type(text.strip())


def language(text: str) -> NamedNode | None:
    """'fr', 'fra', 'français' or an EU language IRI -> the EU language IRI."""
    value = text.strip()
    if value.startswith(LANGUAGE):
        return NamedNode(value)
    codes = vocab.LANGUAGE_CODES
    code = codes.get(norm(value).replace(" ", "")) or codes.get(value.lower().split("-", 1)[0])
    return NamedNode(LANGUAGE + code) if code else None


def language_tag(text: str) -> str | None:
    """The BCP 47 tag of a language value, for untagged titles: 'FRA' or 'fr-FR' -> 'fr'."""
    node = language(text)
    return vocab.LANGUAGE_TAGS.get(node.value.rsplit("/", 1)[-1]) if node is not None else None
