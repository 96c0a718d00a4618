"""Dereferenceable IRIs: each record minted under the base IRI (and, on the main instance, the /def/
vocabulary) answers at its path with its bounded description, as RDF by content negotiation or as an HTML
page in French.

The IRI of a path is the configured base IRI joined with the path, never the request's host, so an instance
behind a proxy keeps its IRIs. With ``redirect_303`` the record paths (and /id/...) answer 303 See Other to
/doc/..., which serves the description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from graph.community.curation import SetAside, Withdrawn
from graph.namespaces import DCAT, DCT, DUV, FOAF, ORG, PREFIXES, RDF, RDFS, SKOS, VCARD, XSD
from graph.rdf import Subject
from graph.store.base import Store, Term
from graph.web.conneg import RDF_FORMATS, NotAcceptable, choose
from graph.web.context import Context, context
from graph.web.contrib import blocks
from graph.web.pagecache import linked_records, linking_to
from graph.web.pages._view import Own, set_aside
from graph.web.pages.recordpages import render_record
from graph.web.pages.themes import BY_NOTATION, UnknownTheme
from graph.web.protocol.descriptions import rdf_response
from graph.web.render import render
from graph.web.urls import UnknownIri, Urls, iri_of, path_of

HTML = "text/html"
EXTENSIONS = {f.file_extension: f for f in RDF_FORMATS}
LINKABLE_SCHEMES = ("http://", "https://", "mailto:", "ftp://")
LABELS = (DCT.title, FOAF.name, SKOS.prefLabel, RDFS.label, VCARD.fn)
FIRST = (RDF.type, DCT.title, DCT.description)

# who may point at a record within its bounded description, and the heading of each in "Ce qui pointe ici"
INBOUND_TYPES = {
    DUV.Usage: "Usages",
    ORG.Membership: "Membres",
    DUV.UserFeedback: "Retours d'utilisateurs",
    DUV.RatingFeedback: "Retours d'utilisateurs",
    FOAF.Document: "Documents qui en parlent",
    ORG.Organization: "Sous-organisations",
    DCAT.Resource: "Ressources produites",
}
INBOUND = """
SELECT DISTINCT ?x ?p ?g ?t ?iri WHERE {
  GRAPH ?g { ?x ?p ?iri }
  ?x a ?t .
  VALUES ?t { duv:Usage org:Membership duv:UserFeedback duv:RatingFeedback foaf:Document org:Organization dcat:Resource }
  FILTER((?t != org:Organization || ?p = org:subOrganizationOf) && (?t != dcat:Resource || ?p = dct:publisher))
}
ORDER BY ?t ?x ?p
"""


# --- paths ---------------------------------------------------------------------------------------------------


def split_extension(path: str) -> tuple[str, str | None]:
    """'resource/x.ttl' -> ('resource/x', 'ttl'); only the extensions served are split off."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and (ext in EXTENSIONS or ext == "html") and not stem.endswith("/"):
        return stem, ext
    return path, None


