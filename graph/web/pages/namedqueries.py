"""The named queries for people: /queries lists them, /queries/{name} renders a form for their parameters (lists
to choose from for organisations, resources, themes and kinds; names accepted as well as IRIs) and the results as
a table under French headings, with the same results as CSV for spreadsheets (UTF-8 with BOM; ``?sep=;`` for
semicolons), XLSX and SPARQL JSON (/queries/{name}.csv, .xlsx, .json).

Queries run in the query workers with their parameters bound as RDF terms (never pasted into the text), under
the limits of /sparql: query_timeout (503), max_result_rows, the worker queue.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, QuerySolutions

from graph import features, tables
from graph.errors import BadRequest, QueryParameterError
from graph.namespaces import PREFIXES
from graph.queries import Choices, NamedQuery
from graph.store.base import Term
from graph.store.queries import QueryRequest
from graph.web.conneg import HTML_OR_JSON, HTML_OR_JSON_NAMES, choose
from graph.web.context import Context, context
from graph.web.render import Alternate, render
from graph.web.urls import Urls, path_of

HTML_ROWS = 500  # rows shown on the page; the downloads have them all
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = ("csv", "xlsx", "json")
INPUT_TYPES = {"iri": "text", "string": "text", "date": "date", "integer": "number"}
SELECTS = ("theme", "kind")  # pickers offered as a <select>; the others as a text field with suggestions


def _feature(ctx: Context) -> None:
    features.require(ctx.settings, "workbench")


def choices(ctx: Context) -> Choices:
    """The pickers' values, read once after each write."""
    return ctx.cached("query-choices", lambda: Choices(ctx.store, ctx.iris, ctx.settings.theme_scheme))


@dataclass
class Form:
    """The values given for a query's parameters, checked one by one (messages in French, by field)."""

    values: dict[str, str]
    bindings: dict[str, Term]
    errors: dict[str, str]
    submitted: bool

    @classmethod
    def read(cls, query: NamedQuery, request: Request, picks: Choices) -> Form:
        params = request.query_params
        values = {p.name: params.get(p.name, "").strip() for p in query.params}
        bindings: dict[str, Term] = {}
        errors: dict[str, str] = {}
        submitted = any(k in params for k in values) or "run" in params
        for p in query.params:
            raw = values[p.name]
            if not raw:
                if p.required and submitted:
                    errors[p.name] = "Ce champ est obligatoire."
                continue
            try:
                bindings[p.name] = p.term(raw, picks)
            except QueryParameterError as e:
                errors[p.name] = e.french or e.message
        return cls(values, bindings, errors, submitted)

    def ready(self, query: NamedQuery) -> bool:
        """Whether to run: no error, and every required value given."""
        return not self.errors and all(p.name in self.bindings for p in query.params if p.required)

    def string(self) -> str:
        given = {k: v for k, v in self.values.items() if v}
        return "?" + urlencode(given) if given else ""


async def run(ctx: Context, query: NamedQuery, bindings: dict[str, Term], media_type: str) -> bytes:
    """The query's results in a SPARQL results format, from a query worker (timeout and row cap of /sparql)."""
    answer = await ctx.runner.run(
        QueryRequest(query.text, prefixes=PREFIXES, bindings=dict(bindings), results_format=media_type, lane="site")
    )
    if answer.body is not None:
        return answer.body
    assert answer.path is not None
    try:
        return answer.path.read_bytes()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(answer.path)


def _cell(request: Request, ctx: Context, term: Any) -> dict[str, str]:
    """A result cell: IRIs under our base IRI link to their record page, other web IRIs to themselves."""
    cell = {"text": "", "href": "", "title": "", "lang": ""}
    if isinstance(term, NamedNode):
        path = path_of(ctx, term.value)
        if path is not None:
            return {**cell, "text": path, "href": Urls.of(request).page(path), "title": term.value}
        web = term.value.startswith(("http://", "https://"))
        return {**cell, "text": term.value, "href": term.value if web else ""}
    if isinstance(term, BlankNode):
        return {**cell, "text": f"_:{term.value}"}
    if isinstance(term, Literal):
        return {**cell, "text": term.value, "lang": term.language or ""}
    return cell


# --- handlers --------------------------------------------------------------------------------------------------


