"""The people's pages in Chromium against the real service: a walk from the home page to a usage, keyboard
access to the skip link, the pages without JavaScript, and axe-core's accessibility checks."""

from __future__ import annotations

from tests.browser import screenshot

WALK = [
    ("/", "home"),
    ("/def/theme/geographie", "theme"),
    ("/resource/api-adresse-base-adresse-nationale-ban", "resource"),
    ("/organisation/dinum", "organisation"),
    ("/usage/la-bonne-boite--api-adresse-base-adresse-nationale-ban", "usage"),
]


def test_walk_from_home_to_a_usage(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Ressourcerie"
    screenshot(page, "home")
    page.locator("#titre-themes ~ ul a", has_text="Géographie").click()
    page.wait_for_url("**/def/theme/geographie")
    assert page.locator("h1").inner_text() == "Géographie"
    screenshot(page, "theme")
    page.get_by_role("link", name="API Adresse (Base Adresse Nationale - BAN)").click()
    page.wait_for_url("**/resource/api-adresse-base-adresse-nationale-ban")
    assert page.locator("#titre-usages").inner_text() == "Qui l'utilise, et pour quoi (4)"
    screenshot(page, "resource")
    page.locator("aside").get_by_role("link", name="Direction Interministérielle du Numérique").click()
    page.wait_for_url("**/organisation/dinum")
    assert page.locator("h1").inner_text().startswith("Direction Interministérielle du Numérique")
    screenshot(page, "organisation")
    used = page.locator("section", has=page.locator("#titre-reutilise"))
    used.get_by_role("link", name="La Bonne Boîte : Trouvez les entreprises").first.click()
    page.wait_for_url("**/usage/la-bonne-boite--api-adresse-base-adresse-nationale-ban")
    assert "par La Bonne Boîte" in page.locator("h1").inner_text()
    screenshot(page, "usage")


def test_the_skip_link_is_the_first_stop_and_visible(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/resource/api-adresse-base-adresse-nationale-ban")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent, document.activeElement.getAttribute('href')]")
    assert focused == ["Aller au contenu", "#contenu"]
    box = page.locator(".fr-skiplinks a[href='#contenu']").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0  # shown when focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def test_pages_work_without_javascript(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    tab = context.new_page()
    try:
        tab.goto(live_server.url + "/")
        tab.locator("#recherche-accueil-q").fill("adresse")
        with tab.expect_navigation():
            tab.locator("#recherche-accueil button[type=submit]").click()
        assert tab.url.split("?")[0].rstrip("/").endswith("/search") and tab.url.endswith("?q=adresse")  # a real form
        tab.goto(live_server.url + "/organisation/dinum")
        assert tab.locator("nav.fr-breadcrumb a[aria-current=page]").is_visible()
        assert tab.get_by_role("link", name="API Adresse (Base Adresse Nationale - BAN)").first.is_visible()
    finally:
        context.close()
