from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.config import Settings
from graph.datagouv import DatagouvClient
from graph.errors import BadRequest, HarvestError, SourceTimeout
from graph.iris import Iris
from graph.writer import Writer
from loaders.datagouv_search import records
from tests.adapters_check import check
from tests.datagouv_fake import fixture_objects, serve


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    with serve() as url:
        yield url


@pytest.fixture
def client(fake: str) -> Iterator[DatagouvClient]:
    with DatagouvClient.from_settings(Settings(datagouv_api_url=f"{fake}/api/")) as c:
        yield c


def test_search_returns_typed_hits(client: DatagouvClient) -> None:
    results = client.search("dataservice", "sirene")
    assert [h.title for h in results.hits] == ["API Sirene"]
    hit = results.hits[0]
    assert hit.kind == "dataservice" and hit.id == "6661e60fda535e9773c510ca"
    assert hit.url == "https://www.data.gouv.fr/fr/dataservices/api-sirene/"
    assert hit.organisation and "Insee" in hit.organisation
    assert hit.excerpt.startswith("L'API Sirene permet")


def test_words_are_anded_and_filters_passed(client: DatagouvClient) -> None:
    every = client.search("dataset", "", page_size=100)
    assert every.total == len(fixture_objects()["dataset"])
    assert client.search("dataset", "sirene zzzunknownword").total == 0
    org = fixture_objects()["dataset"][0]["organization"]["id"]
    by_org = client.search("dataset", "", organization=org, page_size=100)
    assert by_org.hits and all(h.payload["organization"]["id"] == org for h in by_org.hits)


def test_search_all_follows_pages_to_the_end(client: DatagouvClient) -> None:
    hits = list(client.search_all("dataset", "", page_size=4, limit=1000))
    assert len(hits) == len(fixture_objects()["dataset"])
    assert len({h.id for h in hits}) == len(hits)
    assert len(list(client.search_all("dataset", "", page_size=4, limit=6))) == 6


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kind": "reuse"}, "unknown kind"),
        ({"page_size": 101}, "page_size must be between 1 and 100"),
        ({"page": 0}, "page must be 1 or more"),
        ({"colour": "blue"}, "unknown dataset filter colour"),
    ],
)
def test_bad_requests_are_refused_before_any_call(client: DatagouvClient, kwargs: dict, words: str) -> None:
    args = {"kind": "dataset", "q": "x", **kwargs}
    with pytest.raises(BadRequest, match=words) as e:
        client.search(args.pop("kind"), args.pop("q"), **args)
    assert e.value.status == 400


def test_unreachable_slow_and_broken_upstreams_raise_typed_errors(fake: str) -> None:
    with DatagouvClient("http://127.0.0.1:9/api/", timeout=2) as c, pytest.raises(HarvestError, match="unreachable"):
        c.search("dataset", "x")
    with DatagouvClient(f"{fake}/slow/api/", timeout=0.3) as c, pytest.raises(SourceTimeout) as e:
        c.search("dataset", "x")
    assert e.value.status == 504
    with DatagouvClient(f"{fake}/broken/api/") as c, pytest.raises(HarvestError, match="answered 500"):
        c.search("dataset", "x")


def test_get_by_id_or_slug_and_missing(client: DatagouvClient) -> None:
    assert client.get("dataservice", "api-sirene")["id"] == "6661e60fda535e9773c510ca"
    with pytest.raises(HarvestError, match="no such object"):
        client.get("dataset", "nothing-here")
    with pytest.raises(BadRequest):
        client.get("dataset", "../../etc")


@pytest.mark.parametrize("kind", ["dataservice", "dataset"])
def test_a_hit_becomes_valid_records_in_one_call(
    client: DatagouvClient, iris: Iris, ontology_only: Writer, kind: str
) -> None:
    hit = client.search(kind, "sirene").hits[0]
    found = records(client, hit, iris)
    assert found[-1].label == hit.title
    assert f"datagouv:{hit.id}" in found[-1].keys
    outcome = check(found, ontology_only)
    assert not outcome.invalid, outcome.text()
    if kind == "dataset":  # resources read from the v2 resources link, page by page
        source = next(b for b in fixture_objects()["dataset"] if b["id"] == hit.id)["_resources"]
        pages = [t for t in found[-1].triples if t.predicate.value.endswith(("#distribution", "/page"))]
        assert len(pages) >= len([r for r in source if r.get("url")]) > 0
