"""Merging a harvested record into a record already known under the same IRI (from another source, or an
earlier record of the same run), so that the merged record still meets the shapes.

``Limits`` reads once, from the shapes, which properties a node of each class holds once (``sh:maxCount 1``)
or once per language (``sh:uniqueLang``). ``merge`` then keeps the known value of such a property (a differing
title or name becomes an alternative one), keeps the known types, and renames the incoming ``#`` nodes that
would collide with different known ones to ``#<source>-<fragment>``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from graph.namespaces import DCT, FOAF, RDF, SKOS
from graph.validation import Validator, curie

# a differing value of a single-valued title or name is kept as an alternative one
ALTERNATIVE = {DCT.title: DCT.alternative, FOAF.name: SKOS.altLabel}


@dataclass
class Limits:
    """class -> the properties a node of that class may hold once, or once per language."""

    once: dict[NamedNode, set[NamedNode]] = field(default_factory=lambda: defaultdict(set))
    per_language: dict[NamedNode, set[NamedNode]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, validator: Validator) -> Limits:
        limits = cls()
        for limit in validator.property_limits():
            target, path = NamedNode(limit.target), NamedNode(limit.path)
            if limit.once:
                limits.once[target].add(path)
            if limit.per_language:
                limits.per_language[target].add(path)
        return limits

    def single(self, types: set[NamedNode]) -> tuple[set[NamedNode], set[NamedNode]]:
        """(held once, held once per language) for a node of these types."""
        once = set().union(*(self.once.get(t, set()) for t in types))
        per_language = set().union(*(self.per_language.get(t, set()) for t in types))
        return once, per_language


@dataclass
class Merged:
    triples: list[Triple]
    notes: list[str]
    renamed: dict[NamedNode, NamedNode]  # incoming # node -> its new IRI


def merge(incoming: list[Triple], already: list[Triple], limits: Limits, source: str) -> Merged:
    """``incoming`` as it may be added to a record that already holds ``already``."""
    if not already:  # nothing known to keep, rename apart from or orphan: the record as it comes
        return Merged(list(incoming), [], {})
    renamed = _hash_renames(incoming, already, source)
    triples = [_rename(t, renamed) for t in incoming] if renamed else list(incoming)
    notes = [
        f"renamed #{_fragment(old)} to #{_fragment(new)}: the known #{_fragment(old)} describes something else"
        for old, new in renamed.items()
    ]

    known_types: dict[object, set[NamedNode]] = defaultdict(set)
    for t in already:
        if t.predicate == RDF.type:
            known_types[t.subject].add(t.object)  # type: ignore[arg-type]
    triples = [
        t
        for t in triples
        if not (t.predicate == RDF.type and known_types.get(t.subject) and t.object not in known_types[t.subject])
    ]  # a known node keeps its types: another source's class must not change its shapes
    types = defaultdict(set, {s: set(ts) for s, ts in known_types.items()})
    for t in triples:
        if t.predicate == RDF.type and not known_types.get(t.subject):
            types[t.subject].add(t.object)  # type: ignore[arg-type]

    have = {(t.subject, t.predicate) for t in already}
    languages = {(t.subject, t.predicate, t.object.language) for t in already if isinstance(t.object, Literal)}
    values = {(t.subject, t.predicate, _folded(t.object)) for t in already}
    exact = set(already)
    out: list[Triple] = []
    kept: set[str] = set()
    single: dict[object, tuple[set[NamedNode], set[NamedNode]]] = {}
    for t in triples:
        if t.subject not in single:
            single[t.subject] = limits.single(types.get(t.subject, set()))
        once, per_language = single[t.subject]
        if t in exact:
            pass  # the same statement: kept, so that this source's record stands without the other's
        elif (t.subject, t.predicate, _folded(t.object)) in values:
            if t.predicate in once or t.predicate in per_language:
                continue  # the same value but for case
        elif (t.predicate in once and (t.subject, t.predicate) in have) or (
            t.predicate in per_language
            and isinstance(t.object, Literal)
            and (t.subject, t.predicate, t.object.language) in languages
        ):
            alternative = ALTERNATIVE.get(t.predicate)
            if alternative is not None and isinstance(t.object, Literal):
                if (t.subject, alternative, _folded(t.object)) not in values:
                    out.append(Triple(t.subject, alternative, t.object))
            elif t.predicate in once:
                kept.add(curie(t.predicate.value))
            else:
                kept.add(curie(t.predicate.value) + (f" (@{t.object.language})" if t.object.language else ""))  # type: ignore[union-attr]
            continue
        out.append(t)
    notes += [f"kept the known value of {p}" for p in sorted(kept)]
    return Merged(_without_orphans(out, already, triples), notes, renamed)


def _fragment(node: NamedNode) -> str:
    return node.value.split("#", 1)[1]


def _folded(term: object) -> object:
    if isinstance(term, Literal):
        return (term.value.casefold(), term.language)
    return term


def _content(triples: list[Triple]) -> dict[NamedNode, set[tuple[NamedNode, object]]]:
    nodes: dict[NamedNode, set[tuple[NamedNode, object]]] = defaultdict(set)
    for t in triples:
        if isinstance(t.subject, NamedNode) and "#" in t.subject.value:
            nodes[t.subject].add((t.predicate, t.object))
    return nodes


def _hash_renames(incoming: list[Triple], already: list[Triple], source: str) -> dict[NamedNode, NamedNode]:
    """Incoming ``#`` nodes that a known node of the same IRI already uses for something else: each gets
    ``#<source>-<fragment>`` (``-2``, ``-3``... if that is taken too). One that says nothing the known node
    does not already say keeps its IRI."""
    known = _content(already)
    renamed: dict[NamedNode, NamedNode] = {}
    for node, content in _content(incoming).items():
        if node not in known or content <= known[node]:
            continue
        root, fragment = node.value.split("#", 1)
        n = 1
        while True:
            candidate = NamedNode(f"{root}#{source}-{fragment}" + (f"-{n}" if n > 1 else ""))
            if candidate not in known or content <= known[candidate]:
                break
            n += 1
        renamed[node] = candidate
    return renamed


def _rename(t: Triple, renamed: dict[NamedNode, NamedNode]) -> Triple:
    return Triple(renamed.get(t.subject, t.subject), t.predicate, renamed.get(t.object, t.object))  # type: ignore[arg-type]


def _without_orphans(out: list[Triple], already: list[Triple], before: list[Triple]) -> list[Triple]:
    """Less the incoming ``#`` nodes that were linked to, but no longer are (their link was a value not kept)."""
    was_linked = {t.object for t in before if t.object != t.subject}
    while True:
        linked = {t.object for t in out + already if t.object != t.subject}
        orphans = {t.subject for t in out if t.subject in was_linked and "#" in t.subject.value} - linked  # type: ignore[union-attr]
        if not orphans:
            return out
        out = [t for t in out if t.subject not in orphans]
