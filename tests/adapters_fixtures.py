"""The source fixtures, read into the adapters (shared by the adapters' tests)."""

from __future__ import annotations

import json
from pathlib import Path

from graph.iris import Iris
from graph.paths import bundled
from loaders.apigouv_source import ApigouvSource
from loaders.codegouv import CodeGouvSource, Publishers
from loaders.datagouv import DatagouvSource
from loaders.publiccode import PublicCodeSource
from loaders.sill import SillSource

SOURCES = Path(__file__).parent / "fixtures" / "sources"


def publishers() -> Publishers:
    folder = SOURCES / "codegouv"
    return Publishers.load(
        (folder / "comptes-organismes-publics_2024-08.yml").read_bytes(),
        (folder / "organizations_2021_all.csv").read_bytes(),
    )


def datagouv(iris: Iris) -> DatagouvSource:
    folder = SOURCES / "datagouv"
    return DatagouvSource(
        iris,
        dataservices=[json.loads((folder / "udata_fixture_dataservices.json").read_text())],
        datasets=[
            json.loads((folder / "udata_fixture_datasets_trimmed.json").read_text()),
            json.loads((folder / "udata_fixture_dataset_sirene.json").read_text()),
        ],
    )


def codegouv(iris: Iris) -> CodeGouvSource:
    repos = (SOURCES / "codegouv" / "repositories_2021_SocialGouv_StartupsPoleEmploi.csv").read_bytes()
    return CodeGouvSource(iris, repos, publishers())


def sill(iris: Iris) -> SillSource:
    return SillSource(
        iris, (SOURCES / "sill" / "sill_2022_archived_etalab-sill-contents.json").read_bytes(), publishers()
    )


def publiccode(iris: Iris) -> PublicCodeSource:
    files = {p.name: p.read_bytes() for p in sorted((SOURCES / "publiccode").glob("*.yml"))}
    return PublicCodeSource(iris, files, publishers())


def apigouv(iris: Iris) -> ApigouvSource:
    return ApigouvSource(iris, bundled("data/seed/apigouv"))
