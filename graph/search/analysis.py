"""French text analysis shared by the index and the queries: accents folded, words stemmed (Snowball French).

Indexed text and queries go through the same steps, so "emplois" meets "Emploi" and "donnees" meets
"données". SQLite's ``unicode61`` tokenizer then splits the stems it is given.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)

# words a query drops when they stand alone (kept inside a quoted phrase): they would only narrow the match
_STOP = "a au aux avec ce ces d dans de des du en et l la le les leur leurs n ne ou par pas pour qu que qui s sa se ses"
STOP_WORDS = frozenset((_STOP + " son sur un une vos votre nos notre the of and for to in on").split())

# a Snowball stemmer keeps its state in the object while it works: one per thread (searches run in threads)
_stemmers = threading.local()


def _stemmer() -> Any:
    mine = getattr(_stemmers, "french", None)
    if mine is None:
        mine = _stemmers.french = snowballstemmer.stemmer("french")
    return mine


def fold(text: str) -> str:
    """Lower case without diacritics: 'Données' -> 'donnees'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


fold_word = functools.lru_cache(maxsize=200_000)(fold)  # for words, which repeat


# each base letter with its accented forms, for patterns that find folded words in the original text
_ACCENTED: dict[str, str] = {}
for _cp in range(0xC0, 0x250):
    _base = unicodedata.normalize("NFKD", chr(_cp))[0].lower()
    if _base.isascii() and _base.isalpha():
        _ACCENTED[_base] = _ACCENTED.get(_base, _base) + chr(_cp)


def accent_pattern(folded: str) -> str:
    """A regular expression matching ``folded`` written with or without accents (use it case-insensitively)."""
    return "".join(f"[{re.escape(_ACCENTED[c])}]" if c in _ACCENTED else re.escape(c) for c in folded)


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one folded word. Snowball keeps the plural 's' after some endings ('emplois'): drop it."""
    s = _stemmer().stemWord(word)
    if len(s) > 3 and s[-1] in "sx" and not word.isdigit():
        s = s[:-1]
    return str(s)


@functools.lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """What the index holds for one word as written: its folded stem."""
    return stem(fold_word(word))


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of ``text`` with its start and end offsets."""
    for m in WORD.finditer(text):
        yield m.group(), m.start(), m.end()


def stems(text: str) -> list[str]:
    return [term(w) for w, _, _ in words(text)]


def tokens(text: str) -> list[tuple[str, str]]:
    """Each word of ``text`` with its stem."""
    return [(w, term(w)) for w, _, _ in words(text)]


def analyse(text: str) -> str:
    """What the index stores for a text: its stems, space-separated."""
    return " ".join(stems(text))
