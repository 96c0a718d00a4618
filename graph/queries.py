"""Named queries: ``queries/*.rq`` files, each with a header of ``# key: value`` comments.

    # title: Ressources par thème et par type
    # description: ...
    # param theme: theme - un thème (facultatif)
    # param q: string required - le texte cherché, par exemple emploi
    # column title: Titre

Parameter types: ``iri`` (a full IRI, ``<...>`` or a CURIE of the known prefixes), ``string``, ``date``,
``integer``, and the pickers ``organisation``, ``resource``, ``theme`` and ``kind``: a record or a concept of the
store, given as people know it (its name, acronym or label, "DINUM"), by its path (``organisation/dinum``,
``organisation:dinum``) or by its IRI, and offered as a list by the pages. Values are bound to the query's
variables as RDF terms (never pasted into the text); each parameter must be a projected variable of the query.
``column`` lines give the French heading of a projected variable (tables, CSV and spreadsheet downloads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from graph.errors import QueryParameterError, UnknownQuery
from graph.iris import Iris
from graph.namespaces import DCAT, ORG, PREFIXES, RSR, XSD
from graph.paths import bundled
from graph.store.base import SelectResult, Store, Term
from graph.text import norm

_HEADER = re.compile(r"^#\s*(title|description|param|column)\s*(\w*)\s*:\s*(.*)$")
PICKERS = ("organisation", "resource", "theme", "kind")
TYPES = ("iri", "string", "date", "integer", *PICKERS)
_PARAM = re.compile(rf"^({'|'.join(TYPES)})(\s+required)?\s*(?:-\s*(.*))?$")
# what a picker offers, in words
PICKER_NAMES = {
    "organisation": ("organisation", "aucune organisation"),
    "resource": ("ressource", "aucune ressource"),
    "theme": ("thème", "aucun thème"),
    "kind": ("type de ressource", "aucun type de ressource"),
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    help: str

    @property
    def picker(self) -> bool:
        return self.type in PICKERS

    def term(self, raw: str, choices: Choices | None = None) -> Term:
        """The RDF term of a value given for this parameter, or QueryParameterError naming the parameter."""
        return _term(self, raw, choices)


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: list[Param] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # projected variable -> French heading

    def bind(self, values: dict[str, str], choices: Choices | None = None) -> dict[str, Term]:
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
        return {name: _term(known[name], raw, choices) for name, raw in values.items() if raw != ""}

    def signature(self) -> str:
        if not self.params:
            return "none"
        return ", ".join(f"{p.name} ({p.type}{', required' if p.required else ''})" for p in self.params)

    def heading(self, variable: str) -> str:
        return self.columns.get(variable, variable)


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title, description, params, columns = "", "", [], {}
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
        elif key == "column":
            if not name:
                raise ValueError(f"{path}: bad column line {line!r}; expected '# column NAME: heading'")
            columns[name] = value.strip()
        else:
            pm = _PARAM.match(value.strip())
            if not name or not pm:
                raise ValueError(
                    f"{path}: bad parameter line {line!r}; expected '# param NAME: TYPE [required] - help' "
                    f"(types: {', '.join(TYPES)})"
                )
            params.append(Param(name, pm.group(1), bool(pm.group(2)), (pm.group(3) or "").strip()))
    if not title:
        raise ValueError(f"{path}: the header has no '# title:' line")
    return NamedQuery(path.stem, title, description, text, params, columns)


# --- the pickers' values ------------------------------------------------------------------------------------------

CONCEPTS = """
SELECT ?scheme ?iri ?label ?other WHERE {
  ?iri skos:inScheme ?scheme ; skos:prefLabel ?label . FILTER(LANG(?label) = "fr" || LANG(?label) = "")
  OPTIONAL { ?iri skos:altLabel|skos:notation ?other }
}
"""
RECORDS = """
SELECT ?class ?iri ?label ?other WHERE {
  ?iri a ?class ; foaf:name|dct:title ?label . FILTER(LANG(?label) = "fr" || LANG(?label) = "")
  OPTIONAL { ?iri skos:altLabel|dct:alternative|dct:identifier ?other }
}
"""


@dataclass(frozen=True)
class Option:
    iri: str
    label: str


class Choices:
    """What each picker offers (read from the store on first use), and a value as a person types it -> an IRI."""

    def __init__(self, store: Store, iris: Iris, theme_scheme: str) -> None:
        self.store, self.iris, self.theme_scheme = store, iris, theme_scheme
        self._options: dict[str, list[Option]] = {}
        self._names: dict[str, dict[str, set[str]]] = {}

    def options(self, picker: str) -> list[Option]:
        """The picker's values, by label (French labels first)."""
        if picker not in self._options:
            self._read(picker)
        return self._options[picker]

    def resolve(self, param: Param, raw: str) -> NamedNode:
        picker = param.type
        what, none = PICKER_NAMES[picker]
        known = {o.iri for o in self.options(picker)}
        value = raw.strip()
        found = self._iri_form(value, picker)
        if found is not None:
            if found.value in known:
                return found
            raise QueryParameterError(
                f"{param.name}: {raw!r} is not a known {picker} of this instance",
                f"{none[0].upper() + none[1:]} ne correspond à « {raw} » : choisissez dans la liste.",
            )
        matches = sorted(self._names[picker].get(norm(value), ()))
        if len(matches) == 1:
            return NamedNode(matches[0])
        if not matches:
            raise QueryParameterError(
                f"{param.name}: no {picker} is called {raw!r}; give its name, its path or its IRI",
                f"{none[0].upper() + none[1:]} ne s'appelle « {raw} » : choisissez dans la liste, ou donnez son "
                "adresse (IRI).",
            )
        labels = {o.iri: o.label for o in self.options(picker)}
        listed = "; ".join(f"{labels.get(m, m)} ({m})" for m in matches[:5])
        raise QueryParameterError(
            f"{param.name}: {raw!r} names several {picker}s: {listed}; give its IRI",
            f"« {raw} » désigne plusieurs {what}s ({listed}) : précisez en donnant son adresse (IRI).",
        )

    def _iri_form(self, value: str, picker: str) -> NamedNode | None:
        """An IRI given as such, as a CURIE of our prefixes, or as a record path (organisation/x, organisation:x)."""
        text = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        head, sep, rest = text.replace(":", "/", 1).partition("/") if ":" in text else text.partition("/")
        if sep and head in Iris.KINDS and rest and "/" not in rest and not text.startswith(("http:", "https:")):
            return NamedNode(f"{self.iris.base}{head}/{rest}")
        if "://" in text or text.startswith("urn:"):
            try:
                return NamedNode(text)
            except ValueError:
                return None
        prefix, colon, local = text.partition(":")
        if colon and prefix in PREFIXES:
            return NamedNode(PREFIXES[prefix] + local)
        return None

    def _read(self, picker: str) -> None:
        if picker in ("theme", "kind"):
            scheme = self.theme_scheme if picker == "theme" else RSR + "kind"
            rows = [r[1:] for r in self.store.select(CONCEPTS, {"scheme": NamedNode(scheme)}).rows]
        else:
            cls = ORG.Organization if picker == "organisation" else DCAT.Resource
            rows = [r[1:] for r in self.store.select(RECORDS, {"class": cls}).rows]
        labels: dict[str, str] = {}
        names: dict[str, set[str]] = {}
        for iri, label, other in rows:
            if not isinstance(iri, NamedNode) or not isinstance(label, Literal):
                continue
            if iri.value not in labels or label.language == "fr":
                labels[iri.value] = label.value
            for text in (label.value, other.value if isinstance(other, Literal) else None):
                if text:
                    names.setdefault(norm(text), set()).add(iri.value)
        self._options[picker] = sorted((Option(i, lab) for i, lab in labels.items()), key=lambda o: norm(o.label))
        self._names[picker] = names


