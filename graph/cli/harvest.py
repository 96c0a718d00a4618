"""``ressourcerie harvest SOURCE | --all | --adapter NAME LOCATION...``: each source through the pipeline, a JSON
report per run. The sources are plugins (``graph.plugins``): ``dcat`` for catalogues, the others adapters;
``--all`` runs those ``harvest_sources`` names (``graph.harvest.runner``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from graph import features
from graph.errors import BadRequest
from graph.harvest import runner
from graph.harvest.report import HarvestReport
from graph.harvest.runner import SourceEntry, source_name
from graph.harvest.sources import SourceRequest
from graph.iris import slugify
from graph.seed import ontology_triples

if TYPE_CHECKING:
    from graph.cli.app import App

REPORT_DIR = Path("var/harvest")
FAILED = 4


def entries(app: App, args: argparse.Namespace) -> list[SourceEntry]:
    """The sources to harvest: those of harvest_sources (``--all``), or the one catalogue given."""
    if args.all:
        if not app.settings.harvest_source_list:
            raise BadRequest(
                "harvest --all: the setting harvest_sources lists no source (URLs or files, comma-separated)"
            )
        if args.name:
            raise BadRequest("--name names one source; with --all, write NAME=URL in harvest_sources")
        return runner.entries(app.settings)
    if not args.source:
        raise BadRequest("give a SOURCE (a catalogue URL or file) or --all for the sources of harvest_sources")
    location = args.source[0].strip()
    return [SourceEntry(slugify(args.name) if args.name else source_name(location), "dcat", location)]


def harvest(app: App, args: argparse.Namespace) -> int:
    features.require(app.settings, "harvest")
    if args.adapter:
        return harvest_adapter(app, args)
    if args.source and len(args.source) > 1:
        raise BadRequest("harvest reads one catalogue at a time (or --all); several LOCATIONs go with --adapter")
    todo = entries(app, args)
    _ontology(app)
    failed = 0
    for entry in todo:
        request = SourceRequest(entry.name, [entry.location], app.iris, app.settings, app.store)
        report = _run(app, entry.kind, request, entry.location)
        _report(report, args.report if len(todo) == 1 else None)
        failed += not report.succeeded
    return FAILED if failed else 0


def harvest_adapter(app: App, args: argparse.Namespace) -> int:
    """One source adapter over its payloads (files or URLs), through the same pipeline."""
    if args.all:
        raise BadRequest("--adapter harvests the LOCATIONs given, not the sources of harvest_sources (--all)")
    _ontology(app)
    request = SourceRequest(args.name, list(args.source or []), app.iris, app.settings, app.store, args.accounts)
    report = _run(app, args.adapter, request, " ".join(args.source))
    _report(report, args.report)
    return 0 if report.succeeded else FAILED


def _ontology(app: App) -> None:
    if app.iris.ontology_graph not in app.store.graph_names():
        print("the store has no ontology graph: loading it first", file=sys.stderr)
        app.writer.replace_graphs({app.iris.ontology_graph: ontology_triples()}, operation="ontology")


def _run(app: App, kind: str, request: SourceRequest, location: str) -> HarvestReport:
    settings = app.settings
    show = settings.progress == "always" or (settings.progress == "auto" and sys.stderr.isatty())
    bar = tqdm(desc=f"harvest {request.name or kind}", unit="page", file=sys.stderr) if show else None
    if bar is not None:
        bar_ = bar

        def on_page(triples: int) -> None:
            bar_.update(1)
            bar_.set_postfix_str(f"{triples} triples")

        request.on_page = on_page
    try:
        return runner.run(app.writer, kind, request, location)
    finally:
        if bar is not None:
            bar.close()


def _report(report: HarvestReport, path: str | None) -> None:
    stamp = report.started.strftime("%Y%m%dT%H%M%SZ")
    where = Path(path) if path else REPORT_DIR / f"{report.source}-{stamp}.json"
    report.write(where)
    print(report.summary())
    print(f"  report: {where}")
