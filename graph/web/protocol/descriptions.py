"""Descriptions of the service itself: the SPARQL service description, VoID, the whole-store dump,
and the helpers every RDF answer shares (format choice, serialisation)."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QueryResultsFormat, RdfFormat, Triple

from graph.errors import StoreError
from graph.namespaces import DCT, PREFIXES, RDF, RDFS, XSD, Namespace
from graph.rdf import serialize_bytes
from graph.store.base import Store
from graph.threads import ahead
from graph.web.caching import conditional
from graph.web.conneg import RDF_FORMATS, RESULT_FORMATS, choose
from graph.web.context import Context, context
from graph.web.errors import wants_html

log = logging.getLogger("ressourcerie.web")


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
OUT_PREFIXES = {**PREFIXES, "sd": str(SD), "void": str(VOID)}
DUMP_PATH = "dumps/ressourcerie.nq.gz"

Statement = Triple | Quad


# --- shared by every RDF answer --------------------------------------------------------------------------------


def pick_format(request: Request, extension: str | None = None) -> RdfFormat:
    """The RDF format asked for: a file extension, then ``?format=``, then Accept (Turtle by default, and for
    browsers until there is an HTML view)."""
    if wants_html(request) and not (extension or request.query_params.get("format")):
        return RdfFormat.TURTLE
    return choose(request, RDF_FORMATS, extension=extension, default=RdfFormat.TURTLE)


def serialize(statements: Sequence[Statement], fmt: RdfFormat) -> bytes:
    """Quads for TriG and N-Quads, distinct triples for the other formats; grouped by (graph and) subject."""
    if fmt in (RdfFormat.TRIG, RdfFormat.N_QUADS):
        quads = _grouped([s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in statements])
        return serialize_bytes(quads, fmt, None if fmt == RdfFormat.N_QUADS else used_prefixes(quads))
    triples = _grouped([s.triple if isinstance(s, Quad) else s for s in statements])
    return serialize_bytes(triples, fmt, None if fmt == RdfFormat.N_TRIPLES else used_prefixes(triples))


S = TypeVar("S", Triple, Quad)


def _grouped(data: list[S]) -> list[S]:
    """The distinct statements, grouped by (graph and) subject."""
    by_subject: dict[Any, list[S]] = {}
    for s in dict.fromkeys(data):
        by_subject.setdefault((s.graph_name, s.subject) if isinstance(s, Quad) else s.subject, []).append(s)
    groups = list(by_subject.values())
    groups.sort(key=lambda g: str(g[0].graph_name) if isinstance(g[0], Quad) else "")  # TriG: a block a graph
    return [s for group in groups for s in group]


def used_prefixes(statements: Sequence[Statement]) -> dict[str, str]:
    """The prefixes of OUT_PREFIXES whose namespace some IRI of the statements is in."""
    iris: set[str] = set()
    for s in statements:
        for term in (s.subject, s.predicate, s.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal):
                iris.add(term.datatype.value)
    return {k: ns for k, ns in OUT_PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def rdf_response(statements: Sequence[Statement], fmt: RdfFormat, headers: dict[str, str] | None = None) -> Response:
    return Response(
        serialize(statements, fmt), media_type=fmt.media_type, headers={"Vary": "Accept", **(headers or {})}
    )


def service_url(request: Request, path: str) -> str:
    """Absolute URL of a path of this service, as the client reached it."""
    return f"{request.base_url}{path}"


# --- the SPARQL service description ----------------------------------------------------------------------------

# pyoxigraph names JSON-LD by an IRI the W3C registry of formats does not have (.../ns/formats/data/JSON-LD)
W3C_FORMAT_IRIS = {RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}


def format_iri(fmt: RdfFormat | QueryResultsFormat) -> str:
    """A format's IRI in the W3C registry of unique identifiers for formats (http://www.w3.org/ns/formats/)."""
    return W3C_FORMAT_IRIS.get(fmt, fmt.iri) if isinstance(fmt, RdfFormat) else fmt.iri


def service_description(request: Request, ctx: Context) -> Response:
    """GET /sparql without a query: the SPARQL 1.1 Service Description of the endpoint."""
    endpoint = str(request.url).split("?", 1)[0]
    service, dataset, default = BlankNode(), BlankNode(), BlankNode()
    t = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, NamedNode(endpoint)),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, SD.defaultDataset, dataset),
        Triple(service, RDFS.seeAlso, NamedNode(service_url(request, ".well-known/void"))),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default),
        Triple(default, RDF.type, SD.Graph),
    ]
    if ctx.settings.updates:
        t.append(Triple(service, SD.supportedLanguage, SD.SPARQL11Update))
    formats: list[RdfFormat | QueryResultsFormat] = [*RESULT_FORMATS, *RDF_FORMATS]
    t += [Triple(service, SD.resultFormat, NamedNode(format_iri(f))) for f in formats]
    for name in ctx.store.graph_names():
        named = BlankNode()
        t += [
            Triple(dataset, SD.namedGraph, named),
            Triple(named, RDF.type, SD.NamedGraph),
            Triple(named, SD.name, name),
        ]
    return rdf_response(t, pick_format(request))


# --- VoID ---------------------------------------------------------------------------------------------------------

TOTALS = "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { GRAPH ?g { ?s ?p ?o } }"
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY ?c"
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def _count(term: Any) -> int:
    return int(term.value)


