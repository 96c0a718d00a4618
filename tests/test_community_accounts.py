"""Signing in with ProConnect (a real OpenID provider on 127.0.0.1), person records published only with consent,
seen, corrected and deleted without a triple left behind."""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from graph.community.oidc import OidcClient, Pending, SignInFailed
from graph.config import Settings
from graph.web.contrib.signing import ACCOUNT_COOKIE
from tests.community import TESTSERVER, sign_in, through_provider
from tests.test_community_questions import BASE, SIRENE, approve, ask, post_form, submitted

PERSON_TRIPLES = (
    "ASK {{ {{ <{p}> ?x ?y }} UNION {{ ?x ?y <{p}> }} UNION {{ ?s ?x ?y . FILTER(STRSTARTS(STR(?s), '{p}#')) }} }}"
)


def test_sign_in_and_out_through_the_provider(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    assert client.get("/account", follow_redirects=False).headers["location"].startswith("/login")
    r = client.get("/login", params={"back": "/questions"}, follow_redirects=False)
    authorize = urlparse(r.headers["location"])
    query = parse_qs(authorize.query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "siret", "organizational_unit"}
    back = through_provider(r.headers["location"], f"{TESTSERVER}/login/callback", "alice")
    done = client.get(back.removeprefix(TESTSERVER), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/account")  # a first sign-in
    page = client.get("/account", headers={"Accept": "text/html"}).text
    assert "alice.martin@example.gouv.fr" in page and "11000000100017" in page and "Bureau des données" in page
    assert "Direction de l&#39;exemple" in page  # the organisation its SIRET names
    # signing out closes the session here, then sends the browser to the provider's logout
    token = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    end = urlparse(r.headers["location"])
    assert end.path == "/session/end" and "id_token_hint" in parse_qs(end.query)
    assert parse_qs(end.query)["post_logout_redirect_uri"] == [f"{TESTSERVER}/logout/done"]
    assert client.get("/account", follow_redirects=False).status_code == 303  # signed out
    with httpx.Client(follow_redirects=False) as browser:  # the provider's own sign-out page
        confirm = browser.get(r.headers["location"])
        assert confirm.status_code == 200 and "<form" in confirm.text


def test_a_state_that_does_not_match_is_refused(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    r = client.get("/login", follow_redirects=False)
    back = through_provider(r.headers["location"], f"{TESTSERVER}/login/callback", "alice")
    forged = re.sub(r"state=[^&]+", "state=forged", back)
    refused = client.get(forged.removeprefix(TESTSERVER), follow_redirects=False)
    assert refused.status_code == 400 and "state" in refused.text
    assert client.get("/account", follow_redirects=False).status_code == 303  # not signed in
    # a callback from a sign-in this browser never started is refused too
    other = client.__class__(client.app)
    assert other.get(back.removeprefix(TESTSERVER), follow_redirects=False).status_code == 400


@pytest.fixture(scope="module")
def real_tokens(oidc_smtp):  # type: ignore[no-untyped-def]
    """A real ID token from the provider, with the nonce it was asked for, got by the client's own steps."""
    provider, _smtp = oidc_smtp
    settings = Settings(store_path=":memory:", **provider.settings())  # type: ignore[arg-type]
    client = OidcClient(settings)
    url, pending = client.begin(f"{TESTSERVER}/login/callback")
    back = through_provider(url, f"{TESTSERVER}/login/callback", "bruno")
    params = parse_qs(urlparse(back).query)
    identity = client.finish(params["code"][0], params["state"][0], f"{TESTSERVER}/login/callback", pending)
    return client, identity, pending


def test_the_id_token_and_its_claims(real_tokens) -> None:  # type: ignore[no-untyped-def]
    client, identity, pending = real_tokens
    assert identity.claims["sub"] == "bruno" and identity.claims["usual_name"] == "Durand"
    assert identity.claims["siret"] == "11000000200023"  # from the user information, a signed JWT
    assert client.verify(identity.id_token, pending.nonce)["sub"] == "bruno"


def test_a_nonce_that_does_not_match_is_refused(real_tokens) -> None:  # type: ignore[no-untyped-def]
    client, identity, _pending = real_tokens
    with pytest.raises(SignInFailed, match="nonce"):
        client.verify(identity.id_token, "another-nonce")


def test_a_tampered_id_token_is_refused(real_tokens) -> None:  # type: ignore[no-untyped-def]
    client, identity, pending = real_tokens
    header, payload, signature = identity.id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "alice"  # someone else
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(SignInFailed, match="signature"):
        client.verify(f"{header}.{forged}.{signature}", pending.nonce)
    unsigned = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    with pytest.raises(SignInFailed):
        client.verify(f"{unsigned}.{payload}.", pending.nonce)


def test_a_token_for_another_client_is_refused(real_tokens, oidc_smtp) -> None:  # type: ignore[no-untyped-def]
    _client, identity, pending = real_tokens
    provider, _smtp = oidc_smtp
    settings = Settings(store_path=":memory:", **{**provider.settings(), "oidc_client_id": "another-client"})  # type: ignore[arg-type]
    with pytest.raises(SignInFailed, match="aud"):
        OidcClient(settings).verify(identity.id_token, pending.nonce)


def test_an_expired_session_is_signed_out(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client(session_hours=1 / 3600)  # one second
    assert sign_in(client, "alice").status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 200
    time.sleep(1.5)
    assert client.get("/account", follow_redirects=False).status_code == 303  # to /login again
    # and a session cookie altered by hand is not one
    client.cookies.set(ACCOUNT_COOKIE, "forged.9999999999.signature")
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_person_record_only_with_consent_then_deleted_without_a_triple_left(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client()
    sign_in(client, "alice")
    assert not ask(client, 'ASK { ?p a foaf:Person ; foaf:name "Alice Martin" }')  # nothing without consent
    page = client.get("/account", headers={"Accept": "text/html"}).text
    token = re.search(r'action="/account">\s*<input type="hidden" name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf": token, "shown_name": "", "consent": "oui", "role": BASE + "def/role/donnees", "contactable": "oui"}
    assert client.post("/account", data=data, follow_redirects=False).headers["location"] == "/account?done=published"
    person = BASE + "person/alice-martin"
    organisation = BASE + "organisation/direction-de-l-exemple"
    assert ask(
        client,
        f"""ASK {{ GRAPH <{BASE}graph/people> {{
            <{person}> a foaf:Person ; foaf:name "Alice Martin" ; rsr:contactable true .
            ?m org:member <{person}> ; org:organization <{organisation}> ; org:role <{BASE}def/role/donnees> }} }}""",
    )
    assert not ask(client, f"ASK {{ <{person}> foaf:mbox ?m }}")  # the address is never published
    # her question is signed with her record
    r = post_form(
        client, "/contribute/question", {"title": "Qui a automatisé ses contrôles SIRET ?", "resource": SIRENE}
    )
    [question] = approve(client, submitted(r))
    assert ask(client, f"ASK {{ <{question}> schema:author <{person}> }}")
    assert "Alice Martin" in client.get("/organisation/direction-de-l-exemple", headers={"Accept": "text/html"}).text
    # she corrects it (the name she shows), then deletes it: every triple naming her goes, in one write
    data.update({"shown_name": "A. Martin", "contactable": ""})
    client.post("/account", data=data, follow_redirects=False)
    assert not ask(client, f"ASK {{ <{person}> rsr:contactable ?c }}")
    data.pop("consent")
    assert client.post("/account", data=data, follow_redirects=False).headers["location"] == "/account?done=removed"
    assert not ask(client, PERSON_TRIPLES.format(p=person))
    assert ask(
        client, f'ASK {{ <{question}> schema:author ?a . ?a foaf:name "Contributeur ou contributrice anonyme" }}'
    )
    assert client.get("/person/alice-martin").status_code == 404
    hits = client.get("/search.json", params={"q": "Alice Martin"}).json()["results"]
    assert person not in [h["iri"] for h in hits]
    journal = client.app.state.desk.journal
    assert all(title != "Alice Martin" for e in journal.entries(None, 100) for _r, title in e.records)
    # deleting the account: its address leaves the submissions it sent
    page = client.get("/account", headers={"Accept": "text/html"}).text
    token = re.search(r'action="/account/delete">\s*<input type="hidden" name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/account/delete", data={"csrf": token}, follow_redirects=False).status_code == 303
    subs = client.app.state.desk.submissions
    assert all(s.contributor_email != "alice.martin@example.gouv.fr" for s in subs.of_account("alice"))
    assert subs.of_account("alice") == [] and client.app.state.desk.accounts.get("alice") is None


def test_an_instance_may_refuse_anonymous_contributions(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client(anonymous_contributions=False)
    r = client.post(
        "/api/contributions/question",
        json={
            "title": "Une question anonyme possible ?",
            "resource": SIRENE,
            "contributor_name": "X",
            "contributor_email": "x@example.gouv.fr",
        },
    )
    assert r.status_code == 401 and "ProConnect" in r.json()["detail"]
    sign_in(client, "bruno")
    r = client.post("/api/contributions/question", json={"title": "Une question signée possible ?", "resource": SIRENE})
    assert r.status_code == 201, r.text


def test_the_personal_data_page_says_what_accounts_keep(community_client) -> None:  # type: ignore[no-untyped-def]
    client = community_client(anonymous_contributions=False)
    moved = client.get("/personal-data", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/donnees-personnelles"
    page = client.get("/donnees-personnelles", headers={"Accept": "text/html"}).text
    assert '<h2 id="comptes">Les comptes</h2>' in page and "<code>rsr_session</code>" in page
    assert "contribuer demande d'être connecté·e" in page and 'href="/account"' in page


def test_pending_survives_only_in_a_signed_cookie() -> None:
    assert Pending.load("not json") is None
    p = Pending("s", "n", "v", "/back")
    assert Pending.load(p.dump()) == p
