from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import RdfSyntaxError, UnsupportedFormat
from graph.rdf import format_for, parse_file

BAD = {
    "bad.ttl": (b"@prefix ex: <http://e/> .\nex:a ex:b\n  ex:c ex:d .\n", 3),
    "bad.nt": (b'<http://a> <http://b> "c" .\n<http://a> <http://b> "unclosed .\n', 2),
    "bad.nq": (b"<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n", 2),
    "bad.trig": (b"<http://g> {\n <http://a> <http://b> <http://c> \n", 3),
    "bad.jsonld": (b'{\n  "@id": "http://a",\n  "http://b": [1, }\n', 3),
    "bad.rdf": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>\n',
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_rdf_names_file_line_and_column(tmp_path: Path, name: str) -> None:
    data, line = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RdfSyntaxError) as e:
        parse_file(path)
    assert e.value.source == str(path)
    assert e.value.line == line
    assert e.value.column is not None
    assert f"{path}, line {line}, column" in str(e.value)


def test_unknown_extension_lists_the_formats() -> None:
    with pytest.raises(UnsupportedFormat, match="Turtle"):
        format_for("data.xlsx")


def test_explicit_format_wins() -> None:
    assert format_for("data.txt", "ttl").name == "Turtle"
