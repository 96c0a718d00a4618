"""The ``ressourcerie`` command.

Exit codes: 0 done, 1 refused by validation, 2 bad input (file, format, query, parameter), 3 store failure,
4 a harvest source failed (nothing written from it).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple
from tqdm import tqdm

from graph import __version__, seed
from graph.config import Settings
from graph.errors import RessourcerieError, StoreError, ValidationFailed
from graph.ingest import Ingestor, WriteResult
from graph.iris import Iris
from graph.queries import QueryLibrary
from graph.rdf import format_for, parse_bytes
from graph.search import FACETS, Search, SearchIndex
from graph.store import Store, open_store
from graph.store.base import SelectResult
from graph.summary import record_counts
from graph.validation import Validator

CATALOG_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
}
EXPORT_FORMATS = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES}


class App:
    """What a command needs, built once from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self._store: Store | None = None
        self._ingestor: Ingestor | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    @property
    def ingestor(self) -> Ingestor:
        if self._ingestor is None:
            self._ingestor = Ingestor(self.store, Validator(), self.iris)
        return self._ingestor

    def graph(self, name: str) -> NamedNode:
        if "://" in name:
            return NamedNode(name)
        return self.iris.graph(name)

    def progress(self, total: int, desc: str) -> tqdm | None:
        mode = self.settings.progress
        show = mode == "always" or (mode == "auto" and sys.stderr.isatty())
        return tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr) if show else None

    def search_index(self) -> SearchIndex:
        return SearchIndex.open(self.settings.search_index_file, self.settings.base_iri)

    def write(self, action: Callable[[], WriteResult]) -> WriteResult:
        """Run a validated write, then bring the search index up to date: the records written when the index
        was up to date before, else the whole index. An in-memory store's index dies with the command."""
        if self.settings.search_index_file == ":memory:":
            return action()
        index = self.search_index()
        try:
            fresh = index.stored_fingerprint() == index.fingerprint(self.store)
            result = action()
            if fresh:
                index.update(self.store, result.records)
                index.checkpoint(self.store)
            else:
                index.sync(self.store)
        finally:
            index.close()
        return result

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


# --- commands ------------------------------------------------------------------------------------------------


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
    app.close()
    app._store = None
    where = settings.store_path if settings.store == "embedded" else settings.store
    print(f"Ressourcerie on http://{settings.host}:{settings.port}/  (SPARQL: /sparql; store: {where})")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def cmd_seed(app: App, args: argparse.Namespace) -> int:
    if args.if_missing and app.iris.graph("seed/ressourcerie") in app.store.graph_names():
        print(f"store at {app.settings.store_label} already holds the seed; nothing to do")
        return 0
    build, result, seconds = seed.load(app.ingestor, Path(app.settings.seed_dir))
    for graph, count in result.graphs.items():
        print(f"{graph}: {count} triples")
    print(f"usages: {build.usages}")
    print(f"validation: 0 violations, {len(result.report.warnings)} warnings, {result.focus} records checked")
    for problem in build.problems:
        print(f"unresolved: {problem}")
    print(f"seed store built at {app.settings.store_label} in {seconds:.2f} s")
    if app.settings.search_index_file != ":memory:":
        index = app.search_index()
        try:
            index.sync(app.store)
        finally:
            index.close()
    return 0


def _read(app: App, files: Sequence[str], fmt: str | None, target: NamedNode) -> dict[NamedNode, list[Triple]]:
    contents: dict[NamedNode, list[Triple]] = {}
    for name in files:
        path = Path(name)
        rdf_format = format_for(path, fmt)
        try:
            size = path.stat().st_size
        except OSError as e:
            raise _BadInput(f"{path}: cannot read the file: {e.strerror}") from None
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
            graph = target if isinstance(q.graph_name, DefaultGraph) else q.graph_name
            contents.setdefault(graph, []).append(q.triple)  # type: ignore[arg-type]
    return contents


