"""The bundled seed: the Ressourcerie's own content and api.gouv.fr's, mapped to our model, beside the ontology.

Registered as the ``ressourcerie.seed`` entry point; ``graph.seed.load`` writes what ``build`` returns. Each
source has its named graph, so that each statement keeps where it comes from:

- ``seed/ressourcerie`` and ``seed/apigouv``: the two sites' files;
- ``seed/endpoints``: the APIs' endpoints, read from OpenAPI documents (api.gouv.fr's and the producers') and
  data.gouv.fr dataservices (``loaders.endpoints``);
- ``seed/datagouv``: the data sets api.gouv.fr sheets name, as data.gouv.fr gives them (``loaders.datagouv_seed``);
- ``seed/repositories``: licences and contacts the seed's code repositories state (``loaders.repositories``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from graph.ingest import GraphName
from graph.iris import Iris
from graph.namespaces import DCAT, DCT, KIND
from graph.paths import bundled
from graph.seed import THEME_SCHEME, SeedBuild, ontology_triples
from loaders import apigouv, repositories, ressourcerie
from loaders._build import Out, Themes
from loaders.datagouv_seed import DatagouvSeed
from loaders.endpoints import EndpointBook
from loaders.operators import operated_elsewhere


@dataclass(frozen=True)
class KnownEndpoint:
    api: NamedNode
    url: str
    source: str  # where it was read (loaders.endpoints.FROM_*)


@dataclass
class Parts:
    """What each seed loader made of the files."""

    ontology: list[Triple]
    ressourcerie: Out
    apigouv: Out
    datagouv: Out
    repositories: Out
    book: EndpointBook

    @property
    def endpoints(self) -> list[KnownEndpoint]:
        return endpoints(self.ressourcerie.endpoints, self.apigouv.endpoints)

    @property
    def apis(self) -> set[NamedNode]:
        """The seed's APIs (the records of kind API of the two sites)."""
        triples = self.ressourcerie.triples + self.apigouv.triples
        return {t.subject for t in triples if t.predicate == DCT.type and t.object == KIND.api}  # type: ignore[misc]


def read(iris: Iris, seed_dir: Path) -> Parts:
    """Map the seed files, source by source (no store involved)."""
    onto = ontology_triples()
    themes = Themes.from_triples(onto, THEME_SCHEME)
    book = EndpointBook.load(seed_dir)
    datagouv = DatagouvSeed.read(seed_dir / "datagouv", iris)
    book.add_dataservices(datagouv.endpoints)
    res_out, index = ressourcerie.load(seed_dir / "ressourcerie", iris, themes, book)
    api_out = apigouv.load(seed_dir / "apigouv", iris, themes, index, res_out.triples, book, datagouv.datasets)
    operated_elsewhere(seed_dir / "ressourcerie", iris, res_out, res_out.triples + api_out.triples)
    dg_out = datagouv.load(res_out.triples + api_out.triples)
    repo_out = repositories.load(seed_dir / "software", iris, res_out.triples + api_out.triples)
    return Parts(onto, res_out, api_out, dg_out, repo_out, book)


def build(iris: Iris, seed_dir: Path) -> SeedBuild:
    """Turn the seed files into the triples of each named graph (no store involved)."""
    parts = read(iris, seed_dir)
    graphs: dict[GraphName, list[Triple]] = {
        iris.ontology_graph: parts.ontology,
        iris.graph("seed/ressourcerie"): parts.ressourcerie.triples,
        iris.graph("seed/apigouv"): parts.apigouv.triples,
        iris.graph("seed/endpoints"): [Triple(e.api, DCAT.endpointURL, NamedNode(e.url)) for e in parts.endpoints],
        iris.graph("seed/datagouv"): parts.datagouv.triples,
        iris.graph("seed/repositories"): parts.repositories.triples,
    }
    sources = {
        iris.ontology_graph: str(bundled("ontology")),
        iris.graph("seed/ressourcerie"): "SocialGouv/ressourcerie _data @ " + _commit(seed_dir / "ressourcerie"),
        iris.graph("seed/apigouv"): "betagouv/api.gouv.fr _data @ " + _commit(seed_dir / "apigouv"),
        iris.graph("seed/endpoints"): "OpenAPI documents: betagouv/api.gouv.fr public/swaggers @ "
        + _commit(seed_dir / "apigouv")
        + "; producers' repositories (data/seed/openapi/SOURCE.md); data.gouv.fr dataservices",
        iris.graph("seed/datagouv"): "data.gouv.fr API payloads, opendatateam/udata fixtures (data/seed/datagouv)",
        iris.graph("seed/repositories"): "code repositories of the seed's software (data/seed/software/SOURCE.md)",
    }
    outs = (parts.ressourcerie, parts.apigouv, parts.datagouv, parts.repositories)
    return SeedBuild(graphs, sources, [p for out in outs for p in out.problems])


def endpoints(*found: dict[NamedNode, tuple[str, str]]) -> list[KnownEndpoint]:
    """Each API's endpoints, once each, from the loaders' findings (the first source to give one is named)."""
    out: dict[tuple[NamedNode, str], KnownEndpoint] = {}
    for mapping in found:
        for api, (url, source) in mapping.items():
            out.setdefault((api, url), KnownEndpoint(api, url, source))
    return sorted(out.values(), key=lambda e: (e.api.value, e.url))


def _commit(folder: Path) -> str:
    try:
        return (folder / "SOURCE_COMMIT").read_text().strip()
    except OSError:
        return "unknown"
