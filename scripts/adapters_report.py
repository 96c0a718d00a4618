"""Map the source fixtures (tests/fixtures/sources/, and the seed's api.gouv.fr checkout) with every adapter,
check each record against the shapes on its own, and print per adapter what was mapped, what was skipped and
why, and the keys shared by two sources.

    .venv/bin/python scripts/adapters_report.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.iris import Iris
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer
from tests.adapters_check import check
from tests.adapters_fixtures import apigouv, codegouv, datagouv, publiccode, sill


def main() -> None:
    iris = Iris("https://ressourcerie.fabrique.social.gouv.fr/")
    writer = Writer(EmbeddedStore(), Validator(), iris)
    writer.replace_graphs({iris.ontology_graph: ontology_triples()})
    owners: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    print("| adapter | organisations | people | resources | services | usages | valid | invalid | skipped | noted |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    reasons: dict[str, Counter[str]] = {}
    for make in (datagouv, apigouv, codegouv, sill, publiccode):
        source = make(iris)
        start = time.perf_counter()
        records = list(source.records())
        outcome = check(records, writer)
        kinds = Counter(r.iri.value.rsplit("/", 2)[-2] for r in records)
        skipped = list(getattr(source, "skipped", []))
        reasons[source.name] = Counter(s.split(": ", 1)[-1].split(" (")[0] for s in skipped)
        noted = sum(1 for r in records if r.notes)
        print(
            f"| {source.name} | {kinds['organisation']} | {kinds['person']} | {kinds['resource']} | {kinds['service']} "
            f"| {kinds['usage']} | {len(outcome.valid)} | {len(outcome.invalid)} | {len(skipped)} | {noted} |"
        )
        for r in records:
            for key in r.keys:
                owners[key].add((source.name, r.iri.value.rsplit("/", 2)[-2], r.label))
        print(f"{source.name}: mapped and checked in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print("\nskipped, by reason:")
    for name, counter in reasons.items():
        for reason, n in counter.most_common():
            print(f"  {name}: {n} x {reason}")
    print("\nkeys shared by two sources:")
    for key, found in sorted(owners.items()):
        if len({s for s, _, _ in found}) > 1:
            kind = sorted({k for _, k, _ in found})
            print(f"  {key} [{'/'.join(kind)}]: " + "; ".join(f"{s}: {label}" for s, _, label in sorted(found)))


if __name__ == "__main__":
    main()
