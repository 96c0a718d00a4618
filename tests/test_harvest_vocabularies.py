from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

from loaders.harvest import vocabularies as v

FT = "http://publications.europa.eu/resource/authority/file-type/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Licence Ouverte Version 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
        ("licence-ouverte", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
        ("ODbL", "https://opendatacommons.org/licenses/odbl/1-0/"),
        ("CC-BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("License Not Specified", None),
    ],
)
def test_licences(text: str, expected: str | None) -> None:
    assert v.licence(text) == (NamedNode(expected) if expected else None)


def test_formats_media_types_languages() -> None:
    assert v.file_type("csv") == v.file_type(".CSV") == v.file_type("text/csv") == NamedNode(FT + "CSV")
    assert v.file_type(FT + "JSON") == NamedNode(FT + "JSON")
    assert v.file_type("exotic") is None
    assert v.media_type("Text/CSV; charset=utf-8") == NamedNode("https://www.iana.org/assignments/media-types/text/csv")
    assert v.media_type("not a type") is None
    fra = NamedNode("http://publications.europa.eu/resource/authority/language/FRA")
    assert v.language("fr") == v.language("fra") == v.language("Français") == v.language("fr-FR") == fra
    assert v.language_tag("FRA") == "fr" and v.language_tag("en") == "en" and v.language_tag("klingon") is None
