"""Helpers shared by the seed loaders: a triple builder, name matching, value mapping."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import Literal, NamedNode, Triple

from graph.namespaces import DCT, SKOS, XSD
from graph.text import norm

_EMAIL = re.compile(r"^[^@\s/:]+@[^@\s/]+\.[a-z]{2,}$", re.IGNORECASE)


def fr(text: str) -> Literal:
    return Literal(text.strip(), language="fr")


def iri(value: object, base: str | None = None) -> NamedNode | None:
    """A checked IRI from a link found in the content, or None when it is not one."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if base and value.startswith("/"):
        value = base.rstrip("/") + value
    if not value.startswith(("http://", "https://", "mailto:")):
        return None
    try:
        return NamedNode(value.replace(" ", "%20"))
    except ValueError:
        return None


def contact_iri(value: object) -> tuple[str, NamedNode] | None:
    """('email' | 'url', IRI) for a contact given as an address or a link."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if _EMAIL.match(value):
        return "email", NamedNode(f"mailto:{value}")
    link = iri(value)
    return ("url", link) if link is not None else None


def parse_date(value: object) -> Literal | None:
    """dd/mm/yyyy (api.gouv.fr) or a YAML date, as xsd:date."""
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value)
        if m:
            try:
                d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
            return Literal(d.isoformat(), datatype=XSD.date)
    return None


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


@dataclass
class Themes:
    """Theme labels of the sources -> concepts of the theme scheme (by prefLabel, altLabel, notation)."""

    by_label: dict[str, NamedNode]

    @classmethod
    def from_triples(cls, triples: Iterable[Triple], scheme: NamedNode) -> Themes:
        triples = list(triples)
        concepts = {t.subject for t in triples if t.predicate == SKOS.inScheme and t.object == scheme}
        labels = (SKOS.prefLabel, SKOS.altLabel, SKOS.notation)
        by_label = {
            norm(t.object.value): t.subject
            for t in triples
            if t.subject in concepts
            and isinstance(t.subject, NamedNode)
            and t.predicate in labels
            and isinstance(t.object, Literal)
        }
        return cls(by_label)

    def get(self, label: str) -> NamedNode | None:
        return self.by_label.get(norm(label))


@dataclass
class Out:
    """Triples of one source graph, with what could not be mapped."""

    triples: list[Triple] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # API -> (its endpoint, where it was read): written apart from the source's graph, as it comes from elsewhere
    endpoints: dict[NamedNode, tuple[str, str]] = field(default_factory=dict)

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | None) -> None:
        if o is not None:
            self.triples.append(Triple(s, p, o))

    def title(self, s: NamedNode, text: object, predicate: NamedNode = DCT.title) -> None:
        if isinstance(text, str) and text.strip():
            self.add(s, predicate, fr(text))
