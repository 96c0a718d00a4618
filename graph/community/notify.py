"""Whom a change concerns: the people who follow a record it touched, or a record it hangs on (the resource of a
usage, what a question is about, the question of an answer, the publisher and themes of a resource, the record a
correction corrects). Each follower gets one message per change, listing what changed. Worked out in the
community worker, never in a request; messages go to the outbox (``graph.community.mail``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from pyoxigraph import NamedNode

from graph.community.accounts import Accounts
from graph.community.journal import HANGS_ON, Entry, Journal
from graph.community.mail import Mail, Outbox
from graph.config import Settings
from graph.store.base import Store

LISTED = 20  # records named in one message at most
# the followable records a touched record concerns: itself and what it hangs on
_TARGETS = (
    "SELECT DISTINCT ?x ?target WHERE {\n  VALUES ?x { %s }\n  { BIND(?x AS ?target) }\n  UNION" + HANGS_ON + "}\n"
)
CHUNK = 200


def targets(store: Store, records: list[str]) -> dict[str, set[str]]:
    """Record touched -> the followable records it concerns (itself included)."""
    out: dict[str, set[str]] = {r: {r} for r in records}
    for i in range(0, len(records), CHUNK):
        values = " ".join(str(NamedNode(r)) for r in records[i : i + CHUNK])
        for x, target in store.select(_TARGETS % values).rows:
            if isinstance(x, NamedNode) and isinstance(target, NamedNode):
                out.setdefault(x.value, {x.value}).add(target.value)
    return out


class Notifier:
    """``journal.listen(notifier)``: for each journal entry, a job for the community worker that mails followers."""

    def __init__(
        self,
        store: Store,
        journal: Journal,
        accounts: Accounts,
        outbox: Outbox,
        settings: Settings,
        submit: Callable[[Callable[[], None]], None],
    ) -> None:
        self.store, self.journal, self.accounts, self.outbox, self.settings = store, journal, accounts, outbox, settings
        self.submit = submit

    def __call__(self, entry: Entry) -> None:
        if self.outbox.enabled:
            self.submit(lambda: self._notify(entry))

    def _notify(self, entry: Entry) -> None:
        self.notify(entry)

    def notify(self, entry: Entry) -> int:
        """Queue the messages of one change; how many."""
        records = [r for r, _t in entry.records]
        concerned = targets(self.store, records)
        followed = {t for ts in concerned.values() for t in ts}
        sent = 0
        for sub, follows in self.accounts.followers(followed).items():
            account = self.accounts.get(sub)
            if account is None or not account.email:
                continue
            touched = [(r, t) for r, t in entry.records if concerned.get(r, {r}) & follows]
            if touched and self.outbox.put(self.message(account.email, entry, touched, sorted(follows))):
                sent += 1
        return sent

    def message(self, address: str, entry: Entry, touched: list[tuple[str, str]], follows: list[str]) -> Mail:
        site = self.settings.site_name
        first = next((t for _r, t in touched if t), touched[0][0])
        lines = [
            "Bonjour,",
            "",
            f"{entry.label}, le {entry.at[:10]} à {entry.at[11:16]} (UTC), sur ce que vous suivez :",
            "",
        ]
        touched = sorted(touched, key=lambda rt: not rt[1])  # titled records first
        for record, title in touched[:LISTED]:
            lines.append(f"- {title or record}")
            lines.append(f"  {record}")
        if len(touched) > LISTED:
            lines.append(f"- et {len(touched) - LISTED} autres fiches")
        base = self.settings.base_iri
        lines += [
            "",
            "Vous recevez ce message parce que vous suivez ces fiches. Pour ne plus les suivre :",
            *(f"  {base}follow?about={quote(f, safe='')}" for f in follows[:LISTED]),
            "",
            f"L'équipe de {site}",
        ]
        return Mail(address, f"[{site}] {entry.label} : {first}"[:200], "\n".join(lines))
