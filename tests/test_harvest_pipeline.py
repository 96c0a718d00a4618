from __future__ import annotations

from collections.abc import Iterator

from feeds import FeedServer
from pyoxigraph import Literal, NamedNode, Triple

from graph.harvest.pipeline import Harvester
from graph.harvest.records import Record
from graph.harvest.report import HarvestReport
from graph.namespaces import DCAT, DCT, DUV, KIND, PROV, RDF, RSR
from graph.writer import Writer
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
THEMES = NamedNode(BASE + "def/theme")


def harvest(writer: Writer, url: str, name: str, timeout: float = 2.0) -> HarvestReport:
    concepts = Concepts.from_store(writer.store, writer.iris.ontology_graph, THEMES)
    fetcher = Fetcher(timeout=timeout, retries=1, backoff=0.01)
    return Harvester(writer).run(DcatSource(name, url, writer.iris, fetcher, concepts), url)


def graph_quads(writer: Writer, name: str) -> set:
    return set(writer.store.quads(graph=writer.iris.graph(f"harvest/{name}")))


def serve_paged(feeds: FeedServer, mount: str = "") -> str:
    feeds.add_file(f"{mount}/catalog-p2.ttl", "paged/catalog-p2.ttl", mount=mount)
    return feeds.add_file(f"{mount}/catalog-p1.ttl", "paged/catalog-p1.ttl", mount=mount)


def test_two_page_turtle_feed(feeds: FeedServer, seeded_copy: Writer) -> None:
    report = harvest(seeded_copy, serve_paged(feeds), "paged")
    assert report.succeeded, report.errors
    assert (report.pages, report.seen, report.written, len(report.skipped)) == (2, 3, 3, 0)
    # the catalogue's publisher, DGEFP, is our organisation/dgefp (same name): linked, not duplicated
    assert [(m.record, m.iri, m.key) for m in report.matches] == [("DGEFP", BASE + "organisation/dgefp", "name:dgefp")]
    ds1 = NamedNode("https://ressourcerie.example.fr/resource/ds1")
    store = seeded_copy.store
    assert {q.object for q in store.quads(None, DCT.source, ds1, None)} == {ds1}
    ours = next(q.subject for q in store.quads(None, DCT.source, ds1, None))
    assert ours.value.startswith(BASE + "resource/")
    assert {q.object.value for q in store.quads(ours, DCT.publisher, None, None)} == {BASE + "organisation/dgefp"}
    # the seed's description of DGEFP is untouched; the harvest graph adds nothing that breaks it
    assert graph_quads(seeded_copy, "paged")


def test_udata_catalogues_in_both_hydra_styles(feeds: FeedServer, seeded_copy: Writer) -> None:
    for style in ("partial-collection", "paged-collection"):
        for n in (1, 2):
            feeds.add_file(f"/{style}/catalog.jsonld?page={n}", f"udata/{style}-{n}.jsonld", mount=f"/{style}")
        report = harvest(seeded_copy, feeds.url(f"/{style}/catalog.jsonld?page=1"), style)
        assert report.succeeded, report.errors
        # 4 datasets and their organisation; dataset 4 is on page 2
        assert (report.pages, report.seen, report.written, len(report.skipped)) == (2, 5, 5, 0), report.summary()


def test_udata_rdf_xml_maps_text_licences_and_formats(feeds: FeedServer, seeded_copy: Writer) -> None:
    report = harvest(seeded_copy, feeds.add_file("/catalog.xml", "udata/catalog.xml"), "udata-xml")
    assert report.succeeded, report.errors
    licences = {
        q.object.value
        for q in seeded_copy.store.quads(None, DCT.license, None, None)
        if "harvest" in q.graph_name.value
    }
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in licences


