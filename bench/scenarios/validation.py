"""Validation: our incremental check of one-resource writes vs pyshacl over the whole graph, and on a graph
seeded with known defects, the same (focus, path) violations found by both and listed by the generator."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pyoxigraph
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from bench._common import Context, Row, timed
from bench.generate import defects_path
from bench.scenarios.ingest import by_graph
from graph.iris import Iris
from graph.namespaces import ACCESS, DCAT, DCT, KIND, RDF, THEME, XSD
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer

IRIS = Iris("https://ressourcerie.fabrique.social.gouv.fr/")
GRAPH = IRIS.graph("bench")
ADDS = 50


def new_resource(k: int) -> list[Triple]:
    """A conforming API record published by the first generated organisation."""
    s = IRIS.resource(f"bench-add-{k}")
    publisher = IRIS.organisation("org-0000000")
    return [
        Triple(s, RDF.type, DCAT.Resource),
        Triple(s, RDF.type, DCAT.DataService),
        Triple(s, DCT.type, KIND.api),
        Triple(s, DCT.identifier, Literal(f"bench-add-{k}")),
        Triple(s, DCT.title, Literal(f"API ajoutée n° {k}", language="fr")),
        Triple(s, DCT.description, Literal("Une API ajoutée pendant la mesure.", language="fr")),
        Triple(s, DCT.publisher, publisher),
        Triple(s, DCAT.theme, THEME.emploi),
        Triple(s, DCT.accessRights, ACCESS.PUBLIC),
        Triple(s, DCT.modified, Literal("2025-01-01", datatype=XSD.date)),
        Triple(s, DCAT.landingPage, NamedNode(f"https://example.gouv.fr/add/{k}")),
        Triple(s, DCAT.endpointURL, NamedNode(f"https://api.example.gouv.fr/add/{k}")),
    ]


def single_writes(ctx: Context, data: Path, validator: Validator) -> list[float]:
    """Latencies of ADDS validated one-resource writes (validate + commit) into an on-disk store holding ``data``."""
    store = EmbeddedStore(ctx.workdir / "validation-store")
    try:
        store.bulk_load(pyoxigraph.parse(path=str(data), format=RdfFormat.N_QUADS))
        writer = Writer(store, validator, IRIS)
        writer.add({GRAPH: new_resource(-1)})  # warm-up
        return [timed(lambda k=k: writer.add({GRAPH: new_resource(k)})) for k in range(ADDS)]  # type: ignore[misc]
    finally:
        store.close()


def whole_graph(data: Path, validator: Validator) -> tuple[float, set[tuple[str, str | None]]]:
    triples = [q.triple for q in pyoxigraph.parse(path=str(data), format=RdfFormat.N_QUADS)]
    start = time.perf_counter()
    report = validator.validate(triples)
    return time.perf_counter() - start, {(r.focus, r.path) for r in report.violations}


def ours_on_defects(data: Path, validator: Validator) -> tuple[float, set[tuple[str, str | None]]]:
    """The validated-ingest check (``check_graphs``) of the defective graph into a store holding the ontology:
    its time and its violations."""
    graphs = by_graph(data)
    store = EmbeddedStore()
    onto = graphs.pop(IRIS.ontology_graph)
    store.bulk_load(pyoxigraph.Quad(t.subject, t.predicate, t.object, IRIS.ontology_graph) for t in onto)
    start = time.perf_counter()
    report = Writer(store, validator, IRIS).check_graphs(graphs)  # type: ignore[arg-type]
    return time.perf_counter() - start, {(r.focus, r.path) for r in report.violations}


def run(ctx: Context) -> list[Row]:
    validator = Validator()
    latencies = single_writes(ctx, ctx.data(), validator)
    write_ms = statistics.median(latencies) * 1000
    size, note = ctx.capped("pyshacl")
    seconds, found = whole_graph(ctx.data(size), validator)
    if found:
        raise SystemExit(f"the generated graph does not conform: {sorted(found)[:5]}")
    rows = [
        Row("validation", "pyshacl, whole graph once", "time", seconds * 1000, "ms", 1.0, "pyshacl", note),
        Row(
            "validation",
            f"one-resource write, validate + commit (median of {ADDS})",
            "latency",
            write_ms,
            "ms",
            seconds * 1000 / write_ms,
            "pyshacl",
            f"store of {ctx.size:,} triples; ratio: whole-graph time / write",
        ),
    ]
    defective = ctx.data(size, defects=8)
    listed = {(d["focus"], d["path"]) for d in json.loads(defects_path(defective).read_text())}
    their_seconds, theirs = whole_graph(defective, validator)
    our_seconds, ours = ours_on_defects(defective, validator)
    same = ours == theirs == listed
    rows.append(
        Row(
            "validation",
            "validated-ingest check (check_graphs), whole graph once",
            "time",
            our_seconds * 1000,
            "ms",
            their_seconds / our_seconds,
            "pyshacl",
            f"the seeded-defects graph; pyshacl {their_seconds * 1000:,.0f} ms on it" + (f"; {note}" if note else ""),
        )
    )
    rows.append(
        Row(
            "validation",
            "seeded defects: ours = pyshacl = listed",
            "violations",
            len(ours),
            "found",
            None,
            "",
            f"{'identical' if same else 'DIFFERENT'} (focus, path) sets; listed {len(listed)}, pyshacl {len(theirs)}",
        )
    )
    return rows
