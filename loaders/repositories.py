"""What the repositories of the seed's source code state and the Ressourcerie's files lack
(``data/seed/software/repositories.json``, see its SOURCE.md): a repository's licence becomes the licence of
the source code record whose repository it is; a producer's contact address, as its own package states it,
becomes the organisation's contact point."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from graph.iris import Iris
from graph.model import licences
from graph.namespaces import DCT, SCHEMA
from loaders._build import Out
from loaders._mapping import contact, url_key
from loaders.organisations import canonical

FILE = "repositories.json"


def load(folder: Path, iris: Iris, known: Iterable[Triple]) -> Out:
    """The licences and contacts ``folder``'s file gives for records and organisations of ``known``."""
    out = Out()
    path = folder / FILE
    if not path.exists():
        return out
    facts = json.loads(path.read_text())
    by_repository: dict[str, list[NamedNode]] = {}
    subjects: set[NamedNode] = set()
    for t in known:
        if isinstance(t.subject, NamedNode):
            subjects.add(t.subject)
            if t.predicate == SCHEMA.codeRepository and isinstance(t.object, NamedNode):
                key = url_key(t.object.value, repository=True)
                if key:
                    by_repository.setdefault(key, []).append(t.subject)
    for entry in facts.get("repositories", []):
        licence = licences.from_text(entry["licence"])
        if licence is None:
            out.problems.append(f"{entry['repository']}: licence {entry['licence']!r} is not in the licence table")
            continue
        for record in by_repository.get(url_key(entry["repository"], repository=True) or "", []):
            out.add(record, DCT.license, licence)
    for entry in facts.get("contacts", []):
        org = iris.organisation(canonical(entry["producer"]))
        if org not in subjects:
            out.problems.append(f"contact of {entry['producer']!r}: no such organisation in the seed")
            continue
        contact(out, org, "contact-repository", entry["name"], entry.get("email"))
    return out
