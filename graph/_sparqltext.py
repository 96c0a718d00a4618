"""Just enough of SPARQL's lexical structure to find keywords: strings, IRIs and comments are skipped whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[^\s{}()\[\];,<>\"'#]+")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    depth: int  # brace depth where the token stands


def tokens(text: str) -> Iterator[_Token]:
    """The tokens of a query or update, with the brace depth where each stands."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
        elif c in "'\"":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (m := _IRI.match(text, i)):
            i = m.end()
        elif c in "{}":
            if c == "}":
                depth -= 1
            yield _Token(c, i, depth)
            if c == "{":
                depth += 1
            i += 1
        elif (m := _WORD.match(text, i)) is not None:
            yield _Token(m.group(), i, depth)
            i = m.end()
        else:
            yield _Token(c, i, depth)
            i += 1


def keywords(text: str) -> list[str]:
    """The words of a query or update, upper-cased, outside strings, IRIs and comments."""
    return [t.text.upper() for t in tokens(text) if t.text[0].isalpha()]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them after the prologue."""
    for word in keywords(text):
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return "SELECT"  # let the engine report the syntax error
