"""Validation: the compiled SHACL engine (``graph/shacl/``) against pyshacl, measured in the same run.

- the whole generated graph, given as triples, at the pyshacl cap (100k): ours (an in-memory store) and pyshacl
  (``engine="pyshacl"``), medians of the repeats, with the same results (goal: >= 10x);
- ours on the same graph in its on-disk store (``validate_store``);
- ``validate --all`` at the run's size (1M): the whole on-disk store checked in place, in process and as the
  command (goal: less time than pyshacl takes at 100k);
- one-resource validated writes (validate + commit, a small focus graph each) with each engine (goal: not slower);
- a graph seeded with known defects: the same (focus, path) violations found by ours, pyshacl and the generator.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from bench._common import Context, Row, percentile, timed
from bench.generate import defects_path
from bench.scenarios.ingest import by_graph
from graph.iris import Iris
from graph.namespaces import ACCESS, DCAT, DCT, KIND, RDF, THEME, XSD
from graph.store import EmbeddedStore
from graph.validation import Report, Validator
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


def single_writes(store: EmbeddedStore, validator: Validator, first: int) -> list[float]:
    """Latencies of ADDS validated one-resource writes (validate + commit) into ``store``."""
    writer = Writer(store, validator, IRIS)
    writer.add({GRAPH: new_resource(first - 1)})  # warm-up
    return [timed(lambda k=k: writer.add({GRAPH: new_resource(k)})) for k in range(first, first + ADDS)]  # type: ignore[misc]


def triples_of(data: Path) -> list[Triple]:
    return [q.triple for q in pyoxigraph.parse(path=str(data), format=RdfFormat.N_QUADS)]


def whole_graph(data: Path, validator: Validator) -> tuple[float, set[tuple[str, str | None]]]:
    triples = triples_of(data)
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


def medians(fn: Callable[[], Report], repeats: int) -> tuple[float, Report]:
    """The median time of ``repeats`` runs, and the last report."""
    times, report = [], Report()
    for _ in range(repeats):
        start = time.perf_counter()
        report = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), report


def same(a: Report, b: Report) -> bool:
    """The same results, field by field, counted with their repeats."""

    def rows(r: Report) -> Counter[tuple]:
        return Counter(
            (x.focus, x.path, x.value, x.severity, tuple(sorted(x.message.items())), x.shape, x.component)
            for x in r.results
        )

    return rows(a) == rows(b)


def on_disk(ctx: Context, data: Path, name: str) -> Path:
    where = ctx.workdir / name
    if not where.exists():
        store = EmbeddedStore(where)
        store.bulk_load(pyoxigraph.parse(path=str(data), format=RdfFormat.N_QUADS))
        store.close()
    return where


def command(where: Path) -> tuple[float, float]:
    """``ressourcerie --store WHERE validate --all`` as a process: its wall time, and the validation time it prints."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from graph.cli import main; sys.exit(main())",
            "--store",
            str(where),
            "validate",
            "--all",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"validate --all failed: {done.stderr[-2000:]}")
    found = re.search(r"in place in ([0-9.]+) s", done.stdout)
    return wall, float(found.group(1)) if found else float("nan")


