"""The lists the contribution forms offer, read from the public store: kinds, themes of the instance's theme
scheme, organisations, resources, organisation types, ratings; access conditions and licences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from graph.model.access import ACCESS_RIGHTS
from graph.model.kinds import KIND_CLASSES, kind_key
from graph.model.licences import OFFERED
from graph.namespaces import DCAT, DCT, DUV, FOAF, ORG, RSR
from graph.store.base import Store
from graph.text import norm

LABELS = """
SELECT ?c ?label ?scheme WHERE { ?c skos:inScheme ?scheme ; skos:prefLabel ?label }
"""
NAMED = """
SELECT ?x ?name ?kind ?class ?naming WHERE { ?x a ?class ; ?naming ?name . OPTIONAL { ?x dct:type ?kind } }
"""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class Options:
    """The lists a form offers, read from the public store."""

    kinds: list[Choice]
    themes: list[Choice]
    organisations: list[Choice]
    resources: list[Choice]
    organisation_types: list[Choice]
    ratings: list[Choice]
    services: dict[str, NamedNode]
    access: list[Choice] = field(default_factory=lambda: [Choice(a.key, a.choice) for a in ACCESS_RIGHTS])
    licences: list[Choice] = field(default_factory=lambda: [Choice(iri, name) for iri, name in OFFERED])

    @classmethod
    def load(cls, store: Store, theme_scheme: str) -> Options:
        def concepts(scheme: str) -> list[Choice]:
            rows = store.select(LABELS, {"scheme": NamedNode(scheme)}).rows
            return _best_labels(rows)

        kind_labels = {c.value: c.label for c in concepts(RSR + "kind")}
        kinds = [Choice(kind_key(c), kind_labels.get(c.value, c.value)) for c in KIND_CLASSES]
        ratings = sorted(concepts(RSR + "rating"), key=lambda c: c.value)
        resources = _named(store, DCAT.Resource, DCT.title)
        kind_of = {c.value: c.label for c in concepts(RSR + "kind")}
        labelled = [
            Choice(r.value, f"{r.label} ({kind_of[r.kind]})" if r.kind in kind_of else r.label) for r in resources
        ]
        services = {norm(s.label): NamedNode(s.value) for s in _named(store, DUV.UsageTool, DCT.title)}
        return cls(
            kinds=kinds,
            themes=sorted(concepts(theme_scheme), key=lambda c: norm(c.label)),
            organisations=[Choice(o.value, o.label) for o in _named(store, ORG.Organization, FOAF.name)],
            resources=labelled,
            organisation_types=sorted(concepts(RSR + "organisation-type"), key=lambda c: norm(c.label)),
            ratings=[Choice(c.value.rsplit("/", 1)[-1], f"{c.value.rsplit('/', 1)[-1]} – {c.label}") for c in ratings],
            services=services,
        )


@dataclass(frozen=True)
class _Named:
    value: str
    label: str
    kind: str | None


def _best_labels(rows: Iterable[tuple[object, ...]]) -> list[Choice]:
    best: dict[str, Literal] = {}
    for c, label, *_scheme in rows:
        if isinstance(c, NamedNode) and isinstance(label, Literal):
            held = best.get(c.value)
            if held is None or (label.language == "fr" and held.language != "fr"):
                best[c.value] = label
    return [Choice(k, v.value) for k, v in best.items()]


def _named(store: Store, cls: NamedNode, naming: NamedNode) -> list[_Named]:
    found: dict[str, _Named] = {}
    for x, name, kind, *_given in store.select(NAMED, {"class": cls, "naming": naming}).rows:
        if not isinstance(x, NamedNode) or not isinstance(name, Literal):
            continue
        held = found.get(x.value)
        if held is None or name.language == "fr":
            found[x.value] = _Named(x.value, name.value, kind.value if isinstance(kind, NamedNode) else None)
    return sorted(found.values(), key=lambda n: norm(n.label))
