"""The query worker: a separate process that runs one SPARQL query at a time on a read-only snapshot.

It imports only pyoxigraph, the standard library and the typed messages (``graph.store.queries``), so it starts
fast and small. The parent kills it when a query
runs past the timeout: that is the only way to stop a pyoxigraph query, and it stops it for sure.
The answer is written whole to a file before the parent sends a status line, so a client never gets a
200 followed by a cut body.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import IO, Any, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Variable,
)

from graph.store.queries import AnswerKind, Job, Reply

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def main(conn: Connection, tmpdir: str) -> None:
    store: pyoxigraph.Store | None = None
    opened: str | None = None
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        try:
            if job.snapshot != opened:
                store = None
                store = pyoxigraph.Store.read_only(job.snapshot)
                opened = job.snapshot
            assert store is not None
            conn.send(run(store, job, tmpdir))
        except SyntaxError as e:
            conn.send(Reply(error="syntax", message=str(e)))
        except Exception as e:  # reported to the parent, which maps it to 500 and logs it
            conn.send(Reply(error="internal", message=f"{type(e).__name__}: {e}"))


def _graphs(iris: list[str] | None) -> list[NamedNode | pyoxigraph.DefaultGraph] | None:
    if iris is None:
        return None
    return [pyoxigraph.DefaultGraph() if i == "" else NamedNode(i) for i in iris]


def run(store: pyoxigraph.Store, job: Job, tmpdir: str) -> Reply:
    request = job.request
    default, named = _graphs(request.default_graphs), _graphs(request.named_graphs)
    kwargs: dict[str, Any] = {"base_iri": request.base_iri, "prefixes": request.prefixes}
    if request.bindings:  # parameters of a named query, as RDF terms: never pasted into the text
        kwargs["substitutions"] = {Variable(k): v for k, v in request.bindings.items()}
    if default is None and named is None:
        kwargs["use_default_graph_as_union"] = request.union
    else:
        kwargs["default_graph"] = default if default is not None else []
        if named is not None:
            kwargs["named_graphs"] = named
        elif default is not None:
            kwargs["named_graphs"] = []
    result = store.query(request.query, **kwargs)
    max_rows, cap = job.max_rows, job.cap
    kind: AnswerKind
    with _Spool(tmpdir) as spool:
        # the writers and pyoxigraph ask for IO[bytes], which typeshed makes a nominal type that io.RawIOBase
        # subclasses are not; they only call write (and flush, close) on it, which _Spool has
        out = cast(IO[bytes], spool)
        if isinstance(result, QueryBoolean):
            kind = "boolean"
            rows, truncated = 1, False
            write_boolean(out, bool(result), request.results_format)
        elif isinstance(result, QuerySolutions):
            kind = "solutions"
            rows, truncated = write_solutions(out, result, request.results_format, max_rows)
        else:
            assert isinstance(result, QueryTriples)
            kind = "graph"
            counter = _Counter(result, max_rows)
            fmt = RdfFormat.from_media_type(request.graph_format)
            pyoxigraph.serialize(counter, out, fmt, prefixes=request.out_prefixes)
            rows, truncated = counter.count, counter.truncated
    if truncated and cap == "error":
        spool.discard()
        return Reply(error="too_large", rows=max_rows)
    return Reply(kind=kind, path=spool.path, body=spool.body, rows=rows, truncated=truncated)


class _Spool(io.RawIOBase):
    """Keeps a small answer in memory (sent back through the pipe), spills a large one to a file."""

    LIMIT = 1 << 20

    def __init__(self, tmpdir: str) -> None:
        self.tmpdir = tmpdir
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file: IO[bytes] | None = None
        self.path: str | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.buffer is not None and self.buffer.tell() + len(data) > self.LIMIT:
            fd, self.path = tempfile.mkstemp(dir=self.tmpdir, suffix=".answer")
            self.file = os.fdopen(fd, "wb")
            self.file.write(self.buffer.getvalue())
            self.buffer = None
        (self.buffer if self.buffer is not None else self.file).write(data)  # type: ignore[union-attr]
        return len(data)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        super().close()

    @property
    def body(self) -> bytes | None:
        return self.buffer.getvalue() if self.buffer is not None else None

    def discard(self) -> None:
        if self.path is not None:
            os.unlink(self.path)
            self.path = None
        self.buffer = io.BytesIO()


class _Counter:
    def __init__(self, triples: Iterator[Any], limit: int) -> None:
        self.triples, self.limit, self.count, self.truncated = triples, limit, 0, False

    def __iter__(self) -> Iterator[Any]:
        for t in self.triples:
            if self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield t


# --- SPARQL results writers (streaming, with a row count for the cap) ------------------------------------------


def write_boolean(out: IO[bytes], value: bool, media_type: str) -> None:
    if "json" in media_type:
        out.write(json.dumps({"head": {}, "boolean": value}).encode())
    elif "xml" in media_type:
        out.write(
            b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            + f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n".encode()
        )
    else:  # CSV/TSV have no boolean form; answer as a one-cell table
        out.write(("_askResult\r\n" if "csv" in media_type else "?_askResult\n").encode())
        out.write((("true" if value else "false") + ("\r\n" if "csv" in media_type else "\n")).encode())


def write_solutions(out: IO[bytes], solutions: QuerySolutions, media_type: str, limit: int) -> tuple[int, bool]:
    variables = [v.value for v in solutions.variables]
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    kind = next((k for k in _WRITERS if k in media_type), None)
    if kind is None:
        raise ValueError(f"no SPARQL results writer for {media_type!r}")
    batched = _Batched(text)
    writer = _WRITERS[kind](batched, variables)
    count, truncated = 0, False
    writer.start()
    for solution in solutions:  # a solution gives its values in the order of ``variables``
        if count >= limit:
            truncated = True
            break
        writer.row(tuple(solution))
        count += 1
    writer.end()
    batched.flush()
    text.detach()
    return count, truncated


class _Batched:
    """Gathers the writers' small strings and hands them on in blocks of about 64 KiB."""

    SIZE = 1 << 16

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.parts: list[str] = []
        self.size = 0

    def write(self, data: str) -> int:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= self.SIZE:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts = []
            self.size = 0


