"""Crash trials: ``kill -9`` during a write, then check what is left. Four kinds of write, in turn:

- ``load``: ``ressourcerie load`` of generated records into a named graph (validated, then written);
- ``harvest``: ``ressourcerie harvest`` of a 2-page DCAT feed (tests/fixtures/harvest/paged) served on 127.0.0.1;
- ``put``: a validated Graph Store PUT to the served service (``ressourcerie serve``), the service killed;
- ``approve``: a moderator's approval of a proposed resource through the API, the service killed.

Half the trials kill at a random moment of the operation (its length measured by one run without a kill), half
0-50 ms after the store's files show the write (its write-ahead log grows). After
each kill the store must open (``ressourcerie stats``), hold the written graph in its old or its new state, pass
``ressourcerie validate --all`` with 0 violations, and its search index must be in step or be rebuilt in step
(the indexed records are those of the store)::

    python -m bench.crash --trials 20                 # 5 of each kind
    python -m bench.crash --trials 4 --kinds load,put
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import _live, _records
from graph.cli.app import App
from graph.config import Settings
from graph.search.records import RecordReader

ROOT = _live.ROOT
sys.path.insert(0, str(ROOT / "tests"))

from feeds import FeedServer  # noqa: E402  (the harvest tests' feed server, in tests/)

KINDS = ("load", "harvest", "put", "approve")
LOAD_RESOURCES = 300  # records of a load: enough for the write to take a visible moment
PUT_RESOURCES = 300
HARVEST_NAME = "crash"
THEME = _records.BASE + "def/theme/emploi"


@dataclass
class Outcome:
    """One trial: where the kill landed, and what the checks found."""

    kind: str
    mode: str  # "random" or "after-write"
    delay: float  # seconds from the start of the operation to the kill
    finished: bool  # the operation had ended before the kill
    write_seen: bool  # the store's files showed a write before the kill
    state: str = ""  # "old", "new" or "half" (triples of the written graph)
    opens: bool = False
    violations: int | None = None
    index_in_step: bool = False  # as found, before any rebuild
    index_consistent: bool = False  # after ``sync`` if it was stale
    problems: list[str] = field(default_factory=list)

    @property
    def survived(self) -> bool:
        return self.opens and self.state in ("old", "new") and self.violations == 0 and self.index_consistent


# --- watching the store's files ---------------------------------------------------------------------------------


def _files(store: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    try:
        with os.scandir(store) as entries:
            for e in entries:
                if e.name.endswith(".log") and e.name[:1].isdigit():
                    with contextlib.suppress(FileNotFoundError):
                        sizes[e.name] = e.stat().st_size
    except FileNotFoundError:
        pass
    return sizes


def _wrote(before: dict[str, int], now: dict[str, int]) -> bool:
    """A write-ahead log grown past what it held: a committed write. (Opening a store starts an empty log and may
    flush the previous one to a new table file: neither is a write.)"""
    return any(name.endswith(".log") and size > before.get(name, 0) for name, size in now.items())


class Watch:
    """Polls the store directory every 2 ms from ``arm()``; ``seen`` is set at the first write."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.seen = threading.Event()
        self._stop = threading.Event()
        self._baseline: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def arm(self) -> None:
        self._baseline = _files(self.store)
        self._thread.start()

    def rebase(self) -> None:
        """Take the files as they are now as the baseline (after a store has been opened by a process)."""
        self._baseline = _files(self.store)

    def _run(self) -> None:
        while not self._stop.is_set():
            if _wrote(self._baseline, _files(self.store)):
                self.seen.set()
                return
            time.sleep(0.002)

    def close(self) -> None:
        self._stop.set()


# --- the checks after a kill ------------------------------------------------------------------------------------


def graph_triples(store: Path) -> dict[str, int] | None:
    """Triples per named graph (``ressourcerie stats --json``), or None if the store does not open."""
    done = _live.cli(store, "stats", "--json", check=False, timeout=300)
    if done.returncode != 0:
        return None
    return {graph: int(n) for graph, n in json.loads(done.stdout)["graphs"].items()}


