"""Reading and writing RDF: format detection, parse errors that name the place, blank-node
skolemisation, and the bridge to rdflib for SHACL."""

from __future__ import annotations

import hashlib
import json
import xml.parsers.expat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar, cast

import rdflib
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from graph.errors import RdfSyntaxError, UnsupportedFormat
from graph.limits import DEFAULT_DEPTH, TooDeep, check_json, xml_depth
from graph.namespaces import PREFIXES, XSD

Term = NamedNode | BlankNode | Literal
Subject = NamedNode | BlankNode  # pyoxigraph's stubs also allow a Triple, which RDF 1.2 and pyoxigraph 0.5 never give

FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "turtle": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "ntriples": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
    "xml": RdfFormat.RDF_XML,
    "owl": RdfFormat.RDF_XML,
}
_XSD_STRING = XSD.string


def format_for(path: str | Path, explicit: str | None = None) -> RdfFormat:
    """The RDF format of a file, from an explicit name, media type or extension."""
    if explicit:
        key = explicit.lower().lstrip(".")
        fmt = FORMATS.get(key) or RdfFormat.from_media_type(explicit) or RdfFormat.from_extension(key)
        if fmt is None:
            raise UnsupportedFormat(f"unknown RDF format {explicit!r}; use one of: {supported()}")
        return fmt
    suffixes = [s.lstrip(".").lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes.pop()
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise UnsupportedFormat(f"{path}: cannot tell the RDF format from the file name; use one of: {supported()}")
    return fmt


def supported() -> str:
    return ", ".join(
        f"{f.name} (.{f.file_extension}, {f.media_type})"
        for f in (
            RdfFormat.TURTLE,
            RdfFormat.N_TRIPLES,
            RdfFormat.N_QUADS,
            RdfFormat.TRIG,
            RdfFormat.JSON_LD,
            RdfFormat.RDF_XML,
        )
    )


def parse_bytes(
    data: bytes,
    fmt: RdfFormat,
    *,
    source: str = "<input>",
    base_iri: str | None = None,
    max_depth: int = DEFAULT_DEPTH,
) -> list[Quad]:
    """Parse a whole document; errors name the source, line and column. JSON-LD and RDF/XML nested deeper than
    ``max_depth`` are refused before the parser sees them (``graph.limits``)."""
    _precheck(data, fmt, source, max_depth)
    try:
        return list(parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as e:
        raise _syntax_error(e, source) from None


def parse_stream(stream: IO[bytes], fmt: RdfFormat, *, source: str, base_iri: str | None = None) -> Iterator[Quad]:
    """Parse a large document as it is read (no pre-check, so JSON-LD and RDF/XML errors may lack a line)."""
    try:
        yield from parse(stream, format=fmt, base_iri=base_iri)
    except SyntaxError as e:
        raise _syntax_error(e, source) from None


def parse_file(path: str | Path, fmt: str | None = None, base_iri: str | None = None) -> list[Quad]:
    path = Path(path)
    rdf_format = format_for(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RdfSyntaxError(str(path), f"cannot read the file: {e.strerror}") from None
    if path.suffix == ".gz":
        import gzip

        data = gzip.decompress(data)
    return parse_bytes(data, rdf_format, source=str(path), base_iri=base_iri or path.resolve().as_uri())


def _syntax_error(e: SyntaxError, source: str) -> RdfSyntaxError:
    message = e.msg if isinstance(e.msg, str) else str(e)
    # pyoxigraph prefixes "Parser error at line L between columns C1 and C2: " to its messages.
    if ": " in message and message.startswith("Parser error"):
        message = message.split(": ", 1)[1]
    return RdfSyntaxError(source, message, e.lineno, e.offset)


def _precheck(data: bytes, fmt: RdfFormat, source: str, max_depth: int) -> None:
    """pyoxigraph gives no position for JSON and XML syntax errors: find it with the stdlib parsers, after the
    depth of the document is counted (``graph.limits``: deep nesting crashes or stalls the parsers)."""
    if fmt == RdfFormat.JSON_LD:
        check_json(data, max_depth, f"JSON-LD of {source}")
        try:
            json.loads(data)
        except json.JSONDecodeError as e:
            raise RdfSyntaxError(source, f"invalid JSON: {e.msg}", e.lineno, e.colno) from None
        except UnicodeDecodeError as e:
            raise RdfSyntaxError(source, f"not UTF-8: {e.reason}") from None
    elif fmt == RdfFormat.RDF_XML:
        try:
            depth = xml_depth(data, max_depth)
        except xml.parsers.expat.ExpatError as e:
            raise RdfSyntaxError(
                source, f"invalid XML: {xml.parsers.expat.errors.messages[e.code]}", e.lineno, e.offset + 1
            ) from None
        if depth > max_depth:
            raise TooDeep(f"RDF/XML of {source}", depth, max_depth)


def serialize_bytes(
    data: Iterable[Triple] | Iterable[Quad], fmt: RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """``pyoxigraph.serialize`` into memory, with the prefixes given (none by default)."""
    # pyoxigraph's stub says ``bytes | None`` for every call: None is only for calls given an output to write to
    return cast(bytes, serialize(data, format=fmt, prefixes=prefixes))


def serialize_quads(quads: Iterable[Quad], fmt: RdfFormat) -> bytes:
    if fmt.supports_datasets:
        return serialize_bytes(quads, fmt, PREFIXES)
    return serialize_bytes((q.triple for q in quads), fmt, PREFIXES)


def serialize_triples(triples: Iterable[Triple], fmt: RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    return serialize_bytes(triples, fmt, PREFIXES if prefixes is None else prefixes)


# --- blank nodes -------------------------------------------------------------------------------------------


def skolemize(quads: list[Quad], base_iri: str) -> list[Quad]:
    """Give every blank node an IRI, so that records can be addressed, updated and removed exactly.

    A blank node hanging from an IRI subject becomes a hash IRI of that subject (``<s#genid-...>``), so it
    stays part of the record; the others become ``<base/.well-known/genid/...>`` (RDF 1.1 skolem IRIs). The
    name is a digest of the graph and of what the node holds, so loading the same file into the same graph twice
    gives the same IRIs, and the same structure in two graphs gives two nodes, as blank nodes would be. Linear
    in the number of statements: roots are found once per chain, equal digests are numbered by a counter
    (8,000 identical nodes or 50,000 nested ones are named in well under a second).
    """
    if not any(isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in quads):
        return quads
    outgoing: dict[BlankNode, list[Quad]] = defaultdict(list)
    parent: dict[BlankNode, tuple[Subject | Triple, NamedNode]] = {}
    graph: dict[BlankNode, Quad] = {}  # the first statement naming the node: its graph goes into the digest
    for q in quads:
        s, o = q.subject, q.object
        if isinstance(s, BlankNode):
            outgoing[s].append(q)
            if s not in graph:
                graph[s] = q
        if isinstance(o, BlankNode):
            if o not in graph:
                graph[o] = q
            if o not in parent:
                parent[o] = (s, q.predicate)

    roots: dict[BlankNode, NamedNode | None] = {}

    def root_of_node(node: BlankNode) -> NamedNode | None:
        """The IRI subject a chain of blank nodes hangs from (None for a free node or a cycle), each chain
        walked once."""
        chain: list[BlankNode] = []
        seen: set[BlankNode] = set()
        up: Subject | Triple | None = node
        while isinstance(up, BlankNode) and up not in roots and up not in seen:
            chain.append(up)
            seen.add(up)
            up = parent[up][0] if up in parent else None
        found = roots[up] if isinstance(up, BlankNode) and up in roots else up if isinstance(up, NamedNode) else None
        for n in chain:
            roots[n] = found
        return found

    names: dict[BlankNode, NamedNode] = {}
    counts: dict[str, int] = defaultdict(int)
    for node in list(parent) + [b for b in outgoing if b not in parent]:
        if node in names:
            continue
        root = root_of_node(node)
        up_link = parent.get(node)
        content = sorted(
            f"{q.predicate} {'_:' if isinstance(q.object, BlankNode) else q.object}" for q in outgoing.get(node, [])
        )
        text = "\n".join([str(graph[node].graph_name), f"^{up_link[1] if up_link else ''}", *content])
        tag = hashlib.sha1(text.encode()).hexdigest()[:12]
        prefix = f"{root.value.split('#', 1)[0]}#genid-" if root is not None else f"{base_iri}.well-known/genid/"
        counts[prefix + tag] += 1
        n = counts[prefix + tag]
        names[node] = NamedNode(prefix + tag if n == 1 else f"{prefix}{tag}-{n}")

    def term(t: Term) -> Term:
        return names[t] if isinstance(t, BlankNode) else t

    return [Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in quads]  # type: ignore[arg-type]


def is_skolem(iri: str, base_iri: str) -> bool:
    """Whether an IRI is one ``skolemize`` gives a blank node."""
    return "#genid-" in iri or iri.startswith(f"{base_iri}.well-known/genid/")


def deskolemize(triples: Iterable[Triple], base_iri: str) -> Iterator[Triple]:
    """The triples with the IRIs ``skolemize`` gave blank nodes turned back into blank nodes (one per IRI): a
    graph read back as it was written (the Graph Store's GET)."""
    nodes: dict[NamedNode, BlankNode] = {}

    def term(t: Term) -> Term:
        if isinstance(t, NamedNode) and is_skolem(t.value, base_iri):
            found = nodes.get(t)
            if found is None:
                found = nodes[t] = BlankNode(f"b{len(nodes)}")
            return found
        return t

    for t in triples:
        yield Triple(term(t.subject), t.predicate, term(t.object))  # type: ignore[arg-type]


T = TypeVar("T", Triple, Quad)


def record_statements(root: NamedNode, fetch: Callable[[list[NamedNode]], Iterable[T]]) -> list[T]:
    """A record's statements: those of its IRI and of the ``#`` nodes reached from it.

    ``fetch(nodes)`` gives the statements whose subject is one of ``nodes`` (a store read, or a view of one);
    nodes are asked for level by level, so a remote store answers each level in one request.
    """
    prefix = root.value + "#"
    out: list[T] = []
    todo, seen = [root], {root}
    while todo:
        batch, todo = todo, []
        for statement in fetch(batch):
            out.append(statement)
            o = statement.object
            if isinstance(o, NamedNode) and o.value.startswith(prefix) and o not in seen:
                seen.add(o)
                todo.append(o)
    return out


def root_of(node: NamedNode) -> NamedNode:
    """The record a node belongs to: the IRI without its fragment."""
    value = node.value
    return NamedNode(value.split("#", 1)[0]) if "#" in value and not value.endswith("#") else node


# --- rdflib bridge (SHACL only) ----------------------------------------------------------------------------


def to_rdflib_term(t: Term) -> rdflib.term.Node:
    if isinstance(t, NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, BlankNode):
        return rdflib.BNode(t.value)
    if t.language:
        return rdflib.Literal(t.value, lang=t.language)
    if t.datatype == _XSD_STRING:
        return rdflib.Literal(t.value)
    return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))


def from_rdflib_term(t: rdflib.term.Node) -> Term:
    if isinstance(t, rdflib.URIRef):
        return NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return BlankNode(str(t))
    if isinstance(t, rdflib.Literal):
        if t.language:
            return Literal(str(t), language=t.language)
        if t.datatype:
            return Literal(str(t), datatype=NamedNode(str(t.datatype)))
        return Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")


def to_rdflib(triples: Iterable[Triple | Quad]) -> rdflib.Graph:
    g = rdflib.Graph()
    add = g.add
    conv = to_rdflib_term
    for t in triples:
        add((conv(t.subject), conv(t.predicate), conv(t.object)))  # type: ignore[arg-type]
    return g


def read_rdflib(path: str | Path) -> rdflib.Graph:
    """Parse a bundled Turtle file with pyoxigraph and hand it to rdflib (faster than rdflib's parser)."""
    return to_rdflib(parse(path=str(path)))


def in_graph(triples: Iterable[Triple], graph: NamedNode | DefaultGraph) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
