"""Contributing and moderating as a person does, in Chromium, against the real service."""

from __future__ import annotations

from tests.browser import screenshot

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
PURPOSE = "Vérifier l'existence des entreprises avant de verser une aide à l'embauche."


def test_document_a_usage_then_publish_it(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/contribute/usage")
    page.select_option("#f-resource", BASE + "resource/api-sirene")
    page.fill("#f-since", "hier")
    page.fill("#f-contributor_name", "Chloé Testeuse")
    page.fill("#f-contributor_email", "chloe@example.gouv.fr")
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("#erreurs").is_visible()
    purpose_error = page.locator(".fr-input-group--error:has(#f-purpose) .fr-error-text")
    assert "dit à quoi sert la ressource" in purpose_error.inner_text()
    assert "date" in page.locator(".fr-input-group--error:has(#f-since) .fr-error-text").inner_text()
    assert page.locator("#erreurs a[href='#f-purpose']").count() == 1
    screenshot(page, "contribute-errors")

    page.fill("#f-purpose", PURPOSE)
    page.fill("#f-since", "2021")
    page.select_option("#f-organisation", "other")
    page.fill("#f-organisation_name", "Région Testlande")
    page.locator("label[for='f-rating-4']").click()
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "Contribution n°" in page.locator("h1").inner_text()
    assert "en attente de modération" in page.locator("main").inner_text().lower()
    number = page.locator("h1").inner_text().rsplit(" ", 1)[-1]
    screenshot(page, "contribute-pending")

    page.goto(live_server.url + "/resource/api-sirene")
    assert PURPOSE not in page.locator("main").inner_text()

    page.goto(live_server.url + "/moderation")
    page.fill("#f-name", "Bruno Modère")
    page.fill("#f-token", live_server.moderator_token)
    page.click("form[action='/moderation/login'] button[type=submit]")
    card = page.locator(f"#contribution-{number}")
    assert "conforme aux règles" in card.inner_text().lower()
    assert "Région Testlande" in card.inner_text()
    screenshot(page, "moderation")
    with page.expect_navigation():
        card.locator("form[action$='/approve'] button").click()
    assert "publiée" in page.locator("[role=status]").inner_text().lower()

    page.goto(live_server.url + "/resource/api-sirene")
    assert PURPOSE in page.locator("main").inner_text()


def test_governance_page(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/governance")
    assert page.locator("h1").inner_text() == "Gouvernance"
    assert "Licence Ouverte" in page.locator("#licence + p").inner_text()
    screenshot(page, "governance")