def cmd_load(app: App, args: argparse.Namespace) -> int:
    target = app.graph(args.graph)
    contents = _read(app, args.files, args.format, target)
    start = time.perf_counter()
    if args.replace:
        sources = {g: ", ".join(args.files) for g in contents}
        result = app.write(lambda: app.ingestor.replace_graphs(contents, sources=sources))
    else:
        result = app.write(lambda: app.ingestor.add(contents))
    added = result.added
    print(f"loaded {added} triples into {', '.join(g.value for g in contents)} in {time.perf_counter() - start:.2f} s")
    return 0


def cmd_validate(app: App, args: argparse.Namespace) -> int:
    if args.dcat_ap:
        return _validate_feed(app, args)
    validator = app.ingestor.validator
    if args.all:
        start = time.perf_counter()
        report = validator.validate_store(app.store)
        print(f"validated the whole store in place in {time.perf_counter() - start:.2f} s")
    else:
        if not args.files:
            raise _BadInput("give files to validate, or --all for the whole store")
        contents = _read(app, args.files, args.format, app.graph(args.graph))
        report = app.ingestor.check_add(contents)
    print(report.text(args.lang, limit=args.limit) if report.results else "no results")
    for shape in report.fallback:
        print(f"validated by pyshacl, not compiled: {shape}")
    print(f"{len(report.violations)} violations, {len(report.warnings)} warnings")
    return 0 if report.conforms else 1


def _validate_feed(app: App, args: argparse.Namespace) -> int:
    from graph.dcat.conformance import check
    from graph.dcat.publish import Feed

    feed = Feed(app.store, app.settings)
    failed = False
    for name in ("catalog", "software"):
        result = check(feed, name, vocabularies=True)
        if result.report.violations:
            print(result.report.text(args.lang, limit=args.limit))
        failed = failed or not result.report.conforms
        print(result.summary())
    return 1 if failed else 0


def cmd_catalog(app: App, args: argparse.Namespace) -> int:
    from graph.dcat.formats import CONTEXT_PATH, serialize
    from graph.dcat.publish import Feed, Paging, parse_paging, whole_feed

    feed = Feed(app.store, app.settings)
    name = "software" if args.software else "catalog"
    fmt = CATALOG_FORMATS[args.format]
    if args.all:
        if args.modified_since or args.page:
            raise _BadInput("--all writes every page; it takes neither --page nor --modified-since")
        triples = [t for page in whole_feed(feed, name) for t in page.triples]
    else:
        params = {"page": str(args.page or 1), "page_size": str(args.page_size)}
        if args.modified_since:
            params["modified_since"] = args.modified_since
        paging: Paging = parse_paging(params)
        triples = feed.page(name, paging).triples
    body = serialize(triples, fmt, app.iris.base + CONTEXT_PATH)
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
            raise _BadInput(f"--param takes NAME=VALUE, not {item!r}")
        values[key.strip()] = value
    result = library.run(app.store, args.name, values)
    write_result(result, args.format, sys.stdout)
    return 0


