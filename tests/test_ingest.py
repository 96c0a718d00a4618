from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.errors import ValidationFailed
from graph.namespaces import DCAT, DCT, DUV, FOAF, PROV, RDF, VCARD
from graph.rdf import RdfFormat, parse_bytes
from graph.writer import Writer
from tests.conftest import BASE

API = NamedNode(BASE + "resource/api-acme")
ACME = NamedNode(BASE + "organisation/acme")
USAGE = NamedNode(BASE + "usage/acme-uses-api")


def snapshot(writer: Writer) -> set:
    return set(writer.store.quads())


def violations(e: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str | None]]:
    return {(r.focus, r.path) for r in e.value.report.violations}


def test_rejected_add_changes_nothing(small: Writer, iris) -> None:
    before = snapshot(small)
    usage = NamedNode(BASE + "usage/dangling")
    triples = [
        Triple(usage, RDF.type, DUV.Usage),
        Triple(usage, RDF.type, PROV.Activity),
        Triple(usage, DUV.refersTo, NamedNode(BASE + "resource/does-not-exist")),
        Triple(usage, PROV.wasAssociatedWith, ACME),
        Triple(usage, DCT.description, Literal("x", language="fr")),
    ]
    with pytest.raises(ValidationFailed) as e:
        small.add({iris.contributions_graph: triples})
    assert violations(e) == {(usage.value, "duv:refersTo")}
    assert snapshot(small) == before


def test_valid_add_is_written_and_touches_only_its_records(small: Writer, iris) -> None:
    usage = NamedNode(BASE + "usage/second")
    triples = [
        Triple(usage, RDF.type, DUV.Usage),
        Triple(usage, RDF.type, PROV.Activity),
        Triple(usage, DUV.refersTo, API),
        Triple(usage, PROV.wasAssociatedWith, ACME),
        Triple(usage, DCT.description, Literal("Un second usage.", language="fr")),
    ]
    result = small.add({iris.contributions_graph: triples})
    assert result.added == 5
    assert result.focus == 1  # only the new usage was validated, not the whole graph
    assert len(list(small.store.quads(usage, None, None, iris.contributions_graph))) == 5


def test_adding_to_a_record_of_another_graph_is_checked_against_the_union(small: Writer, iris) -> None:
    before = snapshot(small)
    with pytest.raises(ValidationFailed) as e:  # a second title in French breaks sh:uniqueLang
        small.add({iris.contributions_graph: [Triple(API, DCT.title, Literal("Autre titre", language="fr"))]})
    assert violations(e) == {(API.value, "dct:title")}
    assert snapshot(small) == before


def test_removing_a_used_resource_is_refused_naming_the_usage(small: Writer) -> None:
    before = snapshot(small)
    with pytest.raises(ValidationFailed) as e:
        small.remove_record(API)
    assert violations(e) == {(USAGE.value, "duv:refersTo")}
    assert snapshot(small) == before


def test_remove_record_removes_its_hash_nodes(small: Writer) -> None:
    small.remove_record(USAGE)
    small.remove_record(API)
    assert list(small.store.quads(API, None, None, None)) == []


def test_replacing_a_graph_is_atomic_and_validated(small: Writer, iris) -> None:
    graph = iris.graph("test")
    before = snapshot(small)
    broken = [t.triple for t in small.store.quads(None, None, None, graph) if t.predicate != DCT.publisher]
    with pytest.raises(ValidationFailed) as e:
        small.replace_graphs({graph: broken})
    assert violations(e) == {(API.value, "dct:publisher")}
    assert snapshot(small) == before


def test_dropping_a_graph_rechecks_records_that_link_into_it(small: Writer, iris) -> None:
    # move the usage to its own graph, then try to empty the graph holding the resource
    usage_triples = [q.triple for q in small.store.quads(USAGE, None, None, None)]
    small.replace_graphs(
        {
            iris.graph("test"): [
                q.triple for q in small.store.quads(None, None, None, iris.graph("test")) if q.subject != USAGE
            ],
            iris.contributions_graph: usage_triples,
        }
    )
    before = snapshot(small)
    with pytest.raises(ValidationFailed) as e:
        small.replace_graphs({iris.graph("test"): []})
    assert (USAGE.value, "duv:refersTo") in violations(e)
    assert snapshot(small) == before


