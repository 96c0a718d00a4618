"""Questions and answers, "J'utilise aussi", whom to contact, corrections, feeds and notifications, through the
real app signed in with the local OpenID provider and sending e-mail to the local SMTP server."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from graph.namespaces import DCT, PREFIXES
from tests.community import body_of, sign_in
from tests.conftest import COMMUNITY_TOKEN

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SIRENE = BASE + "resource/api-sirene"
BEARER = {"Authorization": f"Bearer {COMMUNITY_TOKEN}"}
ATOM = "{http://www.w3.org/2005/Atom}"
QUESTION = "Qui utilise l'API Sirene pour contrôler des établissements ?"


def csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def post_form(client, path: str, data: dict, lists=(), page: str | None = None):  # type: ignore[no-untyped-def]
    body = [("csrf", csrf(client, page or path)), *data.items(), *lists]
    headers = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}
    return client.post(path, content=urlencode(body), headers=headers, follow_redirects=False)


def submitted(r) -> str:  # type: ignore[no-untyped-def]
    assert r.status_code == 303, r.text[:2000]
    return re.search(r"/contribute/submission/(\w+)", r.headers["location"]).group(1)  # type: ignore[union-attr]


def approve(client, sid: str) -> list[str]:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/moderation/submissions/{sid}/approve", json={"moderator": "Modératrice"}, headers=BEARER)
    assert r.status_code == 200, r.text
    return r.json()["records"]  # type: ignore[no-any-return]


def ask(client, query: str) -> bool:  # type: ignore[no-untyped-def]
    query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + query
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


def entries(client, about: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    r = client.get("/changes.atom", params={"about": about} if about else {})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml"), r.text
    feed = ET.fromstring(r.content)
    return [e.findtext(f"{ATOM}title") or "" for e in feed.findall(f"{ATOM}entry")]


def local(iri: str) -> str:
    """The path of a record on the test service (its IRI is under the production base)."""
    return "/" + iri[len(BASE) :]


def other_browser(client) -> TestClient:  # type: ignore[no-untyped-def]
    """Another person's browser on the same running service (its own cookies)."""
    return TestClient(client.app, raise_server_exceptions=False)


