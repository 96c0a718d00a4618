"""Text values that catalogues give where DCAT-AP expects IRIs, mapped to the reference tables' IRIs:
licences, file types (EU file-type table), media types (IANA), languages (EU language table).

The file-type, media-type and language tables are graph.dcat.vocab's, the ones the catalogue publishes with;
the licence table (``graph.model.licences``) holds the names French catalogues (data.gouv.fr, opendatasoft,
CKAN) give licences.
An unknown value is not guessed: the caller drops it and notes it in the harvest report.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from graph.dcat import vocab
from graph.model import licences
from graph.text import norm

FILE_TYPE = str(vocab.FILE_TYPE)
LANGUAGE = str(vocab.LANGUAGE)
MEDIA_TYPE = vocab.IANA

# file extension or format name (lower case) -> EU file-type code
FILE_TYPES: dict[str, str] = vocab.FILE_TYPES | vocab.SERVICE_TYPES


def licence(text: str) -> NamedNode | None:
    """A licence named in words, from the licence table (``graph.model.licences``)."""
    return licences.from_text(text)


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
