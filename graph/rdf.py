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


def parse_bytes(data: bytes, fmt: RdfFormat, *, source: str = "<input>", base_iri: str | None = None) -> list[Quad]:
    """Parse a whole document; errors name the source, line and column."""
    _precheck(data, fmt, source)
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


def _precheck(data: bytes, fmt: RdfFormat, source: str) -> None:
    """pyoxigraph gives no position for JSON and XML syntax errors: find it with the stdlib parsers."""
    if fmt == RdfFormat.JSON_LD:
        try:
            json.loads(data)
        except json.JSONDecodeError as e:
            raise RdfSyntaxError(source, f"invalid JSON: {e.msg}", e.lineno, e.colno) from None
        except UnicodeDecodeError as e:
            raise RdfSyntaxError(source, f"not UTF-8: {e.reason}") from None
    elif fmt == RdfFormat.RDF_XML:
        parser = xml.parsers.expat.ParserCreate()
        try:
            parser.Parse(data, True)
        except xml.parsers.expat.ExpatError as e:
            raise RdfSyntaxError(
                source, f"invalid XML: {xml.parsers.expat.errors.messages[e.code]}", e.lineno, e.offset + 1
            ) from None


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
    name is a digest of what the node holds, so loading the same file twice gives the same IRIs.
    """
    if not any(isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in quads):
        return quads
    outgoing: dict[BlankNode, list[Quad]] = defaultdict(list)
    parent: dict[BlankNode, tuple[Subject | Triple, NamedNode]] = {}
    for q in quads:
        if isinstance(q.subject, BlankNode):
            outgoing[q.subject].append(q)
        if isinstance(q.object, BlankNode) and q.object not in parent:
            parent[q.object] = (q.subject, q.predicate)

    names: dict[BlankNode, NamedNode] = {}
    taken: set[str] = set()
    for node in list(parent) + [b for b in outgoing if b not in parent]:
        if node in names:
            continue
        root: Subject | Triple | None = node
        seen: set[BlankNode] = set()
        while isinstance(root, BlankNode) and root not in seen:
            seen.add(root)
            root = parent[root][0] if root in parent else None
        up = parent.get(node)
        content = sorted(
            f"{q.predicate} {'_:' if isinstance(q.object, BlankNode) else q.object}" for q in outgoing.get(node, [])
        )
        tag = hashlib.sha1("\n".join([f"^{up[1] if up else ''}", *content]).encode()).hexdigest()[:12]
        prefix = (
            f"{root.value.split('#', 1)[0]}#genid-" if isinstance(root, NamedNode) else f"{base_iri}.well-known/genid/"
        )
        iri, n = prefix + tag, 1
        while iri in taken:
            n += 1
            iri = f"{prefix}{tag}-{n}"
        taken.add(iri)
        names[node] = NamedNode(iri)

    def term(t: Term) -> Term:
        return names[t] if isinstance(t, BlankNode) else t

    return [Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in quads]  # type: ignore[arg-type]


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
