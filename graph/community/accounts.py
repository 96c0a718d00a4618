"""Accounts of the people who sign in (ProConnect), their sessions and what they follow, in the community database.

An account keeps the least the provider gives that the site needs: the subject (the provider's stable id), the
e-mail address (to notify and to relay messages; never published), the given and usual names, the SIRET and
organisational unit (to find their organisation), the name they chose to show, the IRI of their person record
when they consented to one, and whether they agree to be contacted. A session is a random id in a signed cookie,
kept here with its expiry and the ID token (for the provider's logout).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph.community.database import Database
from graph.community.journal import now_iso


@dataclass
class Account:
    sub: str
    email: str
    given_name: str = ""
    usual_name: str = ""
    siret: str = ""
    unit: str = ""
    shown_name: str = ""
    person: str | None = None
    contactable: bool = False
    created: str = ""
    seen: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.usual_name) if p).strip()

    @property
    def display_name(self) -> str:
        """The name shown with what they write: the one they chose, else their full name, else a neutral one."""
        return self.shown_name or self.full_name or "Agent public"


@dataclass(frozen=True)
class Session:
    id: str
    sub: str
    id_token: str
    expires: float


_COLUMNS = "sub, email, given_name, usual_name, siret, unit, shown_name, person, contactable, created, seen"


def _account(row: tuple[Any, ...]) -> Account:
    a = Account(*row)
    a.contactable = bool(a.contactable)
    return a


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- accounts ---------------------------------------------------------------------------------------------

    def get(self, sub: str) -> Account | None:
        row = self.db.one(f"SELECT {_COLUMNS} FROM accounts WHERE sub = ?", (sub,))
        return _account(row) if row else None

    def signed_in(self, claims: dict[str, Any]) -> Account:
        """The account of these claims, created or refreshed from them (what the provider says wins)."""
        sub = str(claims["sub"])
        now = now_iso()
        fields = {
            "email": str(claims.get("email") or ""),
            "given_name": str(claims.get("given_name") or ""),
            "usual_name": str(claims.get("usual_name") or claims.get("family_name") or ""),
            "siret": str(claims.get("siret") or ""),
            "unit": str(claims.get("organizational_unit") or ""),
        }
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM accounts WHERE sub = ?", (sub,)).fetchone():
                db.execute(
                    "UPDATE accounts SET email=?, given_name=?, usual_name=?, siret=?, unit=?, seen=? WHERE sub=?",
                    (*fields.values(), now, sub),
                )
            else:
                db.execute(
                    "INSERT INTO accounts (sub, email, given_name, usual_name, siret, unit, created, seen)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (sub, *fields.values(), now, now),
                )
        account = self.get(sub)
        assert account is not None
        return account

    def update(self, sub: str, *, shown_name: str | None = None, contactable: bool | None = None) -> None:
        if shown_name is not None:
            self.db.write("UPDATE accounts SET shown_name = ? WHERE sub = ?", (shown_name.strip()[:120], sub))
        if contactable is not None:
            self.db.write("UPDATE accounts SET contactable = ? WHERE sub = ?", (int(contactable), sub))

    def set_person(self, sub: str, person: str | None) -> None:
        self.db.write("UPDATE accounts SET person = ? WHERE sub = ?", (person, sub))

    def by_person(self, person: str) -> Account | None:
        row = self.db.one(f"SELECT {_COLUMNS} FROM accounts WHERE person = ?", (person,))
        return _account(row) if row else None

    def delete(self, sub: str) -> None:
        """The account, its sessions and its follows: nothing of it is left."""
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE sub = ?", (sub,))
            db.execute("DELETE FROM follows WHERE sub = ?", (sub,))
            db.execute("DELETE FROM accounts WHERE sub = ?", (sub,))

    # --- sessions ---------------------------------------------------------------------------------------------

    def open_session(self, sub: str, id_token: str, seconds: float) -> Session:
        now = time.time()
        session = Session(secrets.token_urlsafe(32), sub, id_token, now + seconds)
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            db.execute(
                "INSERT INTO sessions (id, sub, id_token, created, expires) VALUES (?, ?, ?, ?, ?)",
                (session.id, sub, id_token, now, session.expires),
            )
        return session

    def session(self, sid: str) -> Session | None:
        """The session, unless it expired (an expired one is forgotten)."""
        row = self.db.one("SELECT id, sub, id_token, expires FROM sessions WHERE id = ?", (sid,))
        if row is None:
            return None
        session = Session(*row)
        if session.expires < time.time():
            self.close_session(sid)
            return None
        return session

    def close_session(self, sid: str) -> None:
        self.db.write("DELETE FROM sessions WHERE id = ?", (sid,))

    # --- follows ----------------------------------------------------------------------------------------------

    def follow(self, sub: str, target: str) -> None:
        self.db.write("INSERT OR IGNORE INTO follows (sub, target, created) VALUES (?, ?, ?)", (sub, target, now_iso()))

    def unfollow(self, sub: str, target: str) -> None:
        self.db.write("DELETE FROM follows WHERE sub = ? AND target = ?", (sub, target))

    def follows(self, sub: str) -> list[str]:
        return [r[0] for r in self.db.read("SELECT target FROM follows WHERE sub = ? ORDER BY created", (sub,))]

    def follows_target(self, sub: str, target: str) -> bool:
        return self.db.one("SELECT 1 FROM follows WHERE sub = ? AND target = ?", (sub, target)) is not None

    def followers(self, targets: Iterable[str]) -> dict[str, set[str]]:
        """Account -> the targets among ``targets`` it follows."""
        wanted = sorted(set(targets))
        out: dict[str, set[str]] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for sub, target in self.db.read(f"SELECT sub, target FROM follows WHERE target IN ({marks})", chunk):
                out.setdefault(sub, set()).add(target)
        return out
