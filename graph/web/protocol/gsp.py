"""The SPARQL 1.1 Graph Store HTTP Protocol at /store.

A graph is named indirectly (``/store?graph=IRI``, ``/store?default``) or directly (``/store/<path>`` names the
graph whose IRI is that absolute request URL). GET and HEAD read it in a negotiated RDF format (404 when the
graph holds nothing; the default graph always exists). PUT replaces it, POST merges into it (201 when that
creates it), DELETE empties it; POST to /store itself creates a graph with a new IRI, given in Location.

Writes need the bearer token (graph.web.auth) and go through the writer like every write: blank nodes get
IRIs, the records touched are validated with the shapes, a refused write (422) changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from email import policy
from email.parser import BytesParser

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple

from graph.errors import BadRequest, RessourcerieError, UnsupportedMediaType
from graph.ingest import GraphName
from graph.rdf import deskolemize, format_for, in_graph, parse_bytes, serialize_triples, skolemize
from graph.store.base import Store
from graph.web.auth import require_writer
from graph.web.conneg import RDF_FORMATS, negotiate
from graph.web.context import Context, context
from graph.web.protocol._request import check_charset, media_type, read_body, url_params
from graph.web.protocol.update import forbid_meta

GRAPH_FORMATS: list[RdfFormat] = [f for f in RDF_FORMATS if f not in (RdfFormat.TRIG, RdfFormat.N_QUADS)]
MULTIPART = "multipart/form-data"


class NotFound(RessourcerieError):
    status = 404


def _store_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}/store"


def target(request: Request) -> GraphName | None:
    """The graph a request names; None for the graph store itself (/store without parameters)."""
    params = url_params(request)
    graph, default = params.one("graph"), params.all("default")
    if request.path_params.get("path"):
        if graph is not None or default:
            raise BadRequest("/store/<path> names its graph by its URL: do not add ?graph or ?default")
        raw = request.scope.get("raw_path") or request.url.path.encode()
        iri = f"{request.url.scheme}://{request.url.netloc}{raw.decode('latin-1')}"
        return _iri(iri, "the request URL")
    if graph is not None and default:
        raise BadRequest("send either ?graph=IRI or ?default, not both")
    if default:
        return DefaultGraph()
    return None if graph is None else _iri(graph, "graph")


def _iri(value: str, what: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError:
        raise BadRequest(f"{what}: {value!r} is not an absolute IRI") from None


def _named(request: Request) -> GraphName:
    graph = target(request)
    if graph is None:
        raise BadRequest(f"{request.method} needs a graph: /store?graph=IRI, /store?default or /store/<path>")
    return graph


def exists(store: Store, graph: GraphName) -> bool:
    return isinstance(graph, DefaultGraph) or next(store.quads(None, None, None, graph), None) is not None


# --- reading ---------------------------------------------------------------------------------------------------


async def _read(request: Request, ctx: Context) -> Response:
    graph = _named(request)
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS).format
    if not exists(ctx.store, graph):
        raise NotFound(f"no graph {graph} in the store")

    def render() -> bytes:  # the graph as it was written: the IRIs given to its blank nodes are blank nodes again
        triples = (q.triple for q in ctx.store.quads(None, None, None, graph))
        return serialize_triples(deskolemize(triples, ctx.iris.base), fmt)

    body = await asyncio.to_thread(render)
    headers = {"Vary": "Accept"}
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", media_type=fmt.media_type, headers=headers)
    return Response(body, media_type=fmt.media_type, headers=headers)


# --- writing ---------------------------------------------------------------------------------------------------


async def payload(request: Request, ctx: Context, graph: GraphName) -> list[Triple]:
    """The request body as the triples to write into ``graph``, its blank nodes named (outside the writer's lock:
    ``skolemize`` is linear, but a large body still takes time)."""
    triples = await _payload(request, ctx, _base(request, graph))
    return await asyncio.to_thread(lambda: [q.triple for q in skolemize(in_graph(triples, graph), ctx.iris.base)])


async def _payload(request: Request, ctx: Context, base_iri: str) -> list[Triple]:
    """The request body as triples: one RDF document, or the RDF parts of a multipart/form-data body."""
    body = await read_body(request, ctx.settings.max_body_bytes)
    kind, charset = media_type(request)
    depth = ctx.settings.max_nesting_depth
    if not kind:
        if body.strip():
            raise UnsupportedMediaType("the request body needs a Content-Type (text/turtle, application/n-triples...)")
        return []
    if kind == MULTIPART:
        header = request.headers["content-type"].encode("latin-1")
        message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + header + b"\r\n\r\n" + body)
        if not message.is_multipart():
            raise BadRequest("the multipart/form-data body has no parts (is the boundary right?)")
        triples: list[Triple] = []
        for n, part in enumerate(message.iter_parts(), 1):
            name = part.get_filename() or part.get_param("name", header="content-disposition") or f"part {n}"
            raw = part.get_payload(decode=True)  # bytes, or None for a part that is itself multipart
            data = raw if isinstance(raw, bytes) else b""
            triples += _parse(data, part.get_content_type(), part.get_content_charset(), f"{name}", base_iri, depth)
        return triples
    return _parse(body, kind, charset, "request body", base_iri, depth)


def _parse(data: bytes, kind: str, charset: str | None, source: str, base_iri: str, depth: int) -> list[Triple]:
    check_charset(charset)
    fmt = format_for(source, explicit=kind)
    quads = parse_bytes(data, fmt, source=source, base_iri=base_iri, max_depth=depth)
    named = next((q.graph_name for q in quads if not isinstance(q.graph_name, DefaultGraph)), None)
    if named is not None:
        raise BadRequest(f"{source}: a Graph Store request carries one graph; found quads in graph {named}")
    return [q.triple for q in quads]


def _base(request: Request, graph: GraphName) -> str:
    return graph.value if isinstance(graph, NamedNode) else str(request.url).split("?", 1)[0]


async def _put(request: Request, ctx: Context) -> Response:
    graph = _named(request)
    forbid_meta(ctx, graph)
    triples = await payload(request, ctx, graph)

    def write() -> bool:
        with ctx.writer.transaction("Graph Store PUT") as tx:
            created = not exists(tx.store, graph)
            tx.replace_graphs({graph: triples}, sources=_source(graph, "PUT"))
        return created

    created = await asyncio.to_thread(write)
    return Response(status_code=201 if created else 204)


async def _post(request: Request, ctx: Context) -> Response:
    graph = target(request)
    location = None
    if graph is None:  # POST to the graph store: a new graph
        location = f"{_store_url(request)}/{uuid.uuid4().hex}"
        graph = NamedNode(location)
    forbid_meta(ctx, graph)
    triples = await payload(request, ctx, graph)

    def write() -> bool:
        with ctx.writer.transaction("Graph Store POST") as tx:
            if exists(tx.store, graph):
                tx.add({graph: triples})
                return False
            tx.replace_graphs({graph: triples}, sources=_source(graph, "POST"))
            return exists(tx.store, graph)

    created = await asyncio.to_thread(write)
    if location is not None:
        return Response(status_code=201, headers={"Location": location})
    return Response(status_code=201 if created else 204)


async def _delete(request: Request, ctx: Context) -> Response:
    graph = _named(request)
    forbid_meta(ctx, graph)

    def write() -> None:
        with ctx.writer.transaction("Graph Store DELETE") as tx:
            if not exists(tx.store, graph):
                raise NotFound(f"no graph {graph} in the store")
            tx.replace_graphs({graph: []}, sources=_source(graph, "DELETE"))

    await asyncio.to_thread(write)
    return Response(status_code=204)


def _source(graph: GraphName, method: str) -> dict[NamedNode, str]:
    return {graph: f"Graph Store Protocol {method}"} if isinstance(graph, NamedNode) else {}


async def graph_store(request: Request) -> Response:
    ctx = context(request)
    if request.method in ("GET", "HEAD"):
        return await _read(request, ctx)
    require_writer(request, ctx.settings)
    if request.method == "PUT":
        return await _put(request, ctx)
    if request.method == "POST":
        return await _post(request, ctx)
    return await _delete(request, ctx)
