"""Profiles behind the goals the benchmark misses, each printed as a short text summary (see bench/PROFILES.md).

    python -m bench.profiles pages --size 1m     # py-spy on our service under 10 clients asking for entity pages
    python -m bench.profiles sparql --size 1m    # py-spy on our service (and its query workers), one client
    python -m bench.profiles check --size 100k   # pyinstrument: the validated-ingest check of a whole graph
    python -m bench.profiles harvest             # pyinstrument: our harvester on our own feed (~10,000 resources)
    python -m bench.profiles search --size 1m    # pyinstrument: FTS5 search of the broad queries
    python -m bench.profiles memory --size 1m    # resident memory of the service and each query worker, by phase

Server profiles sample with py-spy (``pip install py-spy``) at 200 Hz, in-process ones with pyinstrument; both are
summarised as the functions holding the most samples (inclusive, then self), the rest of the profile is dropped.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph
from pyinstrument import Profiler
from pyoxigraph import RdfFormat

from bench._common import Context, timed
from bench._load import LoadResult, run_load
from bench.generate import parse_size
from bench.scenarios import feed, http, pages, search, validation


def _frame(raw: str) -> str:
    """``render (graph/web/pages.py)`` from py-spy's ``render (/x/graph/web/pages.py:42)``: no line, short path."""
    name, _, where = raw.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(where.split('/')[-2:])})" if where else name