def test_a_record_missing_everything_is_skipped_and_reported(feeds: FeedServer, seeded_copy: Writer) -> None:
    report = harvest(seeded_copy, feeds.add_file("/empty.ttl", "made/empty-record.ttl"), "empty")
    assert report.succeeded
    assert (report.seen, report.written) == (3, 2)
    [skipped] = report.skipped
    assert skipped.iri == BASE + "resource/nothing-at-all"
    paths = {r["path"] for r in skipped.results}
    assert {"dct:title", "dct:description"} <= paths, report.summary()
    assert all(r["focus"] == skipped.iri and r["message"] for r in skipped.results)
    assert not any(q.subject.value == skipped.iri for q in graph_quads(seeded_copy, "empty"))


def test_a_record_gone_since_the_last_run_is_listed(feeds: FeedServer, seeded_copy: Writer) -> None:
    url = serve_paged(feeds)
    first = harvest(seeded_copy, url, "paged")
    assert first.succeeded and first.gone == []
    page1 = feeds.routes["/catalog-p1.ttl"]
    page1.body = page1.body.replace(b"hydra:next", b"hydra:previous")  # the feed now ends on page 1: ds2 is gone
    second = harvest(seeded_copy, url, "paged")
    assert second.succeeded, second.errors
    assert (second.pages, second.written) == (1, 2)
    [gone] = second.gone
    assert gone["label"] == "Dataset ds2" and gone["iri"].startswith(BASE + "resource/")
    assert not list(seeded_copy.store.quads(NamedNode(gone["iri"]), None, None, None))
    meta = seeded_copy.iris.meta_graph
    invalidated = {q.object.value for q in seeded_copy.store.quads(second.run_iri, PROV.invalidated, None, meta)}
    assert invalidated == {gone["iri"]}


def test_a_failed_run_changes_nothing(feeds: FeedServer, seeded_copy: Writer) -> None:
    url = serve_paged(feeds)
    assert harvest(seeded_copy, url, "paged").succeeded
    before = set(seeded_copy.store.quads())
    meta = seeded_copy.iris.meta_graph
    before_data = {q for q in before if q.graph_name != meta}
    feeds.add("/catalog-p2.ttl", status=500)
    report = harvest(seeded_copy, url, "paged")
    assert report.status == "failed"
    assert report.errors == [
        f"{feeds.url('/catalog-p2.ttl')}: HTTP 500 Internal Server Error (gave up after 2 attempts)"
    ]
    assert feeds.hits["/catalog-p2.ttl"] == 1 + 2  # first run, then two attempts
    after = set(seeded_copy.store.quads())
    assert {q for q in after if q.graph_name != meta} == before_data
    # only the failed run's provenance was added
    added = after - before
    assert added and {q.subject for q in added} == {report.run_iri}
    status = {q.object.value for q in added if q.predicate == RSR.runStatus}
    assert status == {"failed"}


def test_a_malformed_page_fails_the_run_with_line_and_column(feeds: FeedServer, seeded_copy: Writer) -> None:
    feeds.add_file("/bad/catalog-p2.ttl", "made/malformed-2.ttl")
    report = harvest(seeded_copy, feeds.add_file("/bad/catalog-p1.ttl", "paged/catalog-p1.ttl", mount="/bad"), "bad")
    assert report.status == "failed" and "line 6, column" in report.errors[0]
    assert graph_quads(seeded_copy, "bad") == set()


def test_a_loop_is_reported_and_the_run_succeeds(feeds: FeedServer, seeded_copy: Writer) -> None:
    feeds.add_file("/made/loop-2.ttl", "made/loop-2.ttl")
    report = harvest(seeded_copy, feeds.add_file("/made/loop-1.ttl", "made/loop-1.ttl"), "loop")
    assert report.succeeded and report.pages == 2 and report.written == 3
    assert "(a loop): stopped there" in report.warnings[0]


