"""The order of the records a text query finds, best first (the index runs the queries, this module decides).

1. Records whose name is the query: their title, a part of it (a parenthesised acronym, the title without its
   leading "API"), or one of their alternative names (``name_keys``, kept in the index's ``names`` table).
2. Records naming a concept of the query in their title, keywords or alternative names, by BM25 (``HEADS``);
   the first ``WINDOW`` of them are reordered (``rerank``) by BM25 and by how much of the query their names
   hold, each concept weighted by its rarity; among partial matches, holding every concept counts too.
3. The others (the words only in the description, body or context), by BM25.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.search.analysis import stems
from graph.search.query import Concept
from graph.search.synonyms import content

HEADS = "{title keywords tagline}"  # the FTS5 columns that name a record
WINDOW = 50  # records reordered beyond BM25
# weights against BM25 scaled to 1, chosen with bench/relevance (names 1-3, held 0.5-1 tried: the mean nDCG@5
# moves by less than 0.01; the weight of names decides queries such as "vérifier siret entreprise")
NAMES_WEIGHT = 2.0  # of the share of the query held by a record's names
HELD_WEIGHT = 1.0  # among partial matches, of the share of the query a record holds (anywhere)
_PARENS = re.compile(r"\(([^)]*)\)")
_SEPARATORS = re.compile(r"\s[-|:–—]\s|\s·\s")


def _key(text: str) -> str:
    return " ".join(content(stems(text)))


def name_keys(title: str, alternatives: Iterable[str] = ()) -> dict[str, bool]:
    """The keys by which a query names a record exactly: its title, the title's parts (around " - ", " | ",
    in parentheses), each with and without a leading "api" and trailing numbers (a version), and each of
    its alternative names; with whether the key is the whole title."""
    parts = [title]
    for name in [title, *alternatives]:
        inner = _PARENS.findall(name)
        bare = _PARENS.sub(" ", name)
        parts += [bare, *inner]
        for piece in (bare, *inner):
            parts += _SEPARATORS.split(piece)
    keys: dict[str, bool] = {}
    for i, part in enumerate(parts):
        words = list(content(stems(part)))
        while words and words[-1].isdigit():
            words.pop()
        if not words:
            continue
        for key in (words, words[1:] if words[0] == "api" and len(words) > 1 else None):
            if key:
                joined = " ".join(key)
                keys[joined] = keys.get(joined, False) or i == 0
    return keys


def names_hold(forms: Sequence[tuple[tuple[str, ...], bool]], held: set[str]) -> bool:
    """Whether a record's name stems hold one of a concept's forms (every word of it; a prefix as a prefix)."""
    for words, prefix in forms:
        if prefix and len(words) == 1:
            if any(s.startswith(words[0]) for s in held):
                return True
        elif all(w in held for w in words):
            return True
    return False


def rarity(docs: int, records: int) -> float:
    """The weight of a concept found in ``docs`` of ``records`` records (an IDF that stays positive)."""
    return math.log(1 + records / max(1, docs))


@dataclass
class Ranked:
    rid: int
    bm25: float | None  # FTS5's, lower is better (None: not scored, a record named by the query)


def rerank(
    window: Sequence[Ranked],
    names: dict[int, set[str]],
    concepts: Sequence[Concept],
    weights: Sequence[float],
    held: dict[int, set[str]] | None = None,
) -> list[Ranked]:
    """The window reordered: BM25 scaled to [0, 1] within it, plus the rarity-weighted share of the concepts
    the record's names hold; for partial matches (``held``: the stems of each record), plus the share of the
    concepts the record holds anywhere."""
    if len(window) < 2:
        return list(window)
    best = max(-(r.bm25 or 0.0) for r in window) or 1.0
    whole = sum(weights) or 1.0

    def share(stems_: set[str]) -> float:
        return sum(w for c, w in zip(concepts, weights, strict=True) if names_hold(c.forms, stems_)) / whole

    def score(r: Ranked) -> float:
        value = -(r.bm25 or 0.0) / best + NAMES_WEIGHT * share(names.get(r.rid, set()))
        if held is not None:
            value += HELD_WEIGHT * share(held.get(r.rid, set()))
        return value

    return sorted(window, key=lambda r: (-score(r), r.bm25 or 0.0, r.rid))
