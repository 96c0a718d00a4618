"""The change journal: every committed write, as the writer tells its subscribers, kept with its time, what
made it (in French) and the records it touched with their titles at that moment. The Atom feeds read it: the
whole site's, and a record's (the changes that touched the record or what hangs on it, see ``related``).

Writes made while the service was not running (a harvest from the command line) are not journaled one by one;
the command's own write is visible in the meta graph.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode

from graph.community.database import Database
from graph.rdf import root_of
from graph.store.base import Store
from graph.writer import Change

log = logging.getLogger("ressourcerie.journal")
TITLED = 200  # records of one write whose titles are read (a harvest may touch thousands)
CHUNK = 200

# what made a write, in French: the first label whose key starts the operation
LABELS: list[tuple[str, str]] = [
    ("approval resource", "Ressource publiée après modération"),
    ("approval usage", "Usage publié après modération"),
    ("approval uses", "Usage publié après modération"),
    ("approval question", "Question publiée après modération"),
    ("approval answer", "Réponse publiée après modération"),
    ("approval correction", "Correction publiée après modération"),
    ("approval", "Contribution publiée après modération"),
    ("accepted answer", "Réponse acceptée par l'auteur de la question"),
    ("answer to usage", "Usage créé à partir d'une réponse"),
    ("person record removed", "Fiche de personne supprimée à sa demande"),
    ("person record", "Fiche de personne publiée ou modifiée à sa demande"),
    ("harvest", "Moissonnage"),
    ("SPARQL Update", "Mise à jour SPARQL"),
    ("Graph Store", "Écriture par le protocole Graph Store"),
    ("seed", "Chargement du contenu initial"),
    ("load", "Chargement de données"),
    ("remove", "Suppression d'une fiche"),
]

_TITLES = """
SELECT ?s ?t ?rank WHERE {
  VALUES ?s { %s }
  VALUES (?p ?rank) { (schema:name 0) (dct:title 0) (foaf:name 0) (skos:prefLabel 0) (dct:description 1) (schema:text 2) }
  ?s ?p ?t .
}
"""

# how a record ?x hangs on a record ?target: a usage on its resource, a question on what it is about, an answer
# on its question and what that is about, a correction on what it corrects, a record on its publisher, its user
# and its themes (a record's feed shows the changes of what hangs on it; followers hear of them)
HANGS_ON = """
  { ?x duv:refersTo ?target }
  UNION { ?x schema:about ?target }
  UNION { ?x schema:parentItem ?target }
  UNION { ?x schema:parentItem ?q . ?q schema:about ?target }
  UNION { ?x rsr:corrects ?target }
  UNION { ?x dct:publisher ?target }
  UNION { ?x prov:wasAssociatedWith ?target }
  UNION { ?x dcat:theme ?target }
"""
# the records whose changes a record's feed shows: itself and what hangs on it
_RELATED = "SELECT DISTINCT ?x ?target WHERE {\n  { BIND(?target AS ?x) }\n  UNION" + HANGS_ON + "}\n"


def label_of(operation: str) -> str:
    for key, label in LABELS:
        if operation.startswith(key):
            return f"{label} ({operation[len('harvest ') :]})" if key == "harvest" else label
    return "Modification"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Entry:
    id: int
    at: str  # ISO 8601, UTC
    operation: str
    label: str
    size: int  # records the write touched
    records: list[tuple[str, str]] = field(default_factory=list)  # (IRI, title), those kept for this entry


Listener = Callable[[Entry], None]


class Journal:
    """``writer.subscribe(journal)``; ``entries(...)`` for the feeds; ``listen(fn)`` to hear of each entry."""

    def __init__(self, db: Database, store: Store) -> None:
        self.db = db
        self.store = store
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def __call__(self, change: Change) -> None:
        records = sorted({root_of(r).value for r in change.records})
        titles = self.titles(records[:TITLED])
        entry = Entry(0, now_iso(), change.operation, label_of(change.operation), len(records))
        entry.records = [(r, titles.get(r, "")) for r in records]
        with self.db.transaction() as db:
            cursor = db.execute(
                "INSERT INTO changes (at, operation, label, size) VALUES (?, ?, ?, ?)",
                (entry.at, entry.operation, entry.label, entry.size),
            )
            entry.id = cursor.lastrowid or 0
            db.executemany(
                "INSERT OR IGNORE INTO change_records (change, record, title) VALUES (?, ?, ?)",
                [(entry.id, r, t) for r, t in entry.records],
            )
        for listener in list(self._listeners):
            try:
                listener(entry)
            except Exception:  # a listener never undoes the journal
                log.exception("journal listener %r failed on change %d", listener, entry.id)

    def forget(self, record: str) -> None:
        """Blank the titles kept for a record (a person's name, once they removed their record)."""
        self.db.write("UPDATE change_records SET title = '' WHERE record = ?", (record,))

    def titles(self, iris: Iterable[str]) -> dict[str, str]:
        """The French (else any) title, name or label of each record, read from the store now."""
        iris = list(iris)
        found: dict[str, list[tuple[int, Literal]]] = {}
        for i in range(0, len(iris), CHUNK):
            values = " ".join(str(NamedNode(x)) for x in iris[i : i + CHUNK])
            for s, t, order in self.store.select(_TITLES % values).rows:
                if isinstance(s, NamedNode) and isinstance(t, Literal) and isinstance(order, Literal):
                    found.setdefault(s.value, []).append((int(order.value), t))
        rank = {"fr": 0, None: 1, "en": 2}
        best = {
            s: min(ts, key=lambda ot: (ot[0], rank.get(ot[1].language, 3), len(ot[1].value)))[1].value
            for s, ts in found.items()
        }
        return {s: t if len(t) <= 120 else t[:119].rstrip() + "…" for s, t in best.items()}

    def related(self, target: NamedNode) -> set[str]:
        """The records whose changes the feed of ``target`` shows."""
        rows = self.store.select(_RELATED, {"target": target}).rows
        return {r[0].value for r in rows if isinstance(r[0], NamedNode)} | {target.value}

    def entries(self, records: set[str] | None = None, limit: int = 50) -> list[Entry]:
        """The latest entries, newest first: all of them, or those that touched one of ``records`` (with only
        those records listed)."""
        if records is None:
            rows = self.db.read("SELECT id, at, operation, label, size FROM changes ORDER BY id DESC LIMIT ?", (limit,))
            entries = [Entry(*row) for row in rows]
            wanted = None
        else:
            wanted = sorted(records)
            ids: set[int] = set()
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                ids.update(
                    r[0]
                    for r in self.db.read(
                        f"SELECT DISTINCT change FROM change_records WHERE record IN ({marks})"
                        " ORDER BY change DESC LIMIT ?",
                        (*chunk, limit),
                    )
                )
            top = sorted(ids, reverse=True)[:limit]
            marks = ",".join("?" * len(top))
            rows = self.db.read(
                f"SELECT id, at, operation, label, size FROM changes WHERE id IN ({marks}) ORDER BY id DESC", top
            )
            entries = [Entry(*row) for row in rows]
        keep = set(wanted) if wanted is not None else None
        for e in entries:
            rows = self.db.read("SELECT record, title FROM change_records WHERE change = ? ORDER BY record", (e.id,))
            e.records = [(r, t) for r, t in rows if keep is None or r in keep]
        return entries
