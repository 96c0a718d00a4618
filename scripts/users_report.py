"""How many usages name their user organisation, by the source that states the usage, and why the others do not.

    .venv/bin/python scripts/users_report.py [STORE]

Without STORE, the seed is built in memory. A usage names its user organisation when it is made by one
(``prov:wasAssociatedWith``) or goes through a service an organisation runs (``duv:hasUsageTool/dct:publisher``).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.iris import Iris
from graph.paths import bundled
from graph.seed import load
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"

USAGES = """
SELECT ?usage ?g ?user ?tool ?toolName ?toolGraph ?story WHERE {
  GRAPH ?g { ?usage a duv:Usage }
  OPTIONAL {
    { ?usage prov:wasAssociatedWith ?user } UNION { ?usage duv:hasUsageTool/dct:publisher ?user }
    ?user a foaf:Organization .
  }
  OPTIONAL { ?usage duv:hasUsageTool ?tool . OPTIONAL { ?tool dct:title ?toolName }
             OPTIONAL { GRAPH ?toolGraph { ?tool a duv:UsageTool } } }
  OPTIONAL { ?usage dct:source ?story }
}
"""

# why a usage names no user organisation, by what it is
WHY = {
    "service": "through a service whose operator no source states",
    "reuse": "data.gouv.fr reuses published by a person's account (no organisation; the fixture keeps no owner)",
    "story": "from a use-case story that names no user for them",
    "other": "saying neither who makes them nor through which service",
}


@dataclass
class Share:
    source: str  # the graph stating the usage, relative to the base ("seed/apigouv")
    usages: int
    with_user: int

    @property
    def percent(self) -> float:
        return 100 * self.with_user / self.usages if self.usages else 0.0


@dataclass
class Missing:
    usage: str
    why: str  # a key of WHY
    tool: str | None


def _rows(store: EmbeddedStore) -> list[dict[str, object]]:
    return store.select(USAGES).dicts()  # type: ignore[return-value]


def _short(iris: Iris, value: str) -> str:
    graphs = iris.graph("").value
    return value[len(graphs) :] if value.startswith(graphs) else value


def shares(store: EmbeddedStore, iris: Iris) -> list[Share]:
    """The usages of each source graph, and how many of them name their user organisation."""
    seen: dict[str, str] = {}
    users: set[str] = set()
    for r in _rows(store):
        usage = r["usage"].value  # type: ignore[attr-defined]
        seen.setdefault(usage, _short(iris, r["g"].value))  # type: ignore[attr-defined]
        if r.get("user") is not None:
            users.add(usage)
    total = Counter(seen.values())
    named = Counter(g for u, g in seen.items() if u in users)
    return [Share(g, n, named[g]) for g, n in total.most_common()]


def missing(store: EmbeddedStore, iris: Iris) -> list[Missing]:
    """The usages naming no user organisation, each with why."""
    by_usage: dict[str, list[dict[str, object]]] = {}
    for r in _rows(store):
        by_usage.setdefault(r["usage"].value, []).append(r)  # type: ignore[attr-defined]
    found = []
    for usage, rs in sorted(by_usage.items()):
        if any(r.get("user") is not None for r in rs):
            continue
        r = rs[0]
        tool_graph = r.get("toolGraph")
        if r.get("tool") is not None:
            reuse = tool_graph is not None and _short(iris, tool_graph.value) == "seed/datagouv"  # type: ignore[attr-defined]
            name = r.get("toolName")
            found.append(Missing(usage, "reuse" if reuse else "service", name.value if name else None))  # type: ignore[attr-defined]
        else:
            found.append(Missing(usage, "story" if r.get("story") is not None else "other", None))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", help="an embedded store's folder (default: the seed, built in memory)")
    args = parser.parse_args()
    iris = Iris(BASE)
    if args.store:
        store = EmbeddedStore(Path(args.store))
    else:
        store = EmbeddedStore()
        load(Writer(store, Validator(), iris), bundled("data/seed"))
    found = shares(store, iris)
    usages, named = sum(s.usages for s in found), sum(s.with_user for s in found)
    print(f"usages: {usages}, naming their user organisation: {named} ({100 * named / max(usages, 1):.1f} %)")
    for s in found:
        print(f"  {s.source}: {s.with_user} of {s.usages} ({s.percent:.1f} %)")
    rest = missing(store, iris)
    print(f"without a user organisation: {len(rest)}")
    for key, text in WHY.items():
        these = [m for m in rest if m.why == key]
        if these:
            tools = sorted({m.tool for m in these if m.tool})
            print(f"  {len(these)} {text}" + (f": {'; '.join(tools)}" if tools else ""))


if __name__ == "__main__":
    main()
