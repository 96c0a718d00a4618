"""The index's vocabulary, kept with each write: ``vocab`` counts the records holding each stem (the weight of a
query's words, whether a word is known), ``words`` those holding each word (folded, with a written form: the
corrections of "did you mean")."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

from graph.search.analysis import fold_word

SCHEMA = """
CREATE TABLE IF NOT EXISTS vocab (stem TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS words (folded TEXT PRIMARY KEY, word TEXT NOT NULL, docs INTEGER NOT NULL) WITHOUT ROWID;
"""
TABLES = ("vocab", "words")


class VocabChanges:
    """Changes to the vocabulary tables (+1 per record added, -1 per record removed): ``vocab`` counts the
    records holding each stem, ``words`` those holding each word (folded, with a written form)."""

    def __init__(self) -> None:
        self.stems: Counter[str] = Counter()
        self.words: Counter[str] = Counter()
        self.forms: dict[str, str] = {}

    def add(self, pairs: Sequence[tuple[str, str]]) -> None:
        """One record's (word, stem) pairs."""
        self.stems.update({stem for _, stem in pairs})
        written = {fold_word(word): word for word, _ in pairs}
        self.words.update(written.keys())
        for folded, word in written.items():
            if folded not in self.forms:
                self.forms[folded] = word.casefold()

    def remove(self, stems: Iterable[str], words: Iterable[str]) -> None:
        self.stems.subtract(set(stems))
        self.words.subtract({fold_word(w) for w in words})

    def write(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO vocab VALUES (?, ?) ON CONFLICT (stem) DO UPDATE SET docs = docs + excluded.docs",
            ((s, n) for s, n in self.stems.items() if n),
        )
        db.executemany(
            "INSERT INTO words VALUES (?, ?, ?) ON CONFLICT (folded) DO UPDATE SET docs = docs + excluded.docs",
            ((w, self.forms.get(w, w), n) for w, n in self.words.items() if n),
        )
        db.executemany("DELETE FROM vocab WHERE stem = ? AND docs <= 0", ((s,) for s, n in self.stems.items() if n < 0))
        db.executemany(
            "DELETE FROM words WHERE folded = ? AND docs <= 0", ((w,) for w, n in self.words.items() if n < 0)
        )
