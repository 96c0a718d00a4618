"""The compiled SHACL engine's own behaviour: what it hands to pyshacl (and says so), how it reads literals,
whole-store checks, and the report it gives (Turtle, warnings, focus)."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple

from graph.rdf import parse_bytes, to_rdflib
from graph.shacl import fallback
from graph.shacl.engine import Engine
from graph.shacl.sources import DataSource
from graph.validation import Validator

EX = "http://ex.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <{XSD}> . @prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def shapes(ttl: str, tmp_path: Path) -> Validator:
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + ttl)
    return Validator([path])


def data(ttl: str) -> list[Quad]:
    return parse_bytes((PREFIXES + ttl).encode(), RdfFormat.TURTLE, source="data")


def keys(results: list) -> Counter[tuple]:
    return Counter((r.focus, r.path, r.value, r.severity, r.component, r.shape) for r in results)


# --- what goes to pyshacl ----------------------------------------------------------------------------------------

SPARQL_SHAPE = """
ex:Named a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:message "no label" ; sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this rdfs:label ?l } }" ] .
ex:Typed a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:datatype xsd:integer ] .
"""
THINGS = """ex:a a ex:Thing ; ex:size "big" . ex:b a ex:Thing ; rdfs:label "b" ; ex:size 3 ."""


def test_a_sparql_constraint_goes_to_pyshacl_alone_and_is_reported(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="graph.shacl.engine"):
        v = shapes(SPARQL_SHAPE, tmp_path)
        report = v.validate(data(THINGS))
    assert report.fallback == ["<http://ex.org/Named>: SPARQL-based constraint (sh:sparql)"]
    assert "<http://ex.org/Named> is validated by pyshacl: SPARQL-based constraint" in caplog.text
    assert list(v.compiled.plan.units) == ["<http://ex.org/Typed>"]  # the other shape stays compiled
    found = {(r.focus, r.component, r.shape) for r in report.results}
    assert found == {
        (EX + "a", "SPARQLConstraintComponent", "<http://ex.org/Named>"),
        (EX + "a", "DatatypeConstraintComponent", "<http://ex.org/Typed>/<http://ex.org/size>"),
    }
    assert keys(report.results) == keys(
        Validator([tmp_path / "shapes.ttl"], engine="pyshacl").validate(data(THINGS)).results
    )
    assert report.as_json()["fallback"] == report.fallback


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        (
            'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:pattern "(?<=b)ig" ] .',
            "sh:pattern",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:part ; sh:node ex:S ] .",
            "recursive shapes",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:datatype xsd:byte ] .",
            "XMLSchema#byte",
        ),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:minCount 1 .", "MinCount on a node shape"),
    ],
    ids=["look-behind", "recursion", "rewritten-datatype", "malformed"],
)
def test_what_the_compiler_refuses_goes_to_pyshacl(tmp_path: Path, shape: str, why: str) -> None:
    v = shapes(shape, tmp_path)
    assert why in v.compiled.plan.fallback["<http://ex.org/S>"]
    things = data('ex:a a ex:Thing ; ex:size "big" ; ex:part ex:b . ex:b ex:size "small" .')
    if why == "MinCount on a node shape":
        with pytest.raises(Exception, match="MinCountConstraintComponent can only be present on a PropertyShape"):
            v.validate(things)  # pyshacl refuses the shape as loudly
        return
    report = v.validate(things)
    assert report.fallback and keys(report.results) == keys(fallback.run(to_rdflib(things), v.shapes))


# --- literals -------------------------------------------------------------------------------------------------

LEXICAL = {
    "date": [
        "2024-01-01",
        "2024-1-1",
        "2024-01-01Z",
        "2024-01-01+02:00",
        "2024-01-01T10:00:00",
        "2024-02-30",
        "-0001-01-01",
        "10000-01-01",
        "x",
    ],
    "dateTime": [
        "2024-01-01T10:00:00",
        "2024-01-01T10:00",
        "2024-01-01",
        "2024-01-01 10:00:00",
        "20240101T100000",
        "2024-01-01T10:00:00+0200",
        "x",
    ],
    "time": ["10:00:00", "10:00", "25:00:00"],
    "integer": ["1", "01", "+1", " 1 ", "1_000", "1.0", "x"],
    "decimal": ["1.0", "1.", "-.5", "1e3", "NaN", "INF", "x"],
    "double": ["1e3", "INF", "NaN", "inf", "1_0", "x"],
    "boolean": ["true", "1", "TRUE", "yes"],
    "duration": ["P1D", "PT1.5S", "P", "P1", "-P1D"],
    "hexBinary": ["0a", "zz"],
    "gYear": ["2020", "x"],
}


@pytest.mark.parametrize(
    ("datatype", "lexical"), [(d, lex) for d, forms in LEXICAL.items() for lex in forms], ids=lambda x: repr(x)
)
def test_sh_datatype_reads_literals_as_pyshacl_does(datatype: str, lexical: str) -> None:
    """Alone and inside sh:or, in memory and in a store."""
    sg = rdflib.Graph().parse(
        data=PREFIXES
        + f"""ex:S a sh:NodeShape ; sh:targetNode ex:s ; sh:property [ sh:path ex:p ; sh:datatype xsd:{datatype} ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:s ;
            sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:{datatype} ] [ sh:datatype xsd:gMonth ] ) ] .""",
        format="turtle",
    )
    triples = [Triple(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal(lexical, datatype=NamedNode(XSD + datatype)))]
    theirs = keys(fallback.run(to_rdflib(triples), sg))
    assert keys(Engine(sg).run(DataSource(triples)).results) == theirs


# --- whole stores -------------------------------------------------------------------------------------------------


def test_a_whole_store_is_the_union_of_its_graphs(tmp_path: Path) -> None:
    v = shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:maxCount 1 ] .", tmp_path
    )
    g1, g2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
    store = pyoxigraph.Store()
    store.extend(
        [
            Quad(
                NamedNode(EX + "a"),
                NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                NamedNode(EX + "Thing"),
                g1,
            ),
            Quad(NamedNode(EX + "a"), NamedNode(EX + "size"), Literal("1"), g1),
            Quad(NamedNode(EX + "a"), NamedNode(EX + "size"), Literal("1"), g2),  # the same triple: one value
            Quad(NamedNode(EX + "a"), NamedNode(EX + "size"), Literal("2"), g2),
        ]
    )
    report = v.validate_store(store)
    assert [(r.focus, r.component) for r in report.results] == [(EX + "a", "MaxCountConstraintComponent")]
    assert keys(report.results) == keys(v.validate(store.quads_for_pattern(None, None, None)).results)


# --- reports ---------------------------------------------------------------------------------------------------


def test_the_report_as_a_shacl_validation_report(tmp_path: Path) -> None:
    v = shapes(
        'ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:minCount 1 ; sh:message "size"@en ] .',
        tmp_path,
    )
    g = rdflib.Graph().parse(data=v.validate(data("ex:a a ex:Thing .")).turtle(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    result = g.value(None, rdflib.RDF.type, sh.ValidationResult)
    assert g.value(result, sh.sourceConstraintComponent) == sh.MinCountConstraintComponent
    assert g.value(result, sh.resultPath) == rdflib.URIRef(EX + "size")
    assert g.value(result, sh.focusNode) == rdflib.URIRef(EX + "a")
    assert (None, sh.conforms, rdflib.Literal(False)) in g


def test_warnings_can_be_left_out(tmp_path: Path) -> None:
    v = shapes(
        """ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
           sh:property [ sh:path ex:size ; sh:minCount 1 ] , [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ] .""",
        tmp_path,
    )
    things = data("ex:a a ex:Thing .")
    assert sorted(r.severity for r in v.validate(things).results) == ["Violation", "Warning"]
    assert [r.severity for r in v.validate(things, warnings=False).results] == ["Violation"]


def test_focus_keeps_the_results_of_those_nodes_and_their_hash_nodes(tmp_path: Path) -> None:
    v = shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:minCount 1 ] .", tmp_path
    )
    things = data("ex:a a ex:Thing . <http://ex.org/a#part> a ex:Thing . ex:b a ex:Thing .")
    report = v.validate(things, focus={NamedNode(EX + "a")})
    assert sorted(r.focus for r in report.results) == [EX + "a", EX + "a#part"]


def test_literals_are_reported_as_the_data_gave_them(tmp_path: Path) -> None:
    v = shapes(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:size ; sh:maxInclusive 3 ] .", tmp_path
    )
    things = data('ex:a ex:size "4.0"^^xsd:decimal .')  # the store keeps "4"^^xsd:decimal
    assert [r.value for r in v.validate(things).results] == ["4.0"]


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        Validator(engine="jena")


def test_the_feed_summary_names_the_shapes_left_to_pyshacl() -> None:
    from graph.dcat.conformance import Conformance
    from graph.validation import Report

    summary = Conformance("catalog", 1, [], {}, Report([], ["X: why"]), None, 0.1).summary()
    assert "validated by pyshacl, not compiled: X: why" in summary


def test_a_remote_store_is_validated_by_pyshacl_and_says_so(oxigraph_server, tmp_path: Path) -> None:
    """The compiled queries are checked against pyoxigraph only; another server's SPARQL is not trusted with them."""
    from graph.config import Settings
    from graph.store import open_store

    v = shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:minCount 1 ] .", tmp_path
    )
    store = open_store(Settings(**oxigraph_server.settings()))
    try:
        graph = NamedNode(EX + "graph/remote-check")
        store.replace_graphs({graph: [q.triple for q in data("ex:a a ex:Thing .")]})
        report = v.validate_store(store)
        assert report.fallback == ["every shape: the store is not pyoxigraph, whose SPARQL the shapes are compiled for"]
        assert [(r.focus, r.component) for r in report.results] == [(EX + "a", "MinCountConstraintComponent")]
        store.replace_graphs({graph: []})
    finally:
        store.close()
