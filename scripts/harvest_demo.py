"""Harvest the DCAT fixtures (udata's pages in both Hydra styles, a 2-page Turtle feed, RDF/XML and JSON-LD
exports), served on 127.0.0.1 as the tests serve them, into a seeded store; print each run's summary.

    .venv/bin/python scripts/harvest_demo.py [STORE]     (default: a temporary store)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from feeds import FeedServer  # noqa: E402

from graph.cli import main  # noqa: E402


def run(store: str) -> int:
    main(["--store", store, "seed"])
    server = FeedServer()
    try:
        server.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
        feeds = {"paged": server.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl")}
        for style in ("partial-collection", "paged-collection"):
            for n in (1, 2):
                server.add_file(f"/{style}/catalog.jsonld?page={n}", f"udata/{style}-{n}.jsonld", mount=f"/{style}")
            feeds[f"udata-{style}"] = server.url(f"/{style}/catalog.jsonld?page=1")
        for name in ("catalog.xml", "flat.jsonld", "nested.jsonld", "udata.xml"):
            feeds["udata-" + name.split(".")[0]] = server.add_file("/" + name, "udata/" + name)
        failed = 0
        for name, url in feeds.items():
            print(f"\n$ ressourcerie harvest {url} --name {name}", flush=True)
            failed += main(["--store", store, "harvest", url, "--name", name]) != 0
        return 1 if failed else 0
    finally:
        server.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(run(sys.argv[1]))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(run(str(Path(tmp) / "store")))
