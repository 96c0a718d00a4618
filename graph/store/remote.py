"""The remote store: the store interface over SPARQL 1.1 Query, Update and the Graph Store HTTP Protocol.

Tested on Oxigraph server and Virtuoso (``docs/deployment.md`` covers Fuseki, GraphDB and QLever). The server
must make its default graph the union of its named graphs, as the embedded store does (Virtuoso and GraphDB
do so out of the box; ``oxigraph serve --union-default-graph``; Fuseki ``tdb2:unionDefaultGraph``).

Bindings: user input never enters query text. Bound values are pyoxigraph terms (a ``NamedNode`` has been
checked as an IRI, a ``Literal`` is escaped by its N-Triples form, ``str(term)``); they are joined to the
query as a ``VALUES`` block placed first in its outermost ``WHERE`` group. That is the embedded store's
substitution for every variable used in that group, its ``OPTIONAL``s, ``BIND``s and ``FILTER``s; a variable
used only inside a sub-select, a ``UNION`` branch or a ``MINUS`` is not bound there (bottom-up evaluation).

Writes: ``replace_graphs`` streams each graph's N-Triples in chunks to a temporary graph (Graph Store POST),
then swaps them all in one update request (``DROP SILENT GRAPH <g> ; MOVE SILENT GRAPH <tmp> TO GRAPH <g>``),
so a reader of ``<g>`` sees the old graph or the new one. ``add`` is one ``INSERT DATA`` (or, when large,
the same temporary-graph route ending in ``ADD``); ``remove`` is one ``DELETE DATA``. Only reads (queries by
form POST, Graph Store GET) are retried; writes are not.

Cut answers: Virtuoso stops at ``ResultSetMaxRows`` (10,000 by default) and only says so in the
``X-SPARQL-MaxRows`` header. A cut answer to a caller's query raises ``StoreError``; the store's own reads
(``quads``, ``dump``) page through with ``ORDER BY`` / ``LIMIT`` / ``OFFSET`` instead.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import httpx
import pyoxigraph
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
)

from graph.errors import QuerySyntaxError, StoreError
from graph.http import Http, HttpFailure
from graph.namespaces import PREFIXES
from graph.rdf import record_statements
from graph.store._remotetext import constant as _constant
from graph.store._remotetext import prepare
from graph.store.base import Bindings, GraphInfo, SelectResult, StoreStats, Term
from graph.store.delegate import DelegatedQueries
from graph.store.queries import QueryLimits, QueryRunner

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TMP_PREFIX = "urn:ressourcerie:tmp:"
# Graphs a server keeps for itself, never ours: Virtuoso's system graphs, and our temporary graphs.
SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://localuriqaserver/", "http://www.w3.org/ns/ldp#", TMP_PREFIX)
CHUNK_BYTES = 4_000_000
PAGE_ROWS = 5_000


class AnswerCut(StoreError):
    """The server cut the answer (Virtuoso's ``ResultSetMaxRows``): never handed on as if whole."""


class RemoteStore:
    engine = "sparql-http"  # some SPARQL 1.1 server: Virtuoso, Oxigraph server, Fuseki...

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str = "",
        password: str = "",
        auth: str = "digest",
        timeout: float = 60.0,
        retries: int = 3,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        credentials: httpx.Auth | None = None
        if user:
            credentials = httpx.DigestAuth(user, password) if auth == "digest" else httpx.BasicAuth(user, password)
        # ``retries`` is the number of attempts of an idempotent request (reads); writes are sent once
        self._reader = Http(timeout=timeout, connect=10.0, retries=retries - 1, max_connections=8)
        self._writer = Http(timeout=timeout, connect=10.0, retries=retries - 1, auth=credentials, max_connections=4)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # --- HTTP -----------------------------------------------------------------------------------------------

    def _send(self, http: Http, method: str, url: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        try:
            return http.request(method, url, retry=idempotent, **kwargs)
        except HttpFailure as e:
            raise StoreError(f"the SPARQL store at {url} did not answer: {e.reason}") from None

    def _query(self, query: str, accept: str) -> httpx.Response:
        # Form POST: Virtuoso hangs on direct POST (application/sparql-query); GET limits the query's length.
        response = self._send(
            self._reader, "POST", self.query_url, idempotent=True, data={"query": query}, headers={"Accept": accept}
        )
        if response.status_code == 400:
            raise QuerySyntaxError(f"the SPARQL store refused the query: {_excerpt(response)}")
        if response.status_code >= 300:
            raise StoreError(f"the SPARQL store failed ({response.status_code}): {_excerpt(response)}")
        cap = response.headers.get("X-SPARQL-MaxRows")
        if cap is not None:
            raise AnswerCut(
                f"the SPARQL store cut the answer at {cap} rows (X-SPARQL-MaxRows); narrow the query with LIMIT, "
                "or raise the server's limit (Virtuoso: ResultSetMaxRows)"
            )
        return response

    def _solutions(self, query: str) -> QuerySolutions | QueryBoolean:
        body = self._query(query, RESULTS_JSON).content
        try:
            return pyoxigraph.parse_query_results(body, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"the SPARQL store sent unreadable results: {e}") from None

    def _update(self, update: str) -> None:
        response = self._send(self._writer, "POST", self.update_url, idempotent=False, data={"update": update})
        if response.status_code >= 300:
            raise StoreError(
                f"the SPARQL store refused an update ({response.status_code}), nothing was written: {_excerpt(response)}"
            )

    def _gsp_post(self, graph: NamedNode, body: bytes) -> None:
        if self.gsp_url is None:
            self._update(f"INSERT DATA {{ GRAPH {graph} {{\n{body.decode()}\n}} }}")
            return
        response = self._send(
            self._writer,
            "POST",
            self.gsp_url,
            idempotent=False,
            params={"graph": graph.value},
            content=body,
            headers={"Content-Type": N_TRIPLES},
        )
        if response.status_code >= 300:
            raise StoreError(
                f"the SPARQL store refused a Graph Store write ({response.status_code}): {_excerpt(response)}"
            )

    # --- reading --------------------------------------------------------------------------------------------

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        result = self._solutions(prepare(query, bindings))
        if not isinstance(result, QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        variables = [v.value for v in result.variables]
        return SelectResult(variables, [tuple(solution[v] for v in variables) for solution in result])

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._solutions(prepare(query, bindings))
        if not isinstance(result, QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        response = self._query(prepare(query, bindings), N_TRIPLES)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind in ("application/sparql-results+json", "application/sparql-results+xml"):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        fmt = RdfFormat.from_media_type(kind) or RdfFormat.N_TRIPLES
        try:
            return [q.triple for q in pyoxigraph.parse(response.content, format=fmt)]
        except SyntaxError as e:
            raise StoreError(f"the SPARQL store sent unreadable RDF ({kind}): {e}") from None

    def quads(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        if isinstance(graph, DefaultGraph):
            return iter(())  # a remote store holds named graphs only; its default graph is their union
        s, p, o, g = (_constant(t, v) for t, v in ((subject, "?s"), (predicate, "?p"), (object, "?o"), (graph, "?g")))
        where = f"GRAPH {g} {{ {s} {p} {o} }}" + ("" if graph is not None else _OURS)
        return iter(self._quads(where, subject, predicate, object, graph))

    def _quads(
        self, where: str, subject: Term | None, predicate: Term | None, object: Term | None, graph: Term | None
    ) -> list[Quad]:
        names = [n for n, t in (("s", subject), ("p", predicate), ("o", object), ("g", graph)) if t is None]
        head = " ".join(f"?{n}" for n in names) or "*"
        query = f"SELECT {head} WHERE {{ {where} }}"
        try:
            rows = [dict(zip(names, r, strict=True)) for r in self._rows(query, names)]
        except AnswerCut:
            rows = list(self._paged(query, names))
        fixed = {"s": subject, "p": predicate, "o": object, "g": graph}
        return [
            Quad(r.get("s") or fixed["s"], r.get("p") or fixed["p"], r.get("o") or fixed["o"], r.get("g") or fixed["g"])  # type: ignore[arg-type]
            for r in rows
        ]

    def _rows(self, query: str, names: list[str]) -> list[tuple[Term | None, ...]]:
        if not names:
            return [()] if self.ask(query.replace("SELECT *", "ASK", 1)) else []
        return self.select(query).rows

    def _paged(self, query: str, names: list[str]) -> Iterator[dict[str, Term | None]]:
        """An answer too long for the server, page by page: a sorted sub-select, then OFFSET/LIMIT around it
        (sorting inside a sub-select is how Virtuoso pages past its sort limit)."""
        order = " ".join(f"?{n}" for n in names)
        offset = 0
        while True:
            page = f"SELECT {order} WHERE {{ {{ {query} ORDER BY {order} }} }} OFFSET {offset} LIMIT {PAGE_ROWS}"
            rows = self.select(page).rows
            for r in rows:
                yield dict(zip(names, r, strict=True))
            if len(rows) < PAGE_ROWS:
                return
            offset += PAGE_ROWS

    def describe(self, iri: NamedNode) -> list[Quad]:
        def fetch(nodes: list[NamedNode]) -> list[Quad]:
            values = " ".join(str(n) for n in nodes)  # checked terms, serialised by pyoxigraph
            return self._quads(f"VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}{_OURS}", None, None, None, None)

        return record_statements(iri, fetch)

    def graph_names(self) -> list[NamedNode]:
        return [g.name for g in self.stats().graphs]

    def stats(self) -> StoreStats:
        rows = self.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}{_OURS} }} GROUP BY ?g ORDER BY ?g"
        ).rows
        graphs = [GraphInfo(g, int(n.value)) for g, n in rows if isinstance(g, NamedNode) and n is not None]
        return StoreStats(quads=sum(g.triples for g in graphs), graphs=graphs)

    # --- writing --------------------------------------------------------------------------------------------

    def replace_graphs(self, contents: Mapping[NamedNode | DefaultGraph, Iterable[Triple]]) -> None:
        swaps: list[str] = []
        temporary: list[NamedNode] = []
        try:
            for graph, triples in contents.items():
                target = _named(graph)
                tmp = NamedNode(TMP_PREFIX + uuid.uuid4().hex)
                temporary.append(tmp)
                sent = self._upload(tmp, triples)
                swaps.append(f"DROP SILENT GRAPH {target}")
                if sent:
                    swaps.append(f"MOVE SILENT GRAPH {tmp} TO GRAPH {target}")
            if swaps:
                self._update(" ;\n".join(swaps))
        finally:
            self._drop_quietly(temporary)

    def add(self, quads: Iterable[Quad]) -> None:
        by_graph = _by_graph(quads)
        body = "\n".join(f"GRAPH {g} {{\n{_ntriples(ts)}\n}}" for g, ts in by_graph.items())
        if not body:
            return
        if len(body) <= CHUNK_BYTES:
            self._update("INSERT DATA {\n" + body + "\n}")
            return
        temporary: list[NamedNode] = []
        try:
            steps = []
            for g, ts in by_graph.items():
                tmp = NamedNode(TMP_PREFIX + uuid.uuid4().hex)
                temporary.append(tmp)
                self._upload(tmp, ts)
                steps.append(f"ADD SILENT GRAPH {tmp} TO GRAPH {g}")
            self._update(" ;\n".join(steps))
        finally:
            self._drop_quietly(temporary)

    def remove(self, quads: Iterable[Quad]) -> None:
        body = "\n".join(f"GRAPH {g} {{\n{_ntriples(ts)}\n}}" for g, ts in _by_graph(quads).items())
        if body:
            self._update("DELETE DATA {\n" + body + "\n}")

    def _upload(self, graph: NamedNode, triples: Iterable[Triple]) -> int:
        """Stream triples as N-Triples in chunks to a graph (Graph Store POST); how many were sent."""
        chunk: list[str] = []
        size = sent = 0
        for t in triples:
            line = _line(t)
            chunk.append(line)
            size += len(line)
            sent += 1
            if size >= CHUNK_BYTES:
                self._gsp_post(graph, "\n".join(chunk).encode())
                chunk, size = [], 0
        if chunk:
            self._gsp_post(graph, "\n".join(chunk).encode())
        return sent

    def _drop_quietly(self, graphs: list[NamedNode]) -> None:
        # A temporary graph left behind (the server gone mid-write) is hidden from every read of the store.
        if graphs:
            with contextlib.suppress(StoreError):
                self._update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in graphs))

    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Unvalidated, non-atomic fast path, for trusted data (benchmarks, restores): Graph Store POSTs."""
        for g, ts in _by_graph(quads).items():
            self._upload(g, ts)

    # --- whole store ----------------------------------------------------------------------------------------

    def dump(self, out: IO[bytes], fmt: RdfFormat, graph: NamedNode | None = None) -> None:
        if graph is not None:
            triples = [q.triple for q in self.quads(graph=graph)]
            pyoxigraph.serialize(triples, out, fmt, prefixes=None if fmt.supports_datasets else PREFIXES)
        elif fmt.supports_datasets:
            pyoxigraph.serialize(self.quads(), out, fmt)
        else:
            merged = dict.fromkeys(q.triple for q in self.quads())
            pyoxigraph.serialize(merged, out, fmt, prefixes=PREFIXES)

    def backup(self, directory: Path) -> str:
        """A remote store is backed up by its server; this writes an N-Quads export, ``store.nq``, instead."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with (directory / "store.nq").open("wb") as f:
                self.dump(f, RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"backup to {directory} failed: {e}") from None
        return f"a remote store is backed up by its server; an N-Quads export was written to {directory}/store.nq"

    def query_runner(self, limits: QueryLimits) -> QueryRunner:
        """Queries from /sparql are sent to this store's endpoint (see ``graph.store.delegate``)."""
        return DelegatedQueries(self, limits)

    @property
    def label(self) -> str:
        return self.query_url

    def close(self) -> None:
        self._reader.close()
        self._writer.close()


_OURS = "".join(f' FILTER(!STRSTARTS(STR(?g), "{p}"))' for p in SYSTEM_GRAPHS)


def _named(graph: NamedNode | DefaultGraph) -> NamedNode:
    if not isinstance(graph, NamedNode):
        raise StoreError("a remote store holds named graphs only; its default graph is their union")
    return graph


def _by_graph(quads: Iterable[Quad]) -> dict[NamedNode, list[Triple]]:
    out: dict[NamedNode, list[Triple]] = {}
    for q in quads:
        out.setdefault(_named(q.graph_name), []).append(q.triple)  # type: ignore[arg-type]
    return out


def _line(t: Triple) -> str:
    if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode):
        raise StoreError("blank nodes reach the store only skolemised; got one in a write")
    return f"{t} ."


def _ntriples(triples: Iterable[Triple]) -> str:
    return "\n".join(_line(t) for t in triples)


def _excerpt(response: httpx.Response) -> str:
    text = response.text.strip()
    return text[:500] + ("…" if len(text) > 500 else "")
