"""Soak: 10 readers (pages, /sparql, search) and one writer (validated Graph Store PUTs) against the served
seeded store for a fixed time, each reader from a source address of its own (127.0.2.1, 127.0.2.2...: a client of
its own for the per-client limits). The first third has the readers alone; the writer runs in the rest. Counts
requests and errors, checks every write's graph afterwards (an accepted write must be there as sent, a refused
one absent: otherwise it is lost or half-applied), and gives the readers' latency before and during the writes
(their ratio is the cost of writing) and the peak resident memory of the service and its worker processes::

    python -m bench.soak --seconds 60
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]
import rdflib
from rdflib.compare import isomorphic

from bench import _live, _records

WRITE_RESOURCES = 20  # records per write
REFUSED_EVERY = 5  # every 5th write breaks a shape (no title): it must be refused and leave nothing
RECORD_QUERY = "SELECT ?r WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> } ORDER BY ?r LIMIT 50"
READ_QUERY = (
    "SELECT ?r ?t WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/title> ?t } LIMIT 20"
)
SEARCHES = ("emploi", "entreprise", "formation", "adresse", "handicap")
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
HTML = {"Accept": "text/html"}


@dataclass
class Read:
    started: float
    route: str
    seconds: float
    ok: bool
    during_writes: bool
    status: str = "200"  # the status, or the name of the transport error


@dataclass
class Write:
    n: int
    graph: str
    body: str
    expect_refusal: bool
    status: int | None = None  # None: no answer (transport error or timeout)
    verdict: str = ""  # "as sent", "absent", "lost", "half-applied", "wrongly accepted"


@dataclass
class Memory:
    """Peak resident memory seen: the service process, its children (query workers, sandboxes), the sum."""

    service: int = 0
    workers: int = 0
    total: int = 0
    workers_seen: set[int] = field(default_factory=set)

    def sample(self, pid: int) -> None:
        try:
            root = psutil.Process(pid)
            own = root.memory_info().rss
            children = root.children(recursive=True)
        except psutil.NoSuchProcess:
            return
        rest = 0
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                rest += child.memory_info().rss
                self.workers_seen.add(child.pid)
        self.service = max(self.service, own)
        self.workers = max(self.workers, rest)
        self.total = max(self.total, own + rest)


def reader(url: str, pages: list[str], until: float, writing: threading.Event, reads: list[Read], seed: int) -> None:
    routes: list[tuple[str, Callable[[httpx.Client, int], httpx.Response]]] = [
        ("home page", lambda c, i: c.get("/", headers=HTML)),
        ("record page", lambda c, i: c.get(pages[i % len(pages)], headers=HTML)),
        ("/sparql", lambda c, i: c.get("/sparql", params={"query": READ_QUERY}, headers=JSON_RESULTS)),
        ("search", lambda c, i: c.get("/search", params={"q": SEARCHES[i % len(SEARCHES)]}, headers=HTML)),
    ]
    i = seed
    transport = httpx.HTTPTransport(local_address=f"127.0.2.{seed + 1}")  # each reader a client of its own
    with httpx.Client(base_url=url, timeout=60, transport=transport) as client:
        while time.monotonic() < until:
            name, call = routes[i % len(routes)]
            during = writing.is_set()
            start = time.monotonic()
            try:
                status = str(call(client, i // len(routes)).status_code)
            except httpx.HTTPError as e:
                status = type(e).__name__
            reads.append(Read(start, name, time.monotonic() - start, status == "200", during, status))
            i += 1


def make_write(n: int) -> Write:
    body = _records.turtle(f"soak-{n}", WRITE_RESOURCES)
    refused = n % REFUSED_EVERY == 0
    if refused:  # the first resource loses its title: a violation of the shapes
        body = body.replace(f'    dct:title "API de banc soak-{n} 1"@fr ;\n', "", 1)
    return Write(n, _records.BASE + f"graph/soak-{n}", body, refused)


def writer(url: str, until: float, pause: float, writes: list[Write]) -> None:
    auth = {"Content-Type": "text/turtle", "Authorization": f"Bearer {_live.WRITE_TOKEN}"}
    n = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.monotonic() < until:
            n += 1
            write = make_write(n)
            writes.append(write)
            try:
                write.status = client.put(
                    "/store", params={"graph": write.graph}, content=write.body, headers=auth
                ).status_code
            except httpx.HTTPError:
                write.status = None
            time.sleep(pause)


def verify(url: str, writes: list[Write]) -> None:
    """Each write's graph as the store holds it now, against what was sent."""
    with httpx.Client(base_url=url, timeout=60) as client:
        for w in writes:
            got = client.get("/store", params={"graph": w.graph}, headers={"Accept": "application/n-triples"})
            held = rdflib.Graph().parse(data=got.text, format="nt") if got.status_code == 200 else None
            if held is not None and len(held) == 0:
                held = None
            sent = rdflib.Graph().parse(data=w.body, format="turtle")
            accepted = w.status is not None and 200 <= w.status < 300
            if held is None:
                w.verdict = "lost" if accepted else "absent"
            elif isomorphic(held, sent):
                w.verdict = "wrongly accepted" if w.expect_refusal else "as sent"
            else:
                w.verdict = "half-applied"


def record_pages(url: str) -> list[str]:
    found = httpx.get(url + "/sparql", params={"query": RECORD_QUERY}, headers=JSON_RESULTS, timeout=60).json()
    iris = [b["r"]["value"] for b in found["results"]["bindings"]]
    return ["/" + i.removeprefix(_records.BASE) for i in iris if i.startswith(_records.BASE)]


