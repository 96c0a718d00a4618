"""``ressourcerie harvest SOURCE | --all``: each source through the pipeline, a JSON report per run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from pyoxigraph import NamedNode
from tqdm import tqdm

from graph.errors import BadRequest, FeatureDisabled
from graph.iris import slugify
from graph.seed import ontology_triples
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher, is_url
from loaders.harvest.paging import Page
from loaders.harvest.pipeline import Harvester

if TYPE_CHECKING:
    from graph.cli import App

REPORT_DIR = Path("var/harvest")
FAILED = 4


def source_name(location: str) -> str:
    """A stable short name from a URL (host and path) or a file (its name)."""
    if is_url(location):
        parsed = urlparse(location)
        text = parsed.netloc + str(Path(parsed.path).with_suffix("")) if parsed.path not in ("", "/") else parsed.netloc
    else:
        text = Path(location).stem
    return slugify(text)[:60].strip("-")


def entries(app: App, args: argparse.Namespace) -> list[tuple[str, str]]:
    """(name, location) of each source to harvest; ``NAME=LOCATION`` names a source in harvest_sources."""
    if args.all:
        listed = app.settings.harvest_source_list
        if not listed:
            raise BadRequest(
                "harvest --all: the setting harvest_sources lists no source (URLs or files, comma-separated)"
            )
        if args.name:
            raise BadRequest("--name names one source; with --all, write NAME=URL in harvest_sources")
    elif args.source:
        listed = [args.source[0]]
    else:
        raise BadRequest("give a SOURCE (a catalogue URL or file) or --all for the sources of harvest_sources")
    out = []
    for item in listed:
        name, sep, location = item.partition("=")
        if not sep or "/" in name or ":" in name:
            name, location = "", item
        name = slugify(args.name or name) if (args.name or name) else source_name(location)
        out.append((name, location.strip()))
    return out


def harvest(app: App, args: argparse.Namespace) -> int:
    settings = app.settings
    if not settings.feature_harvest:
        raise FeatureDisabled(
            "harvesting is switched off on this instance (feature_harvest = false); "
            "set feature_harvest = true (or RESSOURCERIE_FEATURE_HARVEST=true) to allow it"
        )
    if args.adapter:
        return harvest_adapter(app, args)
    if args.source and len(args.source) > 1:
        raise BadRequest("harvest reads one catalogue at a time (or --all); several LOCATIONs go with --adapter")
    todo = entries(app, args)
    if app.iris.ontology_graph not in app.store.graph_names():
        print("the store has no ontology graph: loading it first", file=sys.stderr)
        app.writer.replace_graphs({app.iris.ontology_graph: ontology_triples()}, operation="ontology")
    concepts = Concepts.from_store(app.store, app.iris.ontology_graph, NamedNode(settings.theme_scheme))
    harvester = Harvester(app.writer)
    show = settings.progress == "always" or (settings.progress == "auto" and sys.stderr.isatty())
    failed = 0
    for name, location in todo:
        fetcher = Fetcher(
            timeout=settings.harvest_timeout, retries=settings.harvest_retries, max_bytes=settings.harvest_max_bytes
        )
        bar = tqdm(desc=f"harvest {name}", unit="page", file=sys.stderr) if show else None

        def on_page(page: Page, bar: tqdm | None = bar) -> None:
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"{len(page.quads)} triples")

        source = DcatSource(
            name, location, app.iris, fetcher, concepts, max_pages=settings.harvest_max_pages, on_page=on_page
        )
        try:
            report = harvester.run(source, location)
        finally:
            fetcher.close()
            if bar is not None:
                bar.close()
        stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
        path = Path(args.report) if args.report and len(todo) == 1 else REPORT_DIR / f"{name}-{stamp}.json"
        report.write(path)
        print(report.summary())
        print(f"  report: {path}")
        failed += not report.succeeded
    return FAILED if failed else 0


def harvest_adapter(app: App, args: argparse.Namespace) -> int:
    """One source adapter over its payloads (files or URLs), through the same pipeline."""
    from loaders.harvest.adapters import build

    if args.all:
        raise BadRequest("--adapter harvests the LOCATIONs given, not the sources of harvest_sources (--all)")
    settings = app.settings
    if app.iris.ontology_graph not in app.store.graph_names():
        app.writer.replace_graphs({app.iris.ontology_graph: ontology_triples()}, operation="ontology")
    fetcher = Fetcher(
        timeout=settings.harvest_timeout, retries=settings.harvest_retries, max_bytes=settings.harvest_max_bytes
    )
    try:
        source = build(args.adapter, args.source or [], app.iris, fetcher, args.accounts)
        if args.name:
            source.name = slugify(args.name)
        report = Harvester(app.writer).run(source, " ".join(args.source))
    finally:
        fetcher.close()
    stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
    path = Path(args.report) if args.report else REPORT_DIR / f"{source.name}-{stamp}.json"
    report.write(path)
    print(report.summary())
    print(f"  report: {path}")
    return 0 if report.succeeded else FAILED
