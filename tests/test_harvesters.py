"""Our feed, harvested by the harvesters it is meant for, run for real (tests/harvesters.py) on the seed's
service served on 127.0.0.1: data.gouv.fr's udata imports our APIs and data sets, CKAN's ckanext-dcat our
data sets with their distributions, and Joinup's ADMS-AP rules find no error in our software feed."""

from __future__ import annotations

import httpx
import pytest
from pyoxigraph import NamedNode

from graph.namespaces import DCAT, DCT, KIND
from graph.store import EmbeddedStore
from tests.harvesters import check_adms_ap, ckan_harvest, udata_harvest


def kinds(seeded: EmbeddedStore, kind: NamedNode) -> set[str]:
    return {q.subject.value for q in seeded.quads(None, DCT.type, kind, None) if "/resource/" in q.subject.value}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def udata(served_seed: str):
    return udata_harvest(f"{served_seed}/catalog.ttl")


def test_udata_imports_every_api_and_data_set(udata, seeded: EmbeddedStore) -> None:
    apis, datasets = kinds(seeded, KIND.api), kinds(seeded, KIND.dataset)
    assert udata.status == "done" and udata.errors == [], udata.errors
    imported = len(udata.dataservices) + len(udata.datasets)
    assert imported / (len(apis) + len(datasets)) >= 0.95
    assert len(udata.dataservices) == len(apis) and len(udata.datasets) == len(datasets)
    print(f"udata: {len(udata.dataservices)} of {len(apis)} APIs, {len(udata.datasets)} of {len(datasets)} data sets")


def test_udata_dataservices_have_title_description_endpoint_and_documentation(udata, seeded: EmbeddedStore) -> None:
    by_uri = {d.harvest.uri: d for d in udata.dataservices}
    for api in kinds(seeded, KIND.api):
        service = by_uri[api]
        assert service.title and service.description, api
        endpoints = {q.object.value for q in seeded.quads(NamedNode(api), DCAT.endpointURL, None, None)}
        descriptions = {q.object.value for q in seeded.quads(NamedNode(api), DCAT.endpointDescription, None, None)}
        assert (service.base_api_url in endpoints) if endpoints else service.base_api_url is None, api
        assert (service.machine_documentation_url in descriptions) if descriptions else True, api
    with_endpoint = [d for d in udata.dataservices if d.base_api_url]
    assert len(with_endpoint) == len({q.subject for q in seeded.quads(None, DCAT.endpointURL, None, None)})


def test_udata_data_sets_have_resources_and_their_apis(udata, seeded: EmbeddedStore) -> None:
    assert all(d.resources for d in udata.datasets), [d.title for d in udata.datasets if not d.resources]
    served = {q.object.value for q in seeded.quads(None, DCAT.servesDataset, None, None)}
    linked = {d.harvest.uri for s in udata.dataservices for d in s.datasets}
    assert served and linked == served  # dcat:servesDataset, matched to the data sets of the same run


def test_ckanext_dcat_imports_every_data_set_with_its_distributions(served_seed: str, seeded: EmbeddedStore) -> None:
    harvest = ckan_harvest(f"{served_seed}/catalog.ttl")
    assert len(harvest.pages) == 3  # walked by next_page from /catalog.ttl
    datasets = kinds(seeded, KIND.dataset)
    by_uri = {_extra(d, "uri"): d for d in harvest.datasets}
    assert set(by_uri) == datasets
    feed = httpx.get(f"{served_seed}/catalog.nt", params={"page_size": 1000}, timeout=60).text
    for uri, dataset in by_uri.items():
        distributions = {
            line.split()[2] for line in feed.splitlines() if line.startswith(f"<{uri}> <{DCAT.distribution.value}>")
        }
        assert dataset["resources"] and len(dataset["resources"]) == len(distributions), uri
        assert all(r["url"] for r in dataset["resources"])
    served = {q.object.value for q in seeded.quads(None, DCAT.servesDataset, None, None)}
    for uri in served:
        services = [r for r in by_uri[uri]["resources"] if r.get("access_services")]
        assert services, uri  # the APIs serving it, as distributions whose dcat:accessService is the API


def _extra(dataset: dict, key: str) -> str:  # type: ignore[type-arg]
    return next(e["value"] for e in dataset.get("extras", []) if e["key"] == key)


def test_the_software_feed_passes_joinups_adms_ap_rules(served_seed: str) -> None:
    feed = httpx.get(f"{served_seed}/catalog/software.nt", params={"page_size": 1000}, timeout=60)
    results = check_adms_ap(feed.content)
    assert results.errors == [], results.errors
    assert results.run == 102 and results.not_run == ["79"]  # rule 79 is malformed as generated


def test_the_adms_ap_rules_do_find_errors(served_seed: str) -> None:
    """Without contact points, the rules find what Joinup would: the check can fail."""
    feed = httpx.get(f"{served_seed}/catalog/software.nt", params={"page_size": 1000}, timeout=60).text
    stripped = "\n".join(line for line in feed.splitlines() if DCAT.contactPoint.value not in line).encode()
    rules = {rule for rule, _message in check_adms_ap(stripped).errors}
    assert "1" in rules  # dcat:contactPoint is a required property for dcat:Dataset