async def query_list(request: Request) -> Response:
    ctx = context(request)
    _feature(ctx)
    queries = list(ctx.queries.queries.values())
    if choose(request, HTML_OR_JSON, default="text/html", names=HTML_OR_JSON_NAMES) == "application/json":
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "parameters": [
                        {"name": p.name, "type": p.type, "required": p.required, "help": p.help} for p in q.params
                    ],
                    "href": Urls.of(request).path(f"/queries/{q.name}"),
                }
                for q in queries
            ],
            headers={"Vary": "Accept"},
        )
    alternates = [Alternate(Urls.of(request).path("/queries"), "application/json", "Named queries, JSON")]
    return render(request, "queries.html", alternates=alternates, page={"queries": queries})


async def query_page(request: Request, name: str) -> Response:
    ctx = context(request)
    _feature(ctx)
    stem, dot, ext = name.rpartition(".")
    if dot and ext in DOWNLOADS:
        return await _download(request, ctx, ctx.queries.get(stem), ext)
    query = ctx.queries.get(name)
    picks = choices(ctx)
    form = Form.read(query, request, picks)
    table: dict[str, Any] | None = None
    if form.ready(query):
        body = await run(ctx, query, form.bindings, QueryResultsFormat.JSON.media_type)
        solutions = pyoxigraph.parse_query_results(body, format=QueryResultsFormat.JSON)
        assert isinstance(solutions, QuerySolutions)
        variables = [v.value for v in solutions.variables]
        rows = [[_cell(request, ctx, s[v]) for v in variables] for s in solutions]
        headings = [query.heading(v) for v in variables]
        table = {"variables": variables, "headings": headings, "rows": rows[:HTML_ROWS], "total": len(rows)}
    qs = form.string()
    urls = Urls.of(request)
    alternates = [
        Alternate(urls.path(f"/queries/{query.name}.csv") + qs, "text/csv", "CSV"),
        Alternate(urls.path(f"/queries/{query.name}.xlsx") + qs, XLSX, "Tableur (XLSX)"),
        Alternate(urls.path(f"/queries/{query.name}.json") + qs, QueryResultsFormat.JSON.media_type, "JSON"),
    ]
    fields = [
        {
            "param": p,
            "value": form.values[p.name],
            "error": form.errors.get(p.name),
            "input_type": INPUT_TYPES.get(p.type, "text"),
            "select": p.type in SELECTS,
            "options": picks.options(p.type) if p.picker else [],
            "selected": str(form.bindings.get(p.name).value) if p.name in form.bindings else "",  # type: ignore[union-attr]
        }
        for p in query.params
    ]
    page = {
        "query": query,
        "fields": fields,
        "table": table,
        "errors": form.errors,
        "csv": alternates[0].href,
        "csv_semicolon": urls.path(f"/queries/{query.name}.csv") + (qs + "&" if qs else "?") + "sep=%3B",
        "xlsx": alternates[1].href,
        "json": alternates[2].href,
        "max_rows": HTML_ROWS,
    }
    status = 400 if form.errors else 200
    return render(request, "query.html", status=status, alternates=alternates if table else [], page=page)


async def _download(request: Request, ctx: Context, query: NamedQuery, ext: str) -> Response:
    values = {k: v for k, v in request.query_params.items() if k != "sep"}
    bindings = query.bind(values, choices(ctx))  # QueryParameterError (400) names the parameter and what is expected
    disposition = {"Content-Disposition": f'attachment; filename="{query.name}.{ext}"'}
    if ext == "json":
        body = await run(ctx, query, bindings, QueryResultsFormat.JSON.media_type)
        return Response(body, media_type=QueryResultsFormat.JSON.media_type, headers=disposition)
    body = await run(ctx, query, bindings, QueryResultsFormat.JSON.media_type)
    solutions = pyoxigraph.parse_query_results(body, format=QueryResultsFormat.JSON)
    assert isinstance(solutions, QuerySolutions)
    variables = [v.value for v in solutions.variables]
    rows = [[s[v] for v in variables] for s in solutions]
    headings = [query.heading(v) for v in variables]
    if ext == "xlsx":
        return Response(tables.to_xlsx(query.title, headings, rows), media_type=XLSX, headers=disposition)
    sep = request.query_params.get("sep", ",")
    if sep not in tables.SEPARATORS:
        raise BadRequest(f"sep must be ',' or ';', not {sep!r}")
    text = tables.to_csv(headings, rows, sep=tables.SEPARATORS[sep])
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers=disposition)