def test_blank_nodes_get_hash_iris_of_their_record(small: Writer, iris) -> None:
    data = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
    <%s> dcat:contactPoint [ a vcard:Kind ; vcard:fn "Support"@fr ; vcard:hasEmail <mailto:support@acme.test> ] .""" % (
        API.value.encode()
    )
    small.add({iris.contributions_graph: [q.triple for q in parse_bytes(data, RdfFormat.TURTLE)]})
    (point,) = [q.object for q in small.store.quads(API, DCAT.contactPoint, None, None)]
    assert point.value.startswith(API.value + "#genid-")
    assert next(small.store.quads(point, VCARD.fn, None, None)).object == Literal("Support", language="fr")
    # the contact point belongs to the record: removing the record removes it
    small.remove_record(USAGE)
    small.remove_record(API)
    assert list(small.store.quads(point, None, None, None)) == []


def test_meta_graph_records_each_load(small: Writer, iris) -> None:
    graph = iris.graph("test")
    meta = {
        q.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: q.object
        for q in small.store.quads(graph, None, None, iris.meta_graph)
    }
    assert meta["tripleCount"].value == "17"
    assert "generatedAtTime" in meta


def test_check_add_writes_nothing(small: Writer, iris) -> None:
    before = snapshot(small)
    report = small.check_add({iris.contributions_graph: [Triple(ACME, FOAF.name, Literal("Acme", language="en"))]})
    assert report.conforms
    assert snapshot(small) == before


def _org(iri: NamedNode, name: str | None) -> list[Triple]:
    triples = [Triple(iri, RDF.type, t) for t in (NamedNode("http://www.w3.org/ns/org#Organization"), FOAF.Agent)]
    return triples + ([Triple(iri, FOAF.name, Literal(name, language="fr"))] if name else [])


def _api(iri: NamedNode, publisher: NamedNode) -> list[Triple]:
    return [
        Triple(iri, RDF.type, DCAT.Resource),
        Triple(iri, DCT.identifier, Literal(iri.value.rsplit("/", 1)[-1])),
        Triple(iri, DCT.title, Literal("API", language="fr")),
        Triple(iri, DCT.description, Literal("Une API.", language="fr")),
        Triple(iri, DCT.type, NamedNode(BASE + "def/kind/api")),
        Triple(iri, DCT.publisher, publisher),
    ]


def test_replace_graph_records_skips_what_breaks_the_shapes(small: Writer, iris) -> None:
    graph = iris.graph("harvest/test")
    good, nameless = NamedNode(BASE + "organisation/good"), NamedNode(BASE + "organisation/nameless")
    ok, orphan = NamedNode(BASE + "resource/ok"), NamedNode(BASE + "resource/orphan")
    records = {
        good: _org(good, "Bonne"),
        nameless: _org(nameless, None),
        ok: _api(ok, good),
        orphan: _api(orphan, nameless),
    }
    seen = {}

    def provenance(skipped, report):
        seen.update(skipped)
        return [Triple(graph, DCT.description, Literal(f"{len(skipped)} skipped"))]

    with small.transaction("harvest test") as tx:
        result, skipped = tx.replace_graph_records(graph, records, "test", provenance)
    # the nameless organisation breaks its shape; the API it publishes then has no known publisher
    assert set(skipped) == seen.keys() == {nameless, orphan}
    assert {r.path for r in skipped[orphan]} == {"dct:publisher"}
    assert {q.subject for q in small.store.quads(graph=graph)} == {good, ok}
    assert result.added == len(records[good]) + len(records[ok])
    assert Literal("2 skipped") in {q.object for q in small.store.quads(graph, DCT.description, None, iris.meta_graph)}


def test_replace_graph_records_refuses_to_break_another_graph(small: Writer, iris) -> None:
    usage = NamedNode(BASE + "usage/elsewhere")
    small.add(
        {
            iris.contributions_graph: [
                Triple(usage, RDF.type, DUV.Usage),
                Triple(usage, RDF.type, PROV.Activity),
                Triple(usage, DUV.refersTo, API),
                Triple(usage, PROV.wasAssociatedWith, ACME),
                Triple(usage, DCT.description, Literal("ailleurs", language="fr")),
            ]
        }
    )
    before = snapshot(small)
    # the graph "test" holds the API and acme, which a usage of another graph cites: they cannot go
    with pytest.raises(ValidationFailed) as e, small.transaction("harvest test") as tx:
        tx.replace_graph_records(iris.graph("test"), {}, "test", lambda skipped, report: [])
    assert {focus for focus, _ in violations(e)} == {usage.value}
    assert snapshot(small) == before
