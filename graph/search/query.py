"""What a person types, turned into FTS5 match expressions, and the matched words shown back highlighted.

A query is a list of concepts: a word, a ``"quoted phrase"`` (its words in order), or a span of words naming a
group of synonyms (``synonyms.yaml``: any of the group's terms matches). ``match`` requires every concept;
``all_but_one`` and ``loose`` (any of them) find the closest records when all of them find few; ``-word``
excludes; small words are dropped; the last word is matched as a prefix while it is being typed (no space
after it) and unknown to the index.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.errors import BadRequest
from graph.search.analysis import accent_pattern, stems, term, words
from graph.search.synonyms import Group, Synonyms, Term, content, default

MAX_QUERY_CHARS = 200
MAX_KEYS = 16  # exact-name keys tried at most (one per combination of the concepts' alternatives)
_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass(frozen=True)
class Word:
    """A word as typed (kept to suggest a correction in place) and its stem."""

    text: str
    start: int
    end: int
    stem: str
    prefix: bool = False  # the last word, being typed


@dataclass
class Concept:
    """One thing asked for; any of its alternatives (FTS5 expressions) matches. ``forms`` are the alternatives'
    stems without the small words (with whether the last one is a prefix), to recognise them in a title."""

    alternatives: list[str]
    forms: list[tuple[tuple[str, ...], bool]]
    words: list[Word] = field(default_factory=list)
    synonym: bool = False

    @property
    def expression(self) -> str:
        return self.alternatives[0] if len(self.alternatives) == 1 else "(" + " OR ".join(self.alternatives) + ")"


@dataclass
class TextQuery:
    text: str
    concepts: list[Concept] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)  # FTS5 expressions excluded
    exact: set[str] = field(default_factory=set)  # stems to highlight
    prefixes: set[str] = field(default_factory=set)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.concepts)

    @property
    def match(self) -> str:
        """Every concept required (empty: no text condition, browse everything)."""
        if not self.concepts:
            return ""
        return " AND ".join(c.expression for c in self.concepts) + self._not

    @property
    def loose(self) -> str:
        """Any concept (the same as ``match`` for one concept)."""
        return (self.some + self._not) if self.concepts else ""

    @property
    def all_but_one(self) -> str:
        """Every concept but (any) one: the closest partial matches ("" under three concepts: ``loose``)."""
        if len(self.concepts) < 3:
            return ""
        each = [c.expression for c in self.concepts]
        groups = ["(" + " AND ".join(each[:i] + each[i + 1 :]) + ")" for i in range(len(each))]
        return "(" + " OR ".join(groups) + ")" + self._not

    @property
    def some(self) -> str:
        """Any concept, whatever the exclusions."""
        if len(self.concepts) < 2:
            return "".join(c.expression for c in self.concepts)
        return "(" + " OR ".join(c.expression for c in self.concepts) + ")"

    @property
    def exclude(self) -> str:
        """With no concept, the words excluded (an FTS5 expression: any of them)."""
        return "" if self.concepts else " OR ".join(self.negatives)

    @property
    def _not(self) -> str:
        return "".join(f" NOT {n}" for n in self.negatives)

    @property
    def words(self) -> list[Word]:
        """The plain words asked for (not those of phrases), in order."""
        return [w for c in self.concepts for w in c.words]

    def keys(self) -> list[str]:
        """What a record's name must be, as stems without small words, for the query to name it exactly."""
        if not self.concepts or self.negatives:
            return []
        options = [[" ".join(form) for form, _ in c.forms] for c in self.concepts]
        return [" ".join(k) for k in itertools.islice(itertools.product(*options), MAX_KEYS)]

    def matches(self, word: str) -> bool:
        s = term(word)
        return s in self.exact or any(s.startswith(p) for p in self.prefixes)

    def first_match(self, text: str) -> int | None:
        """About where the first matched word of ``text`` is, if any: a word starting with one of the stems."""
        if not self:
            return None
        if self._pattern is None:
            found = sorted(self.exact | self.prefixes, key=len, reverse=True)
            self._pattern = re.compile(r"\b(?:" + "|".join(accent_pattern(s) for s in found) + ")", re.IGNORECASE)
        m = self._pattern.search(text)
        return m.start() if m else None


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _phrase(stems_: tuple[str, ...]) -> str:
    return _quote(" ".join(stems_))


