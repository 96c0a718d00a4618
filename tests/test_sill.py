from __future__ import annotations

import json

import pytest

from graph.errors import HarvestError
from graph.iris import Iris
from graph.namespaces import DCT, DUV, PROV, RDF, SCHEMA, SKOS
from graph.writer import Writer
from loaders.sill import SillSource, on_forge
from tests.adapters_check import check
from tests.adapters_fixtures import SOURCES, publishers, sill

ARCHIVE = SOURCES / "sill" / "sill_2022_archived_etalab-sill-contents.json"


def software(records: list) -> list:
    return [r for r in records if any(t.object == SCHEMA.SoftwareSourceCode for t in r.triples)]


def test_entries_on_a_forge_are_valid_records_the_others_skipped_with_a_reason(
    iris: Iris, ontology_only: Writer
) -> None:
    source = sill(iris)
    records = list(source.records())
    entries = json.loads(ARCHIVE.read_text())
    on_forges = [e for e in entries if on_forge(e.get("sources"))]
    assert len(software(records)) == len(on_forges) > 0
    assert len(source.skipped) == len(entries) - len(on_forges)
    assert all("no publisher" in reason for reason in source.skipped)
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()


def test_archive_fields(iris: Iris) -> None:
    records = {r.label: r for r in sill(iris).records()}
    ds = records["Démarches simplifiées"]
    assert {
        "sill:205",
        "url:github.com/betagouv/demarches-simplifiees.fr",
        "url:www.demarches-simplifiees.fr",
    } <= ds.keys
    assert any(t.predicate == SKOS.editorialNote and "recommandé" in t.object.value for t in ds.triples)
    assert any(t.predicate == DCT.license and t.object.value.endswith("/AGPL-3.0.html") for t in ds.triples)


def test_catalogi_export_gives_contributors_with_siren_and_usages(iris: Iris, ontology_only: Writer) -> None:
    entry = {
        "id": 42,
        "name": "Exemple",
        "description": "Un logiciel d'exemple.",
        "license": "MIT",
        "keywords": ["formulaire"],
        "softwareExternalData": {"sourceUrl": "https://github.com/etalab/exemple", "websiteUrl": "https://exemple.fr"},
        "serviceProviders": [{"name": "Prestataire SAS", "siren": "123456789", "website": "https://prestataire.fr"}],
        "userAndReferentCountByOrganization": {"DINUM": {"userCount": 3, "referentCount": 1}},
        "instances": [{"id": 1, "organization": "CNAM", "targetAudience": "ses agents", "publicUrl": "https://x.fr"}],
    }
    records = list(SillSource(iris, [entry], publishers()).records())
    assert not check(records, ontology_only).invalid
    provider = next(r for r in records if r.label == "Prestataire SAS")
    assert "siren:123456789" in provider.keys
    usages = [r for r in records if (RDF.type, DUV.Usage) in {(t.predicate, t.object) for t in r.triples}]
    agents = {t.object for u in usages for t in u.triples if t.predicate == PROV.wasAssociatedWith}
    assert len(usages) == 2 and len(agents) == 2
    assert any(t.predicate == DCT.contributor and t.object == provider.iri for t in software(records)[0].triples)


@pytest.mark.parametrize("payload", [b"{not json", b'"text"'])
def test_bad_exports_raise(iris: Iris, payload: bytes) -> None:
    with pytest.raises(HarvestError, match="SILL"):
        list(SillSource(iris, payload).records())
