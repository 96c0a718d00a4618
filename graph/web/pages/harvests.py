"""The harvests page (/harvests) and its JSON twin (/harvests.json, or ``Accept: application/json``): each source
the instance harvests, its schedule, its last run (when, how it went, records seen, written, skipped, matched,
gone, its errors and warnings) and when it runs next.

The runs are read from the meta graph, where every run records itself (``graph.harvest.report``), so runs of the
command line show too; the schedule and the run in progress come from the service's scheduler
(``graph.harvest.schedule``), when ``ressourcerie serve`` runs one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pyoxigraph import Literal, NamedNode

from graph import features
from graph.errors import RessourcerieError
from graph.harvest.runner import entries
from graph.harvest.schedule import Scheduler, describe, parse_schedule
from graph.namespaces import PROV, RSR
from graph.web.conneg import HTML_OR_JSON, HTML_OR_JSON_NAMES, choose
from graph.web.context import Context, context
from graph.web.render import Alternate, render
from graph.web.urls import Urls

HISTORY = 5  # runs shown per source
RUNS = """
SELECT ?run ?label ?status ?start ?end ?pages ?seen ?written ?skipped ?matched ?meta WHERE {
  GRAPH ?meta {
    ?run a rsr:HarvestRun ; rdfs:label ?label ; rsr:runStatus ?status ; prov:startedAtTime ?start .
    OPTIONAL { ?run prov:endedAtTime ?end }
    OPTIONAL { ?run rsr:pageCount ?pages }
    OPTIONAL { ?run rsr:recordsSeen ?seen }
    OPTIONAL { ?run rsr:recordsWritten ?written }
    OPTIONAL { ?run rsr:recordsSkipped ?skipped }
    OPTIONAL { ?run rsr:recordsMatched ?matched }
  }
} ORDER BY DESC(?start) DESC(STR(?run))
"""
STATUS = {"succeeded": "réussie", "failed": "échouée", "running": "en cours"}
KINDS = {"dcat": "catalogue DCAT", "datagouv-api": "API de data.gouv.fr"}


@dataclass
class Run:
    run: str
    status: str
    started: str
    ended: str | None
    pages: int
    seen: int
    written: int
    skipped: int
    matched: int
    gone: list[str] = field(default_factory=list)  # the records the source no longer gives
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status_fr(self) -> str:
        return STATUS.get(self.status, self.status)


@dataclass
class Harvest:
    name: str
    kind: str | None = None
    location: str | None = None
    every: float | None = None  # seconds, when scheduled
    next_run: str | None = None
    running: bool = False
    runs: list[Run] = field(default_factory=list)

    @property
    def last(self) -> Run | None:
        return self.runs[0] if self.runs else None

    @property
    def every_fr(self) -> str | None:
        return describe(self.every) if self.every else None

    @property
    def kind_fr(self) -> str:
        return KINDS.get(self.kind or "", f"source {self.kind}" if self.kind else "")

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "location": self.location,
            "interval_seconds": self.every,
            "next_run": self.next_run,
            "running": self.running,
            "last_run": asdict(self.last) if self.last else None,
            "runs": [asdict(r) for r in self.runs],
        }


def scheduler_of(request: Request) -> Scheduler | None:
    return getattr(request.app.state, "scheduler", None)


def harvests(ctx: Context, scheduler: Scheduler | None) -> list[Harvest]:
    """The sources: those scheduled, those harvest_sources lists, and any the meta graph has runs of."""
    found: dict[str, Harvest] = {}
    try:
        configured = entries(ctx.settings)
        intervals = parse_schedule(ctx.settings.harvest_schedule)
    except RessourcerieError:  # a schedule the service refused to start with; the page still shows the runs
        configured, intervals = [], {}
    for e in configured:
        found[e.name] = Harvest(e.name, e.kind, e.location, intervals.get(e.name))
    for state in scheduler.states() if scheduler is not None else []:
        h = found.setdefault(state.source.name, Harvest(state.source.name))
        h.kind, h.location, h.every = state.source.kind, state.source.location, state.every
        h.next_run, h.running = state.next_iso, state.running
    for label, run in runs(ctx):
        name = label.removeprefix("harvest ")
        h = found.setdefault(name, Harvest(name))
        if len(h.runs) < HISTORY:
            h.runs.append(run)
    for h in found.values():
        if h.last is not None:
            _details(ctx, h.last)
    return sorted(found.values(), key=lambda h: h.name)


def runs(ctx: Context) -> list[tuple[str, Run]]:
    """Every run the meta graph records, the latest first (two runs started in the same second are told apart by
    their IRI, which carries the microseconds)."""
    out = []
    for row in ctx.store.select(RUNS, {"meta": ctx.iris.meta_graph}).rows:
        run, label, status, start, end, *counts, _meta = row
        if not (isinstance(run, NamedNode) and isinstance(label, Literal)):
            continue
        pages, seen, written, skipped, matched = (int(c.value) if isinstance(c, Literal) else 0 for c in counts)
        found = Run(
            run.value,
            status.value if isinstance(status, Literal) else "",
            start.value if isinstance(start, Literal) else "",
            end.value if isinstance(end, Literal) else None,
            pages,
            seen,
            written,
            skipped,
            matched,
        )
        out.append((label.value, found))
    return out


def _details(ctx: Context, run: Run) -> None:
    """A run's records gone, errors and warnings."""
    for q in ctx.store.quads(NamedNode(run.run), None, None, ctx.iris.meta_graph):
        if q.predicate == PROV.invalidated and isinstance(q.object, NamedNode):
            run.gone.append(q.object.value)
        elif q.predicate == RSR.harvestIssue and isinstance(q.object, Literal):
            text = q.object.value
            if text.startswith("error: "):
                run.errors.append(text.removeprefix("error: "))
            elif text.startswith("warning: "):
                run.warnings.append(text.removeprefix("warning: "))
    for found in (run.gone, run.errors, run.warnings):
        found.sort()


async def harvests_page(request: Request, ext: str | None = None) -> Response:
    """GET /harvests (and /harvests.json): the harvested sources, their last runs and next ones."""
    ctx = context(request)
    features.require(ctx.settings, "harvest")
    found = harvests(ctx, scheduler_of(request))
    chosen = choose(request, HTML_OR_JSON, extension=ext, default="text/html", names=HTML_OR_JSON_NAMES)
    if chosen == "application/json":
        body = {"scheduler": scheduler_of(request) is not None, "sources": [h.as_json() for h in found]}
        return JSONResponse(body, headers={"Vary": "Accept"})
    urls = Urls.of(request)
    alternates = [Alternate(urls.path("/harvests.json"), "application/json", "Moissonnages en JSON")]
    return render(
        request,
        "harvests.html",
        alternates=alternates,
        page={"harvests": found, "scheduler": scheduler_of(request) is not None},
    )
