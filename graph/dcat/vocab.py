"""Our terms mapped to the EU vocabularies DCAT-AP expects: languages, file types, media types, licence types
(from the licence table, ``graph.model.licences``), publisher types, and the EU schemes' IRIs. Small tables, written out; a value not in them is left as it is.
The harvester (loaders.harvest.vocabularies) reads catalogues' text values through the same tables."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from graph.model import licences
from graph.namespaces import Namespace

LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA = "https://www.iana.org/assignments/media-types/"

LANGUAGE_SCHEME = NamedNode("http://publications.europa.eu/resource/authority/language")
FILE_TYPE_SCHEME = NamedNode("http://publications.europa.eu/resource/authority/file-type")
DATA_THEME_SCHEME = NamedNode("http://publications.europa.eu/resource/authority/data-theme")
ACCESS_RIGHT_SCHEME = NamedNode("http://publications.europa.eu/resource/authority/access-right")
LICENCE_TYPE_SCHEME = NamedNode("http://purl.org/adms/licencetype/1.0")
PUBLISHER_TYPE_SCHEME = NamedNode("http://purl.org/adms/publishertype/1.0")

SCHEME_TITLES: dict[str, str] = {
    LANGUAGE_SCHEME.value: "Languages (EU authority table)",
    FILE_TYPE_SCHEME.value: "File types (EU authority table)",
    DATA_THEME_SCHEME.value: "Data themes (EU authority table)",
    ACCESS_RIGHT_SCHEME.value: "Access rights (EU authority table)",
    LICENCE_TYPE_SCHEME.value: "ADMS licence types",
    PUBLISHER_TYPE_SCHEME.value: "ADMS publisher types",
}

# ISO 639-1 language tags -> the EU language authority table (ISO 639-3 based codes) and its English label
LANGUAGES: dict[str, tuple[str, str]] = {
    "fr": ("FRA", "French"),
    "en": ("ENG", "English"),
    "de": ("DEU", "German"),
    "es": ("SPA", "Spanish"),
    "it": ("ITA", "Italian"),
    "nl": ("NLD", "Dutch"),
    "pt": ("POR", "Portuguese"),
    "br": ("BRE", "Breton"),
    "oc": ("OCI", "Occitan"),
    "co": ("COS", "Corsican"),
    "eu": ("EUS", "Basque"),
    "ca": ("CAT", "Catalan"),
}
# other ways catalogues name these languages: ISO 639-2/B codes and French names (lower case, no accents)
LANGUAGE_ALIASES: dict[str, str] = {
    "fre": "FRA",
    "ger": "DEU",
    "dut": "NLD",
    "baq": "EUS",
    "francais": "FRA",
    "anglais": "ENG",
    "allemand": "DEU",
    "espagnol": "SPA",
    "italien": "ITA",
    "neerlandais": "NLD",
    "portugais": "POR",
    "breton": "BRE",
    "occitan": "OCI",
    "corse": "COS",
    "basque": "EUS",
    "catalan": "CAT",
}
# any known name of a language (ISO 639-1 tag, EU code, English or French name, lower case) -> its EU code
LANGUAGE_CODES: dict[str, str] = {
    **{tag: code for tag, (code, _label) in LANGUAGES.items()},
    **{code.lower(): code for code, _label in LANGUAGES.values()},
    **{label.lower(): code for code, label in LANGUAGES.values()},
    **LANGUAGE_ALIASES,
}
# EU language code -> ISO 639-1 tag
LANGUAGE_TAGS: dict[str, str] = {code: tag for tag, (code, _label) in LANGUAGES.items()}

# format names and file extensions as sources write them (lower case) -> the EU file-type table
FILE_TYPES: dict[str, str] = {
    "csv": "CSV",
    "json": "JSON",
    "geojson": "GEOJSON",
    "jsonld": "JSON_LD",
    "json-ld": "JSON_LD",
    "xml": "XML",
    "rdf": "RDF_XML",
    "rdf/xml": "RDF_XML",
    "turtle": "RDF_TURTLE",
    "ttl": "RDF_TURTLE",
    "n-triples": "RDF_N_TRIPLES",
    "nt": "RDF_N_TRIPLES",
    "xls": "XLS",
    "xlsx": "XLSX",
    "ods": "ODS",
    "pdf": "PDF",
    "zip": "ZIP",
    "html": "HTML",
    "txt": "TXT",
    "shp": "SHP",
    "kml": "KML",
    "gpkg": "GPKG",
    "parquet": "PARQUET",
    "yaml": "YAML",
    "sql": "SQL",
}
# service kinds catalogues give as a distribution's format -> the EU file-type table (harvesting only)
SERVICE_TYPES: dict[str, str] = {"api": "REST", "rest": "REST", "wms": "WMS_SRVC", "wfs": "WFS_SRVC"}
# IANA media types of the file types above, both ways
MEDIA_TYPES: dict[str, str] = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "JSON_LD": "application/ld+json",
    "XML": "application/xml",
    "RDF_XML": "application/rdf+xml",
    "RDF_TURTLE": "text/turtle",
    "RDF_N_TRIPLES": "application/n-triples",
    "XLS": "application/vnd.ms-excel",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "PDF": "application/pdf",
    "ZIP": "application/zip",
    "HTML": "text/html",
    "TXT": "text/plain",
    "YAML": "application/yaml",
    "SQL": "application/sql",
}
# media type -> EU file-type code, for distributions that give only a media type
FILE_TYPE_OF_MEDIA_TYPE: dict[str, str] = {media: code for code, media in MEDIA_TYPES.items()} | {"text/xml": "XML"}

LICENCE_TYPE_LABELS = {"Attribution": "Attribution", "ShareAlike": "Share alike", "PublicDomain": "Public domain"}

# our organisation types -> ADMS publisher types; 'autre' has none
PUBLISHER_TYPES: dict[str, str] = {
    "ministere": "NationalAuthority",
    "administration-centrale": "NationalAuthority",
    "service-deconcentre": "NationalAuthority",
    "etablissement-public": "NationalAuthority",
    "gip": "NationalAuthority",
    "institution-independante": "NationalAuthority",
    "juridiction": "NationalAuthority",
    "collectivite": "LocalAuthority",
    "entreprise-service-public": "Company",
    "association-service-public": "NonProfitOrganisation",
}
PUBLISHER_TYPE_LABELS = {
    "NationalAuthority": "National authority",
    "LocalAuthority": "Local authority",
    "Company": "Company",
    "NonProfitOrganisation": "Non-profit organisation",
}

MEDIA_TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def language(tag: str) -> tuple[NamedNode, str] | None:
    """'fr' (or 'fr-FR') -> (the EU language IRI, its English label)."""
    found = LANGUAGES.get(tag.split("-", 1)[0].lower())
    return (LANGUAGE[found[0]], found[1]) if found else None


def file_type(name: str) -> NamedNode | None:
    """'CSV', 'csv', '.csv', or an EU file-type IRI -> the EU file-type IRI."""
    if name.startswith(str(FILE_TYPE)):
        return NamedNode(name)
    code = FILE_TYPES.get(name.strip().lower().lstrip("."))
    if code is None and name.strip().upper() in MEDIA_TYPES:
        code = name.strip().upper()
    if code is None:
        code = FILE_TYPE_OF_MEDIA_TYPE.get(name.strip().lower())
    return FILE_TYPE[code] if code else None


def media_type(value: str) -> NamedNode | None:
    """'text/csv' or its IANA IRI -> the IANA IRI; anything that is not a media type -> None."""
    if value.startswith(IANA):
        return NamedNode(value)
    value = value.split(";", 1)[0].strip().lower()
    return NamedNode(IANA + value) if MEDIA_TYPE_PATTERN.match(value) else None


def media_type_of_file_type(iri: NamedNode) -> NamedNode | None:
    code = iri.value.rsplit("/", 1)[-1]
    found = MEDIA_TYPES.get(code)
    return NamedNode(IANA + found) if found else None


def licence_types(iri: str) -> list[NamedNode]:
    """The ADMS licence types of a licence (``graph.model.licences``), as IRIs."""
    return [LICENCE_TYPE[t] for t in licences.licence_types(iri)]


def publisher_type(organisation_type: str) -> NamedNode | None:
    found = PUBLISHER_TYPES.get(organisation_type.rstrip("/").rsplit("/", 1)[-1])
    return PUBLISHER_TYPE[found] if found else None
