"""The mandatory pages (legal notice, accessibility statement, personal data) written from the settings and
linked from every page's footer; one licence statement; error pages in French; /docs from local assets."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.test_pages_markup import shown_text
from tests.test_site import check_accessible

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LEGAL = ("/mentions-legales", "/accessibilite", "/donnees-personnelles")


def get(client: TestClient, path: str, status: int = 200) -> str:
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def footer(page: str) -> str:
    return page[page.index('<footer class="fr-footer"') :]


def test_every_page_links_the_three_mandatory_pages_from_its_footer(client: TestClient) -> None:
    for path in ("/", "/resource/api-sirene", "/document/api-definition", "/nothing-here", *LEGAL):
        links = footer(get(client, path, 404 if path == "/nothing-here" else 200))
        for href, label in [
            ("/mentions-legales", "Mentions légales"),
            ("/accessibilite", "Accessibilité : non conforme"),
            ("/donnees-personnelles", "Données personnelles"),
        ]:
            assert re.search(f'href="{href}"( aria-current="page")?>{label}</a>', links), (path, href)


def test_the_mandatory_pages_say_what_is_not_configured_and_invent_nothing(client: TestClient) -> None:
    for path in LEGAL:
        page = get(client, path)
        check_accessible(page)
        text = shown_text(page)
        assert "renseigné" in text, path  # what the settings leave empty is said to be missing
        assert "mailto:" not in page.split("<main")[1].split("</main>")[0], path  # no address is made up
    statement = shown_text(get(client, "/accessibilite"))
    assert "Ressourcerie est non conforme avec le référentiel général d'amélioration de l'accessibilité" in statement
    assert "Aucun audit de conformité n'a encore été réalisé." in statement
    assert "Libre réponse 71120" in statement and "Défenseur des droits" in statement
    data = get(client, "/donnees-personnelles")
    assert "votre adresse électronique" in shown_text(data) and "jamais publiée" in shown_text(data)
    assert "<code>rsr_csrf</code>" in data and "<code>rsr_moderation</code>" in data  # the cookies, by name
    assert "Les comptes" not in data and "rsr_session" not in data  # no accounts on this instance: not said


def test_the_mandatory_pages_follow_the_settings(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(
        site_operator="Direction de test",
        contact_email="contact@test.gouv.fr",
        operator_address="1 rue de l'Exemple, 75000 Paris",
        publication_director="Camille Martin, directrice",
        hosting_provider="Hébergeur public, 2 rue de l'Hôte, 69000 Lyon, 01 23 45 67 89",
        accessibility_status="partiellement conforme",
        accessibility_audit="Audit réalisé le 3 mars 2026 par un prestataire : 78 % des critères respectés.",
        accessibility_statement_date="2026-03-12",
        dpo_contact="https://dpo.test.gouv.fr/contact",
        personal_data_basis="mission d'intérêt public (RGPD, article 6, 1, e)",
        personal_data_retention="deux ans après la décision sur la contribution",
        feature_contributions=True,
    )
    notice = shown_text(get(c, "/mentions-legales"))
    for said in ("Direction de test", "1 rue de l'Exemple", "Camille Martin, directrice", "Hébergeur public"):
        assert said in notice
    statement = get(c, "/accessibilite")
    assert "Ressourcerie est partiellement conforme" in shown_text(statement)
    assert "78 % des critères" in shown_text(statement) and "établie le 12 mars 2026" in shown_text(statement)
    assert 'href="mailto:contact@test.gouv.fr"' in statement
    assert 'href="/accessibilite" aria-current="page">Accessibilité : partiellement conforme</a>' in footer(statement)
    data = shown_text(get(c, "/donnees-personnelles"))
    assert "mission d'intérêt public" in data and "deux ans après la décision" in data
    assert "https://dpo.test.gouv.fr/contact" in data


def test_one_licence_statement_content_versus_code(client: TestClient) -> None:
    bottom = shown_text(footer(get(client, "/")))
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in bottom and "AGPL-3.0" in bottom
    assert "gardent la licence de leur source" in bottom
    for path in ("/governance", "/mentions-legales"):
        text = shown_text(get(client, path))
        content = text.index("Licence Ouverte")
        sources = text.index("gardent la licence de leur source")
        code = text.index("GNU Affero General Public License")
        assert content < sources < code, path  # the site's content, then what comes from elsewhere, then the code


def test_error_pages_are_in_french(client: TestClient) -> None:
    cases = {
        "/nothing-here": ("Page introuvable", "Aucune fiche n'existe à l'adresse /nothing-here"),
        "/resource/no-such-thing": ("Page introuvable", "Aucune fiche n'existe à l'adresse /resource/no-such-thing."),
        "/queries/no-such-query": ("Page introuvable", "Aucune requête nommée ne porte ce nom."),
        "/search?page=abc": ("Demande incorrecte", "Un paramètre de l'adresse n'est pas valide."),
        "/themes/no-such-theme": ("Page introuvable", "Cette page n'existe pas."),
    }
    for path, (title, said) in cases.items():
        r = client.get(path, headers={"Accept": BROWSER})
        assert r.status_code in (400, 404), path
        text = shown_text(r.text)
        assert f"\n{title}" in text and said in text, (path, text[:600])
        for english in ("Not Found", "Bad Request", "nothing is known", "no record lives", "no named query"):
            assert english not in text.replace("Détail technique (en anglais)", ""), (path, english)
    wrong_method = client.post("/governance", headers={"Accept": BROWSER})
    assert wrong_method.status_code == 405 and "Action non permise à cette adresse" in wrong_method.text
    # programs still get the one JSON shape, in English
    body = client.get("/resource/no-such-thing", headers={"Accept": "application/json"}).json()
    assert body["error"] == "Not Found" and body["detail"].startswith("nothing is known about")


def test_docs_are_served_from_the_project_s_own_assets(client: TestClient) -> None:
    page = get(client, "/docs")
    check_accessible(page)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.split("</header>")[0] + page.split("<footer")[0])
    assert all(
        not s.startswith(("http://", "https://", "//"))
        for s in sources
        if "swagger" in s or s.endswith((".js", ".css"))
    )
    assert "/assets/swagger-ui/swagger-ui-bundle.js" in page and "/assets/swagger-ui/swagger-ui.css" in page
    assert "cdn" not in page.lower()
    for asset in (
        "/assets/swagger-ui/swagger-ui-bundle.js",
        "/assets/swagger-ui/swagger-ui.css",
        "/static/apidocs.js",
        "/static/apidocs.css",
    ):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").json()["paths"]["/docs"]
