from __future__ import annotations

import json

import pytest

from graph.errors import HarvestError
from graph.iris import Iris
from graph.namespaces import ACCESS, ADMS, DCAT, DCT, DUV, RDF, SKOS
from graph.writer import Writer
from loaders.datagouv import DatagouvSource
from tests.adapters_check import check
from tests.adapters_fixtures import SOURCES, datagouv


def test_every_record_is_valid_on_its_own(iris: Iris, ontology_only: Writer) -> None:
    records = list(datagouv(iris).records())
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()
    bundles = json.loads((SOURCES / "datagouv" / "udata_fixture_datasets_trimmed.json").read_text())["datasets"]
    datasets = {r.iri for r in records if any(t.object == DCAT.Dataset for t in r.triples)}
    assert len(datasets) == len({b["dataset"]["id"] for b in bundles} | {"5b7ffc618b4c4169d30727e0"})


def test_dataservice_mapping(iris: Iris) -> None:
    records = {r.label: r for r in datagouv(iris).records()}
    sirene = records["API Sirene"]
    triples = {(t.predicate, t.object) for t in sirene.triples if t.subject == sirene.iri}
    assert (DCT.accessRights, ACCESS.PUBLIC) in triples  # open_with_account: public, as data.gouv.fr maps it
    assert any(p == DCAT.endpointURL and o.value.startswith("https://api.insee.fr") for p, o in triples)
    assert {"datagouv:6661e60fda535e9773c510ca", "identifier:datagouv-api-sirene"} <= sirene.keys
    assert "url:www.data.gouv.fr/fr/dataservices/api-sirene" in sirene.keys
    # served by the Sirene dataset, which lists it among its dataservices
    assert any(p == DCAT.servesDataset and "base-sirene" in o.value for p, o in triples)
    explore = records["Explore API v2"]  # no description in the source: one is written, and noted
    assert explore.notes and any(t.predicate == DCAT.endpointDescription for t in explore.triples)


def test_organisations_carry_siret_and_siren(iris: Iris) -> None:
    records = list(datagouv(iris).records())
    insee = next(r for r in records if r.label.startswith("Institut National de la Statistique"))
    notations = {t.object.value for t in insee.triples if t.predicate == SKOS.notation}
    assert {"12002701600563", "120027016"} <= notations
    assert "siren:120027016" in insee.keys
    assert all(
        t.object.value.isdigit() for t in insee.triples if t.predicate == SKOS.notation and "#sir" in t.subject.value
    )
    assert any(t.predicate == ADMS.identifier for t in insee.triples)


def test_reuses_become_services_and_usages(iris: Iris) -> None:
    records = list(datagouv(iris).records())
    usages = [r for r in records if (RDF.type, DUV.Usage) in {(t.predicate, t.object) for t in r.triples}]
    bundles = json.loads((SOURCES / "datagouv" / "udata_fixture_datasets_trimmed.json").read_text())["datasets"]
    assert len(usages) >= len({u["id"] for b in bundles for u in b["reuses"]})
    assert all(any(t.predicate == DUV.hasUsageTool for t in u.triples) for u in usages)


def test_distributions_and_temporal_coverage(iris: Iris) -> None:
    records = list(datagouv(iris).records())
    bundles = json.loads((SOURCES / "datagouv" / "udata_fixture_datasets_trimmed.json").read_text())["datasets"]
    bundle = next(
        b for b in bundles if b["dataset"]["temporal_coverage"] and any(r["type"] == "main" for r in b["resources"])
    )
    dataset = next(r for r in records if f"datagouv:{bundle['dataset']['id']}" in r.keys)
    dists = {t.object for t in dataset.triples if t.predicate == DCAT.distribution}
    assert len(dists) == len([r for r in bundle["resources"] if r["type"] != "documentation"]) > 0
    assert all(any(t.subject == d and t.predicate == DCT["format"] for t in dataset.triples) for d in dists)
    start = bundle["dataset"]["temporal_coverage"]["start"]
    assert any(t.predicate == DCAT.startDate and t.object.value == start for t in dataset.triples)


def test_v2_resources_are_read_page_by_page_through_fetch(iris: Iris) -> None:
    bundle = json.loads((SOURCES / "datagouv" / "udata_fixture_dataset_sirene.json").read_text())
    pages = {
        "r1": {"data": bundle["resources"][:2], "next_page": "r2"},
        "r2": {"data": bundle["resources"][2:], "next_page": "r2"},  # a repeated page ends the walk
    }
    obj = dict(bundle["dataset"], organization=bundle["organization"], resources={"rel": "r1", "total": 5})
    asked: list[str] = []
    source = DatagouvSource(iris, datasets=[obj], fetch=lambda url: asked.append(url) or pages[url])
    dataset = next(r for r in source.records() if "datagouv:5b7ffc618b4c4169d30727e0" in r.keys)
    assert asked == ["r1", "r2"]
    own = [t for t in dataset.triples if t.subject == dataset.iri]
    links = [t for t in own if t.predicate == DCAT.distribution or t.predicate.value.endswith("/page")]
    assert len(links) == len(bundle["resources"])


@pytest.mark.parametrize("payload", [[{"title": "no id"}], ["text"], 42])
def test_malformed_payloads_stop_the_source_with_a_clear_error(iris: Iris, payload: object) -> None:
    with pytest.raises(HarvestError, match=r"data\.gouv\.fr"):
        list(DatagouvSource(iris, dataservices=[payload]).records())


def test_a_dataset_of_a_user_is_published_by_that_person(iris: Iris, ontology_only: Writer) -> None:
    bundle = json.loads((SOURCES / "datagouv" / "udata_fixture_dataset_sirene.json").read_text())
    owner = {
        "slug": "jeanne-martin",
        "first_name": "Jeanne",
        "last_name": "Martin",
        "page": "https://www.data.gouv.fr/fr/users/jeanne-martin/",
    }
    obj = dict(bundle["dataset"], organization=None, owner=owner, resources=bundle["resources"])
    records = list(DatagouvSource(iris, datasets=[obj]).records())
    assert records[0].label == "Jeanne Martin" and "/person/" in records[0].iri.value
    assert not check(records, ontology_only).invalid
    orphan = dict(obj, owner=None)
    (dataset,) = DatagouvSource(iris, datasets=[orphan]).records()
    assert any("publisher is unknown" in n for n in dataset.notes)
    assert check([dataset], ontology_only).invalid  # refused by the shapes: the pipeline reports it