def percentile_ms(reads: list[Read], q: float) -> float:
    return _live.percentile([r.seconds for r in reads], q) * 1000


def run(seconds: float, readers: int, pause: float, workdir: Path, keep: Path) -> int:
    store = _live.copy_store(_live.seeded(keep), workdir / "soak")
    service = _live.start(store, workdir / "serve.log")
    memory = Memory()
    reads: list[Read] = []
    writes: list[Write] = []
    try:
        pages = record_pages(service.url)
        begin = time.monotonic()
        until = begin + seconds
        writing = threading.Event()
        threads = [
            threading.Thread(target=reader, args=(service.url, pages, until, writing, reads, k)) for k in range(readers)
        ]
        for t in threads:
            t.start()
        write_from = begin + seconds / 3
        write_thread = threading.Thread(target=writer, args=(service.url, until, pause, writes))
        while any(t.is_alive() for t in threads) or write_thread.is_alive():
            if not writing.is_set() and time.monotonic() >= write_from:
                writing.set()
                write_thread.start()
            memory.sample(service.process.pid)
            time.sleep(0.25)
        elapsed = time.monotonic() - begin
        verify(service.url, writes)
        alive = service.process.poll() is None
    finally:
        service.stop()
    print(report(seconds, elapsed, readers, reads, writes, memory, alive))
    bad = [w for w in writes if w.verdict not in ("as sent", "absent")]
    errors = sum(1 for r in reads if not r.ok)
    if bad or errors or not alive:
        kept = keep / "soak-serve.log"
        shutil.copy(workdir / "serve.log", kept)
        print(f"the service's log: {kept}")
    return 0 if not bad and not errors and alive else 1


def report(
    seconds: float, elapsed: float, readers: int, reads: list[Read], writes: list[Write], memory: Memory, alive: bool
) -> str:
    before = [r for r in reads if not r.during_writes]
    during = [r for r in reads if r.during_writes]
    accepted = [w for w in writes if w.status is not None and 200 <= w.status < 300]
    refused = [w for w in writes if w.status is not None and 400 <= w.status < 500]
    failed = [w for w in writes if w.status is None or w.status >= 500]
    mib = 1024 * 1024

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    p50b, p99b = percentile_ms(before, 50), percentile_ms(before, 99)
    p50d, p99d = percentile_ms(during, 50), percentile_ms(during, 99)
    lines = [
        f"### Soak: {readers} readers for {seconds:g} s (ran {elapsed:.1f} s), one writer in the last two thirds",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| reads | {len(reads):,} ({len(reads) / elapsed:.1f}/s) |",
        f"| read errors (non-200 or no answer) | {sum(1 for r in reads if not r.ok)} |",
        f"| writes sent (PUT, {WRITE_RESOURCES} records each; every {REFUSED_EVERY}th invalid) | {len(writes)} |",
        f"| writes accepted / refused (4xx) / failed (5xx or no answer) | {len(accepted)} / {len(refused)} / {len(failed)} |",
        f"| accepted writes held as sent | {sum(1 for w in writes if w.verdict == 'as sent')}/{len(accepted)} |",
        f"| lost writes | {sum(1 for w in writes if w.verdict == 'lost')} |",
        f"| half-applied writes | {sum(1 for w in writes if w.verdict == 'half-applied')} |",
        f"| invalid writes accepted | {sum(1 for w in writes if w.verdict == 'wrongly accepted')} |",
        f"| read latency p50 before writes / during (ratio) | {p50b:.1f} ms / {p50d:.1f} ms ({ratio(p50d, p50b)}) |",
        f"| read latency p99 before writes / during (ratio) | {p99b:.1f} ms / {p99d:.1f} ms ({ratio(p99d, p99b)}) |",
        f"| peak RSS: service / its {len(memory.workers_seen)} worker processes / sum | "
        f"{memory.service / mib:.0f} / {memory.workers / mib:.0f} / {memory.total / mib:.0f} MiB |",
        f"| service alive at the end | {'yes' if alive else 'NO'} |",
        "",
        "| route | reads before writes | p50 / p99 before (ms) | reads during writes | p50 / p99 during (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for route in dict.fromkeys(r.route for r in reads):
        b = [r for r in before if r.route == route]
        d = [r for r in during if r.route == route]
        lines.append(
            f"| {route} | {len(b)} | {percentile_ms(b, 50):.1f} / {percentile_ms(b, 99):.1f} | {len(d)}"
            f" | {percentile_ms(d, 50):.1f} / {percentile_ms(d, 99):.1f} | {sum(1 for r in b + d if not r.ok)} |"
        )
    first = min((r.started for r in reads), default=0.0)
    failures = [f"{r.route} {r.status} at {r.started - first:.1f} s" for r in reads if not r.ok]
    if failures:
        lines += ["", "read errors: " + "; ".join(sorted(failures)[:20])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--seconds", type=float, default=60.0, help="length of the run (default 60)")
    p.add_argument("--readers", type=int, default=10, help="concurrent readers (default 10)")
    p.add_argument("--pause", type=float, default=0.5, help="seconds the writer waits between writes (default 0.5)")
    p.add_argument("--workdir", type=Path, help="where the stores go (the seeded store is kept there for next runs)")
    args = p.parse_args(argv)
    if args.seconds <= 0 or args.readers < 1 or args.pause < 0:
        p.error("--seconds must be above 0, --readers at least 1, --pause 0 or more")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soak-", dir=args.workdir) as tmp:
        return run(args.seconds, args.readers, args.pause, Path(tmp), args.workdir or Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
