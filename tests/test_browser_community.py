"""The community's walk, in Chromium, against the real service signed in with the local OpenID provider and sending
e-mail to the local SMTP server: sign in → follow a resource → ask a question about it → a moderator publishes it →
another signed-in person answers citing a usage → the asker accepts it → the question shows on the resource page,
in search, in /sparql, in the resource's Atom feed, and an e-mail reaches the follower. Then a correction walks the
same path to a changed record. The pages met on the way pass axe's WCAG 2 A/AA rules."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import httpx

from tests.browser import inject_axe, screenshot
from tests.test_browser_accessibility import audit

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SIRENE = BASE + "resource/api-sirene"
QUESTION = "Qui utilise l'API Sirene pour contrôler des établissements ?"
ANSWER = "Notre service d'inspection vérifie chaque SIRET avec l'API avant un contrôle."
USAGE = BASE + "usage/camino--api-sirene"


def sign_in(page, url: str, login: str) -> None:  # type: ignore[no-untyped-def]
    """Through the provider's development pages: any password, then consent."""
    page.goto(url + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "mot-de-passe")
    with page.expect_navigation():  # the provider's redirects end on its consent page or back on ours
        page.click("button[type=submit]")
    if "/interaction/" in page.url:
        page.click("button[type=submit]")  # consent
    page.wait_for_url(re.compile(r"^" + re.escape(url)))


def moderate(page, url: str, token: str, number: str, shot: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Publish a submission as a moderator; the text of its card."""
    page.goto(url + "/moderation")
    if page.locator("#f-token").count():
        page.fill("#f-name", "Bruno Modère")
        page.fill("#f-token", token)
        page.click("form[action='/moderation/login'] button[type=submit]")
    card = page.locator(f"#contribution-{number}")
    text = card.inner_text()
    if shot:
        card.scroll_into_view_if_needed()
        screenshot(page, shot)
    with page.expect_navigation():
        card.locator("form[action$='/approve'] button").click()
    assert "publiée" in page.locator("[role=status]").inner_text().lower()
    return text


def number_of(page) -> str:  # type: ignore[no-untyped-def]
    heading = page.locator("h1").inner_text()
    assert "Contribution n°" in heading, heading
    return heading.rsplit(" ", 1)[-1]


def check(page, name: str, findings: dict) -> None:  # type: ignore[no-untyped-def]
    inject_axe(page)
    found = audit(page, None)
    findings[name] = found
    serious = [f for f in found if f["impact"] in ("critical", "serious")]
    assert not serious, f"{name}: {json.dumps(serious, indent=1, ensure_ascii=False)}"


def test_ask_answer_accept_follow_and_correct(community_server, browser) -> None:  # type: ignore[no-untyped-def]
    url, token, smtp = community_server.url, community_server.moderator_token, community_server.smtp
    findings: dict[str, list] = {}
    alice_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    alice = alice_context.new_page()
    sign_in(alice, url, "alice")
    assert "Bienvenue" in alice.locator("main").inner_text()
    check(alice, "account", findings)
    screenshot(alice, "account")

    # she follows the resource by e-mail, then asks her question from its page
    alice.goto(url + "/resource/api-sirene")
    with alice.expect_navigation():  # the audit must read the page the link leads to, not the one it leaves
        alice.locator("a.fr-link", has_text="Suivre").first.click()
    assert alice.locator("h1").inner_text().startswith("Suivre")
    check(alice, "follow", findings)
    with alice.expect_navigation():
        alice.click("text=Suivre par courriel")
    assert "Vous suivez cette fiche" in alice.locator("[role=status]").inner_text()
    alice.goto(url + "/resource/api-sirene")
    alice.click("text=Poser une question")
    assert alice.locator("#f-resource").input_value() == SIRENE
    check(alice, "contribute-question", findings)
    alice.fill("#f-title", QUESTION)
    alice.fill("#f-details", "Nous cherchons à automatiser la vérification avant nos contrôles.")
    with alice.expect_navigation():
        alice.click("main form[method=post] button[type=submit]")
    question_number = number_of(alice)

    moderator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    assert QUESTION in moderate(moderator, url, token, question_number)

    # another signed-in person answers, citing a usage
    bruno = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    sign_in(bruno, url, "bruno")
    bruno.goto(url + "/resource/api-sirene")
    with bruno.expect_navigation():
        bruno.click(f'#questions a:has-text("{QUESTION}")')
    question_url = bruno.url
    bruno.fill("#f-text", ANSWER)
    box = bruno.locator(f"input[name=cites][value='{USAGE}']")
    bruno.click(f"label[for='{box.get_attribute('id')}']")  # the DSFR draws the box on its label
    assert box.is_checked()
    with bruno.expect_navigation():
        bruno.click("text=Envoyer la réponse")
    answer_number = number_of(bruno)
    moderate(moderator, url, token, answer_number)

    # the asker accepts it
    alice.goto(question_url)
    assert ANSWER in alice.locator("main").inner_text()
    alice.click("text=Accepter cette réponse")
    accepted = alice.locator("#reponse-acceptee")
    assert "acceptée" in accepted.inner_text().lower() and "Bruno Durand" in accepted.inner_text()
    check(alice, "question", findings)
    screenshot(alice, "question")
    question = BASE + question_url.split("/", 3)[3]

    # the question on the resource page, in search, in SPARQL, in the resource's feed; e-mail to the follower
    alice.goto(url + "/resource/api-sirene")
    section = alice.locator("#questions")
    assert QUESTION in section.inner_text() and "réponse acceptée" in section.inner_text()
    section.scroll_into_view_if_needed()
    screenshot(alice, "resource-questions")
    alice.goto(url + "/search?q=contrôler+établissements&kind=question")
    assert QUESTION in alice.locator("main").inner_text()
    screenshot(alice, "search-questions")
    alice.goto(url + "/questions")
    check(alice, "questions", findings)
    screenshot(alice, "questions")
    ask = f"ASK {{ <{question}> a <http://schema.org/Question> ; <http://schema.org/acceptedAnswer> ?a }}"
    r = httpx.get(url + "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True
    feed = ET.fromstring(httpx.get(url + "/changes.atom", params={"about": SIRENE}).content)
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title") or "" for e in feed.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert any(QUESTION in t for t in titles), titles
    mail = smtp.wait_for(lambda m: m["To"] == "alice.martin@example.gouv.fr" and "Réponse publiée" in m["Subject"])
    assert "api-sirene" in mail.get_content() or question in mail.get_content()
    alice.goto(url + "/account/contributions")
    assert "Question" in alice.locator("main").inner_text()
    check(alice, "my-contributions", findings)
    screenshot(alice, "my-contributions")

    # a correction walks the same path to a changed record
    alice.goto(url + "/resource/api-sirene")
    with alice.expect_navigation():
        alice.click("text=Signaler une erreur ou proposer une correction")
    check(alice, "contribute-correction", findings)
    alice.fill("#f-reason", "Le titre ne dit pas que l'API vient de l'Insee.")
    alice.fill("#f-title", "API Sirene (Insee)")
    with alice.expect_navigation():
        alice.click("main form[method=post] button[type=submit]")
    correction_number = number_of(alice)
    card = moderate(moderator, url, token, correction_number, shot="moderation-correction")
    assert "Avant et après" in card and "API Sirene (Insee)" in card
    alice.goto(url + "/resource/api-sirene")
    assert alice.locator("h1").inner_text() == "API Sirene (Insee)"
    screenshot(alice, "resource-corrected")
    for context in browser.contexts:
        context.close()
