"""The seed: the ontology and an instance's seed content, each in its named graph, loaded in one validated write.

The ontology is the core's (``ontology/``). The seed content is built by the seed loader registered for the
instance (``graph.plugins``; the bundled one reads the Ressourcerie's and api.gouv.fr's files, ``loaders.seed``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Triple, parse

from graph.ingest import GraphName, WriteResult
from graph.namespaces import DUV, RDF, RSR
from graph.paths import bundled
from graph.plugins import seed_builder
from graph.writer import Writer

THEME_SCHEME = NamedNode(RSR + "theme")


@dataclass
class SeedBuild:
    """The triples of each named graph of the seed, where each came from, and what could not be resolved."""

    graphs: dict[GraphName, list[Triple]]
    sources: dict[NamedNode, str]
    problems: list[str] = field(default_factory=list)

    @property
    def usages(self) -> int:
        return len(
            {t.subject for ts in self.graphs.values() for t in ts if t.predicate == RDF.type and t.object == DUV.Usage}
        )


def ontology_triples(folder: Path | None = None) -> list[Triple]:
    folder = folder or bundled("ontology")
    triples: list[Triple] = []
    for path in sorted(folder.rglob("*.ttl")):
        triples.extend(q.triple for q in parse(path=str(path)))
    return triples


def load(writer: Writer, seed_dir: Path) -> tuple[SeedBuild, WriteResult, float]:
    """Build the seed with the registered seed loader and write it, replacing the graphs it names."""
    start = time.perf_counter()
    seed = seed_builder()(writer.iris, seed_dir)
    result = writer.replace_graphs(seed.graphs, operation="seed", sources=seed.sources)
    return seed, result, time.perf_counter() - start