def write_result(result: SelectResult, fmt: str, out: IO[str]) -> None:
    def text(term: object) -> str:
        return "" if term is None else getattr(term, "value", str(term))

    if fmt == "json":
        rows = [{k: text(v) for k, v in row.items() if v is not None} for row in result.dicts()]
        json.dump({"variables": result.variables, "rows": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(result.variables)
        writer.writerows([text(v) for v in row] for row in result.rows)
    else:
        cells = [[text(v) for v in row] for row in result.rows]
        widths = [min(60, max([len(h)] + [len(r[i]) for r in cells])) for i, h in enumerate(result.variables)]
        line = "  ".join(h.ljust(w) for h, w in zip(result.variables, widths, strict=True))
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
    print(f"store: {app.settings.store_label}")
    for g in stats.graphs:
        print(f"  {g.name.value}: {g.triples} triples")
    print(f"  total: {stats.quads} quads in {len(stats.graphs)} named graphs")
    print("  " + ", ".join(f"{n} {label}" for label, n in counts.items()))
    return 0


def cmd_backup(app: App, args: argparse.Namespace) -> int:
    app.store.backup(Path(args.directory))
    if app.settings.store == "embedded":
        print(f"backup written to {args.directory}")
    else:
        print(f"a remote store is backed up by its server; an N-Quads export was written to {args.directory}/store.nq")
    return 0


def cmd_harvest(app: App, args: argparse.Namespace) -> int:
    from loaders.harvest.command import harvest

    return harvest(app, args)


def cmd_remove(app: App, args: argparse.Namespace) -> int:
    graph = app.graph(args.graph) if args.graph else None
    result = app.write(lambda: app.ingestor.remove_record(NamedNode(args.iri), graph))
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
        if app.settings.search_index_file == ":memory:" or index.stored_fingerprint() is None:
            index.sync(app.store)
        filters = {f: getattr(args, f) for f in FACETS if getattr(args, f)}
        results = index.search(Search(args.query, filters, args.page, args.limit))
    finally:
        index.close()
    if args.format == "json":
        from graph.web.search import as_json

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


# --- parser --------------------------------------------------------------------------------------------------


class _BadInput(RessourcerieError):
    status = 400


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ressourcerie", description="Ressourcerie knowledge graph: build, load, validate, query, export."
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--config", help="TOML configuration file (also RESSOURCERIE_CONFIG)")
    p.add_argument("--store", dest="store_path", help="store directory, or :memory: (setting store_path)")
    p.add_argument("--base-iri", dest="base_iri", help="base IRI of minted IRIs (setting base_iri)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = sub.add_parser("serve", help="run the linked-data service (builds the seeded store on first run)")
    s.add_argument("--host", help="address to listen on (setting host)")
    s.add_argument("--port", type=int, help="port to listen on (setting port)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("seed", help="build the store from the bundled seed content (replaces the seed graphs)")
    s.add_argument("--if-missing", action="store_true", help="do nothing if the store already holds the seed")
    s.set_defaults(func=cmd_seed)

    s = sub.add_parser("load", help="load RDF files into a named graph, after SHACL validation")
    s.add_argument("files", nargs="+", metavar="FILE", help="Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML")
    s.add_argument("--graph", default="contributions", help="named graph: a name under BASE/graph/ or a full IRI")
    s.add_argument("--replace", action="store_true", help="replace the graph's content instead of adding to it")
    s.add_argument(
        "--format", help="RDF format, when the file extension does not tell it (ttl, nt, nq, trig, jsonld, rdf)"
    )
    s.set_defaults(func=cmd_load)

    s = sub.add_parser("validate", help="check files (as if loaded) or the whole store against the shapes")
    s.add_argument("files", nargs="*", metavar="FILE")
    s.add_argument("--all", action="store_true", help="validate the whole store with every shape")
    s.add_argument("--graph", default="contributions", help="graph the files would go to")
    s.add_argument("--format", help="RDF format of the files")
    s.add_argument("--lang", default="en", choices=["en", "fr"], help="language of the messages")
    s.add_argument("--limit", type=int, default=50, help="results shown at most (default 50)")
    s.add_argument(
        "--dcat-ap", action="store_true", help="validate the whole DCAT-AP feed against the official DCAT-AP 3 shapes"
    )
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("catalog", help="write the DCAT-AP catalogue (one page, or every page with --all)")
    s.add_argument("--software", action="store_true", help="the ADMS-AP catalogue of software instead")
    s.add_argument("--page", type=int, help="page number (from 1)")
    s.add_argument("--page-size", type=int, default=100, help="records per page (default 100, at most 1000)")
    s.add_argument("--modified-since", help="only records modified since this date or date-time")
    s.add_argument("--all", action="store_true", help="every page, as one graph")
    s.add_argument("--format", "-f", choices=sorted(CATALOG_FORMATS), default="ttl")
    s.add_argument("--output", "-o", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_catalog)

    s = sub.add_parser("query", help="run a named query (queries/*.rq); without a name, list them")
    s.add_argument("name", nargs="?", help="query name, e.g. usage-network")
    s.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter")
    s.add_argument("--format", "-f", choices=["table", "csv", "json"], default="table")
    s.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("export", help="write the store (or one graph) as RDF")
    s.add_argument("--format", "-f", choices=sorted(EXPORT_FORMATS), default="nq")
    s.add_argument("--graph", help="only this named graph")
    s.add_argument("--output", "-o", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("stats", help="triples per named graph and counts of records")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser(
        "backup", help="copy the on-disk store to a directory (a usable store); for a remote store, an N-Quads export"
    )
    s.add_argument("directory")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser(
        "harvest", help="harvest a DCAT catalogue or a source adapter's payloads into its own named graph"
    )
    s.add_argument(
        "source",
        nargs="*",
        metavar="SOURCE",
        help="catalogue URL or file (Turtle, RDF/XML, JSON-LD, N-Triples); with --adapter, the adapter's files or URLs",
    )
    s.add_argument(
        "--adapter",
        choices=["datagouv", "apigouv", "codegouv", "sill", "publiccode"],
        help="read SOURCE with a source adapter: data.gouv.fr JSON, an api.gouv.fr checkout, code.gouv.fr "
        "repositories, the SILL, publiccode.yml files",
    )
    s.add_argument(
        "--accounts", metavar="FILE", help="code.gouv.fr accounts file (comptes-organismes-publics.yml): publishers"
    )
    s.add_argument("--all", action="store_true", help="harvest every source of the setting harvest_sources")
    s.add_argument("--name", help="name of the source (its graph is graph/harvest/NAME); default: from the URL")
    s.add_argument("--report", metavar="PATH", help="JSON report to write (default: var/harvest/NAME-TIMESTAMP.json)")
    s.set_defaults(func=cmd_harvest)
    s = sub.add_parser("search", help="full-text search of the records, ranked (the index is built if missing)")
    s.add_argument("query", help='words (all required), "a phrase", -excluded; empty: everything by title')
    s.add_argument("--kind", action="append", help="only this kind (api, dataset, guide, organisation...), repeatable")
    s.add_argument("--theme", action="append", help="only this theme (emploi, formation...), repeatable")
    s.add_argument("--producer", action="append", help="only this producer (organisation/dares...), repeatable")
    s.add_argument("--access", action="append", help="only this access: open, on-request, restricted")
    s.add_argument("--limit", "-n", type=int, default=20, help="results per page (default 20)")
    s.add_argument("--page", type=int, default=1, help="page of results (default 1)")
    s.add_argument("--format", "-f", choices=["table", "json"], default="table")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("reindex", help="build the full-text search index again from the store")
    s.add_argument("--if-stale", action="store_true", help="only if the store changed since the index was built")
    s.set_defaults(func=cmd_reindex)

    s = sub.add_parser("remove", help="remove a record (its IRI and its # nodes), if what remains stays valid")
    s.add_argument("iri")
    s.add_argument("--graph", help="only from this named graph")
    s.set_defaults(func=cmd_remove)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.load(args.config, store_path=args.store_path, base_iri=args.base_iri)
    except RessourcerieError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    app = App(settings)
    try:
        return int(args.func(app, args))
    except ValidationFailed as e:
        print(f"error: {e.message}", file=sys.stderr)
        print(e.report.text("en", limit=50 if not getattr(args, "limit", None) else args.limit), file=sys.stderr)
        return 1
    except StoreError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # output cut short by the reader (| head): not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except RessourcerieError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    finally:
        app.close()


if __name__ == "__main__":
    sys.exit(main())
