"""IRIs an instance mints under its base IRI: records and named graphs."""

from __future__ import annotations

import re
import unicodedata

from pyoxigraph import NamedNode

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """'API Événements Pôle emploi' -> 'api-evenements-pole-emploi' (stable, ASCII, lower case)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-") or "x"


class Iris:
    """``Iris(base).resource('api-sirene')`` -> ``<base>resource/api-sirene``."""

    KINDS = (
        "resource",
        "organisation",
        "person",
        "usage",
        "service",
        "document",
        "membership",
        "feedback",
        "question",
        "answer",
        "correction",
    )

    def __init__(self, base: str) -> None:
        self.base = base

    def record(self, kind: str, slug: str) -> NamedNode:
        if kind not in self.KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        return NamedNode(f"{self.base}{kind}/{slug}")

    def resource(self, slug: str) -> NamedNode:
        return self.record("resource", slug)

    def organisation(self, slug: str) -> NamedNode:
        return self.record("organisation", slug)

    def person(self, slug: str) -> NamedNode:
        return self.record("person", slug)

    def usage(self, slug: str) -> NamedNode:
        return self.record("usage", slug)

    def service(self, slug: str) -> NamedNode:
        return self.record("service", slug)

    def document(self, slug: str) -> NamedNode:
        return self.record("document", slug)

    def graph(self, name: str) -> NamedNode:
        """Named graphs: ontology, seed/ressourcerie, seed/apigouv, contributions, harvest/<source>, meta."""
        return NamedNode(f"{self.base}graph/{name}")

    @property
    def ontology_graph(self) -> NamedNode:
        return self.graph("ontology")

    @property
    def meta_graph(self) -> NamedNode:
        return self.graph("meta")

    @property
    def contributions_graph(self) -> NamedNode:
        return self.graph("contributions")
