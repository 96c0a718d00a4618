from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from graph.harvest.merge import Limits, merge
from graph.harvest.pipeline import Harvester
from graph.harvest.records import Record
from graph.harvest.report import HarvestReport
from graph.iris import Iris
from graph.namespaces import ADMS, DCAT, DCT, DUV, FOAF, KIND, ORG, PROV, RDF, RDFS, SKOS, XSD
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer
from loaders.harvest.fetch import Fetcher
from loaders.harvest.sources import build

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SOURCES = Path(__file__).parent / "fixtures" / "sources"
ACCOUNTS = str(SOURCES / "codegouv" / "comptes-organismes-publics_2024-08.yml")
AGRIBALYSE = NamedNode(BASE + "resource/api-agribalyse")
AGRIBALYSE_DATAGOUV_ID = "6389c6639c0407956f4e43c1"
EX = "https://example.org/def/"


class Adapter:
    def __init__(self, records: list[Record]) -> None:
        self.name = "adapter"
        self._records = records

    def records(self) -> Iterator[Record]:
        yield from self._records


def values(writer: Writer, s: NamedNode, p: NamedNode) -> set:
    return {q.object for q in writer.store.quads(s, p, None, None)}


def api(iri: NamedNode, *more: Triple) -> list[Triple]:
    return [
        Triple(iri, RDF.type, DCAT.Resource),
        Triple(iri, RDF.type, DCAT.DataService),
        Triple(iri, DCT.type, KIND.api),
        Triple(iri, DCT.identifier, Literal(iri.value.rsplit("/", 1)[1])),
        Triple(iri, DCT.title, Literal("API Agribalyse (adapter)", language="fr")),
        Triple(iri, DCT.description, Literal("Impacts environnementaux des aliments.", language="fr")),
        Triple(iri, DCT.publisher, NamedNode(BASE + "organisation/ademe")),
        *more,
    ]


# --- the single-valued properties come from the shapes ---------------------------------------------------------


