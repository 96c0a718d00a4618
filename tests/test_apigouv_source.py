from __future__ import annotations

from graph.iris import Iris
from graph.paths import bundled
from graph.seed import THEME_SCHEME, ontology_triples
from graph.writer import Writer
from loaders import apigouv
from loaders._build import Themes
from loaders.ressourcerie import Index
from tests.adapters_check import check
from tests.adapters_fixtures import apigouv as apigouv_source


def test_the_checkout_gives_the_seed_mapping_record_by_record(iris: Iris, ontology_only: Writer) -> None:
    records = list(apigouv_source(iris).records())
    themes = Themes.from_triples(ontology_triples(), THEME_SCHEME)
    alone = apigouv.load(bundled("data/seed/apigouv"), iris, themes, Index(), [])
    emitted = [t for r in records for t in r.triples]
    assert len(emitted) == len(set(emitted)) and set(emitted) == set(alone.triples)
    sheets = len(list((bundled("data/seed/apigouv") / "api").glob("*.md")))
    assert sum(1 for r in records if "/resource/" in r.iri.value) == sheets
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()


def test_a_sheet_carries_the_keys_of_its_pages(iris: Iris) -> None:
    sirene = next(r for r in apigouv_source(iris).records() if r.label == "API Sirene")
    assert "url:api.gouv.fr/les-api/sirene_v3" in sirene.keys
    assert "url:www.data.gouv.fr/fr/dataservices/api-sirene" in sirene.keys