def test_ask_answer_accept_and_find_the_question_everywhere(community_client) -> None:  # type: ignore[no-untyped-def]
    alice = community_client()
    assert sign_in(alice, "alice").status_code == 303
    r = post_form(
        alice, "/contribute/question", {"title": QUESTION, "details": "Pour nos contrôles.", "resource": SIRENE}
    )
    sid = submitted(r)
    assert QUESTION not in alice.get("/resource/api-sirene", headers={"Accept": "text/html"}).text  # pending
    [question] = approve(alice, sid)
    assert question.startswith(BASE + "question/")
    assert ask(
        alice, f"ASK {{ GRAPH <{BASE}graph/questions> {{ <{question}> a schema:Question ; schema:about <{SIRENE}> }} }}"
    )
    # the asker follows their question: the answer's publication reaches them by e-mail
    bruno = other_browser(alice)
    sign_in(bruno, "bruno")
    usage = BASE + "usage/camino--api-sirene"
    page = bruno.get(local(question), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Répondre" in page.text and "Sans réponse" in page.text
    r = post_form(
        bruno,
        "/contribute/answer",
        {"question": question, "text": "Notre service l'utilise pour vérifier les SIRET avant chaque contrôle."},
        lists=[("cites", SIRENE), ("cites", usage)],
        page=local(question),
    )
    [answer] = approve(alice, submitted(r))
    mail = alice.smtp.wait_for(
        lambda m: m["To"] == "alice.martin@example.gouv.fr" and "Réponse publiée" in m["Subject"]
    )
    assert answer in body_of(mail)
    # only the asker may accept, signed in
    accept = {"question": question, "answer": answer}
    r = post_form(bruno, "/questions/accept", accept, page=local(question))
    assert r.status_code == 400
    r = post_form(alice, "/questions/accept", accept, page=local(question))
    assert r.status_code == 303 and r.headers["location"].endswith("#reponse-acceptee")
    assert ask(
        alice, f"ASK {{ <{question}> schema:acceptedAnswer <{answer}> . <{answer}> schema:citation <{SIRENE}> }}"
    )
    page = alice.get(local(question), headers={"Accept": "text/html"}).text
    assert 'id="reponse-acceptee"' in page and "Bruno Durand" in page
    # on the resource page, in search (kind question), in the feeds, on /questions
    resource_page = alice.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    assert QUESTION.replace("'", "&#39;") in resource_page and "réponse acceptée" in resource_page
    assert 'rel="alternate" type="application/atom+xml"' in resource_page
    hits = alice.get("/search.json", params={"q": "contrôler établissements", "kind": "question"}).json()["results"]
    assert [h["iri"] for h in hits] == [question]
    assert any(QUESTION in t for t in entries(alice, SIRENE)), (entries(alice, SIRENE), entries(alice))
    assert any("Réponse acceptée" in t for t in entries(alice, question))
    assert any(QUESTION in t for t in entries(alice))
    listing = alice.get("/questions", params={"status": "answered"}, headers={"Accept": "text/html"}).text
    assert QUESTION.replace("'", "&#39;") in listing
    assert "Aucune question" in alice.get("/questions", params={"status": "open"}, headers={"Accept": "text/html"}).text
    # the network map: who asks about and who answers on the resource
    edges = alice.get("/network.json").json()["edges"]
    kinds = {(e["data"]["kind"], e["data"]["target"]) for e in edges}
    assert ("question", SIRENE) in kinds and ("answer", SIRENE) in kinds
    # "Mes contributions"
    mine = alice.get("/account/contributions", headers={"Accept": "text/html"}).text
    assert "Question" in mine and "Publiée" in mine


def test_a_question_must_be_about_something_and_anonymous_askers_give_an_address(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    r = post_form(client, "/contribute/question", {"title": "Une question sans objet ?", "contributor_name": "Zoé"})
    assert r.status_code == 400
    assert "au moins une ressource, une organisation ou un thème" in r.text.replace("&#39;", "'")
    assert "Indiquez votre adresse électronique" in r.text
    r = client.post(
        "/api/contributions/question",
        json={
            "title": "Quels services utilisent les données de l'emploi ?",
            "themes": [BASE + "def/theme/emploi"],
            "contributor_name": "Zoé",
            "contributor_email": "zoe@example.gouv.fr",
        },
    )
    assert r.status_code == 201, r.text


def test_i_use_it_too_then_write_to_that_user_without_seeing_their_address(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    form = client.get("/contribute/uses", params={"resource": SIRENE}, headers={"Accept": "text/html"})
    assert "J&#39;utilise aussi cette ressource" in form.text and "Ressource : API Sirene" in form.text
    for path in ("/contribute/uses", "/contribute/answer"):  # opened without what they are about
        bare = client.get(path, headers={"Accept": "text/html"})
        assert bare.status_code == 200, (path, bare.text[:300])
    assert 'name="resource"' in client.get("/contribute/uses", headers={"Accept": "text/html"}).text
    r = post_form(
        client,
        "/contribute/uses",
        {
            "resource": SIRENE,
            "organisation": BASE + "organisation/dinum",
            "purpose": "Préremplir les démarches des entreprises.",
            "contactable": "oui",
            "contributor_name": "Chloé",
            "contributor_email": "chloe.secret@example.gouv.fr",
        },
        page=f"/contribute/uses?resource={SIRENE}",
    )
    [usage] = approve(client, submitted(r))
    assert ask(client, f"ASK {{ <{usage}> rsr:contactable true ; duv:refersTo <{SIRENE}> }}")
    page = client.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    assert "Qui contacter parmi ses utilisateurs" in page and "Écrire à cet utilisateur" in page
    assert "chloe.secret" not in page
    contact = client.get("/contact", params={"about": usage}, headers={"Accept": "text/html"})
    assert contact.status_code == 200 and "chloe.secret" not in contact.text
    r = post_form(
        client,
        "/contact",
        {
            "about": usage,
            "name": "Denis",
            "email": "denis@example.gouv.fr",
            "message": "Comment gérez-vous les quotas ?",
        },
        page=f"/contact?about={usage}",
    )
    assert r.status_code == 303
    mail = client.smtp.wait_for(lambda m: m["To"] == "chloe.secret@example.gouv.fr")
    assert mail["Reply-To"] == "denis@example.gouv.fr" and "Comment gérez-vous les quotas ?" in body_of(mail)
    # a usage whose user did not agree cannot be written to
    seed_usage = BASE + "usage/camino--api-sirene"
    assert client.get("/contact", params={"about": seed_usage}, headers={"Accept": "text/html"}).status_code == 404


def test_a_correction_walks_to_a_changed_record_and_leaves_the_source_graph_as_it_was(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client(moderation_emails="moderation@example.gouv.fr")
    store = client.app.state.context.store
    record = NamedNode(SIRENE)
    before = {q.object.value for q in store.quads(record, DCT.title, None, None)}
    form = client.get("/contribute/correction", params={"record": SIRENE}, headers={"Accept": "text/html"})
    assert form.status_code == 200 and 'value="API Sirene"' in form.text
    r = post_form(
        client,
        "/contribute/correction",
        {
            "record": SIRENE,
            "title": "API Sirene",
            "reason": "",
            "contributor_name": "Eve",
            "contributor_email": "eve@example.gouv.fr",
        },
        page=f"/contribute/correction?record={SIRENE}",
    )
    shown = r.text.replace("&#39;", "'")
    assert r.status_code == 400 and "rien changé" in shown and "Dites en une phrase" in shown, shown[
        shown.find("erreurs") :
    ][:3000]
    r = post_form(
        client,
        "/contribute/correction",
        {
            "record": SIRENE,
            "title": "API Sirene (Insee)",
            "keywords": "entreprises, établissements, SIRET",
            "reason": "Le titre ne dit pas qui produit l'API ; les mots-clés manquaient.",
            "contributor_name": "Eve",
            "contributor_email": "eve@example.gouv.fr",
        },
        page=f"/contribute/correction?record={SIRENE}",
    )
    sid = submitted(r)
    client.smtp.wait_for(lambda m: m["To"] == "moderation@example.gouv.fr" and sid in m["Subject"])
    # the moderators see a before/after, then publish into the curation graph
    assert "Avant et après" not in client.get("/moderation", headers={"Accept": "text/html"}).text  # signed out
    login = csrf(client, "/moderation")
    client.post("/moderation/login", data={"csrf": login, "token": COMMUNITY_TOKEN, "name": "Modératrice"})
    page = client.get("/moderation", headers={"Accept": "text/html"}).text
    assert "Avant et après la correction" in page and "API Sirene (Insee)" in page
    [node] = approve(client, sid)
    assert node.startswith(BASE + "correction/")
    curation = f"{BASE}graph/curation"
    assert ask(
        client,
        f"ASK {{ GRAPH <{curation}> {{ <{node}> rsr:corrects <{SIRENE}> ; rsr:overrides dct:title ; prov:wasDerivedFrom ?c }} }}",
    )
    # the source graph is as it was; the site shows the corrected record
    assert {
        q.object.value for q in store.quads(record, DCT.title, None, None) if q.graph_name.value != curation
    } == before
    page = client.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    assert '<h1 id="titre-fiche">API Sirene (Insee)</h1>' in page
    turtle = client.get("/resource/api-sirene.nt").text
    title = f"<{SIRENE}> <{DCT.title.value}>"
    assert f'{title} "API Sirene (Insee)"@fr' in turtle and f'{title} "API Sirene"@fr' not in turtle
    hits = client.get("/search.json", params={"q": "sirene insee"}).json()["results"]
    assert hits and hits[0]["title"] == "API Sirene (Insee)"
    assert any("Correction publiée" in t for t in entries(client, SIRENE))
    # a second correction of the same property replaces the first value, still one title
    r = post_form(
        client,
        "/contribute/correction",
        {
            "record": SIRENE,
            "title": "API Sirene",
            "reason": "Le nom d'usage est plus court.",
            "contributor_name": "Eve",
            "contributor_email": "eve@example.gouv.fr",
        },
        page=f"/contribute/correction?record={SIRENE}",
    )
    approve(client, submitted(r))
    assert not ask(client, f'ASK {{ GRAPH <{curation}> {{ <{SIRENE}> dct:title "API Sirene (Insee)"@fr }} }}')
    assert (
        '<h1 id="titre-fiche">API Sirene</h1>'
        in client.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    )


def test_a_moderator_edits_a_pending_usage_then_makes_a_usage_of_an_answer(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    r = client.post(
        "/api/contributions/usage",
        json={
            "resource": SIRENE,
            "organisation": BASE + "organisation/dares",
            "purpose": "Vérifeir les entreprises",
            "contributor_name": "Paul",
            "contributor_email": "paul@example.gouv.fr",
        },
    )
    sid = r.json()["id"]
    login = csrf(client, "/moderation")
    client.post("/moderation/login", data={"csrf": login, "token": COMMUNITY_TOKEN, "name": "Modératrice"})
    form = client.get(f"/moderation/{sid}/edit", headers={"Accept": "text/html"})
    assert form.status_code == 200 and "Vérifeir les entreprises" in form.text
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    data = {
        "csrf": token,
        "resource": SIRENE,
        "organisation": BASE + "organisation/dares",
        "purpose": "Vérifier les entreprises",
    }
    r = client.post(f"/moderation/{sid}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303 and "done=edited" in r.headers["location"]
    listed = client.get("/api/moderation/submissions", headers=BEARER).json()["submissions"]
    mine = next(s for s in listed if s["id"] == sid)
    assert mine["edited_by"] == "Modératrice" and "Vérifier les entreprises" in mine["statements"]
    [usage] = approve(client, sid)
    assert ask(client, f'ASK {{ <{usage}> dct:description "Vérifier les entreprises"@fr }}')
    # an answer documenting a usage becomes one, in one write
    q = client.post(
        "/api/contributions/question",
        json={
            "title": "Qui vérifie les SIRET des employeurs ?",
            "resource": SIRENE,
            "contributor_name": "Lou",
            "contributor_email": "lou@example.gouv.fr",
        },
    )
    [question] = approve(client, q.json()["id"])
    a = client.post(
        "/api/contributions/answer",
        json={
            "question": question,
            "text": "La Dares, pour ses enquêtes.",
            "contributor_name": "Max",
            "contributor_email": "max@example.gouv.fr",
        },
    )
    [answer] = approve(client, a.json()["id"])
    form = client.get("/moderation/answer-usage", params={"answer": answer}, headers={"Accept": "text/html"})
    assert form.status_code == 200 and "La Dares, pour ses enquêtes." in form.text
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    data = {
        "csrf": token,
        "answer": answer,
        "resource": SIRENE,
        "organisation": BASE + "organisation/dares",
        "purpose": "Enquêtes de la Dares sur les employeurs.",
    }
    r = client.post("/moderation/answer-usage", data=data, follow_redirects=False)
    assert r.status_code == 303
    assert ask(
        client, f"ASK {{ ?u prov:wasDerivedFrom <{answer}> ; duv:refersTo <{SIRENE}> . <{answer}> schema:citation ?u }}"
    )


@pytest.mark.parametrize("path", ["/questions", "/contribute/question", "/changes.atom"])
def test_switched_off_features_answer_404(make_client, path: str) -> None:  # type: ignore[no-untyped-def]
    client = make_client(feature_questions=False, feature_feeds=False)
    assert client.get(path).status_code == 404
    assert client.get("/login").status_code == 404  # accounts are off by default
    page = client.get("/resource/api-sirene", headers={"Accept": "text/html"}).text
    assert "Poser une question" not in page and "application/atom+xml" not in page
