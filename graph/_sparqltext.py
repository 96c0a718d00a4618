"""Just enough of SPARQL's lexical structure to find keywords, prefixes and the outermost WHERE group (strings,
IRIs and comments are skipped whole), and to bind variables there with a VALUES row. The one scanner of SPARQL
text in the project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from graph.errors import QuerySyntaxError

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[^\s{}()\[\];,<>\"'#]+")


class _Token(NamedTuple):
    text: str
    start: int
    depth: int  # brace depth where the token stands


_KEPT_TEXT = 1 << 16  # the tokens of a text up to this length are kept: a request asks them several times


def tokens(text: str) -> tuple[_Token, ...]:
    """The tokens of a query or update, with the brace depth where each stands."""
    return _kept_tokens(text) if len(text) <= _KEPT_TEXT else tuple(_scan(text))


@lru_cache(maxsize=64)
def _kept_tokens(text: str) -> tuple[_Token, ...]:
    return tuple(_scan(text))


def _scan(text: str) -> Iterator[_Token]:
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


def open_patterns(text: str) -> int:
    """How many triple patterns of a query are three variables (``?s ?p ?o``): each reads the whole store, and
    two of them side by side are a cartesian product of it. (IRIs, strings and comments are skipped by the
    scanner, so only patterns made of variables alone are counted.)"""
    found, run = 0, 0
    before = ""
    for t in tokens(text):
        if t.text[0] in "?$" and len(t.text) > 1:
            run += 1
            if run == 1:  # a pattern starts a group, or follows another pattern or a group, inside braces
                starts = t.depth > 0 and before in ("{", ".", "}")
            if run == 3 and starts:
                found += 1
        else:
            run = 0
            before = t.text
    return found


def keywords(text: str) -> list[str]:
    """The words of a query or update, upper-cased, outside strings, IRIs and comments."""
    return [t.text.upper() for t in tokens(text) if t.text[0].isalpha()]


def declared_prefixes(text: str) -> set[str]:
    """The prefixes a query declares itself (``PREFIX p: <...>``; ``""`` for the empty prefix)."""
    toks = [t.text for t in tokens(text)]
    return {toks[k + 1][:-1] for k in range(len(toks) - 1) if toks[k].upper() == "PREFIX" and toks[k + 1].endswith(":")}


def used_prefixes(text: str) -> set[str]:
    """The prefixes of the prefixed names a query uses (``dct:title`` -> ``dct``), outside strings and IRIs."""
    found = set()
    for tok in tokens(text):
        for part in _PATH_OPERATORS.split(tok.text):  # org:role/skos:prefLabel names two prefixes
            head, colon, _rest = part.partition(":")
            if colon and _PREFIX_NAME.fullmatch(head):
                found.add(head)
    return found


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them after the prologue."""
    for word in keywords(text):
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return "SELECT"  # let the engine report the syntax error


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PREFIX_NAME = re.compile(r"[A-Za-z][\w.-]*")
_PATH_OPERATORS = re.compile(r"[/|^*+!]")


def with_values(query: str, names: list[str], terms: list[str]) -> str:
    """The query with a ``VALUES`` row binding ``names`` to ``terms`` (N-Triples forms of checked terms, never
    caller text) placed first in its outermost WHERE group (after a CONSTRUCT's template)."""
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise QuerySyntaxError(f"not a variable name: {name!r}")
    values = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"
    at = where_brace(query)
    return query[: at + 1] + " " + values + " " + query[at + 1 :]


def where_brace(query: str) -> int:
    """Where the outermost WHERE group opens (after a CONSTRUCT's template)."""
    form, skip = None, False
    for tok in tokens(query):
        word = tok.text.upper()
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
            continue
        if form is None or tok.depth != 0 or tok.text != "{":
            if form == "CONSTRUCT" and tok.depth == 0 and word == "WHERE":
                skip = False
            continue
        if form == "CONSTRUCT" and not skip and query[: tok.start].rstrip().upper().endswith("CONSTRUCT"):
            skip = True  # the brace opens a CONSTRUCT template, not CONSTRUCT WHERE { ... }
            continue
        if skip:
            continue
        return tok.start
    raise QuerySyntaxError("cannot bind parameters: the query has no WHERE group")


_POSITION = re.compile(r"error at (\d+):(\d+): ")


def describe_syntax_error(e: SyntaxError) -> str:
    """pyoxigraph's syntax error, with its line and column in words."""
    message = str(e.msg if isinstance(e.msg, str) else e)
    m = _POSITION.search(message)
    if m:
        return f"SPARQL syntax error at line {m.group(1)}, column {m.group(2)}: {message[m.end() :]}"
    return f"SPARQL syntax error: {message}"
