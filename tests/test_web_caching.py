from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.utils import formatdate

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from graph.namespaces import DCAT, DCT, KIND
from graph.web.caching import Validators, is_current, weak_etag

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SIRENE = "/resource/api-sirene"
INSEE = "/organisation/insee"  # the publisher of the API Sirene
HUB_EAU = "/organisation/hub-eau"  # neither it nor its resources link to either
HTML = "text/html"
TURTLE = "text/turtle"
TOKEN = "caching-token"


def request(headers: dict[str, str], method: str = "GET") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": method, "headers": raw, "path": "/", "query_string": b""})


def etag_of(client: TestClient, path: str, accept: str = HTML) -> str:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    return str(r.headers["etag"])


def revalidated(client: TestClient, path: str, etag: str, accept: str = HTML) -> int:
    return int(client.get(path, headers={"Accept": accept, "If-None-Match": etag}).status_code)


# --- the conditional GET helper ----------------------------------------------------------------------------------


V = Validators(weak_etag("x", 1), 1_700_000_000.0)


@pytest.mark.parametrize(
    ("headers", "current"),
    [
        ({}, False),
        ({"If-None-Match": V.etag}, True),
        ({"If-None-Match": V.etag.removeprefix("W/")}, True),  # weak comparison
        ({"If-None-Match": f'"other", {V.etag}'}, True),
        ({"If-None-Match": "*"}, True),
        ({"If-None-Match": '"other"'}, False),
        ({"If-Modified-Since": formatdate(1_700_000_000, usegmt=True)}, True),
        ({"If-Modified-Since": formatdate(1_699_999_999, usegmt=True)}, False),
        ({"If-Modified-Since": "not a date"}, False),
        # If-None-Match decides when both are sent
        ({"If-None-Match": '"other"', "If-Modified-Since": formatdate(1_800_000_000, usegmt=True)}, False),
    ],
)
def test_the_clients_copy_is_current_by_etag_else_by_date(headers: dict[str, str], current: bool) -> None:
    assert is_current(request(headers), V) is current


def test_only_reads_are_conditional() -> None:
    assert not is_current(request({"If-None-Match": V.etag}, "POST"), V)


# --- record pages, catalogue, VoID, dump ------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [HTML, TURTLE, "application/ld+json", "application/n-triples"])
def test_a_record_page_revalidated_with_its_etag_is_not_modified(client: TestClient, accept: str) -> None:
    first = client.get(SIRENE, headers={"Accept": accept})
    assert first.status_code == 200
    assert first.headers["etag"].startswith('W/"') and first.headers["cache-control"] == "no-cache"
    assert "last-modified" in first.headers and "Accept" in first.headers["vary"]
    again = client.get(SIRENE, headers={"Accept": accept, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    since = client.get(SIRENE, headers={"Accept": accept, "If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert client.get(SIRENE, headers={"Accept": accept}).content == first.content  # the kept copy


def test_each_representation_has_its_own_etag(client: TestClient) -> None:
    tags = {etag_of(client, SIRENE, accept) for accept in (HTML, TURTLE, "application/ld+json")}
    tags |= {etag_of(client, f"{SIRENE}.ttl"), etag_of(client, f"{SIRENE}.html")}
    assert len(tags) == 5
    assert revalidated(client, SIRENE, etag_of(client, SIRENE, TURTLE), HTML) == 200


def test_pages_asked_with_cookies_are_not_validated(client: TestClient) -> None:
    r = client.get(SIRENE, headers={"Accept": HTML, "Cookie": "rsr_csrf=abc"})
    assert r.status_code == 200 and "etag" not in r.headers


@pytest.mark.parametrize(
    "path", ["/catalog", "/catalog.jsonld", "/catalog?page_size=5&page=2", "/catalog/software.nt", "/.well-known/void"]
)
def test_feeds_and_void_are_revalidated(client: TestClient, path: str) -> None:
    tag = etag_of(client, path, TURTLE)
    assert revalidated(client, path, tag, TURTLE) == 304
    assert revalidated(client, "/catalog?page_size=5&page=3", tag, TURTLE) == 200  # another page, another tag


@pytest.mark.parametrize("accept", [HTML, "application/json"])
def test_the_home_page_is_revalidated(client: TestClient, accept: str) -> None:
    assert revalidated(client, "/", etag_of(client, "/", accept), accept) == 304


def test_the_dump_is_revalidated(client: TestClient) -> None:
    first = client.get("/dumps/ressourcerie.nq.gz")
    assert first.status_code == 200 and first.headers["etag"]
    again = client.get("/dumps/ressourcerie.nq.gz", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


# --- writes make stale what they change, and only that -----------------------------------------------------------


def test_a_write_changes_the_etags_of_the_record_its_producer_and_the_lists_not_of_others(
    make_client: Callable[..., TestClient],
) -> None:
    c = make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    watched = [(SIRENE, HTML), (SIRENE, TURTLE), (INSEE, HTML), (INSEE, TURTLE), ("/catalog", TURTLE), ("/", HTML)]
    before = {w: etag_of(c, *w) for w in watched}
    unrelated = {a: etag_of(c, HUB_EAU, a) for a in (HTML, TURTLE)}
    assert "Nouvelle ressource" not in c.get(INSEE, headers={"Accept": HTML}).text
    body = f"""
    <{BASE}resource/api-sirene> <{DCT.subject.value}> "mise en cache"@fr .
    <{BASE}resource/nouvelle> a <{DCAT.Resource.value}>, <{DCAT.Dataset.value}> ;
      <{DCT.identifier.value}> "nouvelle" ; <{DCT.title.value}> "Nouvelle ressource"@fr ;
      <{DCT.description.value}> "Test."@fr ; <{DCT.type.value}> <{KIND.dataset.value}> ;
      <{DCT.publisher.value}> <{BASE}organisation/insee> .
    """
    r = c.post(
        f"/store?graph={BASE}graph/contributions",
        content=body.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code in (201, 204), r.text
    for (path, accept), tag in before.items():
        assert revalidated(c, path, tag, accept) == 200, (path, accept)
        assert etag_of(c, path, accept) != tag
    assert "Nouvelle ressource" in c.get(INSEE, headers={"Accept": HTML}).text  # not the kept copy
    for accept, tag in unrelated.items():
        assert revalidated(c, HUB_EAU, tag, accept) == 304


def test_a_write_reaches_the_former_producer_through_what_its_page_showed(
    make_client: Callable[..., TestClient],
) -> None:
    c = make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    body = f"""
    <{BASE}resource/partie> a <{DCAT.Resource.value}>, <{DCAT.Dataset.value}> ;
      <{DCT.identifier.value}> "partie" ; <{DCT.title.value}> "Ressource qui change de producteur"@fr ;
      <{DCT.description.value}> "Test."@fr ; <{DCT.type.value}> <{KIND.dataset.value}> ;
      <{DCT.publisher.value}> <{BASE}organisation/insee> .
    """
    graph = f"/store?graph={BASE}graph/moving"
    auth = {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}
    assert c.put(graph, content=body.encode(), headers=auth).status_code in (201, 204)
    tag = etag_of(c, INSEE)  # the page lists it
    moved = body.replace(f"{BASE}organisation/insee", f"{BASE}organisation/ign")
    assert c.put(graph, content=moved.encode(), headers=auth).status_code in (201, 204)
    assert revalidated(c, INSEE, tag) == 200  # it no longer links to the resource: what its page showed says so
    assert "Ressource qui change de producteur" not in c.get(INSEE, headers={"Accept": HTML}).text
