"""Abuse limits: a burst of submissions from one client is throttled (429, in French); the moderation queue pages
through everything pending, the newest included; spam signals; the mail queue never holds a request."""

from __future__ import annotations

import hashlib
import re
import socket
import time

from graph.community.database import Database
from graph.community.journal import Entry
from graph.community.mail import Mail, Outbox
from graph.community.spam import signals
from graph.config import Settings
from graph.submissions import Submission
from graph.web.ratelimit import RateLimiter
from tests.test_community_questions import BASE, SIRENE

TOKEN = "moderators-abuse-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def usage(n: int) -> dict[str, str]:
    return {
        "resource": SIRENE,
        "organisation": BASE + "organisation/dares",
        "purpose": f"Usage de test numéro {n}, pour vérifier les entreprises.",
        "contributor_name": "Robot",
        "contributor_email": "robot@example.gouv.fr",
    }


def test_a_burst_of_200_submissions_is_throttled(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(rate_limit_posts=20, rate_limit_window=600)
    codes = [client.post("/api/contributions/usage", json=usage(n)).status_code for n in range(200)]
    assert codes.count(201) == 20 and codes.count(429) == 180 and codes[:20] == [201] * 20
    r = client.post("/api/contributions/usage", json=usage(201))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.json()["detail"].startswith("Trop d'envois depuis votre poste")
    # the forms too, as a page in French
    page = client.post(
        "/contribute/usage",
        content="csrf=x",
        headers={"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 429 and "Trop d&#39;envois depuis votre poste" in page.text
    assert client.get("/contribute/usage").status_code == 200  # reading is not limited


def test_the_limit_is_per_client_and_slides() -> None:
    limiter = RateLimiter(3, 60)
    assert [limiter.hit("a", now=t) for t in (0, 1, 2)] == [None, None, None]
    assert limiter.hit("a", now=3) == 57  # the first post leaves the window at 60
    assert limiter.hit("b", now=3) is None
    assert limiter.hit("a", now=60.5) is None


def test_the_moderation_queue_pages_through_everything_pending(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(moderation_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())
    first_id = client.post("/api/contributions/usage", json=usage(0)).json()["id"]
    submissions = client.app.state.desk.submissions
    model = submissions.get(first_id)
    ids = [first_id] + [
        submissions.create(
            "usage", usage(n), model.record, model.statements, "Robot", "robot@example.gouv.fr", client="c1"
        ).id
        for n in range(1, 105)
    ]
    # the API: every page, with the total and the next page; the newest on the last one
    pages = [client.get("/api/moderation/submissions?per_page=50", headers=BEARER).json()]
    while "next" in pages[-1]:
        pages.append(client.get(pages[-1]["next"], headers=BEARER).json())
    assert [p["count"] for p in pages] == [50, 50, 5] and pages[0]["total"] == 105
    listed = [s["id"] for p in pages for s in p["submissions"]]
    assert len(listed) == len(set(listed)) == 105 and set(listed) == set(ids)  # all of them, once
    assert listed[0] == ids[0] and ids[-1] in listed[-5:]  # oldest first (to the millisecond), the newest last
    assert client.get("/api/moderation/submissions?per_page=0", headers=BEARER).status_code == 400
    # the page for browsers: 20 a page, the newest proposal on the last page
    login = re.search(r'name="csrf" value="([^"]+)"', client.get("/moderation").text).group(1)  # type: ignore[union-attr]
    client.post("/moderation/login", data={"csrf": login, "token": TOKEN, "name": "Modo"})
    page1 = client.get("/moderation", headers={"Accept": "text/html"}).text
    assert "105 contributions en attente" in page1 and "Page 1 sur 6" in page1
    assert page1.count('class="rsr-entry') == 20 and f'id="contribution-{ids[0]}"' in page1
    last = client.get("/moderation", params={"page": 6}, headers={"Accept": "text/html"}).text
    assert f'id="contribution-{ids[-1]}"' in last and last.count('class="rsr-entry') == 5
    # the spam signals are shown: 104 submissions from one client within the hour
    assert "104 contributions envoyées depuis le même poste dans l&#39;heure" in last
    assert client.get("/moderation", params={"page": "x"}).status_code == 400


def _sub(sid: str, text: str, account: str | None = None) -> Submission:
    return Submission(
        sid, "usage", "pending", "2026-01-01T00:00:00Z", "A", "a@b.fr", {"purpose": text}, None, [], account=account
    )  # type: ignore[arg-type]


def test_spam_signals() -> None:
    links = _sub("a", "Voir https://a.example https://b.example https://c.example https://d.example")
    assert signals(links, [], 0, False) == ["4 liens dans les textes"]
    shouting = _sub("b", "ACHETEZ MAINTENANT NOS SERVICES EXCEPTIONNELS")
    assert signals(shouting, [], 0, False) == ["Texte écrit surtout en majuscules"]
    twin = _sub("c", "Un texte recopié à l'identique plusieurs fois")
    assert signals(twin, [twin, _sub("d", "Un texte recopié à l'identique plusieurs fois")], 6, True) == [
        "Même texte que 1 autre contribution(s) en attente",
        "6 contributions envoyées depuis le même poste dans l'heure",
        "Envoyée sans connexion",
    ]
    assert signals(_sub("e", "Un usage ordinaire de la ressource.", account="x"), [], 1, True) == []


def test_the_mail_queue_never_holds_a_request(make_client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An SMTP server that does not answer: the submission is answered at once; the message waits in the outbox."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections, never speaks SMTP
    port = silent.getsockname()[1]
    try:
        client = make_client(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_starttls=False,
            smtp_timeout=5.0,
            smtp_from="robot@example.gouv.fr",
            moderation_emails="moderation@example.gouv.fr",
        )
        start = time.perf_counter()
        assert client.post("/api/contributions/usage", json=usage(1)).status_code == 201
        assert time.perf_counter() - start < 3.0
        outbox = client.app.state.desk.outbox
        assert outbox.pending() == 1
    finally:
        silent.close()


def test_without_smtp_nothing_is_queued() -> None:
    outbox = Outbox(Database.open(":memory:"), Settings(store_path=":memory:"))
    assert not outbox.enabled and outbox.put(Mail("a@example.gouv.fr", "s", "b")) is False
    assert Entry(1, "2026-01-01T00:00:00Z", "load", "Chargement", 0).records == []
