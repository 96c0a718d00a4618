"""The reading pages in Chromium, at a desktop width (1280 px) and a phone's (390 px): articles, a service, a
resource's text, the mandatory pages, an error page and /docs. At each width, no page is wider than the window,
none shows Markdown or MDX as text, and a screenshot of what the window shows is kept (in docs/screenshots/ with
RESSOURCERIE_DOCS_SCREENSHOTS=1: <name>-1280.png, <name>-390.png). /docs draws the API with nothing asked of
another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser import DOCS_SCREENSHOTS, screenshot
from tests.test_pages_markup import markup_in

PAGES = [
    ("guide", "/document/recherche-entreprise", 200),
    ("story", "/document/retour-recherche-entreprise", 200),
    ("service", "/service/la-bonne-boite", 200),
    ("resource-text", "/resource/api-entreprise", 200),
    ("legal-notice", "/mentions-legales", 200),
    ("accessibility", "/accessibilite", 200),
    ("personal-data", "/donnees-personnelles", 200),
    ("not-found", "/resource/no-such-thing", 404),
    ("docs", "/docs", 200),
]
WIDTHS = {1280: 900, 390: 844}  # window sizes: a laptop, a phone


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_read_well_at_desktop_and_phone_widths(live_server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="fr-FR")
    tab = context.new_page()
    try:
        for name, path, status in PAGES:
            response = tab.goto(live_server.url + path)
            assert response is not None and response.status == status, (name, response and response.status)
            tab.wait_for_load_state("networkidle")
            if name == "docs":
                tab.locator(".swagger-ui .info").wait_for()
            wide = tab.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide} px wide in a {width} px window"
            assert not markup_in(tab.content()), name
            assert tab.locator("html").get_attribute("lang") == "fr"
            screenshot(tab, f"{name}-{width}", DOCS_SCREENSHOTS, full_page=False)
    finally:
        context.close()


def test_docs_work_offline(live_server, page) -> None:  # type: ignore[no-untyped-def]
    """Every request /docs makes goes to the service itself: it works with no network beyond it."""
    elsewhere: list[str] = []
    own = urlsplit(live_server.url).netloc

    def only_here(route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(live_server.url + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 20  # the operations of the API, drawn
    assert elsewhere == []
