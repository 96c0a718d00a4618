"""The seed: the ontology and the seed content, each in its named graph, loaded in one validated write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Triple, parse

from graph.ingest import WriteResult
from graph.iris import Iris
from graph.namespaces import DUV, RDF, RSR
from graph.paths import bundled
from graph.writer import Writer
from loaders import apigouv, ressourcerie
from loaders._build import Themes

THEME_SCHEME = NamedNode(RSR + "theme")


@dataclass
class SeedBuild:
    graphs: dict[NamedNode, list[Triple]]
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


def build(iris: Iris, seed_dir: Path) -> SeedBuild:
    """Turn the seed files into the triples of each named graph (no store involved)."""
    onto = ontology_triples()
    themes = Themes.from_triples(onto, THEME_SCHEME)
    res_out, index = ressourcerie.load(seed_dir / "ressourcerie", iris, themes)
    api_out = apigouv.load(seed_dir / "apigouv", iris, themes, index, res_out.triples)
    graphs = {
        iris.ontology_graph: onto,
        iris.graph("seed/ressourcerie"): res_out.triples,
        iris.graph("seed/apigouv"): api_out.triples,
    }
    sources = {
        iris.ontology_graph: str(bundled("ontology")),
        iris.graph("seed/ressourcerie"): "SocialGouv/ressourcerie _data @ " + _commit(seed_dir / "ressourcerie"),
        iris.graph("seed/apigouv"): "betagouv/api.gouv.fr _data @ " + _commit(seed_dir / "apigouv"),
    }
    return SeedBuild(graphs, sources, res_out.problems + api_out.problems)


def load(writer: Writer, seed_dir: Path) -> tuple[SeedBuild, WriteResult, float]:
    start = time.perf_counter()
    seed = build(writer.iris, seed_dir)
    result = writer.replace_graphs(seed.graphs, operation="seed", sources=seed.sources)
    return seed, result, time.perf_counter() - start


def _commit(folder: Path) -> str:
    try:
        return (folder / "SOURCE_COMMIT").read_text().strip()
    except OSError:
        return "unknown"
