"""The curation table (data/curation): read and checked, loaded into the curation graph with its provenance and
never into the source graphs, shown by the pages, search and the DCAT feed, kept through a reload of a source,
and validated as corrected; each kind of curation (rename, merge, hide, keywords, typo) on the seed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, RdfFormat

from graph.cli import main
from graph.community import curation, curation_table
from graph.community.curation_table import BadCuration, Entry
from graph.config import Settings
from graph.errors import ValidationFailed
from graph.iris import Iris
from graph.namespaces import DCAT, DCT, FOAF, KIND, OWL, PROV, RDF, RSR, SKOS
from graph.search import Search, SearchIndex
from graph.store import EmbeddedStore
from graph.store.base import Store
from graph.validation import Validator
from graph.web.app import create_app
from graph.writer import Writer
from loaders.seed import build
from tests.conftest import BASE
from tests.stores import copy_of

CURATION = NamedNode(BASE + "graph/curation")
FRANCE_TRAVAIL = NamedNode(BASE + "organisation/france-travail")
SIRENE = NamedNode(BASE + "resource/base-sirene-de-linsee")
DUPLICATE = NamedNode(BASE + "resource/api-recherche-entreprise")
KEPT = NamedNode(BASE + "resource/api-recherche-entreprises")
TEST_ENTRY = NamedNode(BASE + "resource/api-parcours-de-formation-test")
PLANNING = NamedNode(
    BASE + "resource/planning-de-mise-a-jour-des-jeux-de-donnees-statistiques-et-des-datavisualisations-associees"
)


@pytest.fixture(scope="module")
def curated_dir(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path, iris: Iris, validator: Validator) -> Path:
    """An on-disk copy of the seed store with the project's curation table loaded."""
    path = tmp_path_factory.mktemp("curated") / "store"
    copy_of(seeded_dir, path)
    store = EmbeddedStore(path)
    curation_table.load(Writer(store, validator, iris))
    store.close()
    return path


@pytest.fixture
def writer(tmp_path: Path, curated_dir: Path, iris: Iris, validator: Validator) -> Iterator[Writer]:
    copy = tmp_path / "store"
    copy_of(curated_dir, copy)
    store = EmbeddedStore(copy)
    yield Writer(store, validator, iris)
    store.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, curated_dir: Path) -> Iterator[TestClient]:
    copy = tmp_path_factory.mktemp("curated-web") / "store"
    copy_of(curated_dir, copy)
    settings = Settings(store_path=str(copy), query_workers=1, feature_datagouv_search=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def shown(store: Store, record: NamedNode, predicate: NamedNode) -> set[str]:
    """The values the site shows for a record's property (the curated quads)."""
    quads = list(store.quads(record, predicate, None, None))
    return {text(q.object) for q in curation.curated(quads, curation.overrides_of(store, CURATION), CURATION)}


def text(term: object) -> str:
    assert isinstance(term, (Literal, NamedNode))
    return term.value


def one(store: Store, s: NamedNode, p: NamedNode) -> str:
    return text(next(store.quads(s, p, None, CURATION)).object)


def found(store: Store, q: str) -> list[str]:
    index = SearchIndex.open(":memory:", BASE)
    index.sync(store)
    return [h.href for h in index.search(Search(q, {}, per_page=1000)).hits]


def table(tmp_path: Path, body: str, head: str = "curator: Équipe\ndate: 2026-12-04\n") -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(head + body, encoding="utf-8")
    return path


# --- the table ---------------------------------------------------------------------------------------------------


def test_the_project_table_reads_and_covers_every_kind() -> None:
    entries = curation_table.read()
    kinds = {e.kind for e in entries}
    assert kinds == set(curation_table.KINDS)
    assert all(e.reason and e.curator and e.created.startswith("2026-") for e in entries)
    assert len({e.id for e in entries}) == len(entries)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("entries:\n  - {id: x, kind: erase, record: resource/a, reason: r}\n", "'kind' is one of"),
        ("entries:\n  - {id: x, kind: rename, record: resource/a, reason: r, set: {title: B}}\n", "keeps the former"),
        ("entries:\n  - {id: x, kind: merge, record: resource/a, reason: r}\n", "'into'"),
        ("entries:\n  - {id: x, kind: hide, record: resource/a}\n", "'reason'"),
        ("entries:\n  - {id: x, kind: hide, record: nowhere, reason: r}\n", "record path"),
        ("entries:\n  - {id: X Y, kind: hide, record: resource/a, reason: r}\n", "'id'"),
        ("entries:\n  - {id: x, kind: keywords, record: resource/a, reason: r, set: {keywords: a}}\n", "a list"),
        (
            "entries:\n  - {id: x, kind: hide, record: resource/a, reason: r}\n"
            "  - {id: x, kind: hide, record: resource/b, reason: r}\n",
            "already",
        ),
    ],
)
def test_a_bad_entry_is_refused_with_where_and_why(tmp_path: Path, body: str, said: str) -> None:
    with pytest.raises(BadCuration, match=said):
        curation_table.read(table(tmp_path, body))


