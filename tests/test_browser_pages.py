"""Pages as a person sees them, in Chromium, against the real service."""

from __future__ import annotations

from tests.browser import screenshot


def test_home_in_the_browser(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert page.title().startswith("Ressourcerie")
    assert page.locator("header[role=banner] .fr-header__service-title").inner_text() == "Ressourcerie"
    assert page.locator("nav#navigation a").count() >= 3
    screenshot(page, "home")


def test_resource_page_in_the_browser(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/resource/api-sirene")
    assert page.locator("h1").inner_text() == "API Sirene"
    screenshot(page, "resource")
