"""Pages of the DCAT-AP feed on a generated graph: the time to build a page of N records, against the floor of
reading the same records' quads from pyoxigraph (``describe``, no profile, no serialisation), measured in the
same run; and the once-per-write index of the feed (the feed scenario of ``python -m bench`` measures the same)::

    python bench/catalog_pages.py                  # 100,000 triples, pages of 100
    python bench/catalog_pages.py --size 1m --page-size 100
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from pyoxigraph import RdfFormat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import DEFAULT_BASE, parse_size, write_file
from bench.scenarios.feed import page_times
from graph.store import EmbeddedStore


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
        t = page_times(store, args.page_size, args.repeat, DEFAULT_BASE)
        store.close()
    n = args.page_size
    print(f"| {args.size} triples | {t.records:,} records | index (once per write) {t.index_ms:,.0f} ms |")
    print(f"| page of {n}: records read (describe) | {t.describe_ms:.1f} ms | 1.00x |")
    print(f"| page of {n}: DCAT-AP page built | {t.page_ms:.1f} ms | {t.describe_ms / t.page_ms:.2f}x |")
    print(f"| page of {n}: built and written in Turtle | {t.turtle_ms:.1f} ms | {t.describe_ms / t.turtle_ms:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