def test_the_same_dataset_from_two_sources_is_one_record(feeds: FeedServer, seeded_copy: Writer) -> None:
    flat = harvest(seeded_copy, feeds.add_file("/flat.jsonld", "udata/flat.jsonld"), "flat")
    assert flat.succeeded and flat.matches == []
    # nested.jsonld describes dataset 1 again (same IRI in the source): it keeps flat's IRI
    nested = harvest(seeded_copy, feeds.add_file("/nested.jsonld", "udata/nested.jsonld"), "nested")
    assert nested.succeeded, nested.errors
    keys = {(m.record, m.key, m.among) for m in nested.matches}
    assert ("Dataset 1", "iri:data.test.org/datasets/1", "store") in keys
    flat_iris = {q.subject for q in graph_quads(seeded_copy, "flat")}
    nested_roots = {q.subject for q in graph_quads(seeded_copy, "nested") if "#" not in q.subject.value}
    assert nested_roots <= flat_iris
    # one identifier and one description across both graphs (single-valued properties get no second value;
    # the same value may be stated by both, so that each source's record stands on its own)
    ds1 = next(iri for iri in nested_roots if "resource/" in iri.value)
    assert len({q.object for q in seeded_copy.store.quads(ds1, DCT.identifier, None, None)}) == 1
    assert len({q.object for q in seeded_copy.store.quads(ds1, DCT.description, None, None)}) == 1


def test_records_of_an_adapter_are_matched_by_their_keys(seeded_copy: Writer) -> None:
    mine = NamedNode(BASE + "resource/sirene-datagouv")
    agribalyse = NamedNode(BASE + "resource/api-agribalyse")
    triples = [
        Triple(mine, RDF.type, DCAT.Resource),
        Triple(mine, RDF.type, DCAT.DataService),
        Triple(mine, DCT.type, KIND.api),
        Triple(mine, DCT.identifier, Literal("sirene-datagouv")),
        Triple(mine, DCT.title, Literal("API Agribalyse (data.gouv.fr)", language="fr")),
        Triple(mine, DCT.description, Literal("Impacts environnementaux des produits alimentaires.", language="fr")),
        Triple(mine, DCT.publisher, NamedNode(BASE + "organisation/ademe")),
        Triple(mine, DCAT.keyword, Literal("empreinte carbone", language="fr")),
    ]

    class Adapter:
        name = "adapter"

        def records(self) -> Iterator[Record]:
            # the first key names two seed records (API Sirene and the collective agreements API): not used
            keys = frozenset({"datagouv:5b7ffc618b4c4169d30727e0", "url:api.agribalyse.example/v1"})
            yield Record(mine, triples, "API Agribalyse", keys | {"datagouv:6389c6639c0407956f4e43c1"})
            yield Record(NamedNode(BASE + "resource/empty"), [], "empty")

    report = Harvester(seeded_copy).run(Adapter(), "adapter:test")
    assert report.succeeded and (report.seen, report.written) == (2, 1)
    assert [(m.iri, m.key) for m in report.matches] == [(agribalyse.value, "datagouv:6389c6639c0407956f4e43c1")]
    # the known record keeps its identifier and its French description (single-valued in the shapes)
    assert report.notes[agribalyse.value] == [
        "datagouv:5b7ffc618b4c4169d30727e0 names several known records: not used to match",
        "kept the known value of dct:description (@fr)",
        "kept the known value of dct:identifier",
    ]
    assert (
        report.skipped[0].record == "empty" and report.skipped[0].results[0]["message"] == "the record states nothing"
    )
    mine_now = {(q.predicate, q.object) for q in graph_quads(seeded_copy, "adapter")}
    assert (DCAT.keyword, Literal("empreinte carbone", language="fr")) in mine_now
    assert (DCT.alternative, Literal("API Agribalyse (data.gouv.fr)", language="fr")) in mine_now
    # no second value of a single-valued property: only the known ones (ADEME, kind api) are stated again
    single = {DCT.identifier, DCT.title, DCT.description, DCT.publisher, DCT.type}
    adapter_graph = seeded_copy.iris.graph("harvest/adapter")
    known = {
        (q.predicate, q.object)
        for q in seeded_copy.store.describe(agribalyse)
        if q.subject == agribalyse and q.graph_name != adapter_graph
    }
    assert {(p, o) for p, o in mine_now if p in single} <= known
    assert {(p, o) for p, o in mine_now if p in single} == {
        (DCT.publisher, NamedNode(BASE + "organisation/ademe")),
        (DCT.type, KIND.api),
    }
    assert {q.subject for q in graph_quads(seeded_copy, "adapter")} == {agribalyse}