def run(ctx: Context) -> list[Row]:
    ours, theirs = Validator(), Validator(engine="pyshacl")
    ours.compiled  # noqa: B018 - compile the shapes before timing
    size, note = ctx.capped("pyshacl")
    capped = ctx.data(size)
    triples = triples_of(capped)
    rows: list[Row] = []

    their_s, their_report = medians(lambda: theirs.validate(triples), ctx.repeats)
    our_s, our_report = medians(lambda: ours.validate(triples), ctx.repeats)
    if our_report.violations:
        raise SystemExit(f"the generated graph does not conform: {our_report.text(limit=5)}")
    identical = "identical results" if same(our_report, their_report) else "DIFFERENT results"
    rows.append(
        Row(
            "validation", f"pyshacl, whole graph ({size:,} triples)", "time", their_s * 1000, "ms", 1.0, "pyshacl", note
        )
    )
    rows.append(
        Row(
            "validation",
            f"ours, whole graph ({size:,} triples, in memory)",
            "time",
            our_s * 1000,
            "ms",
            their_s / our_s,
            "pyshacl",
            f"{identical} ({len(our_report.results)}); goal >= 10x {'met' if their_s / our_s >= 10 else 'MISSED'}",
        )
    )
    with_store = EmbeddedStore(on_disk(ctx, capped, f"validation-store-{size}"))
    try:
        store_s, store_report = medians(lambda: ours.validate_store(with_store), ctx.repeats)
    finally:
        with_store.close()
    rows.append(
        Row(
            "validation",
            f"ours, whole store in place ({size:,} triples, on disk)",
            "time",
            store_s * 1000,
            "ms",
            their_s / store_s,
            "pyshacl",
            "identical results" if same(store_report, their_report) else "DIFFERENT results",
        )
    )

    where = on_disk(ctx, ctx.data(), f"validation-store-{ctx.size}")
    big = EmbeddedStore(where)
    try:
        all_s, all_report = medians(lambda: ours.validate_store(big), ctx.repeats)
        our_writes = single_writes(big, ours, 0)
        their_writes = single_writes(big, theirs, 1_000)
    finally:
        big.close()
    wall, inside = command(where)
    goal = "met" if all_s < their_s else "MISSED"
    rows.append(
        Row(
            "validation",
            f"validate --all, whole store in place ({ctx.size:,} triples, on disk)",
            "time",
            all_s * 1000,
            "ms",
            their_s / all_s,
            f"pyshacl at {size:,}",
            f"{len(all_report.violations)} violations; goal: less than pyshacl at {size:,} {goal}; "
            f"as the command: {wall:.1f} s in all, {inside:.1f} s validating",
        )
    )
    our_ms, their_ms = statistics.median(our_writes) * 1000, statistics.median(their_writes) * 1000
    rows.append(
        Row(
            "validation",
            f"pyshacl, one-resource write (median of {ADDS})",
            "latency",
            their_ms,
            "ms",
            1.0,
            "pyshacl",
            f"validate + commit; store of {ctx.size:,} triples",
        )
    )
    rows.append(
        Row(
            "validation",
            f"ours, one-resource write (median of {ADDS})",
            "latency",
            our_ms,
            "ms",
            their_ms / our_ms,
            "pyshacl",
            f"validate + commit; p90 {percentile(our_writes, 90) * 1000:.1f} ms "
            f"(pyshacl {percentile(their_writes, 90) * 1000:.1f}); "
            f"goal: not slower {'met' if our_ms <= their_ms else 'MISSED'}",
        )
    )

    defective = ctx.data(size, defects=8)
    listed = {(d["focus"], d["path"]) for d in json.loads(defects_path(defective).read_text())}
    their_seconds, found_theirs = whole_graph(defective, theirs)
    whole_seconds, found_whole = whole_graph(defective, ours)
    our_seconds, found_ours = ours_on_defects(defective, ours)
    rows.append(
        Row(
            "validation",
            "validated-ingest check (check_graphs), seeded-defects graph",
            "time",
            our_seconds * 1000,
            "ms",
            their_seconds / our_seconds,
            "pyshacl",
            f"pyshacl {their_seconds * 1000:,.0f} ms and ours {whole_seconds * 1000:,.0f} ms on the whole graph"
            + (f"; {note}" if note else ""),
        )
    )
    agree = found_ours == found_whole == found_theirs == listed
    rows.append(
        Row(
            "validation",
            "seeded defects: ours (check and whole graph) = pyshacl = listed",
            "violations",
            len(found_ours),
            "found",
            None,
            "",
            f"{'identical' if agree else 'DIFFERENT'} (focus, path) sets; listed {len(listed)}, pyshacl {len(found_theirs)}",
        )
    )
    return rows
