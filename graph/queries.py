"""Named queries: ``queries/*.rq`` files, each with a header of ``# key: value`` comments.

    # title: Resources by theme and kind
    # description: ...
    # param theme: iri - a theme concept (optional)
    # param q: string required - the text to look for

Parameter types: iri (a full IRI, ``<...>`` or a CURIE of the known prefixes), string, date, integer.
Values are bound to the query's variables as RDF terms (never pasted into the text); each parameter must
be a projected variable of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from graph.errors import QueryParameterError, UnknownQuery
from graph.namespaces import PREFIXES, XSD
from graph.paths import bundled
from graph.store.base import SelectResult, Store, Term

_HEADER = re.compile(r"^#\s*(title|description|param)\s*(\w*)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(iri|string|date|integer)(\s+required)?\s*(?:-\s*(.*))?$")
TYPES = ("iri", "string", "date", "integer")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    help: str

    def term(self, raw: str) -> Term:
        """The RDF term of a value given for this parameter, or QueryParameterError naming the parameter."""
        return _term(self, raw)


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: list[Param] = field(default_factory=list)

    def bind(self, values: dict[str, str]) -> dict[str, Term]:
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryParameterError(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; its parameters: {self.signature()}"
            )
        missing = [p.name for p in self.params if p.required and not values.get(p.name)]
        if missing:
            raise QueryParameterError(
                f"query {self.name!r} needs {', '.join(missing)}; its parameters: {self.signature()}"
            )
        return {name: _term(known[name], raw) for name, raw in values.items() if raw != ""}

    def signature(self) -> str:
        if not self.params:
            return "none"
        return ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in self.params)


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title, description, params = "", "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, name, value = m.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description = value.strip()
        else:
            pm = _PARAM.match(value.strip())
            if not name or not pm:
                raise ValueError(
                    f"{path}: bad parameter line {line!r}; expected '# param NAME: TYPE [required] - help'"
                )
            params.append(Param(name, pm.group(1), bool(pm.group(2)), (pm.group(3) or "").strip()))
    if not title:
        raise ValueError(f"{path}: the header has no '# title:' line")
    return NamedQuery(path.stem, title, description, text, params)


class QueryLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or bundled("queries")
        self.queries = {q.name: q for q in map(parse_query_file, sorted(self.folder.glob("*.rq")))}

    def get(self, name: str) -> NamedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownQuery(f"no named query {name!r}; the named queries are: {', '.join(self.queries)}") from None

    def run(self, store: Store, name: str, values: dict[str, str] | None = None) -> SelectResult:
        query = self.get(name)
        return store.select(query.text, query.bind(values or {}))


def _term(param: Param, raw: str) -> Term:
    raw = raw.strip()
    if param.type == "iri":
        return _iri(param, raw)
    if param.type == "date":
        try:
            return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryParameterError(f"{param.name}: {raw!r} is not a date (YYYY-MM-DD)") from None
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise QueryParameterError(f"{param.name}: {raw!r} is not an integer")
        return Literal(raw, datatype=XSD.integer)
    return Literal(raw)


def _iri(param: Param, raw: str) -> NamedNode:
    value = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if ":" not in value:
        raise QueryParameterError(
            f"{param.name}: {raw!r} is not an IRI; give a full IRI or a CURIE ({', '.join(sorted(PREFIXES))})"
        )
    try:
        return NamedNode(value)
    except ValueError as e:
        raise QueryParameterError(f"{param.name}: {raw!r} is not a valid IRI ({e})") from None
