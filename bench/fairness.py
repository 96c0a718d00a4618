"""Fairness of the query workers under abuse: 20 pathological anonymous queries (a 4-way cartesian COUNT) sent
at once to /sparql, then, while they hold the service, probes that must still answer quickly: ``ASK {}`` at
/sparql from another client, and a named-query page (the site's own query). The probes are measured first on
the idle service (the peer), then under the flood; the goal is a p99 under the flood of at most 2 s.

The flood comes from 20 clients (20 source addresses, 127.0.1.1 to 127.0.1.20: each is a client of its own for
the per-client limit), or with ``--one-client`` from a single address. The probes come from 127.0.0.1 in both
phases, or under the flood from 127.0.0.2 (a client with no past use of the workers) with ``--fresh-probe``::

    python -m bench.fairness
    python -m bench.fairness --one-client
    python -m bench.fairness --fresh-probe
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import _live

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK {}"
NAMED_PAGE = "/queries/theme-counts"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
GOAL = 2.0  # seconds, p99 of a probe under the flood


@dataclass
class Probe:
    name: str
    seconds: float
    status: int | None


def flood(url: str, n: int, one_client: bool, window: float, statuses: list[int | None]) -> list[threading.Thread]:
    """``n`` cartesian queries at once, each from its own source address (or all from one)."""

    def send(k: int) -> None:
        address = "127.0.1.1" if one_client else f"127.0.1.{k + 1}"
        transport = httpx.HTTPTransport(local_address=address)
        try:
            with httpx.Client(transport=transport, timeout=window) as client:
                r = client.get(url + "/sparql", params={"query": CARTESIAN}, headers=JSON_RESULTS)
                statuses.append(r.status_code)
        except httpx.HTTPError:
            pass  # no answer within the window, or the service was stopped: counted as still waiting

    threads = [threading.Thread(target=send, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    return threads


def probe(client: httpx.Client, name: str) -> Probe:
    start = time.monotonic()
    try:
        if name == "ASK {}":
            status = client.get("/sparql", params={"query": ASK}, headers=JSON_RESULTS).status_code
        else:
            status = client.get(NAMED_PAGE, headers={"Accept": "text/html"}).status_code
    except httpx.HTTPError:
        status = None
    return Probe(name, time.monotonic() - start, status)


def probes(url: str, rounds: int, gap: float, address: str = "127.0.0.1") -> list[Probe]:
    """``rounds`` of one ASK and one named-query page, one after the other, ``gap`` seconds apart, from ``address``."""
    found: list[Probe] = []
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, timeout=120, transport=transport) as client:
        for _ in range(rounds):
            for name in ("ASK {}", "named-query page"):
                found.append(probe(client, name))
            time.sleep(gap)
    return found


def run(flooders: int, one_client: bool, fresh_probe: bool, rounds: int, gap: float, workdir: Path, keep: Path) -> int:
    store = _live.copy_store(_live.seeded(keep), workdir / "fairness")
    service = _live.start(store, workdir / "serve.log")
    try:
        with httpx.Client(base_url=service.url, timeout=60) as client:
            probe(client, "named-query page")  # the page's first render, not counted
        idle = probes(service.url, rounds, gap)
        statuses: list[int | None] = []
        window = rounds * (gap + 2 * GOAL) + 10
        flood(service.url, flooders, one_client, window, statuses)
        time.sleep(1.0)  # the flood has reached the workers
        loaded = probes(service.url, rounds, gap, "127.0.0.2" if fresh_probe else "127.0.0.1")
        alive = service.process.poll() is None
        statuses = statuses + [None] * (flooders - len(statuses))  # those not answered yet
    finally:
        service.stop()
    print(report(flooders, one_client, fresh_probe, idle, loaded, statuses, alive))
    worst = max(
        _live.percentile([p.seconds for p in loaded if p.name == n], 99) for n in ("ASK {}", "named-query page")
    )
    failed = [p for p in loaded if p.status != 200]
    return 0 if worst <= GOAL and not failed and alive else 1


def report(
    flooders: int,
    one_client: bool,
    fresh_probe: bool,
    idle: list[Probe],
    loaded: list[Probe],
    statuses: list[int | None],
    alive: bool,
) -> str:
    source = "one client" if one_client else f"{flooders} clients"
    prober = "a client unseen before" if fresh_probe else "the client of the idle probes"
    answered = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
    flood_text = ", ".join(f"{n} × {s if s is not None else 'still waiting'}" for s, n in answered.items())
    lines = [
        f"### Fairness: {flooders} cartesian COUNT queries at once from {source}, probes during the flood from {prober}",
        "",
        "| probe | n | idle p50 / p99 (ms) | flood p50 / p99 / max (ms) | p99 ratio flood/idle | non-200 | p99 <= 2 s |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in ("ASK {}", "named-query page"):
        a = [p.seconds for p in idle if p.name == name]
        b = [p.seconds for p in loaded if p.name == name]
        p99 = _live.percentile(b, 99)
        bad = sum(1 for p in loaded if p.name == name and p.status != 200)
        lines.append(
            f"| {name} | {len(b)} | {_live.percentile(a, 50) * 1000:.1f} / {_live.percentile(a, 99) * 1000:.1f}"
            f" | {_live.percentile(b, 50) * 1000:.1f} / {p99 * 1000:.1f} / {max(b) * 1000:.1f}"
            f" | {p99 / _live.percentile(a, 99):.1f} | {bad} | {'yes' if p99 <= GOAL and not bad else 'NO'} |"
        )
    lines.append("")
    for name in ("ASK {}", "named-query page"):
        seq = ", ".join(f"{p.seconds * 1000:.0f}" for p in loaded if p.name == name)
        lines.append(f"{name} under the flood, in the order sent (ms): {seq}  ")
    lines += ["", f"flood queries by the end of the probes: {flood_text or 'none answered'}"]
    lines.append(f"service alive at the end: {'yes' if alive else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.fairness", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    p.add_argument("--flood", type=int, default=20, help="pathological queries sent at once (default 20)")
    p.add_argument("--one-client", action="store_true", help="send the flood from one address instead of one each")
    p.add_argument(
        "--fresh-probe",
        action="store_true",
        help="probe under the flood from an address unseen before (127.0.0.2) instead of the idle probes' own",
    )
    p.add_argument("--rounds", type=int, default=20, help="probes of each kind, idle and under the flood (default 20)")
    p.add_argument("--gap", type=float, default=0.25, help="seconds between probe rounds (default 0.25)")
    p.add_argument("--workdir", type=Path, help="where the stores go (the seeded store is kept there for next runs)")
    args = p.parse_args(argv)
    if args.flood < 1 or args.flood > 250 or args.rounds < 1 or args.gap < 0:
        p.error("--flood from 1 to 250, --rounds at least 1, --gap 0 or more")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fairness-", dir=args.workdir) as tmp:
        return run(
            args.flood, args.one_client, args.fresh_probe, args.rounds, args.gap, Path(tmp), args.workdir or Path(tmp)
        )


if __name__ == "__main__":
    sys.exit(main())
