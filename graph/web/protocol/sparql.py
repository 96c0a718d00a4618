"""The SPARQL 1.1 Protocol at /sparql: queries by GET, form POST and direct POST, with the dataset
parameters, content negotiation over the formats pyoxigraph knows, and the service description."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from pyoxigraph import QueryResultsFormat, RdfFormat

from graph import features
from graph._sparqltext import keywords, query_form
from graph.errors import BadRequest, MethodNotAllowed, UnsupportedMediaType
from graph.limits import check_sparql
from graph.namespaces import PREFIXES
from graph.store.queries import Answer, QueryRequest
from graph.web.conneg import RDF_FORMATS, RESULT_FORMATS, by_name, negotiate
from graph.web.context import Context, context
from graph.web.errors import wants_html
from graph.web.pages.workbench import workbench_page
from graph.web.protocol._request import Params, check_charset, decode, media_type, read_body, url_params
from graph.web.protocol.descriptions import service_description
from graph.web.protocol.update import run_update

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


async def protocol_request(request: Request, ctx: Context) -> tuple[str, str, Params]:
    """("query" | "update" | "description", text, parameters) of a request to /sparql."""
    params = url_params(request)
    if request.method in ("GET", "HEAD"):
        if params.all("update"):
            raise MethodNotAllowed("SPARQL Update must be sent with POST, not GET")
        query = params.one("query")
        return ("description", "", params) if query is None else ("query", query, params)
    kind, charset = media_type(request)
    body = await read_body(request, ctx.settings.max_body_bytes)
    if kind == FORM:
        check_charset(charset)
        form = Params(params.pairs + parse_qsl(decode(body, "form"), keep_blank_values=True))
        query, update = form.one("query"), form.one("update")
        if query is not None and update is not None:
            raise BadRequest("send either 'query' or 'update', not both")
        if query is None and update is None:
            raise BadRequest("the form has neither a 'query' nor an 'update' field")
        return ("query", query, form) if query is not None else ("update", update or "", form)
    if kind == QUERY:
        check_charset(charset)
        return "query", decode(body, "query"), params
    if kind == UPDATE:
        check_charset(charset)
        return "update", decode(body, "update"), params
    if not kind:
        raise UnsupportedMediaType(f"a POST to /sparql needs a Content-Type: {FORM}, {QUERY} or {UPDATE}")
    raise UnsupportedMediaType(f"Content-Type {kind!r} is not accepted here; use {FORM}, {QUERY} or {UPDATE}")


# what ``format=`` names for a graph answer, where clients say "xml" or "json" whatever the query's form
GRAPH_NAMES = {"xml": RdfFormat.RDF_XML, "json": RdfFormat.JSON_LD}


def answer_format(request: Request, params: Params, *, graph: bool) -> RdfFormat | QueryResultsFormat:
    """The answer's format: the first ``format=`` value that names one offered (clients such as SPARQLWrapper
    send it more than once, and say ``xml`` for RDF/XML), else the ``Accept`` header."""
    offered: Sequence[RdfFormat | QueryResultsFormat] = RDF_FORMATS if graph else RESULT_FORMATS
    for name in params.all("format"):
        named = GRAPH_NAMES.get(name.strip().lower()) if graph else None
        chosen = named or by_name(name, offered)
        if chosen is not None:
            return chosen
    return negotiate(request.headers.get("accept"), offered).format


def _stream(answer: Answer) -> Iterator[bytes]:
    assert answer.path is not None
    try:
        with answer.path.open("rb") as f:
            while chunk := f.read(1 << 16):
                yield chunk
    finally:
        with contextlib.suppress(OSError):
            os.unlink(answer.path)


async def sparql_endpoint(request: Request) -> Response:
    ctx = context(request)
    kind, text, params = await protocol_request(request, ctx)
    if kind == "description":
        if features.enabled(ctx.settings, "workbench") and wants_html(request):
            return workbench_page(request, ctx)
        return service_description(request, ctx)
    if kind == "update":
        return await run_update(request, ctx, text, params)
    words = keywords(text)
    if "SERVICE" in words:
        raise BadRequest("SERVICE (federated query) is not accepted: the service fetches no URL on a reader's behalf")
    check_sparql(text, ctx.settings.max_nesting_depth)
    form = query_form(text)
    fmt = answer_format(request, params, graph=form in ("CONSTRUCT", "DESCRIBE"))
    answer = await ctx.runner.run(
        QueryRequest(
            text,
            graph=form in ("CONSTRUCT", "DESCRIBE"),
            default_graphs=params.iris("default-graph-uri"),
            named_graphs=params.iris("named-graph-uri"),
            base_iri=str(request.url).split("?", 1)[0],
            results_format=fmt.media_type,
            graph_format=fmt.media_type if isinstance(fmt, RdfFormat) else "text/turtle",
            out_prefixes=PREFIXES,
            client=request.client.host if request.client else "",
        )
    )
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["Ressourcerie-Truncated"] = f"max-rows={ctx.settings.max_result_rows}"
    if answer.body is not None:
        return Response(answer.body, media_type=fmt.media_type, headers=headers)
    return StreamingResponse(_stream(answer), media_type=fmt.media_type, headers=headers)
