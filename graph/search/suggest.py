""" "Did you mean": a word the index does not know replaced by the closest one it knows.

The index keeps its vocabulary (stem, number of records, a written form); a query word whose stem no record
holds is compared with the known stems sharing its first two letters, by edit distance (a transposition counts
one); the closest wins, the most frequent among equals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MIN_LENGTH = 3  # shorter words are not corrected


def distance(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` (insertions, deletions, substitutions, adjacent transpositions);
    ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def allowed(word: str) -> int:
    """How far a correction may be: one edit for short words, two for longer ones."""
    return 1 if len(word) <= 5 else 2


def closest(word: str, known: Iterable[tuple[str, int, str]]) -> str | None:
    """The written form of the known word (folded, records, form) closest to ``word`` (folded), within
    ``allowed``."""
    limit = allowed(word)
    best: tuple[int, int, str] | None = None
    for other, docs, form in known:
        if other == word or docs <= 0:
            continue
        d = distance(word, other, limit)
        if d <= limit and (best is None or (d, -docs) < best[:2]):
            best = (d, -docs, form)
    return best[2] if best else None


def correct(text: str, words: Iterable[tuple[int, int, str]], fix: Callable[[str], str | None]) -> str | None:
    """``text`` with each word (start, end, folded) that ``fix`` corrects replaced; None when none is."""
    out, changed = text, False
    for start, end, folded in sorted(words, reverse=True):
        if len(folded) < MIN_LENGTH:
            continue
        better = fix(folded)
        if better is not None:
            out, changed = out[:start] + better + out[end:], True
    return out if changed else None