# --- the library --------------------------------------------------------------------------------------------------


class QueryLibrary:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or bundled("queries")
        self.queries = {q.name: q for q in map(parse_query_file, sorted(self.folder.glob("*.rq")))}

    def get(self, name: str) -> NamedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownQuery(f"no named query {name!r}; the named queries are: {', '.join(self.queries)}") from None

    def run(
        self, store: Store, name: str, values: dict[str, str] | None = None, choices: Choices | None = None
    ) -> SelectResult:
        query = self.get(name)
        return store.select(query.text, query.bind(values or {}, choices))


def _term(param: Param, raw: str, choices: Choices | None) -> Term:
    raw = raw.strip()
    if param.picker:
        if choices is not None:
            return choices.resolve(param, raw)
        return _iri(param, raw)
    if param.type == "iri":
        return _iri(param, raw)
    if param.type == "date":
        try:
            return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryParameterError(
                f"{param.name}: {raw!r} is not a date (YYYY-MM-DD)",
                f"« {raw} » n'est pas une date : utilisez le format AAAA-MM-JJ, par exemple 2024-01-01.",
            ) from None
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise QueryParameterError(
                f"{param.name}: {raw!r} is not an integer", f"« {raw} » n'est pas un nombre entier."
            )
        return Literal(raw, datatype=XSD.integer)
    return Literal(raw)


def _iri(param: Param, raw: str) -> NamedNode:
    value = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    french = (
        f"« {raw} » n'est pas une IRI : donnez une IRI complète (https://…) ou une forme abrégée comme theme:emploi."
    )
    if ":" not in value:
        raise QueryParameterError(
            f"{param.name}: {raw!r} is not an IRI; give a full IRI or a CURIE ({', '.join(sorted(PREFIXES))})", french
        )
    try:
        return NamedNode(value)
    except ValueError as e:
        raise QueryParameterError(f"{param.name}: {raw!r} is not a valid IRI ({e})", french) from None
