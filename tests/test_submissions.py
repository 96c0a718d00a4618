from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.config import Settings
from graph.iris import Iris
from graph.namespaces import DCT
from graph.submissions import APPROVED, PENDING, REJECTED, SubmissionStore

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"


def test_a_submission_round_trips_and_its_decision_replaces_its_status(tmp_path: Path) -> None:
    store = SubmissionStore(str(tmp_path / "subs"), Iris(BASE))
    record = NamedNode(BASE + "resource/x")
    statements = [Triple(record, DCT.title, Literal("X", language="fr"))]
    sub = store.create("resource", {"title": "X", "themes": ["t"]}, record, statements, "Alice", "alice@example.org")
    again = store.get(sub.id)
    assert again is not None
    assert (again.status, again.contributor_email, again.values, again.statements) == (
        PENDING,
        "alice@example.org",
        {"title": "X", "themes": ["t"]},
        statements,
    )
    other = store.create("usage", {}, NamedNode(BASE + "usage/y"), [], "Bob", "bob@example.org")
    store.decide(again, REJECTED, "Modération", "Hors du champ.", [])
    assert store.ids() == [other.id] and store.ids(REJECTED) == [sub.id] and len(store.ids(None)) == 2
    decided = store.get(sub.id)
    assert decided is not None and (decided.status, decided.reason, decided.moderator) == (
        REJECTED,
        "Hors du champ.",
        "Modération",
    )
    store.decide(store.get(other.id), APPROVED, "M", None, [NamedNode(BASE + "usage/y")])  # type: ignore[arg-type]
    assert store.get(other.id).published == [NamedNode(BASE + "usage/y")]  # type: ignore[union-attr]
    assert store.get("not-an-id") is None and store.get("zzzzzzzzzz") is None
    store.close()


def test_where_submissions_are_kept() -> None:
    assert Settings(store_path="var/s").submissions_location == "var/s-submissions"
    assert Settings(store_path=":memory:").submissions_location == ":memory:"
    assert Settings(submissions_path="/srv/subs").submissions_location == "/srv/subs"
    assert Settings(store="sparql+http://127.0.0.1:7878/query").submissions_location == "var/submissions"
