"""Spam signals shown to moderators beside a pending submission: hints, never a verdict (nothing is refused on them).

- many links in the texts; text mostly in capitals; the same text as another pending submission;
- many submissions from the same client (the keyed fingerprint of its address) in the last hour;
- sent without signing in, where the instance offers accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from graph.submissions import Submission
from graph.text import norm

LINKS = re.compile(r"https?://|www\.", re.I)
MANY_LINKS = 4
BURST = 5  # submissions from one client within the hour
TEXT_FIELDS = ("title", "description", "tagline", "purpose", "result", "details", "text", "reason")


def fingerprint(key: bytes, address: str) -> str:
    """A keyed hash of a client address: the same address gives the same value, which tells nothing of it."""
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def texts(sub: Submission) -> list[str]:
    return [str(sub.values[f]) for f in TEXT_FIELDS if isinstance(sub.values.get(f), str) and sub.values[f]]


def hour_ago() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "Z")


def signals(sub: Submission, others: Iterable[Submission], sent_recently: int, accounts_offered: bool) -> list[str]:
    """The signals of one submission, in French."""
    out = []
    body = " ".join(texts(sub))
    links = len(LINKS.findall(body))
    if links >= MANY_LINKS:
        out.append(f"{links} liens dans les textes")
    letters = [c for c in body if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        out.append("Texte écrit surtout en majuscules")
    mine = {norm(t) for t in texts(sub) if len(t) >= 20}
    twins = [o.id for o in others if o.id != sub.id and mine & {norm(t) for t in texts(o)}]
    if twins:
        out.append(f"Même texte que {len(twins)} autre{'s' if len(twins) > 1 else ''} contribution(s) en attente")
    if sent_recently >= BURST:
        out.append(f"{sent_recently} contributions envoyées depuis le même poste dans l'heure")
    if accounts_offered and not sub.account:
        out.append("Envoyée sans connexion")
    return out