def test_a_table_without_curator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadCuration, match="curator"):
        curation_table.read(table(tmp_path, "entries: []\n", head="date: 2026-12-04\n"))


# --- in the curation graph, with provenance, never in the source graphs ------------------------------------------------


def test_curations_are_in_the_curation_graph_with_provenance(writer: Writer) -> None:
    store = writer.store
    node = NamedNode(BASE + "correction/curation-base-sirene-insee")
    assert next(store.quads(node, RDF.type, RSR.Correction, CURATION), None) is not None
    assert {q.object for q in store.quads(node, RSR.corrects, None, CURATION)} == {SIRENE}
    assert {q.object for q in store.quads(node, RSR.overrides, None, CURATION)} == {DCT.title}
    assert "INNSEE" in one(store, node, DCT.description)
    assert one(store, node, DCT.created).startswith("2026-12-04")
    agent = NamedNode(one(store, node, PROV.wasAttributedTo))
    assert one(store, agent, FOAF.name) == "Équipe éditoriale de la Ressourcerie"
    # the source graphs hold what the sources said
    source = {text(q.object) for q in store.quads(SIRENE, DCT.title, None, None) if q.graph_name != CURATION}
    assert source == {"Base SIRENE de l’INNSEE"}
    assert {q.graph_name for q in store.quads(None, RSR.corrects, None, None)} == {CURATION}


def test_a_reloaded_source_does_not_undo_a_curation(writer: Writer, iris: Iris) -> None:
    seed = build(iris, Path(Settings().seed_dir))
    source = iris.graph("seed/ressourcerie")
    writer.replace_graphs({source: seed.graphs[source]})  # the source read again, as harvested
    assert shown(writer.store, SIRENE, DCT.title) == {"Base SIRENE de l’INSEE"}
    assert shown(writer.store, FRANCE_TRAVAIL, FOAF.name) == {"France Travail"}
    assert "/resource/base-sirene-de-linsee" in found(writer.store, "INSEE sirene")


def test_reloading_the_table_is_idempotent_and_drops_what_left_it(writer: Writer) -> None:
    before = set(writer.store.quads(None, None, None, CURATION))
    again = curation_table.load(writer)
    assert set(writer.store.quads(None, None, None, CURATION)) == before
    assert again.applied["typo"] == 2 and not again.skipped
    fewer = [e for e in curation_table.read() if e.id != "base-sirene-insee"]
    curation_table.load(writer, fewer)
    assert shown(writer.store, SIRENE, DCT.title) == {"Base SIRENE de l’INNSEE"}  # as the source says again
    assert shown(writer.store, FRANCE_TRAVAIL, FOAF.name) == {"France Travail"}


def test_a_reload_keeps_the_moderated_corrections(writer: Writer) -> None:
    node = NamedNode(BASE + "correction/abc123")
    record = NamedNode(BASE + "organisation/dares")
    writer.add(
        {
            CURATION: [
                pyoxigraph.Triple(node, RDF.type, RSR.Correction),
                pyoxigraph.Triple(node, RDF.type, PROV.Entity),
                pyoxigraph.Triple(node, RSR.corrects, record),
                pyoxigraph.Triple(node, DCT.description, Literal("Sigle ajouté.", language="fr")),
                pyoxigraph.Triple(node, DCT.created, curation.now()),
                pyoxigraph.Triple(record, SKOS.altLabel, Literal("Dares", language="fr")),
            ]
        }
    )
    curation_table.load(writer)
    assert next(writer.store.quads(node, RSR.corrects, record, CURATION), None) is not None
    assert next(writer.store.quads(record, SKOS.altLabel, Literal("Dares", language="fr"), CURATION), None)


def test_an_entry_whose_record_is_not_here_is_skipped(writer: Writer) -> None:
    entry = Entry("absent", "hide", "resource/nulle-part", "Absente.", "Équipe", "2026-12-04T00:00:00Z", "t.yaml")
    loaded = curation_table.load(writer, [entry])
    assert loaded.skipped == ["absent: resource/nulle-part is not in the store"] and not loaded.applied


def test_a_curation_that_breaks_the_shapes_is_refused_and_nothing_changes(writer: Writer, tmp_path: Path) -> None:
    before = set(writer.store.quads(None, None, None, CURATION))
    body = (
        "entries:\n  - id: deux-titres\n    kind: typo\n    record: resource/base-sirene-de-linsee\n"
        "    reason: Deux titres.\n    set: {title: [Un titre, Un autre titre]}\n"
    )
    with pytest.raises(ValidationFailed):
        curation_table.load(writer, curation_table.read(table(tmp_path, body)))
    assert set(writer.store.quads(None, None, None, CURATION)) == before


def test_the_project_curations_pass_the_shapes(writer: Writer) -> None:
    report = writer.check_graphs({CURATION: [q.triple for q in writer.store.quads(None, None, None, CURATION)]})
    assert report.conforms, report.violations[:3]


