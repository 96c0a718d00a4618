"""The data.gouv.fr panel beside the search results, against a local fake of data.gouv.fr's API."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from datagouv_fake import BROKEN_HITS, serve

from graph.web.pages import datagouv_panel

HTML = {"Accept": "text/html"}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    datagouv_panel._cache.clear()
    datagouv_panel._failed.clear()


@pytest.fixture(scope="module")
def fake() -> str:
    with serve() as base:
        yield base + "/api/"


def panel(html: str) -> str:
    start = html.find('id="titre-datagouv"')
    assert start >= 0, "no data.gouv.fr panel on the page"
    return html[start : html.find("</section>", start)]


def test_search_shows_datagouv_hits_with_a_filled_in_proposal(make_client, fake: str) -> None:  # type: ignore[no-untyped-def]
    client = make_client(datagouv_api_url=fake, feature_datagouv_search=True)
    html = client.get("/search", params={"q": "sirene"}, headers=HTML).text
    part = panel(html)
    titles = re.findall(r'<h3 class="fr-card__title"><a href="([^"]+)"[^>]*>([^<]+)<', part)
    assert titles, part
    assert all(href.startswith("https://www.data.gouv.fr/") for href, _ in titles)
    assert any("Sirene" in unescape(t) for _, t in titles)
    proposals = [unescape(h) for h in re.findall(r'href="(/contribute/resource\?[^"]+)"', part)]
    assert len(proposals) == len(titles)
    first = parse_qs(urlsplit(proposals[0]).query)
    assert (
        first["title"][0] and first["kind"][0] in ("api", "dataset") and first["landing_page"][0].startswith("https://")
    )
    # the link opens the proposal form with those answers filled in
    form = client.get(proposals[0], headers=HTML).text
    assert f'value="{first["title"][0]}"' in unescape(form)


def test_no_proposal_link_when_contributions_are_closed(make_client, fake: str) -> None:  # type: ignore[no-untyped-def]
    client = make_client(datagouv_api_url=fake, feature_datagouv_search=True, feature_contributions=False)
    part = panel(client.get("/search", params={"q": "sirene"}, headers=HTML).text)
    assert "/contribute/resource" not in part and "contributions sont fermées" in part


def test_an_unreachable_datagouv_leaves_the_search_page_working(make_client, fake: str) -> None:  # type: ignore[no-untyped-def]
    client = make_client(datagouv_api_url=fake.replace("/api/", "/broken/"), feature_datagouv_search=True)
    r = client.get("/search", params={"q": "sirene"}, headers=HTML)
    assert r.status_code == 200
    part = panel(r.text)
    assert "data.gouv.fr n'a pas pu être interrogé" in unescape(part) and "fr-alert" in part
    assert "Errno" not in part and "unreachable" not in part and "answered" not in part  # plain French only
    # for a while, data.gouv.fr is not asked again: the next search says so at once
    asked = len(BROKEN_HITS)
    again = client.get("/search", params={"q": "adresse"}, headers=HTML)
    assert again.status_code == 200 and "n'a pas pu être interrogé" in unescape(panel(again.text))
    assert len(BROKEN_HITS) == asked


def test_the_panel_follows_its_switch_and_needs_words(make_client, fake: str) -> None:  # type: ignore[no-untyped-def]
    off = make_client(datagouv_api_url=fake, feature_datagouv_search=False)
    assert 'id="titre-datagouv"' not in off.get("/search", params={"q": "sirene"}, headers=HTML).text
    on = make_client(datagouv_api_url=fake, feature_datagouv_search=True)
    assert 'id="titre-datagouv"' not in on.get("/search", headers=HTML).text  # browsing asks nothing