def link_header(page: str) -> str:
    links = [f'<{page}.{f.file_extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS]
    return ", ".join([*links, f'<{page}.html>; rel="alternate"; type="{HTML}"'])


# --- the bounded description ----------------------------------------------------------------------------------


@dataclass
class Description:
    iri: NamedNode
    own: list[Quad]
    inbound: list[tuple[Quad, NamedNode]]  # (quad, the type that lets it in)

    def quads(self) -> list[Quad]:
        return [*self.own, *(q for q, _t in self.inbound)]


def bounded_description(store: Store, iri: NamedNode, own: list[Quad] | None = None) -> Description:
    """The record's own quads and its hash nodes', plus the links to it from usages, memberships, feedback,
    documents and sub-organisations; nothing else. ``own``: the record's quads when already read."""
    own = store.describe(iri) if own is None else own
    if not own:
        raise UnknownIri(f"nothing is known about <{iri.value}>")
    inbound: list[tuple[Quad, NamedNode]] = []
    seen: set[Quad] = set()
    for x, p, g, t, _iri in store.select(INBOUND, {"iri": iri}).rows:
        quad = Quad(x, p, iri, g)  # type: ignore[arg-type]
        if quad not in seen:
            seen.add(quad)
            inbound.append((quad, t))  # type: ignore[arg-type]
    return Description(iri, own, inbound)


# --- handlers --------------------------------------------------------------------------------------------------


def record(request: Request, kind: str, rest: str) -> Response:
    """GET /{kind}/{slug}[.ext]: a record (or a /def/ term), negotiated; 303 to /doc/... in 303 mode."""
    ctx = context(request)
    path = f"{kind}/{rest}"
    if ctx.settings.redirect_303:
        return see_other(request, path)
    return describe(request, ctx, path)


def record_id(request: Request, path: str) -> Response:
    """GET /id/{path} in 303 mode: 303 See Other to /doc/{path}."""
    ctx = context(request)
    if not ctx.settings.redirect_303:
        raise UnknownIri(f"/id/ paths are not served (redirect_303 is off): ask for /{path}")
    return see_other(request, path)


def record_doc(request: Request, path: str) -> Response:
    """GET /doc/{path} in 303 mode: the description of base IRI + path."""
    ctx = context(request)
    if not ctx.settings.redirect_303:
        raise UnknownIri(f"/doc/ paths are not served (redirect_303 is off): ask for /{path}")
    return describe(request, ctx, path)


def see_other(request: Request, path: str) -> Response:
    location = Urls.of(request).path(f"/doc/{path}")
    if request.url.query:
        location += f"?{request.url.query}"
    return Response(status_code=303, headers={"Location": location})


def moved_or_gone(request: Request, ctx: Context, iri: NamedNode, aside: SetAside, extension: str | None) -> Response:
    """A duplicate's page redirects (308) to the record kept, in the same format; a hidden entry is gone (410)."""
    kept = aside.kept(iri)
    kept_path = path_of(ctx, kept.value)
    if kept == iri or kept_path is None:
        raise Withdrawn(iri, aside.hidden.get(iri, ""))
    location = Urls.of(request).page(kept_path) + (f".{extension}" if extension else "")
    if request.url.query:
        location += f"?{request.url.query}"
    return Response(status_code=308, headers={"Location": location})


def choose_record_format(request: Request, extension: str | None) -> RdfFormat | str:
    """An RDF format or the HTML page (``html``), by the one precedence rule; Turtle by default."""
    offered: Sequence[RdfFormat | str] = [*RDF_FORMATS, HTML]
    return choose(request, offered, extension=extension, default=RdfFormat.TURTLE, names={"html": HTML})


def describe(request: Request, ctx: Context, path: str) -> Response:
    """The record's description or page, through the page cache: 304 when the client's copy is current."""
    path, extension = split_extension(path)
    iri = iri_of(ctx, path)
    aside = set_aside(ctx)
    if iri in aside:  # a merged duplicate: to the record kept; a hidden entry: 410 with the reason
        return moved_or_gone(request, ctx, iri, aside, extension)
    try:
        chosen = choose_record_format(request, extension)
    except NotAcceptable:  # an unknown record is a 404 whatever the format asked
        return _describe(request, ctx, path, extension, iri, None)
    variant = HTML if chosen == HTML else chosen.media_type  # type: ignore[union-attr]
    key = ("record", request.scope.get("root_path", ""), path, extension or "", variant, request.url.query)

    def shows(response: Response) -> set[str]:
        shown = linking_to(ctx.store, iri.value, ctx.iris.base)
        if chosen == HTML:
            shown |= linked_records(bytes(response.body), Urls.of(request).page(""), ctx.iris.base)
        return shown

    return ctx.pages.serve(
        request,
        key,
        lambda: _describe(request, ctx, path, extension, iri, chosen),
        record=iri.value,
        shows=shows,
        personal=chosen == HTML and bool(request.cookies),  # a signed-in person's page is theirs
    )


def _describe(
    request: Request, ctx: Context, path: str, extension: str | None, iri: NamedNode, chosen: RdfFormat | str | None
) -> Response:
    own = blocks.curated(ctx, ctx.store.describe(iri))  # corrected values in place of those they replace
    if not own:
        raise UnknownIri(f"nothing is known about <{iri.value}>")
    page = Urls.of(request).page(path)
    chosen = choose_record_format(request, extension) if chosen is None else chosen
    headers = {"Vary": "Accept", "Link": link_header(page)}
    if extension is None:
        ext = "html" if chosen == HTML else chosen.file_extension  # type: ignore[union-attr]
        headers["Content-Location"] = f"{page}.{ext}"
    if isinstance(chosen, RdfFormat):
        return rdf_response(bounded_description(ctx.store, iri, own).quads(), chosen, headers)
    specific = render_record(request, ctx, iri, Own(iri, own), page, headers)
    if specific is not None:
        return specific
    description = bounded_description(ctx.store, iri, own)
    community = blocks.community(request, ctx, iri, Own(iri, own).types())
    built = build_page(request, ctx, description, page)
    return render(request, "record.html", headers=headers, page=built, community=community)


# --- the HTML page -------------------------------------------------------------------------------------------


def curie(iri: str) -> str:
    known = [(k, ns) for k, ns in PREFIXES.items() if iri.startswith(ns) and len(iri) > len(ns)]
    if not known:
        return iri
    prefix, ns = max(known, key=lambda kn: len(kn[1]))
    return f"{prefix}:{iri[len(ns) :]}"


def best(literals: list[Literal]) -> Literal:
    """French first, then no language, then English, then anything."""
    rank = {"fr": 0, None: 1, "en": 2}
    return min(literals, key=lambda lit: (rank.get(lit.language, 3), lit.value))


class Labels:
    """Labels of nodes from the store (title, name, prefLabel, label, vcard:fn), French preferred."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, str | None] = {}

    def __call__(self, node: NamedNode, chain: Sequence[NamedNode] = LABELS) -> str | None:
        key = node.value + "|" + ",".join(p.value for p in chain)
        if key not in self.cache:
            self.cache[key] = None
            for predicate in chain:
                found = [q.object for q in self.store.quads(node, predicate, None, None)]
                literals = [o for o in found if isinstance(o, Literal)]
                if literals:
                    self.cache[key] = best(literals).value
                    break
        return self.cache[key]


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Property:
    label: str
    curie: str
    iri: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Node:
    anchor: str | None
    heading: str
    iri: str
    properties: list[Property]


@dataclass
class InboundLink:
    href: str | None
    text: str
    via: str


@dataclass
class Page:
    title: str
    iri: str
    href: str
    nodes: list[Node]
    inbound: dict[str, list[InboundLink]]
    alternates: list[tuple[str, str, str]]  # (name, href, media type)
    home: str
    sparql: str


def build_page(request: Request, ctx: Context, description: Description, page: str) -> Page:
    labels = Labels(ctx.store)
    iri = description.iri

    def link(term: NamedNode) -> str | None:
        if term.value.startswith(iri.value + "#"):
            return term.value[len(iri.value) :]
        path = path_of(ctx, term.value)
        if path is not None:
            return Urls.of(request).page(path)
        return term.value if term.value.startswith(LINKABLE_SCHEMES) else None

    def value(term: object) -> Value:
        if isinstance(term, Literal):
            dt = term.datatype.value
            shown = None if dt in (XSD.string.value, RDF.langString.value) else curie(dt)
            return Value(term.value, lang=term.language, datatype=shown)
        assert isinstance(term, NamedNode)
        href = link(term)
        fallback = href if href and href.startswith("#") else curie(term.value)
        return Value(labels(term) or fallback, href=href)

    by_subject: dict[str, dict[str, list[Value]]] = {}
    for q in description.own:
        if not isinstance(q.subject, Subject):
            continue  # a subject is never a triple term (see graph.rdf.Subject)
        values = by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, [])
        v = value(q.object)
        if v not in values:
            values.append(v)
    nodes = []
    for subject in sorted(by_subject, key=lambda s: (s != iri.value, s)):
        props = [
            Property(labels(NamedNode(p)) or curie(p), curie(p), p, sorted(vs, key=lambda v: (v.lang != "fr", v.text)))
            for p, vs in by_subject[subject].items()
        ]
        props.sort(key=lambda p: (FIRST.index(NamedNode(p.iri)) if NamedNode(p.iri) in FIRST else 9, p.label.lower()))
        anchor = subject[len(iri.value) + 1 :] if subject != iri.value else None
        heading = labels(NamedNode(subject)) or (f"#{anchor}" if anchor else "")
        nodes.append(Node(anchor, heading, subject, props))

    inbound: dict[str, list[InboundLink]] = {}
    for quad, kind in description.inbound:
        x = quad.subject
        assert isinstance(x, NamedNode)
        text = labels(x) or labels(x, (DCT.description,)) or curie(x.value)
        item = InboundLink(link(x), text, labels(quad.predicate) or curie(quad.predicate.value))
        items = inbound.setdefault(INBOUND_TYPES[kind], [])
        if item not in items:
            items.append(item)

    alternates = [(f.name, f"{page}.{f.file_extension}", f.media_type) for f in RDF_FORMATS]
    urls = Urls.of(request)
    return Page(
        labels(iri) or iri.value, iri.value, page, nodes, inbound, alternates, urls.path("/"), urls.path("/sparql")
    )


def theme_by_notation(request: Request, notation: str) -> Response:
    """GET /themes/{notation}: the page of a theme of the instance's scheme, for schemes not served under /def/."""
    ctx = context(request)
    bindings: dict[str, Term] = {"scheme": NamedNode(ctx.settings.theme_scheme), "notation": Literal(notation)}
    rows = ctx.store.select(BY_NOTATION, bindings).dicts()
    if not rows or rows[0]["t"] is None:
        raise UnknownTheme(f"no theme {notation!r} in the scheme <{ctx.settings.theme_scheme}>")
    iri = rows[0]["t"]
    assert isinstance(iri, NamedNode)
    own = Own(iri, ctx.store.describe(iri))
    response = render_record(request, ctx, iri, own, None, {"Vary": "Accept"})
    assert response is not None
    return response