# --- each kind ---------------------------------------------------------------------------------------------------


def test_rename_keeps_the_former_name_findable(writer: Writer, web: TestClient) -> None:
    assert shown(writer.store, FRANCE_TRAVAIL, FOAF.name) == {"France Travail"}
    assert {"Pôle Emploi", "PE"} <= shown(writer.store, FRANCE_TRAVAIL, SKOS.altLabel)
    assert found(writer.store, "Pôle Emploi")[0] == "/organisation/france-travail"
    page = web.get("/organisation/france-travail", headers={"Accept": "text/html"}).text
    assert "France Travail" in page and "<h1>Pôle Emploi" not in page


def test_merge_redirects_the_duplicate_and_lists_one(writer: Writer, web: TestClient) -> None:
    assert {q.object for q in writer.store.quads(DUPLICATE, OWL.sameAs, None, CURATION)} == {KEPT}
    r = web.get("/resource/api-recherche-entreprise", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/resource/api-recherche-entreprises"
    r = web.get("/resource/api-recherche-entreprise.ttl", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/resource/api-recherche-entreprises.ttl"
    hits = found(writer.store, "recherche entreprises")
    assert "/resource/api-recherche-entreprises" in hits and "/resource/api-recherche-entreprise" not in hits
    feed = catalogue(web)
    assert KEPT in feed and DUPLICATE not in feed


def test_hidden_entries_are_gone_with_their_reason(writer: Writer, web: TestClient) -> None:
    r = web.get("/resource/api-parcours-de-formation-test", headers={"Accept": "text/html"})
    assert r.status_code == 410 and "Version de test" in r.text
    assert web.get("/resource/api-parcours-de-formation-test.ttl").status_code == 410
    assert "/resource/api-parcours-de-formation-test" not in found(writer.store, "parcours formation")
    html = web.get("/search", params={"q": "parcours de formation test"}, headers={"Accept": "text/html"}).text
    assert "Test v1" not in html
    assert TEST_ENTRY not in catalogue(web)


def test_the_record_pages_list_neither_duplicates_nor_hidden_entries(web: TestClient) -> None:
    for page in ("/organisation/france-travail", "/themes/formation"):
        html = web.get(page, headers={"Accept": "text/html"}).text
        assert "/resource/api-parcours-de-formation-test" not in html
    html = web.get("/organisation/france-travail", headers={"Accept": "text/html"}).text
    assert '/resource/api-evenements-pole-emploi"' not in html
    assert "/resource/api-evenements-pole-emploi-apigouv" in html


def test_counts_leave_out_duplicates_and_hidden_entries(web: TestClient) -> None:
    """The home page's counts by kind and the themes' counts are those of the records the lists show."""
    store = web.app.state.context.store  # type: ignore[attr-defined]
    aside = {q.subject for q in store.quads(None, OWL.sameAs, None, NamedNode(BASE + "graph/curation"))}
    aside |= {q.subject for q in store.quads(None, RSR.hidden, None, NamedNode(BASE + "graph/curation"))}
    apis = {r for (r,) in store.select(f"SELECT ?r WHERE {{ ?r a dcat:Resource ; dct:type <{KIND.api.value}> }}").rows}
    assert aside and aside <= apis
    home = web.get("/", headers={"Accept": "text/html"}).text
    assert f'<a href="/search?kind=api">API</a> <span class="rsr-count">({len(apis - aside)})</span>' in home
    assert not any(f'href="/{a.value[len(BASE) :]}"' in home for a in aside)


def test_split_keywords(writer: Writer) -> None:
    keywords = shown(writer.store, PLANNING, DCAT.keyword)
    assert {"Planning", "jeu de données", "datavisualisation"} <= keywords
    assert not any(";" in k for k in keywords)


def test_typo_fixed_on_the_page_and_in_search(writer: Writer, web: TestClient) -> None:
    page = web.get("/resource/base-sirene-de-linsee", headers={"Accept": "text/html"}).text
    assert "Base SIRENE de l’INSEE" in page and "INNSEE" not in page.split("<main", 1)[-1].split("</h1>", 1)[0]
    assert shown(writer.store, SIRENE, DCT.title) == {"Base SIRENE de l’INSEE"}


def catalogue(web: TestClient) -> set[NamedNode]:
    r = web.get("/catalog?page_size=1000", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    triples = {q.triple for q in pyoxigraph.parse(r.content, format=RdfFormat.TURTLE)}
    return {t.subject for t in triples if t.predicate == RDF.type and t.subject.value.startswith(BASE + "resource/")}


# --- the command ---------------------------------------------------------------------------------------------------


def test_the_curate_command_reloads_the_table(tmp_path: Path, curated_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "store"
    copy_of(curated_dir, copy)
    assert main(["--store", str(copy), "curate"]) == 0
    out = capsys.readouterr().out
    assert "curations: 23 applied (rename 3, merge 3, hide 4, keywords 11, typo 2)" in out
