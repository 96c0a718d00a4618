"""Contributions and moderation, through the real app: forms, JSON API, private pending store, publication."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

import pytest
import rdflib
from pyoxigraph import NamedNode

from graph.namespaces import DCT, PREFIXES
from graph.paths import bundled

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
TOKEN = "moderators-secret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RESOURCE = {
    "title": "API Registre des contributions",
    "kind": "api",
    "tagline": "Les contributions d'un registre de test.",
    "description": "Une API qui sert aux tests des contributions.",
    "producer": BASE + "organisation/dares",
    "keywords": "test, contributions",
    "landing_page": "https://example.org/registre",
    "documentation": "https://example.org/registre/doc",
    "endpoint": "https://api.example.org/registre/v1",
    "access": "open",
    "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "contact_email": "registre@example.org",
    "contributor_name": "Alice Martin",
    "contributor_email": "alice.martin@example.gouv.fr",
}
THEME = BASE + "def/theme/emploi"


def shape_message(cls: str, path: str) -> str:
    """The French message of the property shape of ``cls``'s node shape on ``path`` (a violation)."""
    g = rdflib.Graph().parse(bundled("shapes/ressourcerie.ttl"))
    node = next(g.subjects(SH.targetClass, rdflib.URIRef(cls)))
    for prop in g.objects(node, SH.property):
        if g.value(prop, SH.path) == rdflib.URIRef(path) and g.value(prop, SH.severity) is None:
            text = next(str(m) for m in g.objects(prop, SH.message) if m.language == "fr")
            return re.sub(r" \([a-z]+:\w+\)(?=\.$)", "", text)  # a form leaves out the property's name
    raise AssertionError(f"no shape on {path}")


def html_text(s: str) -> str:
    return s.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


def group_of(html: str, name: str) -> str:
    """The form group (input group, select group or fieldset) of a field."""
    m = re.search(
        rf'<div class="fr-(?:input|select)-group[^"]*">\s*<label class="fr-label" for="f-{name}">.*?</div>', html, re.S
    )
    if m is None:
        m = re.search(rf'<fieldset[^>]*id="f-{name}".*?</fieldset>', html, re.S)
    assert m is not None, f"no group for {name}"
    return html_text(m.group(0))


@pytest.fixture
def client(make_client):  # type: ignore[no-untyped-def]
    return make_client(moderation_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())


def csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def post_form(client, path: str, data: dict, themes: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    body = [("csrf", csrf(client, path)), *data.items(), *(("themes", t) for t in themes)]
    headers = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}
    return client.post(path, content=urlencode(body), headers=headers, follow_redirects=False)


def submit_resource(client, **changes):  # type: ignore[no-untyped-def]
    r = client.post("/api/contributions/resource", json={**RESOURCE, "themes": [THEME], **changes})
    assert r.status_code == 201, r.text
    return r.json()


def login(client, name: str = "Bruno") -> str:  # type: ignore[no-untyped-def]
    """Log in on the moderation page; the CSRF token of its forms."""
    token = csrf(client, "/moderation")
    client.post("/moderation/login", data={"csrf": token, "token": TOKEN, "name": name}, follow_redirects=False)
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/moderation").text).group(1)  # type: ignore[union-attr]


def pending(client) -> list[dict]:  # type: ignore[no-untyped-def]
    return client.get("/api/moderation/submissions", headers=BEARER).json()["submissions"]


def ask(client, query: str) -> bool:  # type: ignore[no-untyped-def]
    query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + query
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


# --- forms ------------------------------------------------------------------------------------------------------


def test_an_invalid_form_comes_back_with_the_shapes_messages_next_to_their_fields(client) -> None:  # type: ignore[no-untyped-def]
    data = {**RESOURCE, "title": "", "kind": "", "landing_page": "pas une adresse", "producer": ""}
    r = post_form(client, "/contribute/resource", data)
    assert r.status_code == 400
    dcat = "http://www.w3.org/ns/dcat#"
    assert shape_message(dcat + "Resource", str(DCT.title.value)) in group_of(r.text, "title")
    assert shape_message(dcat + "Resource", str(DCT.type.value)) in group_of(r.text, "kind")
    assert shape_message(dcat + "Resource", str(DCT.publisher.value)) in group_of(r.text, "producer")
    assert shape_message(dcat + "Resource", dcat + "landingPage") in group_of(r.text, "landing_page")
    assert "fr-error-text" not in group_of(r.text, "description")
    summary = re.search(r'<div class="fr-alert fr-alert--error[^>]*id="erreurs".*?</div>', r.text, re.S).group(0)  # type: ignore[union-attr]
    assert 'href="#f-title"' in summary and 'href="#f-landing_page"' in summary
    assert 'value="pas une adresse"' in r.text  # what was typed is kept
    assert pending(client) == []


