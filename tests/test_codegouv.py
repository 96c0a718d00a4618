from __future__ import annotations

import csv
import json

import pytest

from graph.errors import HarvestError
from graph.iris import Iris
from graph.namespaces import DCT, SCHEMA
from graph.writer import Writer
from loaders.codegouv import CodeGouvSource, owner_url
from tests.adapters_check import check
from tests.adapters_fixtures import SOURCES, codegouv, publishers

REPOS = SOURCES / "codegouv" / "repositories_2021_SocialGouv_StartupsPoleEmploi.csv"


def test_every_repository_but_forks_is_a_valid_record(iris: Iris, ontology_only: Writer) -> None:
    source = codegouv(iris)
    records = list(source.records())
    rows = list(csv.DictReader(REPOS.open()))
    forks = [r for r in rows if r["is_fork"] == "True"]
    software = [r for r in records if any(t.object == SCHEMA.SoftwareSourceCode for t in r.triples)]
    assert len(software) == len(rows) - len(forks) and len(source.skipped) == len(forks)
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()


def test_publisher_is_the_public_body_of_the_account(iris: Iris) -> None:
    records = {r.label: r for r in codegouv(iris).records()}
    ministry = records["Ministère du Travail, de l'Emploi et de l'Insertion"]  # github.com/StartupsPoleEmploi
    assert "annuaire:f130ad96-4a81-4eb4-a40c-0539edad5fff" in ministry.keys
    repo = next(r for label, r in records.items() if label.startswith("StartupsPoleEmploi/"))
    assert any(t.predicate == DCT.publisher and t.object == ministry.iri for t in repo.triples)
    assert any(k.startswith("url:github.com/startupspoleemploi/") for k in repo.keys)


def test_licence_names_become_spdx(iris: Iris) -> None:
    records = list(codegouv(iris).records())
    licences = {t.object.value for r in records for t in r.triples if t.predicate == DCT.license}
    assert (
        "https://spdx.org/licenses/Apache-2.0.html" in licences
        and "https://spdx.org/licenses/AGPL-3.0.html" in licences
    )
    assert any("'Other'" in n for r in records for n in r.notes)


def test_short_key_json_reads_like_the_csv(iris: Iris) -> None:
    rows = [r for r in csv.DictReader(REPOS.open()) if r["is_fork"] == "False"][:5]
    short = [
        {"n": r["name"], "d": r["description"], "id": r["repository_url"], "li": r["license"], "l": r["language"]}
        for r in rows
    ]
    from_json = CodeGouvSource(iris, json.dumps(short), publishers())
    labels = [r.label for r in from_json.records() if r.iri.value.split("/")[-2] == "resource"]
    assert len(labels) == 5 and all("/" in label for label in labels)


def test_owner_url_and_errors(iris: Iris) -> None:
    assert owner_url("https://github.com/SocialGouv/cdtn") == "https://github.com/SocialGouv"
    assert owner_url("https://gitlab.example.org/a/b/c") == "https://gitlab.example.org/a/b"
    with pytest.raises(HarvestError, match="repository_url"):
        list(CodeGouvSource(iris, "name,url\nx,y\n").records())
    with pytest.raises(HarvestError, match="invalid JSON"):
        list(CodeGouvSource(iris, "[{").records())
