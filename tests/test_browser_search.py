"""Search as a person does it, in Chromium: the header search box, the results, a facet, a record."""

from __future__ import annotations

import re

from tests.browser import screenshot


def test_search_from_the_header_then_filter_then_open(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    page.fill("#recherche-entete-q", "emplois")
    page.press("#recherche-entete-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=emplois"))
    assert page.locator("h1").inner_text() == "Résultats pour « emplois »"
    total = int(page.locator("#nombre-resultats strong").inner_text().replace("\u202f", "").replace(" ", ""))
    assert total > 10
    assert page.locator(".rsr-results > li").count() == 20
    assert page.locator(".rsr-results mark").count() > 0
    screenshot(page, "search")

    api = page.locator("#filtre-kind input[value=api]")
    label = page.locator(f"label[for={api.get_attribute('id')}]")
    expected = int(re.search(r"\((\d+)\)", label.inner_text()).group(1))  # type: ignore[union-attr]
    label.click()  # ticking applies the filter at once with JavaScript (the button does it without)
    page.wait_for_url(re.compile(r"kind=api"))
    assert int(page.locator("#nombre-resultats strong").inner_text().replace(" ", "")) == expected
    assert page.locator("#filtre-kind input[value=api]").is_checked()
    assert all(b == "API" for b in page.locator(".rsr-results .fr-badge--blue-ecume").all_inner_texts())

    first = page.locator(".rsr-results .fr-card__title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/resource/"))
    assert page.locator("h1").inner_text() == title