def violations(store: Path) -> int | None:
    """Violations found by ``ressourcerie validate --all`` (None: it could not run)."""
    done = _live.cli(store, "validate", "--all", check=False, timeout=900)
    found = re.findall(r"^(\d+) violations?\b", done.stdout + done.stderr, re.M)
    return int(found[-1]) if found else None


def check_index(store: Path) -> dict[str, object]:
    """Run in a process of its own (``--check-index``): is the index's fingerprint the store's, are its records
    the store's; when stale, ``sync`` it and look again."""
    app = App(Settings.load(None, store_path=str(store)), may_create=False)
    index = app.search_index()
    try:

        def same() -> bool:
            wanted = {r.iri: r.title for r in RecordReader(app.store, app.settings.base_iri).all()}
            held = dict(index._db.execute("SELECT iri, title FROM records").fetchall())
            return wanted == held

        in_step = index.stored_fingerprint() == index.fingerprint(app.store)
        consistent = in_step and same()
        rebuilt = False
        if not consistent:
            rebuilt = index.sync(app.store) or (index.rebuild(app.store) > 0)
            consistent = index.stored_fingerprint() == index.fingerprint(app.store) and same()
        return {"in_step": in_step, "consistent": consistent, "rebuilt": rebuilt, "records": index.count()}
    finally:
        index.close()
        app.close()


def index_state(store: Path) -> dict[str, object] | None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.crash", "--check-index", str(store)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        return None
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def check(outcome: Outcome, store: Path, graph: str, old: int, new: int) -> Outcome:
    graphs = graph_triples(store)
    if graphs is None:
        outcome.problems.append("the store does not open")
        return outcome
    outcome.opens = True
    held = graphs.get(graph, 0)
    outcome.state = "old" if held == old else "new" if held == new else "half"
    if outcome.state == "half":
        outcome.problems.append(f"{graph}: {held} triples, neither {old} nor {new}")
    outcome.violations = violations(store)
    if outcome.violations != 0:
        outcome.problems.append(f"validate --all: {outcome.violations} violations")
    index = index_state(store)
    if index is None:
        outcome.problems.append("the search index could not be checked")
    else:
        outcome.index_in_step = bool(index["in_step"])
        outcome.index_consistent = bool(index["consistent"])
        if not outcome.index_consistent:
            outcome.problems.append(f"search index not in step after a rebuild: {index}")
    return outcome


# --- the operations ---------------------------------------------------------------------------------------------


@dataclass
class Operation:
    """How to start one kind of write on a store copy, what it writes, and how to kill it."""

    graph: str  # IRI of the graph the write changes
    start: Callable[[Path], Callable[[], bool]]  # on a store: starts the write; returns "has it ended?"
    kill: Callable[[], None]
    served: bool = False  # the write is a request to a service started by ``start`` (timed from the request)


