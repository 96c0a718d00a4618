"""The analysts' workbench: YASGUI on /sparql for browsers (a GET without a query whose Accept prefers HTML),
with the named queries as example tabs, ready to run: the prefixes they use declared, and their required
parameters bound to the example of their help text. Without JavaScript, a plain form posts to /sparql."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import Response

from graph._sparqltext import tokens, used_prefixes
from graph.errors import QueryParameterError
from graph.namespaces import PREFIXES
from graph.queries import Choices, NamedQuery
from graph.web.context import Context
from graph.web.pages.namedqueries import choices
from graph.web.render import render
from graph.web.urls import Urls

_EXAMPLE = re.compile(r"(?:e\.g\.|par exemple)\s+(.+?)\s*(?:\(facultatif\))?$")
FORMATS = [
    ("json", "JSON (résultats SPARQL)"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("xml", "XML (résultats SPARQL)"),
    ("ttl", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
]


def example_text(query: NamedQuery, choices: Choices | None = None) -> str:
    """The query as a tab of the workbench: the prefixes it uses declared; each required parameter bound
    by a VALUES block to the example its help gives (optional ones stay unbound: no filter)."""
    named = used_prefixes(query.text) | used_prefixes(" ".join(p.help for p in query.params))  # and the examples
    used = [p for p in PREFIXES if p in named]
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)
    header, body = _split_header(query.text)
    values = []
    for p in query.params:
        m = _EXAMPLE.search(p.help)
        if not p.required or not m:
            continue
        try:
            values.append(f"VALUES ?{p.name} {{ {p.term(m.group(1).rstrip('.,;'), choices)} }}")
        except QueryParameterError:
            continue
    if values:
        brace = next(t.start for t in tokens(body) if t.text == "{" and t.depth == 0)
        body = body[: brace + 1] + "\n  " + "\n  ".join(values) + body[brace + 1 :]
    return header + prologue + body


def _split_header(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    n = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[:n]), "".join(lines[n:])


def workbench_page(request: Request, ctx: Context) -> Response:
    queries = list(ctx.queries.queries.values())
    picks = choices(ctx)
    tabs = [
        {"name": q.title, "query": example_text(q, picks), "href": Urls.of(request).path(f"/queries/{q.name}")}
        for q in queries
    ]
    page = {
        "queries": queries,
        "tabs": tabs,
        "formats": FORMATS,
        "example": tabs[0]["query"] if tabs else "",
        "timeout": f"{ctx.settings.query_timeout:g}",
    }
    return render(request, "workbench.html", page=page)
