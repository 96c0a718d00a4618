"""Ingest the generated file: raw pyoxigraph bulk load (the peer), our unvalidated bulk path, our validated
ingest (``Writer.replace_graphs``, what ``ressourcerie load --replace`` does) and rdflib's parser."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph
import rdflib
from pyoxigraph import NamedNode, RdfFormat, Triple

from bench._common import Context, Row, count_lines, median_time
from graph.iris import Iris
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer

NQ = RdfFormat.N_QUADS


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def raw(ctx: Context, data: Path) -> float:
    where = ctx.workdir / "ingest-raw"

    def run() -> None:
        store = pyoxigraph.Store(str(where))
        store.bulk_load(path=str(data), format=NQ)
        store.flush()
        del store

    return median_time(run, ctx.repeats, setup=lambda: _fresh(where))


def ours_bulk(ctx: Context, data: Path) -> float:
    where = ctx.workdir / "ingest-ours"

    def run() -> None:
        store = EmbeddedStore(where)
        store.bulk_load(pyoxigraph.parse(path=str(data), format=NQ))
        store.close()

    return median_time(run, ctx.repeats, setup=lambda: _fresh(where))


def by_graph(data: Path) -> dict[NamedNode, list[Triple]]:
    graphs: dict[NamedNode, list[Triple]] = defaultdict(list)
    for q in pyoxigraph.parse(path=str(data), format=NQ):
        graphs[q.graph_name].append(q.triple)  # type: ignore[index]
    return dict(graphs)


def validated(ctx: Context, data: Path) -> float:
    """Ontology graph bulk-loaded first (as the seed puts it), then the data graph in one validated write."""
    where = ctx.workdir / "ingest-validated"
    iris = Iris("https://ressourcerie.fabrique.social.gouv.fr/")
    graphs = by_graph(data)
    onto = graphs.pop(iris.ontology_graph)
    validator = Validator()
    holder: dict[str, EmbeddedStore] = {}

    def setup() -> None:
        _fresh(where)
        store = EmbeddedStore(where)
        store.bulk_load(pyoxigraph.Quad(t.subject, t.predicate, t.object, iris.ontology_graph) for t in onto)
        holder["store"] = store

    def run() -> None:
        store = holder["store"]
        Writer(store, validator, iris).replace_graphs(graphs)  # type: ignore[arg-type]
        store.close()

    return median_time(run, 1, setup=setup)


def rdflib_parse(ctx: Context, data: Path) -> float:
    return median_time(lambda: rdflib.Dataset().parse(str(data), format="nquads"), ctx.repeats)


def run(ctx: Context) -> list[Row]:
    data = ctx.data()
    n = count_lines(data)
    peer = raw(ctx, data)
    rows = [Row("ingest", "pyoxigraph bulk_load (raw)", "triples/s", n / peer, "triples/s", 1.0, "raw")]
    t = ours_bulk(ctx, data)
    rows.append(Row("ingest", "EmbeddedStore.bulk_load", "triples/s", n / t, "triples/s", peer / t, "raw"))
    size, note = ctx.capped("validated-ingest")
    small = ctx.data(size) if size < ctx.size else data
    small_n = count_lines(small)
    small_peer = raw(ctx, small) if size < ctx.size else peer
    t = validated(ctx, small)
    rows.append(
        Row(
            "ingest",
            "validated ingest (Writer.replace_graphs)",
            "triples/s",
            small_n / t,
            "triples/s",
            small_peer / t,
            "raw",
            (note + "; " if note else "") + "one run",
        )
    )
    size, note = ctx.capped("rdflib")
    small = ctx.data(size) if size < ctx.size else data
    small_n = count_lines(small)
    small_peer = raw(ctx, small) if size < ctx.size else peer
    t = rdflib_parse(ctx, small)
    rows.append(
        Row("ingest", "rdflib Dataset.parse", "triples/s", small_n / t, "triples/s", small_peer / t, "raw", note)
    )
    return rows
