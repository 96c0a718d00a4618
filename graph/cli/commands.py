"""The commands of ``ressourcerie``, each ``cmd_NAME(app, args) -> exit code``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, Triple

from graph import logs, seed, tables
from graph.cli.app import App
from graph.cli.harvest import harvest
from graph.community import curation, curation_table
from graph.errors import RessourcerieError, StoreError
from graph.queries import Choices, QueryLibrary
from graph.rdf import format_for, parse_bytes
from graph.search import FACETS, Search
from graph.store import Store
from graph.store.base import SelectResult
from graph.store.online_backup import backup_from_service
from graph.summary import record_counts

CATALOG_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
}
EXPORT_FORMATS = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES}


class BadInput(RessourcerieError):
    status = 400


def needs_seed(store: Store) -> bool:
    """Only an empty store is seeded on first run: a store already holding data (loaded under another base IRI,
    or an instance's own content without the seed) is served as it is."""
    return not store.graph_names()


def cmd_serve(app: App, args: argparse.Namespace) -> int:
    import uvicorn

    from graph.web.app import create_app

    settings = app.settings
    if args.host or args.port:
        settings = dataclasses.replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    if needs_seed(app.store):
        print("first run: building the store from the seed content...", file=sys.stderr)
        cmd_seed(app, argparse.Namespace(if_missing=True))
    where = app.store.label
    app.close()
    logs.configure(settings.log_format)
    print(f"Ressourcerie on http://{settings.host}:{settings.port}/  (SPARQL: /sparql; store: {where})")
    service = create_app(settings, schedule=True)  # scheduled harvests run in the background (harvest_schedule)
    if service.state.scheduler is not None:
        for state in service.state.scheduler.states():
            print(f"harvest {state.source.name} ({state.source.kind}) every {state.every:g} s, next {state.next_iso}")
    json_logs = logs.uvicorn_config(settings.log_format)
    # uvicorn's own lines as JSON in that format; the access log is then the service's (with the request id)
    kwargs: dict[str, Any] = {"log_level": "info"}
    if json_logs is not None:
        kwargs.update(log_config=json_logs, access_log=False)
    if settings.page_processes:
        from graph.web import readers

        print(f"{settings.page_processes} more process(es) serve record pages, catalogue pages and VoID")
        readers.serve(settings, service, **kwargs)
    else:
        uvicorn.run(service, host=settings.host, port=settings.port, **kwargs)
    return 0


def cmd_seed(app: App, args: argparse.Namespace) -> int:
    if args.if_missing and app.iris.graph("seed/ressourcerie") in app.store.graph_names():
        print(f"store at {app.store.label} already holds the seed; nothing to do")
        return 0
    build, result, seconds = seed.load(app.writer, Path(app.settings.seed_dir))
    for graph, count in result.graphs.items():
        print(f"{graph}: {count} triples")
    print(f"usages: {build.usages}")
    print(f"validation: 0 violations, {len(result.report.warnings)} warnings, {result.focus} records checked")
    for problem in build.problems:
        print(f"unresolved: {problem}")
    print(f"seed store built at {app.store.label} in {seconds:.2f} s")
    _print_curations(curation_table.load(app.writer))
    return 0


def cmd_curate(app: App, args: argparse.Namespace) -> int:
    """Reload the project's curation table (or another) into the curation graph."""
    entries = curation_table.read(Path(args.table) if args.table else None)
    _print_curations(curation_table.load(app.writer, entries))
    return 0


def _print_curations(loaded: curation_table.Loaded) -> None:
    kinds = ", ".join(f"{kind} {loaded.applied[kind]}" for kind in curation_table.KINDS)
    print(f"curations: {sum(loaded.applied.values())} applied ({kinds}); curation graph: {loaded.triples} triples")
    for skipped in loaded.skipped:
        print(f"curation skipped: {skipped}")


def _read(app: App, files: Sequence[str], fmt: str | None, target: NamedNode) -> dict[NamedNode, list[Triple]]:
    contents: dict[NamedNode, list[Triple]] = {}
    for name in files:
        path = Path(name)
        rdf_format = format_for(path, fmt)
        try:
            size = path.stat().st_size
        except OSError as e:
            raise BadInput(f"{path}: cannot read the file: {e.strerror}") from None
        bar = app.progress(size, f"reading {path.name}") if size > 1_000_000 else None
        chunks = []
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                chunks.append(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        if bar is not None:
            bar.close()
        quads = parse_bytes(b"".join(chunks), rdf_format, source=str(path), base_iri=path.resolve().as_uri())
        for q in quads:
            if isinstance(q.graph_name, BlankNode):
                raise BadInput(f"{path}: a graph named by a blank node ({q.graph_name}) cannot be loaded; name it")
            graph = target if isinstance(q.graph_name, DefaultGraph) else q.graph_name
            contents.setdefault(graph, []).append(q.triple)
    return contents


def cmd_load(app: App, args: argparse.Namespace) -> int:
    target = app.graph(args.graph)
    contents = _read(app, args.files, args.format, target)
    start = time.perf_counter()
    if args.replace:
        sources = {g: ", ".join(args.files) for g in contents}
        result = app.writer.replace_graphs(contents, operation="load", sources=sources)
    else:
        result = app.writer.add(contents, operation="load")
    added = result.added
    print(f"loaded {added} triples into {', '.join(g.value for g in contents)} in {time.perf_counter() - start:.2f} s")
    return 0


def cmd_validate(app: App, args: argparse.Namespace) -> int:
    if args.dcat_ap:
        return _validate_feed(app, args)
    validator = app.validator
    if args.all:
        start = time.perf_counter()
        shown = _as_shown(app)
        report = validator.validate_store(shown if shown is not None else app.store)
        where = "as corrected by the curation graph" if shown is not None else "in place"
        print(f"validated the whole store {where} in {time.perf_counter() - start:.2f} s")
    else:
        if not args.files:
            raise BadInput("give files to validate, or --all for the whole store")
        contents = _read(app, args.files, args.format, app.graph(args.graph))
        report = app.writer.check_add(contents)
    print(report.text(args.lang, limit=args.limit) if report.results else "no results")
    for shape in report.fallback:
        print(f"validated by pyshacl, not compiled: {shape}")
    print(f"{len(report.violations)} violations, {len(report.warnings)} warnings")
    return 0 if report.conforms else 1


def _as_shown(app: App) -> pyoxigraph.Store | None:
    """A copy in memory of the store as the site shows it, the values a correction overrides set aside
    (``graph.community.curation``); None when no correction overrides anything (the store is validated in place)."""
    graph = curation.graph(app.iris)
    overrides = curation.overrides_of(app.store, graph)
    if not overrides:
        return None
    copy = pyoxigraph.Store()
    copy.extend(q for q in app.store.quads() if not curation.hidden(q, overrides, graph))
    return copy


def _validate_feed(app: App, args: argparse.Namespace) -> int:
    from graph.dcat.conformance import check
    from graph.dcat.publish import Feed

    feed = Feed(app.store, app.settings)
    failed = False
    for name in ("catalog", "software"):
        result = check(feed, name, vocabularies=True)
        if result.report.violations:
            print(result.report.text(args.lang, limit=args.limit))
        if result.without_endpoint:  # the one accepted deviation, listed apart
            print(result.deviation())
        failed = failed or not result.conforms
        print(result.summary())
    return 1 if failed else 0


def cmd_catalog(app: App, args: argparse.Namespace) -> int:
    from graph.dcat.formats import serialize
    from graph.dcat.publish import Feed, Paging, parse_paging, whole_feed

    feed = Feed(app.store, app.settings)
    name = "software" if args.software else "catalog"
    fmt = CATALOG_FORMATS[args.format]
    if args.all:
        if args.modified_since or args.page:
            raise BadInput("--all writes every page; it takes neither --page nor --modified-since")
        triples = [t for page in whole_feed(feed, name) for t in page.triples]
    else:
        params = {"page": str(args.page or 1), "page_size": str(args.page_size)}
        if args.modified_since:
            params["modified_since"] = args.modified_since
        paging: Paging = parse_paging(params)
        triples = feed.page(name, paging).triples
    body = serialize(triples, fmt)
    if args.output:
        Path(args.output).write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
    return 0


def cmd_query(app: App, args: argparse.Namespace) -> int:
    library = QueryLibrary()
    if args.list or not args.name:
        for q in library.queries.values():
            print(f"{q.name}: {q.title}\n    parameters: {q.signature()}")
        return 0
    values = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            raise BadInput(f"--param takes NAME=VALUE, not {item!r}")
        values[key.strip()] = value
    choices = Choices(app.store, app.iris, app.settings.theme_scheme)  # names accepted as well as IRIs
    result = library.run(app.store, args.name, values, choices)
    write_result(result, args.format, sys.stdout, library.get(args.name).heading)
    return 0


def write_result(result: SelectResult, fmt: str, out: IO[str], heading: Callable[[str], str] = str) -> None:
    """The rows as JSON (the variables' names), CSV or a table (the columns' headings)."""
    if fmt == "json":
        rows = [{k: tables.text(v) for k, v in row.items() if v is not None} for row in result.dicts()]
        json.dump({"variables": result.variables, "rows": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    headings = [heading(v) for v in result.variables]
    if fmt == "csv":
        out.write(tables.to_csv(headings, result.rows, bom=False))
        return
    cells = [[tables.text(v) for v in row] for row in result.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in cells])) for i, h in enumerate(headings)]
    line = "  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True))
    out.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        out.write("  ".join(_cut(c, w).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(cells)} rows)\n")


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_export(app: App, args: argparse.Namespace) -> int:
    fmt = EXPORT_FORMATS[args.format]
    graph = app.graph(args.graph) if args.graph else None
    if args.output:
        with open(args.output, "wb") as f:
            app.store.dump(f, fmt, graph)
        print(f"exported to {args.output}", file=sys.stderr)
    else:
        app.store.dump(sys.stdout.buffer, fmt, graph)
    return 0


def cmd_stats(app: App, args: argparse.Namespace) -> int:
    stats = app.store.stats()
    counts = record_counts(app.store)
    if args.json:
        print(json.dumps({"quads": stats.quads, "graphs": {g.name.value: g.triples for g in stats.graphs}, **counts}))
        return 0
    print(f"store: {app.store.label}")
    for g in stats.graphs:
        print(f"  {g.name.value}: {g.triples} triples")
    print(f"  total: {stats.quads} quads in {len(stats.graphs)} named graphs")
    print("  " + ", ".join(f"{n} {label}" for label, n in counts.items()))
    return 0


def cmd_backup(app: App, args: argparse.Namespace) -> int:
    """The store's own backup; while the service holds the store, a copy of its newest snapshot."""
    try:
        store = app.store
    except StoreError as e:
        path = Path(app.settings.store_path)
        if app.settings.store != "embedded" or "lock" not in e.message.lower():
            raise
        print(backup_from_service(path, Path(args.directory)))
        return 0
    print(store.backup(Path(args.directory)))
    return 0


def cmd_harvest(app: App, args: argparse.Namespace) -> int:
    return harvest(app, args)


def cmd_remove(app: App, args: argparse.Namespace) -> int:
    graph = app.graph(args.graph) if args.graph else None
    result = app.writer.remove_record(NamedNode(args.iri), graph)
    print(f"removed {result.removed} triples")
    return 0


def cmd_reindex(app: App, args: argparse.Namespace) -> int:
    index = app.search_index()
    try:
        start = time.perf_counter()
        if args.if_stale and not index.sync(app.store):
            print(f"search index at {app.settings.search_index_file} is up to date ({index.count()} records)")
            return 0
        if not args.if_stale:
            index.rebuild(app.store)
        print(
            f"search index at {app.settings.search_index_file}: {index.count()} records in {time.perf_counter() - start:.2f} s"
        )
    finally:
        index.close()
    return 0


def cmd_search(app: App, args: argparse.Namespace) -> int:
    index = app.search_index()
    try:
        index.sync(app.store)  # built again when missing, or stale (the store was written without it)
        filters = {f: getattr(args, f) for f in FACETS if getattr(args, f)}
        results = index.search(Search(args.query, filters, args.page, args.limit))
    finally:
        index.close()
    if args.format == "json":
        from graph.web.pages.search import as_json

        json.dump(
            as_json(results, Search(args.query, filters, args.page, args.limit)),
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 0
    first = (results.page - 1) * results.per_page
    for rank, hit in enumerate(results.hits, first + 1):
        kind = hit.kind["label"] if hit.kind else ""
        producer = f" · {hit.producer['label']}" if hit.producer else ""
        score = f"{hit.score:7.2f}  " if hit.score is not None else ""
        print(f"{rank:4}. {score}{hit.title}  [{kind}{producer}]\n        {hit.iri}")
    shown = f"{first + 1}-{first + len(results.hits)}" if results.hits else "none"
    print(f"({results.total} results, {shown} shown, {results.millis:.1f} ms)")
    return 0
