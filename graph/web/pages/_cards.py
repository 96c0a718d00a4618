"""Cards of the article and service pages: a record shown by its title, kind, producer and a plain-text excerpt
of its description, read from the rows of a page's query (``?x`` the record, ``?label`` its title, ``?a`` /
``?alabel`` its kind, ``?b`` / ``?blabel`` its producer, ``?c`` its description)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from graph import text
from graph.web.context import Context
from graph.web.pages._prose import one_line
from graph.web.pages._view import Link, first, group, href_of, lang_of, values

EXCERPT = 220


@dataclass
class Card:
    iri: str
    link: Link
    kind: str | None = None
    producers: list[Link] = field(default_factory=list)
    excerpt: str | None = None
    notes: list[str] = field(default_factory=list)  # what ties it to the page (a purpose, a role)


def cards(request: Request, ctx: Context, rows: Iterable[dict[str, Any]]) -> list[Card]:
    """One card per record of the rows, by title."""
    out = []
    for iri, rs in group(rows).items():
        title, kind, description = first(rs, "label"), first(rs, "alabel"), first(rs, "c")
        out.append(
            Card(
                iri,
                Link(title.value if title else iri, href_of(request, ctx, iri), lang_of(title)),
                kind.value if kind else None,
                [Link(lab or i, href_of(request, ctx, i)) for i, lab in values(rs, "b", "blabel")],
                text.clip(one_line(description.value), EXCERPT) if description else None,
            )
        )
    return sorted(out, key=lambda c: (c.link.text.lower(), c.link.text))
