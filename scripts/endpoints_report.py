"""How many of the seed's APIs have a known endpoint, by the source it was read from, and why the OpenAPI
documents that give none give none.

    .venv/bin/python scripts/endpoints_report.py [--why]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.iris import Iris
from graph.paths import bundled
from loaders.seed import read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--why", action="store_true", help="list the documents that give no endpoint, and why")
    args = parser.parse_args()
    parts = read(Iris("https://ressourcerie.fabrique.social.gouv.fr/"), bundled("data/seed"))
    apis = parts.apis
    first: dict[object, str] = {}
    for e in parts.endpoints:
        first.setdefault(e.api, e.source)
    by_source = Counter(first.values())
    known = len(first)
    print(f"APIs in the seed: {len(apis)}")
    print(f"with a known endpoint: {known} ({100 * known / len(apis):.1f} %)")
    for source, n in by_source.most_common():
        print(f"  {source}: {n} ({100 * n / len(apis):.1f} %)")
    print(f"without: {len(apis) - known} ({100 * (len(apis) - known) / len(apis):.1f} %)")
    print(
        f"OpenAPI documents read: {len(parts.book.by_document) + len(parts.book.reasons)}, "
        f"giving an endpoint: {len(parts.book.by_document)}, giving none: {len(parts.book.reasons)}"
    )
    if args.why:
        for url, reason in sorted(parts.book.reasons.items()):
            print(f"  {url}: {reason}")


if __name__ == "__main__":
    main()
