"""The pages' Content Security Policy against their own scripts and styles, in Chromium: no page breaks on it."""

from __future__ import annotations

import pytest

from tests.browser import open_settled

PAGES = [
    "/",
    "/search?q=emploi",
    "/network",
    "/sparql",
    "/queries/theme-counts",
    "/resource/api-adresse-base-adresse-nationale-ban",
    "/contribute/resource",
    "/moderation",
    "/docs",
    "/document/recherche-entreprise",
]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.parametrize("path", PAGES)
def test_no_page_breaks_the_content_security_policy(live_server, page, path: str) -> None:  # type: ignore[no-untyped-def]
    reported: list[str] = []
    page.on("console", lambda m: reported.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    response = open_settled(page, live_server.url + path)
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    violations = page.evaluate("window.__violations")
    assert violations == [] and reported == [], (violations, reported)
