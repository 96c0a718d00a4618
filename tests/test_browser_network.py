"""The usage map, the SPARQL workbench and a named query page, in Chromium, against the real service."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx

from tests.browser import screenshot

GEO = "https://ressourcerie.fabrique.social.gouv.fr/def/theme/geographie"
DRAWN = "window.cy && window.cy.nodes().length > 0 && window.cy.nodes()[0].renderedPosition().x !== undefined"


def test_network_map_in_the_browser(live_server, page) -> None:  # type: ignore[no-untyped-def]
    whole = httpx.get(live_server.url + "/network.json").json()
    page.goto(live_server.url + "/network")
    page.wait_for_function(DRAWN)
    assert page.evaluate("window.cy.nodes().length") == whole["counts"]["nodes"]
    assert page.evaluate("window.cy.edges().length") == whole["counts"]["edges"]
    assert page.locator("noscript").count() == 1 and page.locator("#network").is_visible()
    # a click on a node shows its name and a link to its page
    page.locator("#network-canvas").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    node = page.evaluate(
        """() => { const n = window.cy.nodes().max(n => n.degree()).ele; const p = n.renderedPosition();
                   const box = document.getElementById('network-canvas').getBoundingClientRect();
                   return {x: box.left + p.x, y: box.top + p.y, label: n.data('label'), href: n.data('href')}; }"""
    )
    page.mouse.click(node["x"], node["y"])
    details = page.locator("#network-details")
    details.get_by_text(node["label"]).wait_for()
    assert details.locator("a").get_attribute("href") == node["href"]
    screenshot(page, "network")
    # filtering by a theme reloads the map with its part of the network only
    page.select_option("#filtre-theme", GEO)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/network?theme=*")
    page.wait_for_function(DRAWN)
    geo = httpx.get(live_server.url + "/network.json", params={"theme": GEO}).json()
    assert page.evaluate("window.cy.nodes().length") == geo["counts"]["nodes"] < whole["counts"]["nodes"]
    assert page.locator("#filtre-theme").input_value() == GEO


def test_workbench_runs_an_example_query(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/sparql")
    page.locator(".yasgui .tabsList").wait_for()
    assert page.locator("#atelier-formulaire").is_hidden()  # the plain form gives way to YASGUI
    page.get_by_role("tab", name="Recherche dans les textes").click()
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=20000)
    assert rows.count() > 5
    assert "emploi" in page.locator(".tabPanel.active .yasr").inner_text().lower()
    screenshot(page, "workbench")


def test_named_query_page_and_its_csv(live_server, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/queries/text-search")
    page.fill("#param-q", "inclusion")
    page.get_by_role("button", name="Exécuter la requête").click()
    table = page.locator("#resultats table")
    table.wait_for()
    shown = table.locator("tbody tr").count()
    assert shown > 0
    with page.expect_download() as download:
        page.locator("#telecharger-csv").click()
    path = tmp_path / "results.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as f:  # the BOM tells spreadsheets it is UTF-8
        rows = list(csv.reader(f))
    assert rows[0] == [
        "Texte cherché",
        "Ressource",
        "Titre",
        "Description",
        "Rang (1 titre, 2 mots-clés, 3 description)",
    ]
    assert len(rows) - 1 == shown
    assert [r[2] for r in rows[1:]] == [c.inner_text() for c in table.locator("tbody tr td:nth-child(3)").all()]
    screenshot(page, "query")
