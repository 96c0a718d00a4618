"""Run the benchmark scenarios at one size; print a Markdown table, write it and a JSON file to bench/results/.

    python -m bench --size 10k                       # quick
    python -m bench --size 100k --scenarios ingest,validation
    python -m bench --size 1m --duration 10

Ratios compare each target with the scenario's peer measured in the same run (speed ratios: > 1 is faster).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench._common import Context, Row
from bench.generate import parse_size
from bench.scenarios import feed, http, ingest, pages, revalidation, search, validation

SCENARIOS: dict[str, Callable[[Context], list[Row]]] = {
    "ingest": ingest.run,
    "validation": validation.run,
    "http": http.run,
    "pages": pages.run,
    "revalidation": revalidation.run,
    "feed": feed.run,
    "search": search.run,
}
NOT_DONE: list[str] = []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--size", default="10k", help="triples: 10k, 100k, 1m, 10m or a number")
    p.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"comma-separated, of: {', '.join(SCENARIOS)}")
    p.add_argument("--repeats", type=int, default=3, help="runs per timed step (the median is kept)")
    p.add_argument("--duration", type=float, default=5.0, help="seconds of load per HTTP target and query")
    p.add_argument("--clients", type=int, default=10, help="concurrent HTTP clients")
    p.add_argument(
        "--cap", type=parse_size, default=100_000, help="largest size for the slow peers and validated ingest"
    )
    p.add_argument("--workdir", type=Path, default=None, help="where data and stores go (default: a temporary dir)")
    args = p.parse_args(argv)
    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCENARIOS]
    if unknown:
        p.error(f"unknown scenarios: {', '.join(unknown)}")
    size = parse_size(args.size)
    caps = {"validated-ingest": args.cap, "rdflib": args.cap, "pyshacl": args.cap, "rdflib-endpoint": args.cap}
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-", dir=args.workdir) as tmp:
        ctx = Context(size, Path(tmp), args.repeats, args.duration, args.clients, caps)
        rows: list[Row] = []
        for name in wanted:
            start = time.perf_counter()
            rows += SCENARIOS[name](ctx)
            print(f"{name}: done in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    header = f"### {size:,} triples; medians of {args.repeats} runs; {args.clients} clients × {args.duration:g} s per HTTP query"
    table = report.markdown(rows, header, NOT_DONE)
    settings = {k: str(v) for k, v in vars(args).items()} | {"triples": size}
    path = report.write(rows, settings, table)
    print(table)
    print(f"\nwritten: {path} and {path.with_suffix('.md').name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
