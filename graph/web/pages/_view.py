"""What the people's record pages share: links to records, the best literal of several languages, rows of a
SELECT merged across label languages, the breadcrumb, the machine-readable twins of a record page."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pyoxigraph import Literal, NamedNode, Quad

from graph.community import curation
from graph.namespaces import FOAF, PROV, RDF, RDFS
from graph.rdf import Subject
from graph.store.base import Term
from graph.web.conneg import RDF_FORMATS
from graph.web.context import Context
from graph.web.render import Alternate
from graph.web.urls import Urls, path_of


@dataclass(frozen=True)
class Link:
    """A thing shown on a page: its text (with its language) and where it leads, if anywhere."""

    text: str
    href: str | None = None
    lang: str | None = None


def best(literals: Sequence[Literal]) -> Literal:
    """French first, then no language, then English, then anything."""
    rank = {"fr": 0, None: 1, "en": 2}
    return min(literals, key=lambda lit: (rank.get(lit.language, 3), lit.value))


def lang_of(literal: Literal | None) -> str | None:
    """The language to mark on the page: only when it is not French."""
    if literal is None or literal.language in (None, "fr") or (literal.language or "").startswith("fr-"):
        return None
    return literal.language


def record_path(ctx: Context, iri: str) -> str | None:
    """The service path of an IRI this instance serves (a record, or the vocabulary on the main instance)."""
    return path_of(ctx, iri)


def href_of(request: Request, ctx: Context, iri: str) -> str | None:
    """Where a node leads: its page on this service, else the IRI itself when a browser can follow it."""
    return Urls.of(request).href(iri)


def merge(rows: Iterable[dict[str, Term | None]]) -> list[dict[str, Any]]:
    """Rows that differ only in their literals (a label in several languages) merged into one row: for each
    variable its node, or the best of its literals. Order of first appearance is kept."""
    groups: dict[tuple[Any, ...], dict[str, list[Term]]] = {}
    for row in rows:
        key = tuple(sorted((k, str(v)) for k, v in row.items() if v is not None and not isinstance(v, Literal)))
        group = groups.setdefault(key, {})
        for k, v in row.items():
            if v is not None and v not in group.setdefault(k, []):
                group[k].append(v)
    merged = []
    for group in groups.values():
        one: dict[str, Any] = {}
        for k, values in group.items():
            literals = [v for v in values if isinstance(v, Literal)]
            one[k] = best(literals) if literals else values[0]
        merged.append(one)
    return merged


def parts_of(ctx: Context, query: str, bindings: dict[str, Term]) -> dict[str, list[dict[str, Any]]]:
    """The rows of a record page's query, merged (see ``merge``) and grouped by their ``?part``, the piece of
    the page each fills. A query written as ``{ branch } UNION { branch } ...`` runs one branch at a time: each
    is then planned from the bound record (a UNION is planned before its bindings are known, which costs
    hundreds of milliseconds at 1M triples for an organisation page)."""
    rows: list[dict[str, Term | None]] = []
    for branch in branches(query):
        rows += ctx.store.select(branch, bindings).dicts()
    aside = set_aside(ctx)  # merged duplicates and hidden entries are not listed
    rows = [row for row in rows if row.get("x") not in aside]
    parts: dict[str, list[dict[str, Any]]] = {}
    for row in merge(rows):
        parts.setdefault(row["part"].value, []).append(row)
    return parts


def listed_only(query: str, ctx: Context) -> str:
    """A list's query (its ``{listed}`` placeholder filtering ``?r``), counting and showing only the records the
    curation graph neither merged nor hid."""
    return query.replace("{listed}", curation.listed(curation.graph(ctx.iris)))


def set_aside(ctx: Context) -> curation.SetAside:
    """The records the curation graph merges into another or hides (read once per write)."""
    return ctx.cached("curation-set-aside", lambda: curation.set_aside(ctx.store, curation.graph(ctx.iris)))


@functools.cache
def branches(query: str) -> tuple[str, ...]:
    """``SELECT ... WHERE { {a} UNION {b} }`` as ``SELECT ... WHERE { a }``, ``SELECT ... WHERE { b }``; any
    other query as itself."""
    head, sep, body = query.partition("WHERE")
    body = body.strip()
    if not sep or not (body.startswith("{") and body.endswith("}")):
        return (query,)
    inner, found, depth, start, between = body[1:-1], [], 0, 0, []
    for i, ch in enumerate(inner):
        if ch == "{":
            if depth == 0:
                between.append(inner[start:i])
                start = i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                found.append(inner[start:i])
                start = i + 1
    between.append(inner[start:])
    if depth or len(found) < 2 or between[0].strip() or between[-1].strip():
        return (query,)
    if any(b.strip().upper() != "UNION" for b in between[1:-1]):
        return (query,)
    return tuple(f"{head}WHERE {{{b}}}" for b in found)


class Own:
    """A record's own statements (from ``Store.describe``): its values by property, its hash nodes'."""

    def __init__(self, iri: NamedNode, quads: Sequence[Quad]) -> None:
        self.iri = iri
        self.by_subject: dict[str, dict[str, list[Term]]] = {}
        for q in quads:
            if not isinstance(q.subject, Subject):
                continue  # a subject is never a triple term (see graph.rdf.Subject)
            values = self.by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, [])
            if q.object not in values:
                values.append(q.object)  # type: ignore[arg-type]

    def all(self, predicate: NamedNode, subject: str | None = None) -> list[Term]:
        return self.by_subject.get(subject or self.iri.value, {}).get(predicate.value, [])

    def literal(self, predicate: NamedNode, subject: str | None = None) -> Literal | None:
        literals = [v for v in self.all(predicate, subject) if isinstance(v, Literal)]
        return best(literals) if literals else None

    def text(self, predicate: NamedNode, subject: str | None = None) -> str | None:
        lit = self.literal(predicate, subject)
        return lit.value if lit is not None else None

    def iris(self, predicate: NamedNode, subject: str | None = None) -> list[str]:
        return sorted({v.value for v in self.all(predicate, subject) if isinstance(v, NamedNode)})

    def literals(self, predicate: NamedNode, subject: str | None = None) -> list[Literal]:
        """Every literal, French ones first (keywords: all are shown)."""
        found = [v for v in self.all(predicate, subject) if isinstance(v, Literal)]
        return sorted(found, key=lambda lit: (lang_of(lit) is not None, lit.value.lower(), lit.value))

    def types(self) -> set[str]:
        return set(self.iris(RDF.type))


def record_alternates(page: str) -> list[Alternate]:
    """The RDF twins of a record page (page = its path without extension)."""
    return [Alternate(f"{page}.{f.file_extension}", f.media_type, f.name) for f in RDF_FORMATS]


def sparql_href(request: Request, iri: str) -> str:
    """A link that opens the record's description in the SPARQL endpoint (or its workbench)."""
    return Urls.of(request).sparql(f"DESCRIBE <{iri}>")


