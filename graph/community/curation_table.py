"""Curations kept in the project as data: a YAML table (``data/curation/*.yaml``) of corrections to the source
data, turned into correction nodes and values in the curation graph (``graph.community.curation``), with their
provenance, by ``ressourcerie seed`` and ``ressourcerie curate``. The source graphs are never touched, so a new
harvest or seed does not undo a curation.

An entry names one record (its path under the base IRI), its kind, why, and what it sets:

    - id: base-sirene-insee                 # unique; the correction node is <base>correction/curation-<id>
      kind: typo                            # rename | merge | hide | keywords | typo
      record: resource/base-sirene-de-linsee
      reason: Faute de frappe de la source : « INNSEE » pour « INSEE ».
      set: {title: Base SIRENE de l’INSEE}  # fields of graph.community.curation (title, name, alternative...)

- ``rename``: sets the title (or the name) and keeps the former name as ``alternative`` (dct:alternative for a
  resource, skos:altLabel for an organisation: found by search);
- ``merge``: ``into: resource/kept`` — the duplicate gets ``owl:sameAs`` the record kept;
- ``hide``: the record gets ``rsr:hidden true`` (no ``set``);
- ``keywords``: ``set: {keywords: [a, b, c]}`` in place of a keyword the source did not split;
- ``typo``: any ``set``.

Each property an entry sets is overridden (``rsr:overrides``): its values from every other graph are set aside
for that record, so an entry gives every value the property keeps. Reloading the table replaces what the previous
load wrote (the nodes ``correction/curation-*`` and the values they set) and leaves the moderated corrections be.
An entry whose record is not in the store is skipped and reported, not an error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from graph.community import curation
from graph.errors import RessourcerieError
from graph.iris import Iris
from graph.namespaces import DCT, FOAF, OWL, PROV, RDF, RDFS, RSR, XSD
from graph.paths import bundled
from graph.proposals import link
from graph.rdf import root_of
from graph.store.base import Store
from graph.writer import Writer

KINDS = ("rename", "merge", "hide", "keywords", "typo")
PREFIX = "curation-"  # of the correction nodes' slugs: <base>correction/curation-<id>
# fields only a curation entry sets (not offered by the correction form)
EXTRA_FIELDS = [curation.DESCRIPTION, curation.Field("see_also", "Voir aussi", RDFS.seeAlso, "link")]
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


class BadCuration(RessourcerieError):
    status = 400


def folder() -> Path:
    """The project's curation table."""
    return bundled("data/curation")


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    record: str  # path under the base IRI
    reason: str
    curator: str
    created: str  # xsd:dateTime
    source: str  # the file it was read from
    into: str | None = None
    set: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Loaded:
    """What a load wrote: entries applied by kind, those skipped (record unknown here), the triples written."""

    applied: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    triples: int = 0


# --- reading the table --------------------------------------------------------------------------------------


def read(where: Path | None = None) -> list[Entry]:
    """Every entry of the YAML files of a folder (or one file), checked; BadCuration names the file and entry."""
    where = where or folder()
    paths = sorted(where.glob("*.yaml")) if where.is_dir() else [where]
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in paths:
        for entry in _read_file(path):
            if entry.id in seen:
                raise BadCuration(f"{path.name}: entry {entry.id!r} is already in {seen[entry.id]}")
            seen[entry.id] = path.name
            entries.append(entry)
    return entries


