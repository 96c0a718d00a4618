"""Measure the relevance of the search on the seed store: nDCG@5 and MRR per query and overall, against the peer
(BM25, every word required) measured in the same run; a Markdown table, also written under bench/results/.

    python -m bench.relevance                       # the seed store, built in memory (about 10 s)
    python -m bench.relevance --store /tmp/s        # an existing store
    python -m bench.relevance --show siret          # the ranked results of some queries, with their grades
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench import report
from bench._common import Row
from bench.relevance import CUTOFF, DEPTH, QUERIES, Judged, Scored, load, mean, measure, strict_bm25
from graph.iris import Iris
from graph.paths import bundled
from graph.search import Search, SearchIndex
from graph.seed import load as load_seed
from graph.store import EmbeddedStore
from graph.store.base import Store
from graph.validation import Validator
from graph.writer import Writer

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"


def _store(path: str | None) -> Store:
    if path:
        return EmbeddedStore(Path(path))
    store = EmbeddedStore()
    load_seed(Writer(store, Validator(), Iris(BASE)), bundled("data/seed"))
    return store


def _check(judged: list[Judged], index_file: str) -> None:
    """Every judged path must be a record of the index: a renamed record would silently count as a miss."""
    db = sqlite3.connect(f"file:{index_file}?mode=ro", uri=True)
    known = {iri[len(BASE) :] for (iri,) in db.execute("SELECT iri FROM records")}
    missing = sorted({p for j in judged for p in j.grades} - known)
    if missing:
        raise SystemExit(f"judged records not in the index: {', '.join(missing)}")


def _table(ours: list[Scored], peer: list[Scored]) -> str:
    lines = [
        f"| query | nDCG@{CUTOFF} | RR | best at | peer nDCG@{CUTOFF} | peer RR | peer best at |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o, p in zip(ours, peer, strict=True):
        lines.append(
            f"| {o.q} | {o.ndcg:.3f} | {o.rr:.3f} | {o.best_rank or '-'} | {p.ndcg:.3f} | {p.rr:.3f} | {p.best_rank or '-'} |"
        )
    lines.append(
        f"| **mean over {len(ours)} queries** | **{mean([s.ndcg for s in ours]):.3f}** | **{mean([s.rr for s in ours]):.3f}**"
        f" | | **{mean([s.ndcg for s in peer]):.3f}** | **{mean([s.rr for s in peer]):.3f}** | |"
    )
    return "\n".join(lines)


def _rows(ours: list[Scored], peer: list[Scored]) -> list[Row]:
    rows = []
    for name, metric, of in (("nDCG@5", "mean nDCG@5", "ndcg"), ("MRR", "mean reciprocal rank", "rr")):
        value, base = mean([getattr(s, of) for s in ours]), mean([getattr(s, of) for s in peer])
        note = f"{len(ours)} queries of {QUERIES.name}; peer {base:.3f}"
        ratio = value / base if base else None
        rows.append(Row("relevance", f"search ranking, {name}", metric, value, "", ratio, "strict BM25", note))
    for o, p in zip(ours, peer, strict=True):
        note = f"RR {o.rr:.3f}, best grade at {o.best_rank or '-'}; peer nDCG@5 {p.ndcg:.3f}, RR {p.rr:.3f}, best at {p.best_rank or '-'}"
        rows.append(Row("relevance", o.q, "nDCG@5", o.ndcg, "", None, "", note))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.relevance", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    p.add_argument("--store", help="an existing store directory (default: the seed, built in memory)")
    p.add_argument("--queries", type=Path, default=QUERIES, help="the relevance set (YAML)")
    p.add_argument("--show", action="append", default=[], help="print the ranked results of this query (repeatable)")
    p.add_argument("--no-write", action="store_true", help="do not write the results under bench/results/")
    args = p.parse_args(argv)
    judged = load(args.queries)
    store = _store(args.store)
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        index_file = str(Path(tmp) / "index.sqlite")
        index = SearchIndex.open(index_file, BASE)
        start = time.perf_counter()
        records = index.rebuild(store)
        print(f"index: {records} records in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        _check(judged, index_file)

        def ours(q: str) -> list[str]:
            return [h.iri[len(BASE) :] for h in index.search(Search(q, per_page=DEPTH)).hits]

        peer_rank = strict_bm25(index_file, BASE)
        scored, peer = measure(judged, ours), measure(judged, peer_rank)
        for q in args.show:
            grades = next((j.grades for j in judged if j.q == q), {})
            for label, ranked in (("ours", ours(q)), ("peer", peer_rank(q))):
                print(f"\n{label}: {q}")
                for i, r in enumerate(ranked[:10], 1):
                    print(f"  {i:2}. [{grades.get(r, 0)}] {r}")
        index.close()
    store.close()
    table = _table(scored, peer)
    header = f"### Relevance of /search on the seed store ({records} records), {len(judged)} graded queries"
    print(header + "\n\n" + table)
    if not args.no_write:
        path = report.write(
            _rows(scored, peer), {"queries": str(args.queries), "records": records}, header + "\n\n" + table
        )
        print(f"\nwritten: {path} and {path.with_suffix('.md').name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
