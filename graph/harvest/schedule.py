"""Harvests on a schedule: ``ressourcerie serve`` runs each scheduled source again when its interval has passed,
in the background, through the one writer.

``harvest_schedule`` gives each source of ``harvest_sources`` its interval: ``NAME=INTERVAL`` pairs, comma-
separated (a TOML table works too), an interval being ``hourly``, ``daily``, ``weekly`` or a number with a unit
(``30s``, ``15m``, ``6h``, ``2d``). A source is due when its interval has passed since its last run (read from
the runs the meta graph records, so a restart does not harvest everything again); one never run is due at
once.

One run at a time, in one thread: the source is read outside the writer's lock, then matched and written in
one transaction (``graph.harvest.pipeline``), so reads go on meanwhile. A run that fails keeps the previous
graph and is recorded as failed (the pipeline does both); the scheduler logs it and tries again at the next
interval. What each source did last, and when it runs next, is ``Scheduler.states()`` (the /harvests page).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pyoxigraph import Literal

from graph.config import Settings
from graph.errors import BadRequest, RessourcerieError
from graph.harvest.report import HarvestReport
from graph.harvest.runner import SourceEntry, entries, run_entry
from graph.store.base import Store
from graph.writer import Writer

log = logging.getLogger("ressourcerie.harvest")
NAMED = {"hourly": 3600.0, "daily": 86400.0, "weekly": 7 * 86400.0}
UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
LAST_RUN = """
SELECT ?label (MAX(?start) AS ?last) WHERE {
  GRAPH ?meta { ?run a rsr:HarvestRun ; rdfs:label ?label ; prov:startedAtTime ?start }
} GROUP BY ?label
"""


def interval(text: str) -> float:
    """Seconds from ``daily``, ``6h``, ``15m``, ``30s``, ``2d`` or a number of seconds."""
    word = text.strip().lower()
    if word in NAMED:
        return NAMED[word]
    m = _INTERVAL.match(word)
    if not m or float(m.group(1)) <= 0:
        raise BadRequest(
            f"harvest_schedule: {text!r} is not an interval (hourly, daily, weekly, or a number with s, m, h or d)"
        )
    return float(m.group(1)) * UNITS[m.group(2) or "s"]


def parse_schedule(text: str) -> dict[str, float]:
    """``NAME=INTERVAL, NAME=INTERVAL`` -> {name: seconds}."""
    found: dict[str, float] = {}
    for item in (i for i in text.split(",") if i.strip()):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadRequest(f"harvest_schedule: {item.strip()!r} is not NAME=INTERVAL")
        found[name.strip()] = interval(value)
    return found


def scheduled(settings: Settings) -> list[tuple[SourceEntry, float]]:
    """The sources of ``harvest_sources`` with their interval; a name the schedule gives that no source has is
    refused (a typo would silently never harvest)."""
    intervals = parse_schedule(settings.harvest_schedule)
    sources = {e.name: e for e in entries(settings)}
    unknown = sorted(set(intervals) - set(sources))
    if unknown:
        known = ", ".join(sorted(sources)) or "none"
        raise BadRequest(f"harvest_schedule names {', '.join(unknown)}, not in harvest_sources (which has: {known})")
    return [(sources[name], seconds) for name, seconds in intervals.items()]


def describe(seconds: float) -> str:
    """The interval in French words, for the page: 'tous les jours', 'toutes les 6 heures'..."""
    for unit, value, every in (
        ("jours", 86400.0, "tous les"),
        ("heures", 3600.0, "toutes les"),
        ("minutes", 60.0, "toutes les"),
    ):
        if seconds >= value and seconds % value == 0:
            n = int(seconds // value)
            return f"{every} {unit}" if n == 1 else f"{every} {n} {unit}"
    return f"toutes les {seconds:g} secondes"


@dataclass
class SourceState:
    source: SourceEntry
    every: float  # seconds
    next_run: datetime
    running: bool = False
    last: HarvestReport | None = None  # the last run of this process
    runs: int = 0
    failures: int = 0

    @property
    def next_iso(self) -> str:
        return _iso(self.next_run)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.source.name,
            "kind": self.source.kind,
            "location": self.source.location,
            "interval_seconds": self.every,
            "next_run": self.next_iso,
            "running": self.running,
            "runs_since_start": self.runs,
            "failures_since_start": self.failures,
        }


@dataclass
class Scheduler:
    """Runs due sources, one at a time, in a background thread (``start``/``stop``), or step by step (``tick``)."""

    writer: Writer
    settings: Settings
    sources: list[tuple[SourceEntry, float]]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _states: dict[str, SourceState] = field(default_factory=dict, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        for source, every in self.sources:
            last = last_run(self.writer.store, source.name)
            due = last + timedelta(seconds=every) if last is not None else self.now()
            self._states[source.name] = SourceState(source, every, due)

    @classmethod
    def of(cls, writer: Writer, settings: Settings) -> Scheduler | None:
        """The schedule the settings give, or None when they schedule nothing."""
        sources = scheduled(settings)
        return cls(writer, settings, sources) if sources else None

    def states(self) -> list[SourceState]:
        with self._lock:
            return list(self._states.values())

    def tick(self) -> HarvestReport | None:
        """Run the source most overdue, if one is due; its report."""
        now = self.now()
        with self._lock:
            due = sorted((s for s in self._states.values() if s.next_run <= now), key=lambda s: s.next_run)
            if not due:
                return None
            state = due[0]
            state.running = True
        try:
            report = run_entry(self.writer, self.settings, state.source)
        except RessourcerieError as e:  # the source could not even be opened (a bad location, say)
            log.error("scheduled harvest %s could not start: %s", state.source.name, e.message)
            report = None
        except Exception:  # a scheduled run must never take the service down
            log.exception("scheduled harvest %s failed", state.source.name)
            report = None
        with self._lock:
            state.running = False
            state.runs += 1
            state.last = report
            if report is None or not report.succeeded:
                state.failures += 1
            state.next_run = self.now() + timedelta(seconds=state.every)
        if report is not None:
            log.info("scheduled harvest %s: %s", state.source.name, report.summary().splitlines()[0])
        return report

    def wait(self) -> float:
        """Seconds until the next source is due (at most a minute, at least a tenth of a second)."""
        with self._lock:
            soonest = min((s.next_run for s in self._states.values()), default=self.now() + timedelta(minutes=1))
        return min(60.0, max(0.1, (soonest - self.now()).total_seconds()))

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="harvest-schedule", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the run in progress, if any (waiting at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.wait()):
            self.tick()


def last_run(store: Store, name: str) -> datetime | None:
    """When the last run of source ``name`` started, as the meta graph records it."""
    rows = store.select(LAST_RUN, {"label": Literal(f"harvest {name}")}).rows
    value = rows[0][1] if rows else None
    if not isinstance(value, Literal):
        return None
    try:
        moment = datetime.fromisoformat(value.value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
