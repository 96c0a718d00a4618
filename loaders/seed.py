"""The bundled seed: the Ressourcerie's own content and api.gouv.fr's, mapped to our model, beside the ontology.

Registered as the ``ressourcerie.seed`` entry point; ``graph.seed.load`` writes what ``build`` returns.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Triple

from graph.ingest import GraphName
from graph.iris import Iris
from graph.paths import bundled
from graph.seed import THEME_SCHEME, SeedBuild, ontology_triples
from loaders import apigouv, ressourcerie
from loaders._build import Themes


def build(iris: Iris, seed_dir: Path) -> SeedBuild:
    """Turn the seed files into the triples of each named graph (no store involved)."""
    onto = ontology_triples()
    themes = Themes.from_triples(onto, THEME_SCHEME)
    res_out, index = ressourcerie.load(seed_dir / "ressourcerie", iris, themes)
    api_out = apigouv.load(seed_dir / "apigouv", iris, themes, index, res_out.triples)
    graphs: dict[GraphName, list[Triple]] = {
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


def _commit(folder: Path) -> str:
    try:
        return (folder / "SOURCE_COMMIT").read_text().strip()
    except OSError:
        return "unknown"
