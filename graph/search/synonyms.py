"""Synonyms and acronyms of the field (``synonyms.yaml``), applied to a query's words.

Each term is analysed like the indexed text. A query's words are matched against the terms, longest first; a
matched span stands for its whole group: the group's terms and its narrower ``also`` terms are searched instead.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from graph.search.analysis import STOP_WORDS, stems

FILE = Path(__file__).resolve().parent / "synonyms.yaml"


def content(words: Sequence[str]) -> tuple[str, ...]:
    """The stems a query keeps: without the small words (unless nothing else is left)."""
    kept = tuple(s for s in words if s not in STOP_WORDS and (len(s) > 1 or s.isdigit()))
    return kept or tuple(words)


@dataclass(frozen=True)
class Term:
    text: str
    stems: tuple[str, ...]  # every word, in order
    content: tuple[str, ...]  # without the small words: what a query must hold to name it

    @classmethod
    def of(cls, text: str) -> Term:
        found = tuple(stems(text))
        if not found:
            raise ValueError(f"a synonym has no word: {text!r}")
        return cls(text, found, content(found))


@dataclass(frozen=True)
class Group:
    terms: tuple[Term, ...]
    also: tuple[Term, ...]
    source: str

    @property
    def searched(self) -> tuple[Term, ...]:
        """The terms searched for the group, one per content, without those a one-word term already covers
        ("siret" covers "numéro siret": a record naming the latter names the former)."""
        every = tuple({t.content: t for t in reversed(self.terms + self.also)}.values())[::-1]
        single = {t.content[0] for t in every if len(t.content) == 1}
        return tuple(t for t in every if len(t.content) == 1 or single.isdisjoint(t.content))


class Synonyms:
    """The groups, and the longest term of a sequence of query stems."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self.groups = tuple(groups)
        self._by_words: dict[tuple[str, ...], Group] = {}
        for g in self.groups:
            for t in g.terms:
                other = self._by_words.get(t.content)
                if other is not None and other is not g:
                    raise ValueError(f"the synonym {t.text!r} is in two groups")
                self._by_words[t.content] = g
        self._longest = max((len(k) for k in self._by_words), default=0)

    def match(self, words: Sequence[str], start: int) -> tuple[int, Group] | None:
        """The longest term that ``words[start:]`` begins with: (its length in words, its group)."""
        for n in range(min(self._longest, len(words) - start), 0, -1):
            group = self._by_words.get(tuple(words[start : start + n]))
            if group is not None:
                return n, group
        return None

    @classmethod
    def load(cls, path: Path = FILE) -> Synonyms:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        groups = []
        for i, entry in enumerate(data.get("groups") or [], 1):
            terms = entry.get("terms") or []
            if not terms or not entry.get("source"):
                raise ValueError(f"{path}: group {i} needs terms and a source")
            also = entry.get("also") or []
            groups.append(
                Group(tuple(Term.of(str(t)) for t in terms), tuple(Term.of(str(t)) for t in also), entry["source"])
            )
        return cls(groups)


@functools.cache
def default() -> Synonyms:
    """The table shipped with the code, read once."""
    return Synonyms.load()


NONE = Synonyms(())
