"""Untrusted input is measured before a parser sees it: how deeply it nests.

The parsers we use recurse on nesting, and some crash the process or slow down quadratically when it is deep
(pyoxigraph's SPARQL parser overflows its stack near 2,000 nested groups, its JSON-LD parser near 5,000 nested
objects, its RDF/XML parser takes 8 s at 20,000 nested elements; Python's ``json`` raises ``RecursionError``).
So the depth of SPARQL text, JSON and JSON-LD, and RDF/XML is counted first, with scanners that do not recurse,
and input nested deeper than ``max_nesting_depth`` is refused with a 400 that says so, in English and French
(``graph.rdf.parse_bytes`` counts for JSON-LD and RDF/XML). Turtle, TriG, N-Triples and N-Quads are read by
parsers that keep their own stack (300,000 nested blank nodes parse in 1 s): they need no count.

What a depth count cannot bound (a property path of a thousand steps, a thousand OPTIONALs in a row) is parsed in
a process that may die: the query workers (``graph.store.pool``) and the update sandbox (``graph.sandbox``).
"""

from __future__ import annotations

import contextlib
import json
import re
import xml.parsers.expat
from itertools import accumulate
from typing import Any

from graph._sparqltext import tokens
from graph.errors import BadRequest

DEFAULT_DEPTH = 100
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class TooDeep(BadRequest):
    """Input nested deeper than the service accepts (400)."""

    def __init__(self, what: str, depth: int, limit: int) -> None:
        super().__init__(
            f"the {what} is nested more than {limit} levels deep (max_nesting_depth); at least {depth} found / "
            f"l'entrée ({what}) est imbriquée sur plus de {limit} niveaux (max_nesting_depth) : {depth} au moins"
        )
        self.depth = depth
        self.limit = limit


def sparql_depth(text: str) -> int:
    """The deepest nesting of groups, brackets and parentheses in SPARQL text (strings, IRIs, comments skipped)."""
    depth = deepest = 0
    for token in tokens(text):
        c = token.text
        if c in ("{", "(", "["):
            depth += 1
            deepest = max(deepest, depth)
        elif c in ("}", ")", "]"):
            depth -= 1
    return deepest


def check_sparql(text: str, limit: int, what: str = "query") -> None:
    depth = sparql_depth(text)
    if depth > limit:
        raise TooDeep(f"SPARQL {what}", depth, limit)


def json_depth(data: bytes | str) -> int:
    """The deepest nesting of arrays and objects in JSON text (without parsing it; strings skipped)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") == 0:
        return 0
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    if not brackets:
        return 0
    return max(0, *accumulate(1 if c in b"[{" else -1 for c in brackets))


def check_json(data: bytes | str, limit: int, what: str = "JSON body") -> None:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return  # cannot be deeper than its number of brackets
    depth = json_depth(raw)
    if depth > limit:
        raise TooDeep(what, depth, limit)


def load_json(data: bytes | str, limit: int, what: str = "JSON body") -> Any:
    """``json.loads`` of untrusted text, its depth checked first; malformed JSON is ``ValueError`` as usual."""
    check_json(data, limit, what)
    try:
        return json.loads(data)
    except RecursionError:  # not reached under any sane limit; never a 500 all the same
        raise TooDeep(what, limit + 1, limit) from None


def xml_depth(data: bytes, limit: int) -> int:
    """The deepest element nesting of an XML document, read with expat (which does not recurse), up to
    ``limit + 1``: the count stops there. Malformed XML raises ``xml.parsers.expat.ExpatError``."""
    parser = xml.parsers.expat.ParserCreate()
    state = {"depth": 0, "deepest": 0}

    class _Deep(Exception):
        pass

    def start(_name: str, _attrs: dict[str, str]) -> None:
        state["depth"] += 1
        if state["depth"] > state["deepest"]:
            state["deepest"] = state["depth"]
            if state["deepest"] > limit:
                raise _Deep

    def end(_name: str) -> None:
        state["depth"] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with contextlib.suppress(_Deep):
        parser.Parse(data, True)
    return state["deepest"]
