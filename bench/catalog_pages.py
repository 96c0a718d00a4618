"""Pages of the DCAT-AP feed on a generated graph: the time to build a page of N records, against the floor of
reading the same records' quads from pyoxigraph (``describe``, no profile, no serialisation), measured in the
same run; and the once-per-write index of the feed::

    python bench/catalog_pages.py                  # 100,000 triples, pages of 100
    python bench/catalog_pages.py --size 1m --page-size 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import RdfFormat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import DEFAULT_BASE, parse_size, write_file
from graph.config import Settings
from graph.dcat.formats import serialize
from graph.dcat.publish import Feed, Paging
from graph.store import EmbeddedStore


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="100k", help="triples: 10k, 100k, 1m or a number")
    p.add_argument("--page-size", type=int, default=100)
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "graph.nq"
        write_file(data, parse_size(args.size))
        store = EmbeddedStore(Path(tmp) / "store")
        store._store.bulk_load(path=str(data), format=RdfFormat.N_QUADS)  # unvalidated, as the other benchmarks
        cache: dict[str, object] = {}

        def cached(key: str, compute: Callable[[], object]) -> object:
            if key not in cache:
                cache[key] = compute()
            return cache[key]

        feed = Feed(store, Settings(base_iri=DEFAULT_BASE), cached)
        start = time.perf_counter()
        entries = feed.index("catalog")
        index_ms = (time.perf_counter() - start) * 1000
        pages = max(1, len(entries) // args.page_size)
        numbers = [1 + (i * 7919) % pages for i in range(args.repeat)]  # spread over the feed
        chosen = iter(numbers * 3)

        def page() -> object:
            return feed.page("catalog", Paging(next(chosen), args.page_size)).triples

        def page_turtle() -> object:
            return serialize(feed.page("catalog", Paging(next(chosen), args.page_size)).triples, RdfFormat.TURTLE, "")

        def floor() -> object:
            n = next(chosen)
            return [store.describe(e.iri) for e in entries[(n - 1) * args.page_size : n * args.page_size]]

        feed.page("catalog", Paging(1, args.page_size))  # concepts and catalogue facts, once per write
        ours = median_ms(page, args.repeat)
        turtle = median_ms(page_turtle, args.repeat)
        raw = median_ms(floor, args.repeat)
        print(f"| {args.size} triples | {len(entries):,} records | index (once per write) {index_ms:,.0f} ms |")
        print(f"| page of {args.page_size}: records read (describe) | {raw:.1f} ms | 1.00x |")
        print(f"| page of {args.page_size}: DCAT-AP page built | {ours:.1f} ms | {raw / ours:.2f}x |")
        print(f"| page of {args.page_size}: built and written in Turtle | {turtle:.1f} ms | {raw / turtle:.2f}x |")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
