"""What a person types, turned into an FTS5 match expression, and the matched words shown back highlighted.

Words are all required; ``"quoted words"`` must follow each other; ``-word`` excludes; the last word is
matched as a prefix while it is being typed (no space after it).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from graph.errors import BadRequest
from graph.search.analysis import STOP_WORDS, accent_pattern, stems, term, words

MAX_QUERY_CHARS = 200
_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass
class TextQuery:
    text: str
    match: str = ""  # the FTS5 expression; empty: no text condition (browse everything)
    exclude: str = ""  # with no word required, the words excluded (an FTS5 expression: any of them)
    exact: set[str] = field(default_factory=set)  # stems to highlight
    prefixes: set[str] = field(default_factory=set)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.match)

    def matches(self, word: str) -> bool:
        s = term(word)
        return s in self.exact or any(s.startswith(p) for p in self.prefixes)

    def first_match(self, text: str) -> int | None:
        """About where the first matched word of ``text`` is, if any: a word starting with one of the stems."""
        if not self:
            return None
        if self._pattern is None:
            stems = sorted(self.exact | self.prefixes, key=len, reverse=True)
            self._pattern = re.compile(r"\b(?:" + "|".join(accent_pattern(s) for s in stems) + ")", re.IGNORECASE)
        m = self._pattern.search(text)
        return m.start() if m else None


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def parse(text: str) -> TextQuery:
    """Parse a query; too long a query is a 400."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"the search text is too long: {len(text)} characters, at most {MAX_QUERY_CHARS}")
    query = TextQuery(text)
    positives: list[str] = []
    negatives: list[str] = []
    parts = list(_PART.finditer(text))
    typing = bool(text) and not text[-1].isspace() and not text.endswith('"')
    for i, m in enumerate(parts):
        negative = bool(m.group(1) or m.group(3))
        if m.group(2) is not None:  # a phrase: every word kept, in order
            phrase = stems(m.group(2))
            if not phrase:
                continue
            (negatives if negative else positives).append(_quote(" ".join(phrase)))
            if not negative:
                query.exact.update(phrase)
            continue
        found = stems(m.group(4))
        kept = [s for s in found if s not in STOP_WORDS and (len(s) > 1 or s.isdigit())] or found
        last = i == len(parts) - 1 and typing and not negative
        for j, s in enumerate(kept):
            if negative:
                negatives.append(_quote(s))
            elif last and j == len(kept) - 1:
                positives.append(_quote(s) + " *")
                query.prefixes.add(s)
            else:
                positives.append(_quote(s))
                query.exact.add(s)
    if positives:
        query.match = " AND ".join(positives) + "".join(f" NOT {n}" for n in negatives)
    elif negatives:
        query.exclude = " OR ".join(negatives)
    return query


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