class CliRun:
    """A ``ressourcerie`` command in its own process group (kill -9 kills the command, nothing else)."""

    def __init__(self, *args: str) -> None:
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, store: Path) -> Callable[[], bool]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESSOURCERIE_")}
        env["RESSOURCERIE_PROGRESS"] = "never"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "--store", str(store), *self.args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        process = self.process
        return lambda: process.poll() is not None

    def kill(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
            if self.process.stderr is not None:
                self.process.stderr.close()


class ServedWrite:
    """A request to a running service, sent in a thread; the kill is the service's."""

    def __init__(self, workdir: Path, prepare: Callable[[_live.Service], Callable[[], httpx.Response]]) -> None:
        self.workdir = workdir
        self.prepare = prepare
        self.service: _live.Service | None = None
        self.response: httpx.Response | None = None

    def start(self, store: Path) -> Callable[[], bool]:
        self.service = _live.start(store, self.workdir / "serve.log", rate_limit_posts="100000")
        try:
            send = self.prepare(self.service)
        except BaseException:
            self.service.stop()
            raise
        done = threading.Event()

        def run() -> None:
            try:
                self.response = send()
            except httpx.HTTPError:
                self.response = None
            done.set()

        threading.Thread(target=run, daemon=True).start()
        return done.is_set

    def kill(self) -> None:
        if self.service is not None:
            self.service.kill()


def put_request(tag: str) -> Callable[[_live.Service], Callable[[], httpx.Response]]:
    body = _records.turtle(tag, PUT_RESOURCES).encode()

    def prepare(service: _live.Service) -> Callable[[], httpx.Response]:
        return lambda: httpx.put(
            f"{service.url}/store",
            params={"graph": _records.BASE + "graph/crash-put"},
            content=body,
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {_live.WRITE_TOKEN}"},
            timeout=120,
        )

    return prepare


RESOURCE = {
    "title": "API de banc, contribution",
    "kind": "api",
    "tagline": "Une ressource proposée par le script de robustesse.",
    "description": "Une ressource proposée puis approuvée pendant un essai de panne.",
    "keywords": "banc, robustesse",
    "landing_page": "https://example.org/banc",
    "access": "open",
    "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "contributor_name": "Banc d'essai",
    "contributor_email": "banc@example.org",
    "themes": [THEME],
}


PRODUCER = "SELECT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> } ORDER BY ?o LIMIT 1"


def approve_request(service: _live.Service) -> Callable[[], httpx.Response]:
    """Propose a resource published by an organisation of the store (not timed), then give the approval to send."""
    found = httpx.get(
        f"{service.url}/sparql",
        params={"query": PRODUCER},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    producer = found.json()["results"]["bindings"][0]["o"]["value"]
    created = httpx.post(
        f"{service.url}/api/contributions/resource", json={**RESOURCE, "producer": producer}, timeout=60
    )
    if created.status_code != 201:
        raise RuntimeError(f"the proposal was refused: {created.status_code} {created.text[:500]}")
    sid = created.json()["id"]
    bearer = {"Authorization": f"Bearer {_live.MODERATION_TOKEN}"}
    return lambda: httpx.post(
        f"{service.url}/api/moderation/submissions/{sid}/approve",
        headers=bearer,
        json={"moderator": "Banc d'essai"},
        timeout=120,
    )


def operations(workdir: Path, feed_url: str) -> dict[str, Callable[[], Operation]]:
    data = workdir / "load.ttl"
    data.write_text(_records.turtle("load", LOAD_RESOURCES), encoding="utf-8")
    base = _records.BASE

    def load() -> Operation:
        run = CliRun("load", str(data), "--graph", "crash-load", "--replace")
        return Operation(base + "graph/crash-load", run.start, run.kill)

    def harvest() -> Operation:
        run = CliRun("harvest", feed_url, "--name", HARVEST_NAME, "--report", str(workdir / "harvest.json"))
        return Operation(base + f"graph/harvest/{HARVEST_NAME}", run.start, run.kill)

    def put() -> Operation:
        served = ServedWrite(workdir, put_request("put"))
        return Operation(base + "graph/crash-put", served.start, served.kill, served=True)

    def approve() -> Operation:
        served = ServedWrite(workdir, approve_request)
        return Operation(base + "graph/contributions", served.start, served.kill, served=True)

    return {"load": load, "harvest": harvest, "put": put, "approve": approve}


# --- the trials -------------------------------------------------------------------------------------------------


def calibrate(make: Callable[[], Operation], seeded: Path, workdir: Path) -> tuple[float, int, int]:
    """One run without a kill: its length (from the start of the write, for a served one), the graph's triples
    before and after."""
    store = _live.copy_store(seeded, workdir / "calibrate")
    op = make()
    old = (graph_triples(store) or {}).get(op.graph, 0)
    begin = time.monotonic()
    ended = op.start(store)
    if op.served:
        begin = time.monotonic()
    while not ended():
        time.sleep(0.005)
    length = time.monotonic() - begin
    op.kill()  # the service of a served write; a finished command is only waited for
    new = (graph_triples(store) or {}).get(op.graph, 0)
    if new == old:
        raise RuntimeError(f"the calibration run of {op.graph} wrote nothing: see {workdir}")
    return length, old, new


def trial(
    kind: str,
    make: Callable[[], Operation],
    mode: str,
    length: float,
    old: int,
    new: int,
    seeded: Path,
    workdir: Path,
    rng: random.Random,
) -> Outcome:
    store = _live.copy_store(seeded, workdir / "trial")
    op = make()
    watch = Watch(store)
    if not op.served:
        watch.arm()
    ended = op.start(store)
    begin = time.monotonic()
    if op.served:
        watch.arm()  # the service has opened the store: only the request's write counts
    if mode == "random":
        delay = rng.uniform(0.0, length)
        while time.monotonic() - begin < delay and not ended():
            time.sleep(0.001)
    else:
        watch.seen.wait(timeout=length * 3 + 5)
        time.sleep(rng.uniform(0.0, 0.05))
    delay = time.monotonic() - begin
    finished = ended()
    op.kill()
    watch.close()
    outcome = Outcome(kind, mode, delay, finished, watch.seen.is_set())
    return check(outcome, store, op.graph, old, new)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--trials", type=int, default=20, help="trials in all, shared between the kinds (default 20)")
    p.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, of: {', '.join(KINDS)}")
    p.add_argument("--seed", type=int, default=15, help="seed of the random kill moments")
    p.add_argument("--workdir", type=Path, help="where the stores go (the seeded store is kept there for next runs)")
    p.add_argument("--check-index", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.check_index:
        print(json.dumps(check_index(args.check_index)))
        return 0
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        p.error(f"unknown kinds: {', '.join(unknown)}" if unknown else "no kind given")
    if args.trials < 1:
        p.error("--trials must be at least 1")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crash-", dir=args.workdir) as tmp:
        return run(kinds, args.trials, random.Random(args.seed), args.workdir or Path(tmp), Path(tmp))


def run(kinds: list[str], trials: int, rng: random.Random, keep: Path, workdir: Path) -> int:
    seeded = _live.seeded(keep)
    server = FeedServer()
    try:
        server.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
        feed = server.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl")
        makers = operations(workdir, feed)
        plan = [kinds[i % len(kinds)] for i in range(trials)]
        calibration = {}
        for kind in dict.fromkeys(plan):
            calibration[kind] = calibrate(makers[kind], seeded, workdir)
            length, old, new = calibration[kind]
            print(f"{kind}: one run without a kill takes {length:.2f} s; graph {old} -> {new} triples", flush=True)
        outcomes: list[Outcome] = []
        for n, kind in enumerate(plan):
            mode = "random" if (n // len(kinds)) % 2 == 0 else "after-write"
            outcome = trial(kind, makers[kind], mode, *calibration[kind], seeded, workdir, rng)
            outcomes.append(outcome)
            verdict = "survived" if outcome.survived else "FAILED: " + "; ".join(outcome.problems)
            print(
                f"trial {n + 1:2}/{trials} {kind:8} {mode:11} kill at {outcome.delay:6.3f} s"
                f" ({'after the end' if outcome.finished else 'write seen' if outcome.write_seen else 'before a write'})"
                f": state {outcome.state or '-'}, index {'in step' if outcome.index_in_step else 'rebuilt'}; {verdict}",
                flush=True,
            )
    finally:
        server.close()
    print(table(outcomes))
    return 0 if all(o.survived for o in outcomes) else 1


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| write | trials | survived | killed before a write / during or after it / after the end | state old / new / half "
        "| opens | 0 violations | index in step as found / rebuilt in step |",
        "|---|---:|---:|---|---|---:|---:|---|",
    ]
    for kind in dict.fromkeys(o.kind for o in outcomes):
        rows = [o for o in outcomes if o.kind == kind]

        def n(pred: Callable[[Outcome], bool], rows: list[Outcome] = rows) -> int:
            return sum(1 for o in rows if pred(o))

        lines.append(
            f"| {kind} | {len(rows)} | {n(lambda o: o.survived)}/{len(rows)}"
            f" | {n(lambda o: not o.write_seen and not o.finished)} / {n(lambda o: o.write_seen and not o.finished)}"
            f" / {n(lambda o: o.finished)}"
            f" | {n(lambda o: o.state == 'old')} / {n(lambda o: o.state == 'new')} / {n(lambda o: o.state == 'half')}"
            f" | {n(lambda o: o.opens)} | {n(lambda o: o.violations == 0)}"
            f" | {n(lambda o: o.index_in_step)} / {n(lambda o: o.index_consistent and not o.index_in_step)} |"
        )
    total = sum(1 for o in outcomes if o.survived)
    lines.append(f"\n{total}/{len(outcomes)} trials survived")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
