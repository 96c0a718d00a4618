"""Results of a named query as tables for people: CSV that opens cleanly in a French spreadsheet (UTF-8 with a
byte order mark, a comma or a semicolon between cells, the columns' French headings) and XLSX (openpyxl: typed
cells, IRIs as links, the heading row frozen). The SPARQL results formats stay the machines' (/sparql, .json).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from pyoxigraph import BlankNode, Literal, NamedNode

from graph.namespaces import XSD
from graph.store.base import Term

BOM = "\ufeff"
SEPARATORS = {",": ",", ";": ";", "comma": ",", "semicolon": ";", "virgule": ",", "point-virgule": ";"}
_NUMBERS = {XSD.integer.value: int, XSD.decimal.value: float, XSD.double.value: float, XSD.float.value: float}
MAX_WIDTH = 60


def text(term: Term | None) -> str:
    """What a cell shows: an IRI as itself, a literal's text, a blank node as _:name."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def to_csv(headings: Sequence[str], rows: Sequence[Sequence[Term | None]], *, sep: str = ",", bom: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows([text(t) for t in row] for row in rows)
    return (BOM if bom else "") + out.getvalue()


def to_xlsx(title: str, headings: Sequence[str], rows: Sequence[Sequence[Term | None]]) -> bytes:
    # on first use: the service starts without openpyxl (about 12 MB) until a table is asked as XLSX
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(title)
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headings]
    for row in rows:
        sheet.append([_value(t) for t in row])
        for k, t in enumerate(row):
            widths[k] = max(widths[k], min(MAX_WIDTH, len(text(t))))
        for k, t in enumerate(row):
            if isinstance(t, NamedNode) and t.value.startswith(("http://", "https://")):
                sheet.cell(row=sheet.max_row, column=k + 1).hyperlink = t.value
    for k, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(k)].width = width + 2
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(term: Term | None) -> object:
    """A typed cell: numbers and dates as such, everything else as text."""
    if not isinstance(term, Literal):
        return text(term)
    datatype = term.datatype.value
    try:
        if datatype in _NUMBERS:
            return _NUMBERS[datatype](term.value)
        if datatype == XSD.date.value:
            return date.fromisoformat(term.value)
        if datatype == XSD.dateTime.value:
            return datetime.fromisoformat(term.value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    return term.value


def _sheet_title(title: str) -> str:
    """A sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Résultats"
