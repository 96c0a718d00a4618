"""The data.gouv.fr source (``datagouv-api``): its API's dataservices list walked page by page, per organisation,
against a local fake of data.gouv.fr; APIs without base URL get the endpoint their OpenAPI document states."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from graph.config import Settings
from graph.harvest import runner
from graph.harvest.runner import SourceEntry
from graph.iris import Iris
from graph.namespaces import DCAT
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer
from loaders.harvest.datagouv_api import list_kind, starts
from loaders.harvest.openapi_fetch import MAX_BYTES
from tests.datagouv_fake import fixture_objects, serve

INSEE = "534fff81a3a7292c64a77e5c"
CDC = "5fa985066333fad0e735c985"


def new_api(base: str, slug: str, documentation: str | None, endpoint: str | None = None) -> dict[str, Any]:
    """A dataservice as data.gouv.fr's API gives one (its fields as the fixtures have them), of the Insee."""
    model = next(o for o in fixture_objects()["dataservice"] if o["slug"] == "api-sirene")
    obj = copy.deepcopy(model)
    obj.update(
        id=f"66{abs(hash(slug)) % 10**22:022d}",
        slug=slug,
        title=f"API {slug}",
        description=f"L'API {slug}, pour les tests.",
        base_api_url=endpoint,
        machine_documentation_url=documentation,
        self_web_url=f"https://www.data.gouv.fr/fr/dataservices/{slug}/",
    )
    return obj


@pytest.fixture
def fake() -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
    objects = fixture_objects()
    with serve(objects) as base:
        yield base, objects


@pytest.fixture
def writer(iris: Iris, validator: Validator) -> Writer:
    w = Writer(EmbeddedStore(), validator, iris)
    w.replace_graphs({iris.ontology_graph: ontology_triples()})
    return w


def harvest(writer: Writer, location: str, name: str = "datagouv") -> runner.HarvestReport:
    settings = Settings(harvest_timeout=5.0, harvest_retries=0)
    return runner.run_entry(writer, settings, SourceEntry(name, "datagouv-api", location))


def apis(writer: Writer, name: str = "datagouv") -> dict[str, set[str]]:
    """The harvested APIs (by IRI) and their endpoints."""
    graph = writer.iris.graph(f"harvest/{name}")
    found: dict[str, set[str]] = {}
    for q in writer.store.quads(None, DCAT.endpointDescription, None, graph):
        found.setdefault(q.subject.value, set())  # type: ignore[union-attr]
    for q in writer.store.quads(None, DCAT.endpointURL, None, graph):
        found.setdefault(q.subject.value, set()).add(q.object.value)  # type: ignore[union-attr]
    for q in writer.store.quads(None, None, DCAT.DataService, graph):
        found.setdefault(q.subject.value, set())  # type: ignore[union-attr]
    return found


def test_locations_name_the_list_and_one_walk_per_organisation() -> None:
    assert list_kind("https://www.data.gouv.fr/api/1/dataservices/?organization=A") == "dataservices"
    assert list_kind("https://www.data.gouv.fr/api/1/datasets") == "datasets"
    assert list_kind("https://www.data.gouv.fr/api/1/organizations/x/catalog.rdf") is None
    walks = starts("https://x.example/api/1/dataservices/?organization=A&organization=B&tag=emploi")
    assert walks == [
        "https://x.example/api/1/dataservices/?organization=A&tag=emploi&page_size=100",
        "https://x.example/api/1/dataservices/?organization=B&tag=emploi&page_size=100",
    ]


def test_the_dataservices_of_the_organisations_asked_page_by_page(fake, writer: Writer) -> None:
    base, _objects = fake
    location = f"{base}/api/1/dataservices/?organization={INSEE}&organization={CDC}&page_size=1"
    report = harvest(writer, location)
    assert report.succeeded, report.summary()
    assert report.pages == 2 and report.warnings == []
    found = apis(writer)
    assert found == {
        writer.iris.resource("datagouv-api-sirene").value: {"https://api.insee.fr/catalogue/site/pages/list-apis.jag"},
        writer.iris.resource("datagouv-explore-api-v2-30").value: {
            "https://opendata.caissedesdepots.fr/api/explore/v2.1/"
        },
    }


def test_an_api_without_base_url_gets_the_endpoint_its_openapi_document_states(fake, feeds, writer: Writer) -> None:
    base, objects = fake
    doc = {"openapi": "3.0.0", "servers": [{"url": "https://api.exemple.gouv.fr/v1"}], "paths": {}}
    good = feeds.add("/good/openapi.json", json.dumps(doc), content_type="application/json")
    bad = feeds.add("/bad/openapi.json", "<html><body>Not found</body></html>", content_type="text/html")
    huge = feeds.add("/huge/openapi.json", b"{" + b" " * (MAX_BYTES + 10) + b"}", content_type="application/json")
    missing = feeds.url("/missing/openapi.json")
    objects["dataservice"] += [
        new_api(base, "documentee", good),
        new_api(base, "mal-documentee", bad),
        new_api(base, "trop-documentee", huge),
        new_api(base, "introuvable", missing),
    ]
    report = harvest(writer, f"{base}/api/1/dataservices/?organization={INSEE}")
    assert report.succeeded, report.summary()  # bad or huge documents never fail the run
    found = apis(writer)
    assert found[writer.iris.resource("datagouv-documentee").value] == {"https://api.exemple.gouv.fr/v1"}
    for slug in ("mal-documentee", "trop-documentee", "introuvable"):
        assert found[writer.iris.resource(f"datagouv-{slug}").value] == set(), slug
    assert len(report.warnings) == 3, report.warnings
    assert any("larger than" in w and "huge" in w for w in report.warnings)
    assert any("not an OpenAPI" in w or "not JSON" in w for w in report.warnings)
    assert any("HTTP 404" in w for w in report.warnings)
    assert feeds.hits["/good/openapi.json"] == 1  # each document read once per run


def test_a_data_gouv_fr_dcat_catalogue_is_read_as_dcat(feeds, writer: Writer) -> None:
    url = feeds.add_file("/api/1/organizations/x/catalog.xml", "udata/catalog.xml")
    report = harvest(writer, url, "vanves")
    assert report.succeeded and report.written > 0, report.summary()