def test_limits_are_read_from_the_shapes(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <{EX}ThingShape> a sh:NodeShape ; sh:targetClass <{EX}Thing> ;
          sh:property [ sh:path <{EX}once> ; sh:maxCount 1 ] ;
          sh:property [ sh:path <{EX}label> ; sh:uniqueLang true ] ;
          sh:property [ sh:path <{EX}many> ; sh:maxCount 2 ] ."""
    )
    limits = Limits.of(Validator([shapes]))
    thing = NamedNode(EX + "Thing")
    assert limits.single({thing}) == ({NamedNode(EX + "once")}, {NamedNode(EX + "label")})
    assert limits.single({NamedNode(EX + "Other")}) == (set(), set())
    bundled = Limits.of(Validator())
    once, per_language = bundled.single({DCAT.Resource})
    assert {DCT.modified, DCT.publisher, DCT.identifier} <= once and DCT.description in per_language
    assert DUV.refersTo in bundled.single({DUV.Usage})[0]
    assert DCAT.keyword not in once | per_language


def test_merge_keeps_the_known_single_values_and_adds_the_rest(tmp_path: Path) -> None:
    limits = Limits.of(Validator())
    s = NamedNode(BASE + "resource/x")
    known = [
        Triple(s, RDF.type, DCAT.Resource),
        Triple(s, DCT.modified, Literal("2022-12-05", datatype=XSD.date)),
        Triple(s, DCT.description, Literal("Connue", language="fr")),
        Triple(s, DCT.title, Literal("Titre", language="fr")),
    ]
    incoming = [
        Triple(s, RDF.type, DCAT.Resource),
        Triple(s, RDF.type, DCAT.Dataset),  # a known record keeps its types
        Triple(s, DCT.modified, Literal("2030-01-01", datatype=XSD.date)),
        Triple(s, DCT.description, Literal("Autre", language="fr")),
        Triple(s, DCT.description, Literal("Other", language="en")),
        Triple(s, DCT.title, Literal("Autre titre", language="fr")),
        Triple(s, DCAT.keyword, Literal("mot", language="fr")),
    ]
    merged = merge(incoming, known, limits, "src")
    assert set(merged.triples) == {
        Triple(s, RDF.type, DCAT.Resource),
        Triple(s, DCT.description, Literal("Other", language="en")),
        Triple(s, DCT.alternative, Literal("Autre titre", language="fr")),
        Triple(s, DCAT.keyword, Literal("mot", language="fr")),
    }
    assert merged.notes == ["kept the known value of dct:description (@fr)", "kept the known value of dct:modified"]
    assert merge(incoming, [], limits, "src").triples == incoming  # nothing known: nothing dropped


def test_a_differing_name_held_once_becomes_an_alternative_one() -> None:
    person = NamedNode(BASE + "person/x")
    known = [Triple(person, RDF.type, FOAF.Person), Triple(person, FOAF.name, Literal("Camille Martin"))]
    merged = merge([Triple(person, FOAF.name, Literal("C. Martin"))], known, Limits.of(Validator()), "src")
    assert merged.triples == [Triple(person, SKOS.altLabel, Literal("C. Martin"))] and merged.notes == []


def test_colliding_hash_nodes_are_renamed_unless_identical() -> None:
    limits = Limits.of(Validator())
    s = NamedNode(BASE + "organisation/x")
    ident = NamedNode(s.value + "#annuaire")
    known = [
        Triple(s, RDF.type, ORG.Organization),
        Triple(s, ADMS.identifier, ident),
        Triple(ident, RDF.type, ADMS.Identifier),
        Triple(ident, SKOS.notation, Literal("A")),
    ]
    same = merge(known[1:], known, limits, "src")
    assert same.renamed == {} and same.notes == []
    other = [Triple(s, ADMS.identifier, ident), Triple(ident, RDF.type, ADMS.Identifier)]
    other.append(Triple(ident, SKOS.notation, Literal("B")))
    merged = merge(other, known, limits, "src")
    moved = NamedNode(s.value + "#src-annuaire")
    assert merged.renamed == {ident: moved}
    assert Triple(moved, SKOS.notation, Literal("B")) in merged.triples
    assert Triple(s, ADMS.identifier, moved) in merged.triples
    assert not [t for t in merged.triples if ident in (t.subject, t.object)]
    assert merged.notes == ["renamed #annuaire to #src-annuaire: the known #annuaire describes something else"]
    # the same name taken by yet another identifier: numbered
    again = merge([*other[:2], Triple(ident, SKOS.notation, Literal("C"))], known + merged.triples, limits, "src")
    assert again.renamed == {ident: NamedNode(s.value + "#src-annuaire-2")}


# --- through the pipeline --------------------------------------------------------------------------------------


def test_a_matched_record_keeps_its_single_values_and_usages_follow_it(seeded_copy: Writer) -> None:
    mine = NamedNode(BASE + "resource/mine-agribalyse")
    modified = values(seeded_copy, AGRIBALYSE, DCT.modified)
    same_id, other_id = NamedNode(mine.value + "#datagouv-1"), NamedNode(mine.value + "#apigouv")
    known_datagouv = [q.triple for q in seeded_copy.store.describe(AGRIBALYSE) if "#datagouv-1" in q.subject.value]
    usage = NamedNode(BASE + "usage/outil--mine-agribalyse")
    records = [
        Record(
            mine,
            api(
                mine,
                Triple(mine, DCT.modified, Literal("2030-01-01", datatype=XSD.date)),
                Triple(mine, ADMS.identifier, same_id),
                Triple(mine, ADMS.identifier, other_id),
                Triple(other_id, RDF.type, ADMS.Identifier),
                Triple(other_id, SKOS.notation, Literal("agribalyse-v2")),
                Triple(other_id, DCT.type, NamedNode(BASE + "def/identifier-scheme/apigouv")),
                *[Triple(same_id, t.predicate, t.object) for t in known_datagouv],
            ),
            "API Agribalyse",
            frozenset({f"datagouv:{AGRIBALYSE_DATAGOUV_ID}"}),
        ),
        Record(
            usage,
            [
                Triple(usage, RDF.type, DUV.Usage),
                Triple(usage, RDF.type, PROV.Activity),
                Triple(usage, DUV.refersTo, mine),
                Triple(usage, DCT.description, Literal("Calcul d'empreinte", language="fr")),
                Triple(usage, PROV.wasAssociatedWith, NamedNode(BASE + "organisation/ademe")),
                Triple(usage, RDFS.seeAlso, other_id),
            ],
            "usage",
        ),
    ]
    report = Harvester(seeded_copy).run(Adapter(records), "adapter:test")
    assert report.succeeded and report.skipped == [] and report.written == 2
    assert values(seeded_copy, AGRIBALYSE, DCT.modified) == modified and len(modified) == 1
    assert values(seeded_copy, usage, DUV.refersTo) == {AGRIBALYSE}
    renamed = NamedNode(AGRIBALYSE.value + "#adapter-apigouv")
    assert values(seeded_copy, AGRIBALYSE, ADMS.identifier) == {
        NamedNode(AGRIBALYSE.value + "#datagouv-1"),
        NamedNode(AGRIBALYSE.value + "#apigouv"),
        renamed,
    }
    assert values(seeded_copy, renamed, SKOS.notation) == {Literal("agribalyse-v2")}
    assert values(seeded_copy, usage, RDFS.seeAlso) == {renamed}  # a link to the renamed node follows it
    assert len(values(seeded_copy, NamedNode(AGRIBALYSE.value + "#apigouv"), SKOS.notation)) == 1
    notes = report.notes[AGRIBALYSE.value]
    assert "kept the known value of dct:modified" in notes
    assert "renamed #apigouv to #adapter-apigouv: the known #apigouv describes something else" in notes


def test_records_of_one_source_iri_keep_apart(seeded_copy: Writer) -> None:
    """Two records the source gives one IRI (a repository and its mirror) but no common key: two records."""
    mine = NamedNode(BASE + "resource/mirrored")
    first = api(mine, Triple(mine, DCT.modified, Literal("2021-01-01", datatype=XSD.date)))
    second = [t for t in api(mine) if t.predicate != DCT.publisher]
    second += [Triple(mine, DCT.publisher, NamedNode(BASE + "organisation/dinum"))]
    records = [
        Record(mine, first, "first", frozenset({"url:github.com/x/mirrored"})),
        Record(mine, [*second, Triple(mine, DCT.modified, Literal("2022-02-02", datatype=XSD.date))], "second"),
    ]
    report = Harvester(seeded_copy).run(Adapter(records), "adapter:test")
    assert report.skipped == [] and report.written == 2
    twin = NamedNode(mine.value + "-adapter")
    assert values(seeded_copy, mine, DCT.publisher) == {NamedNode(BASE + "organisation/ademe")}
    assert values(seeded_copy, twin, DCT.publisher) == {NamedNode(BASE + "organisation/dinum")}
    assert len(values(seeded_copy, mine, DCT.modified)) == len(values(seeded_copy, twin, DCT.modified)) == 1


def test_a_record_that_links_to_a_skipped_one_says_so(seeded_copy: Writer) -> None:
    nameless = NamedNode(BASE + "organisation/sans-nom")
    mine = NamedNode(BASE + "resource/orpheline")
    records = [
        Record(nameless, [Triple(nameless, RDF.type, ORG.Organization), Triple(nameless, RDF.type, FOAF.Agent)], "?"),
        Record(
            mine,
            [t for t in api(mine) if t.predicate != DCT.publisher] + [Triple(mine, DCT.publisher, nameless)],
            "orpheline",
        ),
    ]
    report = Harvester(seeded_copy).run(Adapter(records), "adapter:test")
    skipped = {s.iri: s.results for s in report.skipped}
    assert set(skipped) == {nameless.value, mine.value} and report.written == 0
    assert skipped[mine.value][0]["message"] == f"because <{nameless.value}> was skipped"
    assert [r["path"] for r in skipped[nameless.value]] == ["foaf:name"]  # its own defect, no "because"


# --- the five adapters, one after the other, on the seeded store -----------------------------------------------

RUNS = [
    ("datagouv", [str(p) for p in sorted((SOURCES / "datagouv").glob("*.json"))], None),
    ("codegouv", [str(SOURCES / "codegouv" / "repositories_2021_SocialGouv_StartupsPoleEmploi.csv")], ACCOUNTS),
    ("sill", [str(SOURCES / "sill" / "sill_2022_archived_etalab-sill-contents.json")], ACCOUNTS),
    ("publiccode", [str(p) for p in sorted((SOURCES / "publiccode").glob("*.yml"))], None),
    ("apigouv", [str(Path(__file__).parent.parent / "data" / "seed" / "apigouv")], None),
]


@pytest.fixture(scope="module")
def five_runs(
    tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path, iris: Iris, validator: Validator
) -> Iterator[tuple[Writer, dict[str, HarvestReport]]]:
    copy = tmp_path_factory.mktemp("merge") / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    store = EmbeddedStore(copy)
    writer = Writer(store, validator, iris)
    harvester = Harvester(writer)
    reports = {}
    for again in ("", " again"):  # a second round: each source merges into what the others made of its records
        for adapter, locations, accounts in RUNS:
            source_ = build(adapter, locations, iris, Fetcher(), accounts)
            reports[adapter + again] = harvester.run(source_, " ".join(locations))
    yield writer, reports
    store.close()


def test_the_five_adapters_skip_nothing_on_a_seeded_store_twice(
    five_runs: tuple[Writer, dict[str, HarvestReport]],
) -> None:
    _, reports = five_runs
    for name, report in reports.items():
        assert report.succeeded, (name, report.errors)
        assert [(s.iri, s.results) for s in report.skipped] == [], name
        # every record seen is written, alone or merged into another record of the run
        merged_in_run = sum(1 for m in report.matches if m.among == "run")
        assert report.written == report.seen - merged_in_run, name
    assert len(reports) == 2 * len(RUNS) and sum(len(r.matches) for r in reports.values()) > 0


def test_after_the_five_runs_single_values_are_single(five_runs: tuple[Writer, dict[str, HarvestReport]]) -> None:
    writer, reports = five_runs
    matched = {NamedNode(m.iri) for r in reports.values() for m in r.matches if m.among == "store"}
    limits = Limits.of(writer.validator)
    counts: Counter[tuple[NamedNode, NamedNode]] = Counter()
    for iri in matched:
        quads = [q for q in writer.store.describe(iri) if q.subject == iri]
        once, _ = limits.single({q.object for q in quads if q.predicate == RDF.type})  # type: ignore[misc]
        for p, _o in {(q.predicate, q.object) for q in quads if q.predicate in once}:
            counts[(iri, p)] += 1
    assert counts and max(counts.values()) == 1
    # usages of the run refer to one resource each, and use a service that exists
    rows = writer.store.select(
        """SELECT ?u (COUNT(DISTINCT ?r) AS ?n) WHERE { ?u a duv:Usage ; duv:refersTo ?r } GROUP BY ?u HAVING (?n > 1)"""
    ).rows
    assert rows == []
    tools = writer.store.select(
        "SELECT ?u ?t WHERE { ?u duv:hasUsageTool ?t FILTER NOT EXISTS { ?t a duv:UsageTool } }"
    ).rows
    assert tools == []


def test_after_the_five_runs_colliding_identifiers_are_renamed(
    five_runs: tuple[Writer, dict[str, HarvestReport]],
) -> None:
    writer, reports = five_runs
    renamed = [
        (iri, note)
        for name, r in reports.items()
        for iri, notes in r.notes.items()
        for note in notes
        if note.startswith("renamed #")
    ]
    assert renamed
    for iri, note in renamed:
        old, new = note.split(" ", 3)[1], note.split(" ", 3)[3].split(":", 1)[0]
        node, moved = NamedNode(iri + old), NamedNode(iri + new)
        links = {q.predicate for q in writer.store.quads(NamedNode(iri), None, node, None)}
        assert links and links == {q.predicate for q in writer.store.quads(NamedNode(iri), None, moved, None)}
        described = {(q.predicate, q.object) for q in writer.store.quads(node, None, None, None)}
        assert described != {(q.predicate, q.object) for q in writer.store.quads(moved, None, None, None)}
        if ADMS.identifier in links:  # an identifier (a distribution may collide too)
            assert len(values(writer, node, SKOS.notation)) == 1
            assert len(values(writer, moved, SKOS.notation)) == 1
            assert values(writer, moved, SKOS.notation) != values(writer, node, SKOS.notation)
