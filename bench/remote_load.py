"""Loading N triples and a lookup over HTTP: the embedded store, Oxigraph server and Virtuoso, side by side.

Each backend gets the same N triples in named graphs (the stores' unvalidated ``bulk_load``: Graph Store
POSTs of N-Triples chunks for the remote ones), then the same lookup (one record's quads, as ``describe``
reads it) is timed many times. Medians, and ratios against the embedded store measured in the same run::

    python bench/remote_load.py              # 100,000 triples
    python bench/remote_load.py --triples 1000000
    python bench/remote_load.py --only embedded,oxigraph
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import servers

from graph.store import EmbeddedStore, RemoteStore

BASE = "https://bench.example/"
PREDICATES = [NamedNode(BASE + f"def/p{i}") for i in range(10)]
GRAPHS = 10


def quads(n: int) -> Iterator[Quad]:
    """n triples: records of 10 triples (one a link to a hash node), spread over 10 named graphs."""
    for i in range(n):
        record, k = divmod(i, 10)
        s = NamedNode(f"{BASE}resource/r{record}")
        o = NamedNode(f"{BASE}resource/r{record}#part") if k == 0 else Literal(f"valeur {record}-{k}", language="fr")
        yield Quad(s, PREDICATES[k], o, NamedNode(f"{BASE}graph/g{record % GRAPHS}"))


def run(name: str, store: EmbeddedStore | RemoteStore, n: int, lookups: int) -> tuple[float, float]:
    start = time.perf_counter()
    store.bulk_load(quads(n))
    load = time.perf_counter() - start
    got = store.stats().quads
    if got != n:
        raise SystemExit(f"{name}: loaded {got} triples, not {n}")
    records = n // 10
    times = []
    for j in range(lookups):
        iri = NamedNode(f"{BASE}resource/r{(j * 7919) % records}")
        t0 = time.perf_counter()
        found = store.describe(iri)
        times.append(time.perf_counter() - t0)
        if len(found) != 10:
            raise SystemExit(f"{name}: lookup of {iri.value} found {len(found)} quads, not 10")
    return load, statistics.median(times)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--triples", type=int, default=100_000)
    p.add_argument("--lookups", type=int, default=200)
    p.add_argument("--only", default="embedded,oxigraph,virtuoso", help="backends, comma-separated")
    args = p.parse_args()
    wanted = args.only.split(",")
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as tmp:
        for name in wanted:
            server = None
            try:
                if name == "embedded":
                    store: EmbeddedStore | RemoteStore = EmbeddedStore(Path(tmp) / "embedded")
                else:
                    start = servers.start_virtuoso if name == "virtuoso" else servers.start_oxigraph
                    server = start(Path(tmp) / name)
                    store = RemoteStore(
                        server.query_url, server.update_url, server.gsp_url, server.user, server.password
                    )
                results[name] = run(name, store, args.triples, args.lookups)
                store.close()
            finally:
                if server is not None:
                    server.stop()
    ref = results.get("embedded")
    print(f"{args.triples:,} triples, {args.lookups} lookups (one record's quads, describe)")
    print(f"{'backend':<10} {'load s':>9} {'triples/s':>11} {'lookup ms':>10} {'load ×':>8} {'lookup ×':>9}")
    for name, (load, lookup) in results.items():
        ratio_load = f"{load / ref[0]:.1f}" if ref else "-"
        ratio_lookup = f"{lookup / ref[1]:.1f}" if ref else "-"
        print(
            f"{name:<10} {load:>9.2f} {args.triples / load:>11,.0f} {lookup * 1000:>10.2f} {ratio_load:>8} {ratio_lookup:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
