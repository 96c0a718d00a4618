"""Text values that catalogues give where DCAT-AP expects IRIs, mapped to the reference tables' IRIs:
licences, file types (EU file-type table), media types (IANA), languages (EU language table).

The tables are small on purpose: the values French catalogues (data.gouv.fr, opendatasoft, CKAN) use.
An unknown value is not guessed: the caller drops it and notes it in the harvest report.
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from loaders._build import norm

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

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
FILE_TYPES: dict[str, str] = {
    "csv": "CSV",
    "json": "JSON",
    "geojson": "GEOJSON",
    "jsonld": "JSON_LD",
    "json-ld": "JSON_LD",
    "xml": "XML",
    "rdf": "RDF_XML",
    "rdf/xml": "RDF_XML",
    "ttl": "RDF_TURTLE",
    "turtle": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "xls": "XLS",
    "xlsx": "XLSX",
    "ods": "ODS",
    "pdf": "PDF",
    "zip": "ZIP",
    "shp": "SHP",
    "kml": "KML",
    "gpkg": "GPKG",
    "parquet": "PARQUET",
    "txt": "TXT",
    "html": "HTML",
    "api": "REST",
    "rest": "REST",
    "wms": "WMS_SRVC",
    "wfs": "WFS_SRVC",
}
# media type -> EU file-type code, for distributions that give only a media type
MEDIA_TO_FILE_TYPE: dict[str, str] = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/ld+json": "JSON_LD",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/rdf+xml": "RDF_XML",
    "text/turtle": "RDF_TURTLE",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/pdf": "PDF",
    "application/zip": "ZIP",
    "text/html": "HTML",
    "text/plain": "TXT",
}
# language code (ISO 639-1 or -3) or name -> EU language code
LANGUAGES: dict[str, str] = {
    "fr": "FRA",
    "fra": "FRA",
    "fre": "FRA",
    "francais": "FRA",
    "french": "FRA",
    "en": "ENG",
    "eng": "ENG",
    "anglais": "ENG",
    "english": "ENG",
    "de": "DEU",
    "deu": "DEU",
    "ger": "DEU",
    "es": "SPA",
    "spa": "SPA",
    "it": "ITA",
    "ita": "ITA",
    "nl": "NLD",
    "nld": "NLD",
    "pt": "POR",
    "por": "POR",
}
_MEDIA = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def licence(text: str) -> NamedNode | None:
    found = LICENCES.get(norm(text))
    return NamedNode(found) if found else None


def file_type(text: str) -> NamedNode | None:
    """'csv', 'CSV', '.csv', 'text/csv' or an EU file-type IRI -> the EU file-type IRI."""
    value = text.strip()
    if value.startswith(FILE_TYPE):
        return NamedNode(value)
    key = value.lower().lstrip(".")
    code = FILE_TYPES.get(key) or MEDIA_TO_FILE_TYPE.get(key.split(";", 1)[0].strip())
    return NamedNode(FILE_TYPE + code) if code else None


def media_type(text: str) -> NamedNode | None:
    """'text/csv' (or its IANA IRI) -> <https://www.iana.org/assignments/media-types/text/csv>."""
    value = text.strip()
    if value.startswith(MEDIA_TYPE):
        return NamedNode(value)
    key = value.lower().split(";", 1)[0].strip()
    return NamedNode(MEDIA_TYPE + key) if _MEDIA.match(key) else None


def language(text: str) -> NamedNode | None:
    """'fr', 'fra', 'français' or an EU language IRI -> the EU language IRI."""
    value = text.strip()
    if value.startswith(LANGUAGE):
        return NamedNode(value)
    code = LANGUAGES.get(norm(value).replace(" ", "")) or LANGUAGES.get(value.lower().split("-", 1)[0])
    return NamedNode(LANGUAGE + code) if code else None


def language_tag(text: str) -> str | None:
    """The BCP 47 tag of a language value, for untagged titles: 'FRA' or 'fr-FR' -> 'fr'."""
    node = language(text)
    if node is None:
        return None
    code = node.value.rsplit("/", 1)[-1]
    return next((k for k, v in LANGUAGES.items() if v == code and len(k) == 2), None)