def test_provenance_is_queryable(feeds: FeedServer, seeded_copy: Writer) -> None:
    report = harvest(seeded_copy, serve_paged(feeds), "paged")
    rows = seeded_copy.store.select(
        """SELECT ?run ?status ?pages ?seen ?written ?skipped ?matched WHERE {
             GRAPH ?meta { ?run a rsr:HarvestRun ; prov:generated ?g ; rsr:runStatus ?status ;
               rsr:pageCount ?pages ; rsr:recordsSeen ?seen ; rsr:recordsWritten ?written ;
               rsr:recordsSkipped ?skipped ; rsr:recordsMatched ?matched ; prov:used ?source ;
               prov:startedAtTime ?start ; prov:endedAtTime ?end } }""",
    ).dicts()
    assert [
        (r["run"].value, r["status"].value, int(r["pages"].value), int(r["written"].value), int(r["matched"].value))
        for r in rows
    ] == [(report.run_iri.value, "succeeded", 2, 3, 1)]


def test_the_source_iri_is_a_stronger_key_than_a_landing_page(feeds: FeedServer, seeded_copy: Writer) -> None:
    for n in (1, 2):
        feeds.add_file(f"/p/catalog.jsonld?page={n}", f"udata/paged-collection-{n}.jsonld", mount="/p")
    assert harvest(seeded_copy, feeds.url("/p/catalog.jsonld?page=1"), "first").succeeded
    # catalog.xml's dataset 4 gives dataset 2's landing page, but its own IRI: it is dataset 4
    report = harvest(seeded_copy, feeds.add_file("/catalog.xml", "udata/catalog.xml"), "second")
    assert report.succeeded and report.written == 6
    matched = {m.record: (m.iri.rsplit("/", 1)[-1], m.key) for m in report.matches}
    assert matched["Dataset 4"] == ("first-4", "iri:data.test.org/datasets/4")


def test_a_run_that_would_break_another_graph_fails_and_changes_nothing(feeds: FeedServer, seeded_copy: Writer) -> None:
    url = serve_paged(feeds)
    first = harvest(seeded_copy, url, "paged")
    ds2 = next(m for m in graph_quads(seeded_copy, "paged") if m.object == Literal("Dataset ds2", language="fr"))
    usage = NamedNode(BASE + "usage/uses-ds2")
    seeded_copy.add(
        {
            seeded_copy.iris.contributions_graph: [
                Triple(usage, RDF.type, DUV.Usage),
                Triple(usage, RDF.type, PROV.Activity),
                Triple(usage, DUV.refersTo, ds2.subject),
                Triple(usage, DCT.description, Literal("Suivi des effectifs", language="fr")),
                Triple(usage, PROV.wasAssociatedWith, NamedNode(BASE + "organisation/dares")),
            ]
        }
    )
    before = graph_quads(seeded_copy, "paged")
    page1 = feeds.routes["/catalog-p1.ttl"]
    page1.body = page1.body.replace(b"hydra:next", b"hydra:previous")  # ds2 leaves the source
    report = harvest(seeded_copy, url, "paged")
    assert first.succeeded and report.status == "failed"
    assert report.errors[0] == "refused: 1 SHACL violation; nothing was written"
    assert usage.value in report.errors[1] and "duv:refersTo" in report.errors[1]
    assert graph_quads(seeded_copy, "paged") == before


def test_a_page_that_times_out_fails_the_run_after_its_retry(feeds: FeedServer, seeded_copy: Writer) -> None:
    url = serve_paged(feeds)
    assert harvest(seeded_copy, url, "paged").succeeded
    before = graph_quads(seeded_copy, "paged")
    feeds.routes["/catalog-p2.ttl"].delay = 1.0
    report = harvest(seeded_copy, url, "paged", timeout=0.2)
    assert report.status == "failed"
    assert report.errors == [f"{feeds.url('/catalog-p2.ttl')}: timed out (gave up after 2 attempts)"]
    assert graph_quads(seeded_copy, "paged") == before