def vocabulary_of(iri: str) -> str:
    """The namespace of a term: the longest known prefix, else everything up to the last '#' or '/'."""
    known = [ns for ns in PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_triples(request: Request, ctx: Context) -> list[Statement]:
    """The VoID description of the store: totals, class and property partitions, one subset per graph."""
    store = ctx.store
    stats = store.stats()
    dataset = NamedNode(f"{ctx.iris.base}.well-known/void#dataset")
    totals = store.select(TOTALS).rows[0]
    classes = [(c, _count(n)) for c, n in store.select(CLASSES).rows if c is not None]  # ?c is always bound
    properties = [(p, _count(n)) for p, n in store.select(PROPERTIES).rows if isinstance(p, NamedNode)]  # an IRI
    t: list[Statement] = [
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(dataset, DCT.title, Literal("Ressourcerie", language="fr")),
        Triple(dataset, VOID.triples, _int(stats.quads)),
        Triple(dataset, VOID.classes, _int(len(classes))),
        Triple(dataset, VOID.properties, _int(len(properties))),
        Triple(dataset, VOID.distinctSubjects, _int(_count(totals[0]))),
        Triple(dataset, VOID.distinctObjects, _int(_count(totals[1]))),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(service_url(request, "sparql"))),
        Triple(dataset, VOID.dataDump, NamedNode(service_url(request, DUMP_PATH))),
        Triple(dataset, VOID.feature, NamedNode(RdfFormat.N_QUADS.iri)),
        Triple(dataset, VOID.uriSpace, Literal(ctx.iris.base)),
    ]
    if ctx.settings.content_licence:  # the licence under which the content may be reused
        t.append(Triple(dataset, DCT.license, NamedNode(ctx.settings.content_licence)))
    vocabularies = {vocabulary_of(term.value) for term, _n in classes + properties if isinstance(term, NamedNode)}
    t += [Triple(dataset, VOID.vocabulary, NamedNode(v)) for v in sorted(vocabularies)]
    for cls, n in classes:
        part = BlankNode()
        t += [Triple(dataset, VOID.classPartition, part), Triple(part, VOID["class"], cls)]
        t.append(Triple(part, VOID.entities, _int(n)))
    for prop, n in properties:
        part = BlankNode()
        t += [Triple(dataset, VOID.propertyPartition, part), Triple(part, VOID.property, prop)]
        t.append(Triple(part, VOID.triples, _int(n)))
    for graph in stats.graphs:
        t += [
            Triple(dataset, VOID.subset, graph.name),
            Triple(graph.name, RDF.type, VOID.Dataset),
            Triple(graph.name, VOID.triples, _int(graph.triples)),
        ]
        t += [q.triple for q in store.quads(graph.name, None, None, ctx.iris.meta_graph) if q.predicate != RDF.type]
    return t


def void(request: Request) -> Response:
    """GET /.well-known/void and /.well-known/void.{ext}: VoID, in the negotiated RDF format."""
    ctx = context(request)
    fmt = pick_format(request, request.path_params.get("ext"))
    key = ("void", str(request.url), fmt.media_type)  # its IRIs are the service's address as the client reached it

    def make() -> Response:
        return rdf_response(ctx.cached(f"void {request.base_url}", lambda: void_triples(request, ctx)), fmt)

    return ctx.pages.serve(request, key, make)


# --- the dump ---------------------------------------------------------------------------------------------------

BATCH = 4096
CHUNK = 1 << 16


def _chunks(store: Store) -> Iterator[bytes]:
    """The store as gzip chunks of N-Quads; made in the thread that iterates it (a pyoxigraph iterator must stay in
    the thread that made it)."""
    gz = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    batch: list[Quad] = []
    pending = bytearray()
    for quad in store.quads():
        batch.append(quad)
        if len(batch) >= BATCH:
            pending += gz.compress(serialize_bytes(batch, RdfFormat.N_QUADS))
            batch.clear()
            if len(pending) >= CHUNK:
                yield bytes(pending)
                pending.clear()
    if batch:
        pending += gz.compress(serialize_bytes(batch, RdfFormat.N_QUADS))
    yield bytes(pending + gz.flush())


def gzip_nquads(store: Store) -> Iterator[bytes]:
    """The whole store as gzipped N-Quads, chunk by chunk, compressed in a thread while the last chunk is sent; a
    failure ends the stream without the gzip trailer."""
    try:
        yield from ahead(_chunks(store), maxsize=8, name="dump")
    except Exception:
        log.exception("the dump failed while it was sent")
        raise StoreError("the dump failed while it was sent; see the service log") from None


def dump(request: Request) -> Response:
    """GET /dumps/ressourcerie.nq.gz: the whole store, every named graph, as a gzip file of N-Quads."""
    ctx = context(request)
    headers = {"Content-Disposition": 'attachment; filename="ressourcerie.nq.gz"'}

    def make() -> Response:
        if request.method == "HEAD":  # the length is not known before the dump is made
            head = Response(media_type="application/gzip", headers=headers)
            del head.headers["content-length"]
            return head
        return StreamingResponse(gzip_nquads(ctx.store), media_type="application/gzip", headers=headers)

    if not ctx.pages.enabled:
        return make()
    return conditional(request, ctx.pages.list_validators(("dump",)), make, vary=None)
