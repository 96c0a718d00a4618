"""The W3C SHACL Core test suite (``tests/w3c/shacl-core/``), run with the compiled engine and with pyshacl.

Each manifest entry names a data graph, a shapes graph and the report it expects. Two checks per entry:
- the compiled engine gives the same results as pyshacl, as (focus node, result path, constraint component,
  severity) counted with their repeats, and the same verdict (``conforms``), both with warnings allowed (as
  ``graph.validation`` runs pyshacl) and without;
- the compiled engine gives the expected report (results counted by focus node, path, component, severity and
  value; nested sh:detail results left aside, as the suite does), except where pyshacl departs from it
  (``PYSHACL_DEPARTS``): there the engine follows pyshacl, the first check says so.
No entry is left out. One falls back to pyshacl (``FALLS_BACK``), which the engine reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from graph.rdf import to_rdflib
from graph.shacl import fallback, names
from graph.shacl.engine import Engine
from graph.shacl.report import ValidationResult
from graph.shacl.sources import DataSource
from graph.shacl.terms import show

SUITE = Path(__file__).parent / "w3c" / "shacl-core"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")

# entries whose expected report pyshacl does not give, and why; the compiled engine gives pyshacl's
PYSHACL_DEPARTS = {
    "property/uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean: pyshacl reads it as true (the suite: only true counts)',
}

# entries whose shapes the engine hands to pyshacl, and why
FALLS_BACK = {
    "property/datatype-ill-formed": "sh:datatype xsd:byte: the store keeps such literals as xsd:integer",
}

Key = tuple[str, str | None, str, str]


@dataclass(frozen=True)
class Entry:
    name: str
    data: str  # file URI
    shapes: str
    conforms: bool
    expected: Counter[tuple[str, str | None, str, str, str | None]]


@cache
def _load(uri: str) -> tuple[tuple[pyoxigraph.Triple, ...], rdflib.Graph]:
    path = Path(uri.removeprefix("file://"))
    quads = list(pyoxigraph.parse(path=str(path), base_iri=uri))
    return tuple(q.triple for q in quads), to_rdflib(quads)


def _entries(manifest: Path) -> list[Entry]:
    uri = manifest.as_uri()
    _, g = _load(uri)
    out = []
    for included in sorted(g.objects(rdflib.URIRef(uri), MF.include)):
        out += _entries(Path(str(included).removeprefix("file://")))
    for lst in g.objects(rdflib.URIRef(uri), MF.entries):
        for e in Collection(g, lst):  # type: ignore[arg-type]
            action, result = g.value(e, MF.action), g.value(e, MF.result)
            expected: Counter[tuple[str, str | None, str, str, str | None]] = Counter()
            for r in g.objects(result, SH.result):
                focus, path, value = g.value(r, SH.focusNode), g.value(r, SH.resultPath), g.value(r, SH.value)
                expected[
                    (
                        "_:blank" if isinstance(focus, rdflib.BNode) else str(focus),
                        names.path_name(g, path) if path is not None else None,
                        _local(g.value(r, SH.sourceConstraintComponent)),
                        _local(g.value(r, SH.resultSeverity)),
                        None if value is None else _node(value),
                    )
                ] += 1
            out.append(
                Entry(
                    "/".join(str(e).rsplit("/", 2)[-2:]),
                    str(g.value(action, SHT.dataGraph)),
                    str(g.value(action, SHT.shapesGraph)),
                    bool(g.value(result, SH.conforms).toPython()),  # type: ignore[union-attr]
                    expected,
                )
            )
    return out


def _local(node: rdflib.term.Node | None) -> str:
    return str(node).rsplit("#", 1)[-1]


def _node(node: rdflib.term.Node | None) -> str:
    return "_:blank" if isinstance(node, rdflib.BNode) else show(node)  # type: ignore[arg-type]


ENTRIES = _entries(SUITE / "manifest.ttl")


def _shapes(entry: Entry) -> rdflib.Graph:
    g = rdflib.Graph()  # a copy: pyshacl adds its system triples to the shapes graph it is given
    g += _load(entry.shapes)[1]
    return g


def _data(entry: Entry) -> tuple[pyoxigraph.Triple, ...]:
    return _load(entry.data)[0]


def _blanks(entry: Entry) -> set[str]:
    return {t.value for tr in _data(entry) for t in (tr.subject, tr.object) if isinstance(t, pyoxigraph.BlankNode)}


def _key(r: ValidationResult, blanks: set[str]) -> Key:
    return ("_:blank" if r.focus in blanks else r.focus, r.path, r.component, r.severity)


def _conforms(results: list[ValidationResult], allow_warnings: bool) -> bool:
    if allow_warnings:
        return all(r.severity in ("Warning", "Info") for r in results)
    return not results


def test_the_suite_is_all_here() -> None:
    assert len(ENTRIES) == len({e.name for e in ENTRIES}) == 98


@pytest.mark.parametrize("allow_warnings", [True, False], ids=["warnings-allowed", "strict"])
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_same_results_as_pyshacl(entry: Entry, allow_warnings: bool) -> None:
    run = Engine(_shapes(entry), allow_warnings=allow_warnings).run(DataSource(_data(entry)))
    conforms, theirs = fallback.check(to_rdflib(_data(entry)), _shapes(entry), allow_warnings=allow_warnings)
    blanks = _blanks(entry)
    ours = run.results + run.details
    assert Counter(_key(r, blanks) for r in ours) == Counter(_key(r, blanks) for r in theirs)
    assert _conforms(ours, allow_warnings) == conforms


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_the_report_the_suite_expects(entry: Entry) -> None:
    run = Engine(_shapes(entry), allow_warnings=False).run(DataSource(_data(entry)))
    blanks = _blanks(entry)
    ours = Counter(
        (*_key(r, blanks)[:3], r.severity.rsplit("#", 1)[-1], None if r.value is None else _value(r.value, blanks))
        for r in run.results
    )
    if entry.name in PYSHACL_DEPARTS:
        assert ours != entry.expected, f"{entry.name} now gives the expected report: drop it from PYSHACL_DEPARTS"
        return
    assert ours == entry.expected
    assert (not run.results) == entry.conforms


def _value(value: str, blanks: set[str]) -> str:
    return "_:blank" if value in blanks else value


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_only_the_listed_entries_fall_back_and_they_say_so(entry: Entry) -> None:
    engine = Engine(_shapes(entry))
    assert bool(engine.plan.fallback) == (entry.name in FALLS_BACK)
    run = engine.run(DataSource(_data(entry)))
    assert len(run.fallback) == len(engine.plan.fallback)
    assert all("the store keeps such literals as another datatype" in f for f in run.fallback)