def summarise_raw(path: Path, top: int = 12) -> str:
    """py-spy's collapsed stacks (``frame;frame;... count``) as the functions with the most samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";")]
        total += int(n)
        for f in set(frames):
            inclusive[f] += int(n)
        own[frames[-1]] += int(n)
    lines = [f"{total} samples", "inclusive:"]
    lines += [f"  {100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top * 3) if n < total][: top * 2]
    lines += ["self:"] + [f"  {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    return "\n".join(lines)


def spy(pid: int, seconds: float, out: Path, load: Callable[[], object]) -> str:
    """Sample process ``pid`` and its children with py-spy while ``load`` runs; the summary."""
    cmd = [str(Path(sys.executable).parent / "py-spy"), "record", "-r", "200", "-d", str(int(seconds) + 1)]
    spy_process = subprocess.Popen(
        [*cmd, "-s", "-f", "raw", "-o", str(out), "-p", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(1)
    load()
    _, err = spy_process.communicate(timeout=120)
    if spy_process.returncode != 0 or not out.exists():
        raise SystemExit(f"py-spy failed: {err.decode()[-500:]}")
    return summarise_raw(out)


def instrument(run: Callable[[], object]) -> str:
    profiler = Profiler(interval=0.001)
    profiler.start()
    run()
    profiler.stop()
    return profiler.output_text(processor_options={"filter_threshold": 0.03})


def _median_get(url: str, accept: str, runs: int = 30) -> float:
    with httpx.Client(timeout=60) as client:
        return statistics.median(timed(lambda: client.get(url, headers={"Accept": accept})) for _ in range(runs)) * 1000


def profile_pages(ctx: Context) -> None:
    data = ctx.data()
    paths = {kind: pages.path_for(kind, pages.count_records(data, kind)) for kind in pages.KINDS}
    with http.ours(ctx, data) as server:
        assert server.process is not None
        base = server.query_url.removesuffix("/sparql")
        for kind, accept in (("resource", pages.HTML), ("organisation", pages.HTML), ("resource", pages.TURTLE)):
            p = paths[kind]
            one = _median_get(base + p(3), accept)
            found: list[LoadResult] = []

            def load(p: Callable[[int], str] = p, accept: str = accept, found: list[LoadResult] = found) -> None:
                found.append(
                    run_load(lambda c, i: c.get(base + p(i), headers={"Accept": accept}), ctx.clients, ctx.duration)
                )

            text = spy(server.process.pid, ctx.duration, ctx.workdir / f"pages-{kind}.txt", load)
            r = found[0]
            print(f"## {kind}, {accept}: {r.rps:.0f} req/s, p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms under load")
            print(f"(one client, no profiler: {one:.1f} ms)\n{text}\n")


def profile_sparql(ctx: Context) -> None:
    data = ctx.data()
    memory = pyoxigraph.Store()
    memory.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
    resources = http._count_resources(memory)
    del memory
    with http.ours(ctx, data) as server:
        assert server.process is not None
        for name, (query_for, accept) in http._queries(resources).items():
            if name not in ("theme count", "usage-network join"):
                continue
            out = ctx.workdir / f"sparql-{name}.txt"
            text = spy(
                server.process.pid,
                ctx.duration,
                out,
                lambda q=query_for, a=accept, u=server.query_url: _for(ctx, u, q, a),  # type: ignore[misc]
            )
            print(f"## {name}, one client\n{text}\n")


def _for(ctx: Context, url: str, query_for: Callable[[int], str], accept: str) -> None:
    deadline = time.perf_counter() + ctx.duration
    with httpx.Client(timeout=60) as client:
        i = 0
        while time.perf_counter() < deadline:
            client.get(url, params={"query": query_for(i)}, headers={"Accept": accept})
            i += 1


def profile_check(ctx: Context) -> None:
    data = ctx.data(defects=8)
    validator = validation.Validator()
    print("## validated-ingest check of the whole graph (check_graphs)")
    print(instrument(lambda: validation.ours_on_defects(data, validator)))
    print("## the compiled shapes over the whole graph")
    print(instrument(lambda: validation.whole_graph(data, validator)))
    print("## pyshacl over the whole graph")
    print(instrument(lambda: validation.whole_graph(data, validation.Validator(engine="pyshacl"))))


def profile_harvest(ctx: Context) -> None:
    data = ctx.data(min(ctx.size, feed.HARVEST_TRIPLES))
    with http.ours(ctx, data, "feed-served", own_base=True) as server:
        base_url = server.query_url.removesuffix("/sparql")
        print("## harvest of our own feed")
        print(instrument(lambda: feed.harvest(ctx, base_url)))


def profile_search(ctx: Context) -> None:
    store = search.EmbeddedStore(ctx.workdir / "search-store")
    store.bulk_load(pyoxigraph.parse(path=str(ctx.data()), format=RdfFormat.N_QUADS))
    index = search.SearchIndex.open(str(ctx.workdir / "search-index.sqlite"), search.BASE)
    index.rebuild(store)
    index.search(search.Search(""))  # the facet table is read once, at the first search

    def run() -> None:
        for q in search.QUERIES:
            for _ in range(10):
                index.search(search.Search(q))

    print("## FTS5 search, 5 queries x 10")
    print(instrument(run))
    index.close()
    store.close()


def profile_memory(ctx: Context) -> None:
    import psutil

    data = ctx.data()
    with http.ours(ctx, data) as server:
        assert server.process is not None
        main = psutil.Process(server.process.pid)

        def show(phase: str) -> None:
            parts = [(p.pid, p.memory_info().rss / 2**20) for p in [main, *main.children(recursive=True)]]
            each = ", ".join(f"{'service' if pid == main.pid else 'worker'} {mb:.0f}" for pid, mb in parts)
            print(f"{phase}: {sum(mb for _, mb in parts):.0f} MB ({each})")

        show("started")
        paths = {kind: pages.path_for(kind, pages.count_records(data, kind)) for kind in pages.KINDS}
        base = server.query_url.removesuffix("/sparql")
        for i in range(200):
            httpx.get(base + paths["resource"](i), headers={"Accept": pages.TURTLE}, timeout=60)
        show("after 200 entity pages")
        memory = pyoxigraph.Store()
        memory.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
        resources = http._count_resources(memory)
        del memory
        for name, (query_for, accept) in http._queries(resources).items():
            for i in range(10):
                httpx.get(server.query_url, params={"query": query_for(i)}, headers={"Accept": accept}, timeout=120)
            show(f"after 10 SPARQL queries ({name})")


PROFILES = {
    "pages": profile_pages,
    "sparql": profile_sparql,
    "check": profile_check,
    "harvest": profile_harvest,
    "search": profile_search,
    "memory": profile_memory,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profiles", description=__doc__.split("\n\n")[0])
    p.add_argument("profile", choices=PROFILES)
    p.add_argument("--size", default="1m")
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-profile-", dir=args.workdir) as tmp:
        ctx = Context(parse_size(args.size), Path(tmp), 1, args.duration, args.clients)
        PROFILES[args.profile](ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