def test_the_contributor_is_checked_too(client) -> None:  # type: ignore[no-untyped-def]
    r = post_form(client, "/contribute/resource", {**RESOURCE, "contributor_email": "pas-une-adresse"}, (THEME,))
    assert r.status_code == 400
    assert "adresse électronique n'est pas valide" in group_of(r.text, "contributor_email")
    r = post_form(client, "/contribute/resource", {**RESOURCE, "title": "x" * 201}, (THEME,))
    assert r.status_code == 400 and "au plus 200" in group_of(r.text, "title")


def test_a_valid_proposal_is_pending_and_nowhere_public(client) -> None:  # type: ignore[no-untyped-def]
    r = post_form(client, "/contribute/resource", RESOURCE, (THEME,))
    assert r.status_code == 303
    sid = re.search(r"/contribute/submission/(\w+)", r.headers["location"]).group(1)  # type: ignore[union-attr]
    page = client.get(r.headers["location"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and sid in page.text and "En attente de modération" in page.text
    assert RESOURCE["contributor_email"] not in page.text
    status = client.get(f"/api/contributions/{sid}").json()
    assert status["status"] == "pending" and "contributor" not in status
    [item] = pending(client)
    record = item["record"]
    assert item["id"] == sid and item["report"]["conforms"]
    assert client.get("/" + record[len(BASE) :]).status_code == 404
    assert not ask(client, f'ASK {{ ?s ?p "{RESOURCE["title"]}"@fr }}')
    assert not ask(client, f"ASK {{ GRAPH ?g {{ <{record}> ?p ?o }} }}")
    assert not ask(client, f"ASK {{ ?s ?p <mailto:{RESOURCE['contributor_email']}> }}")


def test_approval_publishes_with_provenance(client) -> None:  # type: ignore[no-untyped-def]
    sid = submit_resource(client)["id"]
    record = pending(client)[0]["record"]
    r = client.post(f"/api/moderation/submissions/{sid}/approve", headers=BEARER, json={"moderator": "Bruno Modère"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["records"] == [record]
    page = client.get("/" + record[len(BASE) :], headers={"Accept": "text/html"})
    assert page.status_code == 200 and RESOURCE["title"] in page.text
    found = client.get("/search.json", params={"q": "registre des contributions"}).json()
    assert record in [r["iri"] for r in found["results"]]  # the search index followed the publication
    contribution = f"<{BASE}contribution/{sid}>"
    graph = f"<{BASE}graph/contributions>"
    assert ask(client, f"ASK {{ GRAPH {graph} {{ <{record}> prov:wasDerivedFrom {contribution} }} }}")
    assert ask(
        client,
        f"""ASK {{ <{record}> prov:wasGeneratedBy ?a ; prov:wasAttributedTo ?who . ?who foaf:name "Alice Martin" .
        ?a prov:used {contribution} ; prov:endedAtTime ?t ; prov:wasAssociatedWith ?m . ?m foaf:name "Bruno Modère" }}""",
    )
    turtle = client.get("/" + record[len(BASE) :] + ".ttl").text
    assert RESOURCE["contributor_email"] not in turtle
    assert client.get(f"/api/contributions/{sid}").json()["status"] == "approved"
    again = client.post(f"/api/moderation/submissions/{sid}/approve", headers=BEARER)
    assert again.status_code == 409 and again.json()["ok"] is False


def test_rejection_needs_a_reason_and_publishes_nothing(client) -> None:  # type: ignore[no-untyped-def]
    sid = submit_resource(client)["id"]
    record = pending(client)[0]["record"]
    assert client.post(f"/api/moderation/submissions/{sid}/reject", headers=BEARER, json={}).status_code == 400
    r = client.post(f"/api/moderation/submissions/{sid}/reject", headers=BEARER, json={"reason": "Hors du champ."})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert client.get(f"/api/contributions/{sid}").json()["reason"] == "Hors du champ."
    assert "Hors du champ." in client.get(f"/contribute/submission/{sid}", headers={"Accept": "text/html"}).text
    assert client.get("/" + record[len(BASE) :]).status_code == 404
    assert pending(client) == []


def test_a_failed_approval_changes_nothing(client) -> None:  # type: ignore[no-untyped-def]
    sid = submit_resource(client)["id"]
    resource = client.post(f"/api/moderation/submissions/{sid}/approve", headers=BEARER).json()["records"][0]
    usage = client.post(
        "/api/contributions/usage",
        json={
            "resource": resource,
            "organisation": BASE + "organisation/dares",
            "purpose": "Suivre les contributions.",
            "contributor_name": "Chloé",
            "contributor_email": "chloe@example.gouv.fr",
        },
    )
    assert usage.status_code == 201, usage.text
    ctx = client.app.state.context
    ctx.writer.remove_record(NamedNode(resource))  # the store changes after the submission
    before = ctx.store.stats().quads
    r = client.post(f"/api/moderation/submissions/{usage.json()['id']}/approve", headers=BEARER)
    assert r.status_code == 422 and r.json()["report"]["violations"] >= 1
    assert any(x["path"] == "duv:refersTo" for x in r.json()["report"]["results"])
    assert ctx.store.stats().quads == before
    assert client.get(f"/api/contributions/{usage.json()['id']}").json()["status"] == "pending"
    token = login(client)  # the same from the moderation page: refused, with the report shown
    page = client.post(
        f"/moderation/{usage.json()['id']}/approve", data={"csrf": token}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 422 and ctx.store.stats().quads == before
    refusal = html_text(re.search(r'<div[^>]*id="refus".*?</div>', page.text, re.S).group(0))  # type: ignore[union-attr]
    assert "duv:refersTo" in refusal and "Rien n'a été écrit" in refusal


def test_a_taken_iri_is_not_overwritten(client) -> None:  # type: ignore[no-untyped-def]
    first = submit_resource(client, title="API Sirene")["id"]
    assert pending(client)[0]["record"] == BASE + "resource/api-sirene-2"
    second = submit_resource(client, title="API Sirene")["id"]
    one = client.post(f"/api/moderation/submissions/{first}/approve", headers=BEARER).json()["records"]
    two = client.post(f"/api/moderation/submissions/{second}/approve", headers=BEARER).json()["records"]
    assert one == [BASE + "resource/api-sirene-2"] and two == [BASE + "resource/api-sirene-2-2"]
    sirene = client.get("/resource/api-sirene.ttl").text
    assert "prov:wasDerivedFrom" not in sirene


def test_usage_with_a_new_organisation_service_and_rating(client) -> None:  # type: ignore[no-untyped-def]
    data = {
        "resource": BASE + "resource/api-sirene",
        "organisation": "other",
        "organisation_name": "Mairie de Testville",
        "organisation_type": BASE + "def/organisation-type/collectivite",
        "service_name": "Guichet Testville",
        "service_url": "https://guichet.testville.fr/",
        "purpose": "Préremplir les démarches des entreprises.",
        "result": "Moins de saisie pour les usagers.",
        "since": "2022",
        "rating": "4",
        "contributor_name": "Chloé",
        "contributor_email": "chloe@example.gouv.fr",
    }
    r = post_form(client, "/contribute/usage", data)
    assert r.status_code == 303, r.text
    [item] = pending(client)
    assert item["report"]["conforms"]
    client.post(f"/api/moderation/submissions/{item['id']}/approve", headers=BEARER).raise_for_status()
    page = client.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    assert "Préremplir les démarches des entreprises." in page
    assert ask(client, 'ASK { ?u duv:refersTo ?r ; prov:wasAssociatedWith ?o . ?o foaf:name "Mairie de Testville"@fr }')
    assert ask(client, "ASK { ?f a duv:RatingFeedback ; duv:hasRating ?x ; oa:hasTarget ?u . ?u rsr:outcome ?o }")


# --- protections --------------------------------------------------------------------------------------------------


def test_csrf_and_honeypot(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/contribute/resource", data={**RESOURCE, "csrf": "1.forged"}, headers={"Accept": "text/html"})
    assert r.status_code == 403 and "a expiré" in html_text(r.text)
    token = csrf(client, "/contribute/resource")
    client.cookies.clear()  # another browser: the token was not issued to it
    r = client.post("/contribute/resource", data={**RESOURCE, "csrf": token}, headers={"Accept": "text/html"})
    assert r.status_code == 403
    r = post_form(client, "/contribute/resource", {**RESOURCE, "site_internet": "http://spam.example"}, (THEME,))
    assert r.status_code == 400 and "Ne pas remplir" in r.text
    token = csrf(client, "/contribute/usage")  # a token is good for its own form only
    r = client.post("/contribute/resource", data={**RESOURCE, "csrf": token}, headers={"Accept": "text/html"})
    assert r.status_code == 403
    assert pending(client) == []


def test_json_api_errors(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/contributions/resource", content="title=x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["ok"] is False
    r = client.post("/api/contributions/resource", json={**RESOURCE, "title": "", "landing_page": "nope"})
    body = r.json()
    assert r.status_code == 422 and set(body) >= {"ok", "status", "error", "detail", "fields", "report"}
    assert set(body["fields"]) == {"title", "landing_page"}
    created = client.post("/api/contributions/resource", json={**RESOURCE, "themes": [THEME]})
    assert created.status_code == 201 and created.headers["location"] == created.json()["url"]
    assert client.get(created.json()["url"]).json()["status"] == "pending"
    assert client.get("/api/contributions/zzzzzzzzzz").status_code == 404
    big = client.post("/api/contributions/resource", json={**RESOURCE, "description": "x" * 70_000})
    assert big.status_code == 413
    assert client.get("/api/moderation/submissions").status_code == 401
    wrong = client.get("/api/moderation/submissions", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "invalid_token" in wrong.headers["www-authenticate"]
    assert client.post("/api/moderation/submissions/zzzzzzzzzz/approve", headers=BEARER).status_code == 404


def test_moderation_closed_without_a_token(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    r = c.get("/api/moderation/submissions", headers=BEARER)
    assert r.status_code == 403 and "moderation_token_sha256" in r.json()["detail"]
    assert c.get("/moderation", headers={"Accept": "text/html"}).status_code == 403


def test_feature_off_is_404(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(feature_contributions=False, moderation_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    for path in ("/contribute", "/contribute/resource", "/contribute/usage", "/moderation", "/api/contributions/x"):
        r = c.get(path)
        assert r.status_code == 404 and r.json()["ok"] is False, path
    assert c.post("/api/contributions/resource", json=RESOURCE).status_code == 404
    assert c.get("/api/moderation/submissions", headers=BEARER).status_code == 404
    assert 'href="/contribute"' not in c.get("/governance", headers={"Accept": "text/html"}).text.split("<main")[0]


# --- moderation in the browser -----------------------------------------------------------------------------------------


def test_moderation_login_approve_and_logout(client) -> None:  # type: ignore[no-untyped-def]
    sid = submit_resource(client)["id"]
    html = {"Accept": "text/html"}
    login = client.get("/moderation", headers=html)
    assert login.status_code == 200 and 'name="token"' in login.text
    token = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    bad = client.post("/moderation/login", data={"csrf": token, "token": "nope", "name": "Bruno"}, headers=html)
    assert bad.status_code == 401 and "n'est pas celui des modérateurs" in html_text(bad.text)
    ok = client.post("/moderation/login", data={"csrf": token, "token": TOKEN, "name": "Bruno"}, follow_redirects=False)
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    listing = client.get("/moderation", headers=html)
    assert sid in listing.text and RESOURCE["title"] in listing.text and "Conforme aux règles" in listing.text
    token = re.search(r'name="csrf" value="([^"]+)"', listing.text).group(1)  # type: ignore[union-attr]
    done = client.post(f"/moderation/{sid}/approve", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(f"/api/contributions/{sid}").json()["status"] == "approved"
    record = client.get(f"/api/contributions/{sid}").json()["records"][0]
    assert "Publié par Bruno" in client.get("/" + record[len(BASE) :], headers=html).text
    client.post("/moderation/logout")
    assert 'name="token"' in client.get("/moderation", headers=html).text


# --- governance -------------------------------------------------------------------------------------------------------


def test_governance_page_follows_the_configuration(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(scope="Santé au travail", site_operator="Direction de test", feature_map=False)
    page = c.get("/governance", headers={"Accept": "text/html"})
    text = html_text(page.text)
    assert page.status_code == 200 and "Santé au travail" in text and "Direction de test" in text
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in text
    assert "seed/apigouv/" in text and "AGPL-3.0" in text
    data = c.get("/governance", headers={"Accept": "application/json"}).json()
    assert data["features"]["feature_map"] is False and data["features"]["feature_contributions"] is True
    assert any(g["graph"] == BASE + "graph/seed/apigouv" for g in data["graphs"])
    assert "/governance?format=json" in page.headers["link"]