class _Json:
    def __init__(self, out: _Batched, variables: list[str]) -> None:
        self.out, self.variables, self.first = out, variables, True
        self.keys = [json.dumps(v) + ":" for v in variables]

    def start(self) -> None:
        self.out.write(json.dumps({"head": {"vars": self.variables}})[:-1] + ',"results":{"bindings":[')

    def row(self, values: tuple[Any, ...]) -> None:
        body = ",".join(k + _json_term(t) for k, t in zip(self.keys, values, strict=True) if t is not None)
        self.out.write(("{" if self.first else ",{") + body + "}")
        self.first = False

    def end(self) -> None:
        self.out.write("]}}")


_quote = json.encoder.encode_basestring  # C-accelerated, keeps non-ASCII text


def _json_term(t: Any) -> str:
    """One term of the SPARQL 1.1 Query Results JSON Format, as JSON text."""
    kind = type(t)
    if kind is NamedNode:
        return '{"type":"uri","value":' + _quote(t.value) + "}"
    if kind is Literal:
        if t.language:
            return '{"type":"literal","value":' + _quote(t.value) + ',"xml:lang":' + _quote(t.language) + "}"
        datatype = t.datatype.value
        if datatype != XSD_STRING:
            return '{"type":"literal","value":' + _quote(t.value) + ',"datatype":' + _quote(datatype) + "}"
        return '{"type":"literal","value":' + _quote(t.value) + "}"
    if kind is BlankNode:
        return '{"type":"bnode","value":' + _quote(t.value) + "}"
    return '{"type":"triple","value":' + _quote(str(t)) + "}"


class _Xml:
    def __init__(self, out: _Batched, variables: list[str]) -> None:
        self.out, self.variables = out, variables

    def start(self) -> None:
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables)
        self.out.write(
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>'
        )

    def row(self, values: tuple[Any, ...]) -> None:
        parts = ["<result>"]
        for v, t in zip(self.variables, values, strict=True):
            if t is None:
                continue
            if isinstance(t, NamedNode):
                inner = f"<uri>{escape(t.value)}</uri>"
            elif isinstance(t, BlankNode):
                inner = f"<bnode>{escape(t.value)}</bnode>"
            elif t.language:
                inner = f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
            elif t.datatype.value != XSD_STRING:
                inner = f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
            else:
                inner = f"<literal>{escape(t.value)}</literal>"
            parts.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        parts.append("</result>")
        self.out.write("".join(parts))

    def end(self) -> None:
        self.out.write("</results></sparql>\n")


class _Csv:
    def __init__(self, out: _Batched, variables: list[str]) -> None:
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.variables = variables

    def start(self) -> None:
        self.writer.writerow(self.variables)

    def row(self, values: tuple[Any, ...]) -> None:
        self.writer.writerow(
            ["" if t is None else t.value if not isinstance(t, BlankNode) else f"_:{t.value}" for t in values]
        )

    def end(self) -> None:
        pass


class _Tsv:
    def __init__(self, out: _Batched, variables: list[str]) -> None:
        self.out, self.variables = out, variables

    def start(self) -> None:
        self.out.write("\t".join(f"?{v}" for v in self.variables) + "\n")

    def row(self, values: tuple[Any, ...]) -> None:
        self.out.write("\t".join("" if t is None else str(t) for t in values) + "\n")

    def end(self) -> None:
        pass


_WRITERS: dict[str, type] = {"json": _Json, "xml": _Xml, "csv": _Csv, "tab-separated": _Tsv}