def _read_file(path: Path) -> list[Entry]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise BadCuration(f"{path}: cannot read the curation table: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise BadCuration(f"{path.name}: a curation table has 'curator', 'date' and a list 'entries'")
    curator = str(doc.get("curator") or "").strip()
    if not curator:
        raise BadCuration(f"{path.name}: 'curator' (who made these curations) is missing")
    default_date = doc.get("date")
    out = []
    for n, raw in enumerate(doc["entries"], 1):
        where = f"{path.name}, entry {n}"
        if not isinstance(raw, dict):
            raise BadCuration(f"{where}: an entry is a mapping (id, kind, record, reason...)")
        out.append(_entry(raw, where, curator, default_date, path.name))
    return out


def _entry(raw: Mapping[str, Any], where: str, curator: str, default_date: object, source: str) -> Entry:
    unknown = set(raw) - {"id", "kind", "record", "reason", "into", "set", "date", "curator"}
    if unknown:
        raise BadCuration(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    eid = str(raw.get("id") or "")
    if not _ID.match(eid):
        raise BadCuration(f"{where}: 'id' must be lowercase letters, digits and dashes (got {eid!r})")
    where = f"{where} ({eid})"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise BadCuration(f"{where}: 'kind' is one of {', '.join(KINDS)} (got {kind!r})")
    record = _path(raw.get("record"), where, "record")
    reason = str(raw.get("reason") or "").strip()
    if not reason:
        raise BadCuration(f"{where}: 'reason' (why, in one French sentence) is missing")
    sets = raw.get("set") or {}
    if not isinstance(sets, dict):
        raise BadCuration(f"{where}: 'set' is a mapping of field to value(s)")
    into = _path(raw.get("into"), where, "into") if kind == "merge" else None
    if kind != "merge" and raw.get("into") is not None:
        raise BadCuration(f"{where}: only a merge has 'into'")
    if kind in ("merge", "hide") and sets:
        raise BadCuration(f"{where}: a {kind} sets nothing ('set' is for rename, keywords and typo)")
    if kind == "merge" and into == record:
        raise BadCuration(f"{where}: a record is not merged into itself")
    if kind == "rename" and not ({"title", "name"} & set(sets) and "alternative" in sets):
        raise BadCuration(f"{where}: a rename sets the new 'title' (or 'name') and keeps the former as 'alternative'")
    if kind == "keywords" and (set(sets) != {"keywords"} or not isinstance(sets["keywords"], list)):
        raise BadCuration(f"{where}: a keywords entry sets 'keywords' to a list")
    if kind == "typo" and not sets:
        raise BadCuration(f"{where}: a typo entry sets the corrected value(s)")
    return Entry(
        eid,
        kind,
        record,
        reason,
        str(raw.get("curator") or curator).strip(),
        _moment(raw.get("date", default_date), where),
        source,
        into,
        dict(sets),
    )


def _path(value: object, where: str, key: str) -> str:
    text = str(value or "").strip().strip("/")
    kind = text.split("/", 1)[0]
    if kind not in Iris.KINDS or "/" not in text or any(c in text for c in ' <>"#'):
        raise BadCuration(f"{where}: {key!r} is a record path such as resource/x or organisation/y (got {value!r})")
    return text


def _moment(value: object, where: str) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    raise BadCuration(f"{where}: 'date' (of the table or of the entry) is a date such as 2026-12-04")


# --- as statements ----------------------------------------------------------------------------------------------


def node_of(iris: Iris, entry: Entry) -> NamedNode:
    return iris.record("correction", PREFIX + entry.id)


def statements(iris: Iris, entry: Entry, types: set[NamedNode]) -> list[Triple]:
    """The correction node, its provenance and the values it sets, as the curation graph will hold them."""
    record = NamedNode(iris.base + entry.record)
    node = node_of(iris, entry)
    curator = NamedNode(node.value + "#curateur")
    values = _values(iris, entry, record, types)
    out = [
        Triple(node, RDF.type, RSR.Correction),
        Triple(node, RDF.type, PROV.Entity),
        Triple(node, RSR.corrects, record),
        Triple(node, DCT.description, Literal(entry.reason, language="fr")),
        Triple(node, DCT.created, Literal(entry.created, datatype=XSD.dateTime)),
        Triple(node, RDFS.label, Literal(f"Curation {entry.id} ({entry.kind})", language="fr")),
        Triple(node, DCT.source, Literal(f"data/curation/{entry.source}")),
        Triple(node, PROV.wasAttributedTo, curator),
        Triple(curator, RDF.type, PROV.Agent),
        Triple(curator, FOAF.name, Literal(entry.curator)),
    ]
    out += [Triple(node, RSR.overrides, p) for p in dict.fromkeys(t.predicate for t in values)]
    return out + values


def _values(iris: Iris, entry: Entry, record: NamedNode, types: set[NamedNode]) -> list[Triple]:
    if entry.kind == "merge":
        return [Triple(record, OWL.sameAs, NamedNode(iris.base + str(entry.into)))]
    if entry.kind == "hide":
        return [Triple(record, RSR.hidden, curation.HIDDEN)]
    fields = {f.name: f for f in [*curation.fields_for(types), *EXTRA_FIELDS]}
    out = []
    for name, given in entry.set.items():
        f = fields.get(name)
        if f is None:
            raise BadCuration(
                f"{entry.source} ({entry.id}): no field {name!r} for this record; one of {', '.join(fields)}"
            )
        for text in given if isinstance(given, list) else [given]:
            value = link(str(text)) if f.kind == "link" else Literal(str(text).strip(), language="fr")
            if f.kind == "link" and not isinstance(value, NamedNode):
                raise BadCuration(f"{entry.source} ({entry.id}): {name!r} is a web address (got {text!r})")
            if value is not None:
                out.append(Triple(record, f.predicate, value))
    return out


def _types(store: Store, record: NamedNode) -> set[NamedNode]:
    return {q.object for q in store.quads(record, RDF.type, None, None) if isinstance(q.object, NamedNode)}


def curated_graph(
    iris: Iris, store: Store, entries: Sequence[Entry], held: Iterable[Triple]
) -> tuple[list[Triple], Loaded]:
    """The curation graph with the table's entries in place of those a previous load wrote."""
    held = list(held)
    prefix = iris.record("correction", PREFIX).value
    old = {
        t.subject
        for t in held
        if t.predicate == RDF.type and isinstance(t.subject, NamedNode) and t.subject.value.startswith(prefix)
    }
    corrects = {t.subject: t.object for t in held if t.subject in old and t.predicate == RSR.corrects}
    pairs = {(corrects[t.subject], t.object) for t in held if t.subject in corrects and t.predicate == RSR.overrides}
    graph = [
        t
        for t in held
        if root_of(t.subject) not in old and (t.subject, t.predicate) not in pairs  # type: ignore[arg-type]
    ]
    loaded = Loaded()
    for entry in entries:
        record = NamedNode(iris.base + entry.record)
        types = _types(store, record)
        if not types or (entry.into is not None and not _types(store, NamedNode(iris.base + entry.into))):
            loaded.skipped.append(f"{entry.id}: {entry.into if types else entry.record} is not in the store")
            continue
        graph = curation.applied(graph, statements(iris, entry, types))
        loaded.applied[entry.kind] += 1
    loaded.triples = len(graph)
    return graph, loaded


def load(writer: Writer, entries: Sequence[Entry] | None = None) -> Loaded:
    """Write the table into the curation graph in one validated write (the records are validated as corrected;
    a violation raises ValidationFailed and nothing is written)."""
    entries = read() if entries is None else entries
    g = curation.graph(writer.iris)
    with writer.transaction("curation table") as tx:
        held = [q.triple for q in tx.store.quads(None, None, None, g)]
        triples, loaded = curated_graph(writer.iris, tx.store, entries, held)
        tx.replace_graphs({g: triples})
    return loaded