def _term_expression(t: Term) -> str:
    """A synonym: one word, or its words near each other (small words between them allowed), in any order."""
    if len(t.content) == 1:
        return _quote(t.content[0])
    gap = len(t.stems) - len(t.content) + 2
    return f"NEAR({' '.join(_quote(s) for s in t.content)}, {gap})"


def _synonyms(group: Group, typed: list[Word]) -> Concept:
    searched = group.searched
    return Concept([_term_expression(t) for t in searched], [(t.content, False) for t in searched], typed, True)


def parse(text: str, synonyms: Synonyms | None = None, known: Callable[[str], bool] | None = None) -> TextQuery:
    """Parse a query; too long a query is a 400. The last word is a prefix if ``known`` does not know it
    (being typed: "entrepr"), a word otherwise ("nom" is not "nombre")."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"the search text is too long: {len(text)} characters, at most {MAX_QUERY_CHARS}")
    synonyms = default() if synonyms is None else synonyms
    query = TextQuery(text)
    typing = bool(text) and not text[-1].isspace() and not text.endswith('"')
    plain: list[Word] = []  # the positive words outside phrases, in order
    phrases: list[Concept] = []
    for m in _PART.finditer(text):
        negative = bool(m.group(1) or m.group(3))
        if m.group(2) is not None:  # a phrase: every word kept, in order
            phrase = tuple(stems(m.group(2)))
            if phrase and negative:
                query.negatives.append(_phrase(phrase))
            elif phrase:
                phrases.append(Concept([_phrase(phrase)], [(content(phrase), False)]))
                query.exact.update(content(phrase))
            continue
        offset = m.start(4)
        found = [Word(w, offset + a, offset + b, term(w)) for w, a, b in words(m.group(4))]
        if negative:
            kept = content([w.stem for w in found])
            query.negatives += [_quote(w.stem) for w in found if w.stem in kept]
        else:
            plain += found
    kept = content([w.stem for w in plain])  # the small words dropped, unless there is nothing else
    plain = [w for w in plain if w.stem in kept]
    last = plain[-1] if plain else None
    if typing and last and last.end == len(text.rstrip('"')) and (known is None or not known(last.stem)):
        plain[-1] = Word(plain[-1].text, plain[-1].start, plain[-1].end, plain[-1].stem, prefix=True)
    query.concepts = _concepts(plain, synonyms, query) + phrases
    return query


def _concepts(plain: list[Word], synonyms: Synonyms, query: TextQuery) -> list[Concept]:
    """Each word a concept, but a span naming a group of synonyms one concept (the longest span first)."""
    out: list[Concept] = []
    stems_ = [w.stem for w in plain]
    i = 0
    while i < len(plain):
        found = synonyms.match(stems_, i)
        if found is not None:
            n, group = found
            concept = _synonyms(group, plain[i : i + n])
            query.exact.update(s for form, _ in concept.forms for s in form)
            out.append(concept)
            i += n
            continue
        w = plain[i]
        if w.prefix:
            out.append(Concept([_quote(w.stem) + " *"], [((w.stem,), True)], [w]))
            query.prefixes.add(w.stem)
        else:
            out.append(Concept([_quote(w.stem)], [((w.stem,), False)], [w]))
            query.exact.add(w.stem)
        i += 1
    return out


def highlight(text: str, query: TextQuery, limit: int = 0) -> str:
    """``text`` as safe HTML, matched words in ``<mark>``; cut to about ``limit`` characters around the first
    match when ``limit`` is given."""
    start, end = 0, len(text)
    if limit and len(text) > limit:
        first = query.first_match(text) or 0
        start = max(0, first - limit // 4)
        if start:
            start = text.find(" ", start) + 1 or start
        end = min(len(text), start + limit)
        if end < len(text) and text.rfind(" ", start, end) > start:
            end = text.rfind(" ", start, end)
    window = text[start:end]
    out, pos = [], 0
    if query:
        for w, a, b in words(window):
            if query.matches(w):
                out.append(html.escape(window[pos:a]) + "<mark>" + html.escape(w) + "</mark>")
                pos = b
    out.append(html.escape(window[pos:]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")