def date_fr(literal: Literal | None) -> str | None:
    """'2024-01-15' -> '15 janvier 2024', '2024-10-01' -> '1er octobre 2024'; a year alone stays; anything else is shown as it is."""
    if literal is None:
        return None
    value = literal.value
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    parts = value[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        day = "1er" if int(parts[2]) == 1 else str(int(parts[2]))
        return f"{day} {months[int(parts[1]) - 1]} {parts[0]}"
    return value


def theme_href(request: Request, ctx: Context, iri: str, notation: str | None) -> str | None:
    """A theme's page: its IRI's page where this instance serves it, else /themes/{notation}."""
    return Urls.of(request).theme(iri, notation)


def group(rows: Iterable[dict[str, Any]], key: str = "x") -> dict[str, list[dict[str, Any]]]:
    """Rows by the node in ``key`` (one item with several agents or tools comes back as several rows)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.get(key) is not None:
            out.setdefault(row[key].value, []).append(row)
    return out


def values(rows: Sequence[dict[str, Any]], node: str, label: str) -> list[tuple[str, str | None]]:
    """The distinct (IRI, label) pairs of a node variable across rows."""
    seen: dict[str, str | None] = {}
    for row in rows:
        n = row.get(node)
        if n is not None and n.value not in seen:
            lab = row.get(label)
            seen[n.value] = lab.value if lab is not None else None
    return list(seen.items())


def first(rows: Sequence[dict[str, Any]], name: str) -> Literal | None:
    found = [r[name] for r in rows if isinstance(r.get(name), Literal)]
    return best(found) if found else None


def provenance(own: Own) -> list[str]:
    """How a record came here when it was published from a contribution: who proposed it, who published it,
    when (its ``prov:wasGeneratedBy`` activity and the agents around it, held in its own ``#`` nodes)."""

    def agent(node: str, verb: str) -> str | None:
        name = own.text(FOAF.name, node)
        return own.text(RDFS.label, node) or (f"{verb} par {name}" if name else None)

    out = []
    for activity in own.iris(PROV.wasGeneratedBy):
        parts = [own.text(RDFS.label, activity) or "Publiée après modération"]
        parts += [a for a in (agent(n, "Proposé") for n in own.iris(PROV.wasAttributedTo)) if a]
        parts += [a for a in (agent(n, "Publié") for n in own.iris(PROV.wasAssociatedWith, activity)) if a]
        when = date_fr(own.literal(PROV.endedAtTime, activity))
        if when:
            parts.append(f"le {when}")
        out.append(" · ".join(parts))
    return out
