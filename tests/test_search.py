"""Full-text search: French analysis, synonyms, ranking (exact names first, partial matches when all words find
few, the three queries an agent types), corrections, sorting, facets (checked against SPARQL counts), filters,
paging, the index following writes (through the service, and made while it was down), /search in HTML, JSON and
CSV, the CLI, and the 400s."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from graph.cli import main
from graph.config import Settings
from graph.iris import Iris
from graph.rdf import parse_bytes
from graph.search import Search, SearchIndex
from graph.search.analysis import fold
from graph.search.finder import FEW
from graph.search.index import FACET_VALUES
from graph.search.query import highlight, parse
from graph.search.suggest import distance
from graph.search.synonyms import Group, Synonyms, Term, default
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.web.app import create_app
from graph.writer import Writer
from tests.conftest import BASE

TOKEN = "search-writer-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW = f"{BASE}resource/zythologie-ouverte"
PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
NEW_TRIPLES = f"""<{NEW}> a dcat:Resource, dcat:DataService ;
  dct:type <https://ressourcerie.fabrique.social.gouv.fr/def/kind/api> ;
  dct:identifier "zythologie-ouverte" ;
  dct:title "API Zythologie <b>ouverte</b>"@fr ;
  dct:description "Les brasseries artisanales recensées, pour les études de zythologie."@fr ;
  dct:publisher <{BASE}organisation/dares> ;
  dcat:theme <https://ressourcerie.fabrique.social.gouv.fr/def/theme/emploi> ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
  dct:modified "2025-01-01"^^xsd:date ;
  dcat:landingPage <https://example.gouv.fr/zythologie> ;
  dcat:endpointURL <https://api.example.gouv.fr/zythologie> .
"""
NEW_TTL = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + NEW_TRIPLES
NEW_SPARQL = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="module")
def index(seeded: EmbeddedStore) -> SearchIndex:
    idx = SearchIndex.open(":memory:", BASE)
    idx.sync(seeded)
    return idx


def everything(index: SearchIndex, q: str = "", **filters: list[str]) -> list:  # type: ignore[type-arg]
    return index.search(Search(q, filters, per_page=1000)).hits


def titles(index: SearchIndex, q: str, **filters: list[str]) -> list[str]:
    return [h.title for h in everything(index, q, **filters)]


def sparql_count(store: EmbeddedStore, iris: list[str], path: str) -> dict[str, int]:
    """Per value of ``path``, how many of these records have it: counted by SPARQL."""
    values = " ".join(f"<{NamedNode(i).value}>" for i in iris)
    rows = store.select(
        f"SELECT ?v (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES ?r {{ {values} }} ?r {path} ?v }} GROUP BY ?v"
    )
    return {r[0].value: int(r[1].value) for r in rows.rows}  # type: ignore[union-attr]


# --- French analysis -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "word"),
    [("emplois", "emploi"), ("donnees", "données"), ("entreprises", "entreprise"), ("Entrepr", "entrepr")],
)
def test_plural_accents_and_prefix_are_matched(index: SearchIndex, query: str, word: str) -> None:
    found = titles(index, query)
    assert found
    assert any(word in fold(t) or fold(word) in fold(t) for t in found)
    assert index.search(Search(query)).total == index.search(Search(query.upper())).total


def test_the_stemmed_forms_match_each_other(index: SearchIndex) -> None:
    assert set(titles(index, "emplois ")) == set(titles(index, "emploi "))
    assert set(titles(index, "données ")) == set(titles(index, "donnees "))


def test_a_phrase_needs_its_words_in_order_and_a_dash_excludes(index: SearchIndex) -> None:
    words = everything(index, "offre emploi ")
    phrase = everything(index, '"offres d\'emploi"')
    assert 0 < len(phrase) < len(words)
    excluded = everything(index, "insertion -emploi")
    assert excluded and all("emploi" not in fold(h.title + h.excerpt) for h in excluded)
    assert len(excluded) < len(everything(index, "insertion"))
    without = index.search(Search("-emploi")).total
    assert without == index.search(Search("")).total - index.search(Search("emploi ")).total


def test_highlight_escapes_the_text_and_marks_the_words() -> None:
    out = highlight("<script>alert('x')</script> Les données d'emploi", parse("emplois donnees "))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark>") == 2 and "<mark>données</mark>" in out


def test_a_known_last_word_is_a_word_an_unknown_one_a_prefix() -> None:
    assert parse("trouver son nom", known=lambda s: True).prefixes == set()
    assert parse("entrepr", known=lambda s: False).prefixes == {"entrepr"}
    assert parse("nom ").prefixes == set()


def test_the_last_word_is_whole_when_the_index_knows_it(index: SearchIndex) -> None:
    assert index.search(Search("siret")).total == index.search(Search("siret ")).total
    assert index.search(Search("nom")).total == index.search(Search("nom ")).total  # not "nombre"


def test_small_words_alone_are_dropped() -> None:
    assert parse("avis des stagiaires sur les formations ").match == '"avi" AND "stagiair" AND "format"'


# --- synonyms and acronyms ------------------------------------------------------------------------------------------


def test_the_synonym_table_loads_with_a_source_for_each_group() -> None:
    table = default()
    assert len(table.groups) >= 20 and all(g.source for g in table.groups)
    assert table.match(["franc", "travail"], 0) is not None and table.match(["siret"], 0) is not None


def test_a_term_in_two_groups_is_refused() -> None:
    with pytest.raises(ValueError, match="two groups"):
        Synonyms([Group((Term.of("DPAE"),), (), "a"), Group((Term.of("dpae"),), (), "b")])


def test_an_acronym_finds_what_is_written_in_full_and_back(index: SearchIndex) -> None:
    dpae = "Déclarations préalables à l'embauche mensuelles de plus d'un mois, France entière"
    hit = next(h for h in everything(index, "DPAE") if h.title == dpae)
    assert "dpae" not in fold(" ".join([hit.title, hit.excerpt, *hit.keywords]))
    assert titles(index, "DPAE")[0] == "API Déclaration préalable à l'embauche"
    partial = "Masse salariale et assiette chômage partiel mensuelles du secteur privé"
    assert partial in titles(index, "activité partielle")
    assert "API Référentiel des agences France Travail" in titles(index, "agences pôle emploi")


def test_the_closest_records_hold_every_word_but_one() -> None:
    query = parse("verifier siret entreprise -stage ")
    siret = '("siret" OR "siren")'
    assert query.all_but_one == (
        f'(({siret} AND "entrepri") OR ("verifi" AND "entrepri") OR ("verifi" AND {siret})) NOT "stag"'
    )
    assert parse("emploi formation").all_but_one == ""  # two words: any of them


def test_synonyms_are_one_concept_of_alternatives() -> None:
    query = parse("dpae siret ")
    assert len(query.concepts) == 2 and all(c.synonym for c in query.concepts)
    assert 'NEAR("declar" "prealabl" "embauch"' in query.match and '"siren"' in query.match
    assert parse('"pole emploi"').concepts[0].synonym is False  # a phrase is taken as written


# --- ranking, facets, filters, paging -----------------------------------------------------------------------------


def test_title_matches_come_before_description_only_matches(index: SearchIndex) -> None:
    hits = everything(index, "sirene ")
    in_title = [i for i, h in enumerate(hits) if "sirene" in fold(h.title)]
    elsewhere = [
        i
        for i, h in enumerate(hits)
        if "sirene" not in fold(h.title + " ".join(h.keywords)) and h.kind["value"] != "guide"
    ]
    assert in_title and elsewhere
    assert max(in_title) < min(elsewhere)
    assert hits[0].title == "API Sirene"


def same_counts(listed: list, counted: dict[str, int]) -> None:  # type: ignore[type-arg]
    """The facet lists the most frequent values (FACET_VALUES at most), each with the SPARQL count."""
    shown = {c.iri: c.count for c in listed}
    assert len(shown) == min(FACET_VALUES, len(counted))
    assert all(counted[iri] == n for iri, n in shown.items())
    assert min(shown.values(), default=0) >= max((n for i, n in counted.items() if i not in shown), default=0)


def test_facet_counts_equal_sparql_counts_of_the_same_set(index: SearchIndex, seeded: EmbeddedStore) -> None:
    for q in ("", "emploi", "api donnees", "vérifier siret entreprise"):
        results = index.search(Search(q, per_page=1000))
        iris = [h.iri for h in results.hits]
        assert results.total == len(iris)
        same_counts(results.facets["theme"], sparql_count(seeded, iris, "dcat:theme"))
        same_counts(results.facets["access"], sparql_count(seeded, iris, "dct:accessRights"))
        same_counts(results.facets["producer"], sparql_count(seeded, iris, "dct:publisher"))
        kinds = {k: n for k, n in sparql_count(seeded, iris, "dct:type").items() if "/def/kind/" in k}
        same_counts([c for c in results.facets["kind"] if c.iri.startswith("http")], kinds)
    assert len(index.search(Search("")).facets["producer"]) == FACET_VALUES  # the seed has more producers


def test_browse_counts_every_resource(index: SearchIndex, seeded: EmbeddedStore) -> None:
    n = int(seeded.select("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a dcat:Resource }").rows[0][0].value)  # type: ignore[union-attr]
    kinds = index.search(Search("")).facets["kind"]
    resource_kinds = {"api", "dataset", "source-code", "ai", "documentation", "catalogue"}
    assert sum(c.count for c in kinds if c.value in resource_kinds) == n
    assert {"organisation", "guide"} <= {c.value for c in kinds}
    browse = everything(index, "")
    assert [fold(h.title) for h in browse] == sorted(fold(h.title) for h in browse)


def test_filters_and_across_facets_or_within_one(index: SearchIndex, seeded: EmbeddedStore) -> None:
    apis = index.search(Search("", {"kind": ["api"]})).total
    datasets = index.search(Search("", {"kind": ["dataset"]})).total
    assert index.search(Search("", {"kind": ["api", "dataset"]})).total == apis + datasets
    both = index.search(Search("", {"kind": ["api"], "access": ["open"]}, per_page=1000))
    expected = seeded.select(
        "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a dcat:Resource ; dct:type kind:api ;"
        " dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> }"
    ).rows[0][0]
    assert both.total == int(expected.value) > 0  # type: ignore[union-attr]
    assert all(h.kind["value"] == "api" and h.access["value"] == "open" for h in both.hits)
    # a ticked facet keeps its alternatives' counts; the others are narrowed
    kinds = {c.value: c.count for c in both.facets["kind"]}
    assert kinds["dataset"] == index.search(Search("", {"access": ["open"], "kind": ["dataset"]})).total
    assert {c.value: c.count for c in both.facets["access"]}["open"] == both.total
    # values may be given as IRIs too
    by_iri = index.search(Search("", {"kind": ["https://ressourcerie.fabrique.social.gouv.fr/def/kind/api"]}))
    assert by_iri.total == apis


def test_pages_follow_each_other(index: SearchIndex) -> None:
    whole = [h.iri for h in index.search(Search("emploi", per_page=20)).hits]
    first = [h.iri for h in index.search(Search("emploi", per_page=10, page=1)).hits]
    second = [h.iri for h in index.search(Search("emploi", per_page=10, page=2)).hits]
    assert first + second == whole and len(set(whole)) == 20
    assert index.search(Search("emploi", page=999)).hits == []


def test_organisations_and_people_are_found(index: SearchIndex) -> None:
    hits = everything(index, "dares")
    assert hits[0].href == "/organisation/dares" and hits[0].kind["value"] == "organisation"


def test_unknown_filters_and_long_queries_are_refused(index: SearchIndex) -> None:
    from graph.errors import BadRequest

    for search in (Search("", {"kind": ["nope"]}), Search("", {"colour": ["red"]}), Search("x" * 201)):
        with pytest.raises(BadRequest):
            index.search(search)


def test_what_an_agent_types_finds_what_the_agent_looks_for(index: SearchIndex) -> None:
    first = titles(index, "vérifier siret entreprise")[:3]
    assert "API Sirene" in first or "API Entreprise" in first
    assert "API Sirene" in titles(index, "siret")[:3]
    assert titles(index, "API Entreprise")[0] == "API Entreprise"


def test_a_name_typed_exactly_comes_first(index: SearchIndex) -> None:
    assert titles(index, "API Entreprise")[0] == "API Entreprise"
    assert titles(index, "ficoba")[0] == "API Fichier des Comptes Bancaires et Assimilés (FICOBA)"
    assert everything(index, "France Travail")[0].href == "/organisation/france-travail"  # its other name
    assert titles(index, "code rome")[0].startswith("API Répertoire opérationnel des métiers")


def test_few_records_with_every_word_bring_the_closest_ones(index: SearchIndex) -> None:
    results = index.search(Search("vérifier siret entreprise", per_page=100))
    assert results.partial and results.all_words is not None and 0 < results.all_words < FEW < results.total
    strict = index.search(Search('"verifier" siret "entreprise"', per_page=100))
    assert {h.iri for h in strict.hits} <= {h.iri for h in results.hits}
    none = index.search(Search("zythologie entreprises"))
    assert none.partial and none.all_words == 0 and none.total == index.search(Search("entreprises ")).total
    plenty = index.search(Search("offres d'emploi"))
    assert not plenty.partial and plenty.all_words == plenty.total


def test_sorted_by_title_or_by_date(index: SearchIndex) -> None:
    by_title = index.search(Search("emploi", per_page=1000, sort="title")).hits
    assert [fold(h.title).strip() for h in by_title] == sorted(fold(h.title).strip() for h in by_title)
    by_date = index.search(Search("emploi", per_page=1000, sort="date")).hits
    dated = [h.modified for h in by_date if h.modified]
    assert dated == sorted(dated, reverse=True) and dated
    assert all(h.modified is None for h in by_date[len(dated) :])
    assert {h.iri for h in by_title} == {h.iri for h in by_date} == {h.iri for h in everything(index, "emploi")}


def test_an_unknown_sort_is_refused(index: SearchIndex) -> None:
    from graph.errors import BadRequest

    with pytest.raises(BadRequest, match="sort must be one of"):
        index.search(Search("emploi", sort="colour"))


# --- did you mean -------------------------------------------------------------------------------------------------------


def test_a_misspelt_word_gets_the_closest_known_one(index: SearchIndex) -> None:
    assert index.search(Search("formaton professionnelle")).suggestion == "formation professionnelle"
    assert index.search(Search("vérifier siert entrepirse")).suggestion == "vérifier siret entreprise"
    assert index.search(Search("emploi")).suggestion is None
    assert index.search(Search("qwxzrtp")).suggestion is None


def test_edit_distance_counts_a_transposition_once() -> None:
    assert distance("siret", "sirte", 2) == 1
    assert distance("emploi", "emplois", 2) == 1
    assert distance("abc", "xyz", 1) == 2  # over the limit: limit + 1


# --- the index follows the store ------------------------------------------------------------------------------------


@pytest.fixture
def writer(make_client) -> TestClient:
    return make_client(updates=True, update_token_sha256=hashlib.sha256(TOKEN.encode()).hexdigest())


def found(client: TestClient, q: str) -> list[str]:
    r = client.get("/search.json", params={"q": q})
    assert r.status_code == 200, r.text
    return [h["iri"] for h in r.json()["results"]]


def test_a_resource_written_through_the_graph_store_is_found_then_gone(writer: TestClient) -> None:
    graph = f"{BASE}graph/contributions"
    assert found(writer, "zythologie") == []
    r = writer.put(f"/store?graph={graph}", content=NEW_TTL, headers={**AUTH, "Content-Type": "text/turtle"})
    assert r.status_code in (201, 204), r.text
    assert found(writer, "zythologie") == [NEW]
    assert NEW in found(writer, "brasserie")  # the description, stemmed
    assert writer.delete(f"/store?graph={graph}", headers=AUTH).status_code == 204
    assert found(writer, "zythologie") == []


def test_a_resource_written_by_sparql_update_is_found_then_gone(writer: TestClient) -> None:
    graph = f"{BASE}graph/contributions"
    headers = {**AUTH, "Content-Type": "application/sparql-update"}
    r = writer.post(
        "/sparql", content=f"{NEW_SPARQL}INSERT DATA {{ GRAPH <{graph}> {{ {NEW_TRIPLES} }} }}", headers=headers
    )
    assert r.status_code == 204, r.text
    assert found(writer, "zythologie") == [NEW]
    r = writer.post("/sparql", content=f"DELETE WHERE {{ GRAPH <{graph}> {{ <{NEW}> ?p ?o }} }}", headers=headers)
    assert r.status_code == 204, r.text
    assert found(writer, "zythologie") == []


def test_a_renamed_producer_is_found_under_its_new_name(writer: TestClient) -> None:
    graph = f"{BASE}graph/contributions"
    writer.put(f"/store?graph={graph}", content=NEW_TTL, headers={**AUTH, "Content-Type": "text/turtle"})
    assert NEW not in found(writer, "brasseurs")
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{BASE}organisation/dares> <http://www.w3.org/2004/02/skos/core#altLabel> "Observatoire des brasseurs"@fr }} }}'
    r = writer.post("/sparql", content=update, headers={**AUTH, "Content-Type": "application/sparql-update"})
    assert r.status_code == 204, r.text
    assert f"{BASE}organisation/dares" in found(writer, "brasseurs")


def test_an_index_gone_stale_while_the_service_was_down_is_rebuilt_at_start(tmp_path: Path, seeded_dir: Path) -> None:
    store_path = tmp_path / "store"
    shutil.copytree(seeded_dir, store_path)
    settings = Settings(store_path=str(store_path), query_workers=1, feature_datagouv_search=False)
    app = create_app(settings)
    with TestClient(app) as c:
        assert found(c, "zythologie") == []
    app.state.context.store.close()
    assert Path(settings.search_index_file).exists()
    store = EmbeddedStore(store_path)  # a write while the service is down, as `ressourcerie load` would
    triples = [q.triple for q in parse_bytes(NEW_TTL.encode(), _turtle(), source="new.ttl")]
    Writer(store, Validator(), Iris(BASE)).add({NamedNode(f"{BASE}graph/contributions"): triples})
    store.close()
    with TestClient(create_app(settings)) as c:
        assert found(c, "zythologie") == [NEW]


def _turtle():  # type: ignore[no-untyped-def]
    from pyoxigraph import RdfFormat

    return RdfFormat.TURTLE


# --- /search -----------------------------------------------------------------------------------------------------


def test_the_page_lists_results_facets_and_its_twins(client: TestClient) -> None:
    r = client.get("/search", params={"q": "emplois", "kind": "api"}, headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert '</search.json?q=emplois&kind=api>; rel="alternate"; type="application/json"' in r.headers["link"]
    assert 'type="text/csv"' in r.headers["link"]
    html = r.text
    assert html.count("<h1") == 1 and "Résultats pour « emplois »" in html
    assert '<input type="checkbox" id="f-kind-1" name="kind" value="api" checked>' in html
    assert "<mark>" in html and 'class="fr-pagination"' in html
    assert re.search(r"<strong>\d+</strong> résultats", html)
    assert 'href="/resource/' in html


def test_the_page_escapes_what_it_shows(writer: TestClient) -> None:
    graph = f"{BASE}graph/contributions"
    writer.put(f"/store?graph={graph}", content=NEW_TTL, headers={**AUTH, "Content-Type": "text/turtle"})
    html = writer.get("/search", params={"q": "zythologie"}, headers={"Accept": "text/html"}).text
    assert "API <mark>Zythologie</mark> &lt;b&gt;ouverte&lt;/b&gt;" in html
    assert "<b>ouverte</b>" not in html


def test_no_results_says_what_to_try(client: TestClient) -> None:
    html = client.get("/search", params={"q": "qwxzrtp", "kind": "api"}, headers={"Accept": "text/html"}).text
    assert "Aucun résultat pour « qwxzrtp »" in html and "Retirez les filtres" in html


def test_json_three_ways_and_csv(client: TestClient) -> None:
    a = client.get("/search", params={"q": "sirene"}, headers={"Accept": "application/json"}).json()
    b = client.get("/search.json", params={"q": "sirene"}).json()
    c = client.get("/search", params={"q": "sirene", "format": "json"}).json()
    assert a["results"] == b["results"] == c["results"]
    assert a["total"] == len(client.get("/search.json", params={"q": "sirene", "per_page": 100}).json()["results"])
    assert a["results"][0]["url"] == "/resource/api-sirene" and "<mark>" in a["results"][0]["excerpt_html"]
    assert a["links"]["next"] == "/search.json?q=sirene&page=2"
    r = client.get("/search.csv", params={"q": "sirene"})
    assert r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0].startswith("rank,iri,title") and len(lines) == a["total"] + 1


def test_the_page_says_when_it_shows_the_closest_records(client: TestClient) -> None:
    html = client.get("/search", params={"q": "zythologie entreprises"}, headers={"Accept": "text/html"}).text
    assert "Aucun résultat ne contient tous les mots ; voici les plus proches." in html
    html = client.get("/search", params={"q": "vérifier siret entreprise"}, headers={"Accept": "text/html"}).text
    assert re.search(r"Seuls \d résultats contiennent tous les mots ; les plus proches suivent\.", html)
    assert (
        "resultats-proches" not in client.get("/search", params={"q": "emploi"}, headers={"Accept": "text/html"}).text
    )


def test_the_page_offers_a_correction(client: TestClient) -> None:
    html = client.get("/search", params={"q": "formaton"}, headers={"Accept": "text/html"}).text
    assert 'Vouliez-vous dire : <a href="/search?q=formation">formation</a> ?' in html
    body = client.get("/search.json", params={"q": "formaton", "kind": "api"}).json()
    assert body["suggestion"] == "formation" and body["links"]["suggestion"] == "/search.json?q=formation&kind=api"


def test_the_order_is_chosen_on_the_page_and_kept_by_the_twins(client: TestClient) -> None:
    r = client.get("/search", params={"q": "emploi", "sort": "date"}, headers={"Accept": "text/html"})
    assert 'href="/search?q=emploi&amp;sort=title">titre</a>' in r.text
    assert 'aria-current="true">date de mise à jour</a>' in r.text
    assert "/search.csv?q=emploi&sort=date" in r.headers["link"]
    body = client.get("/search.json", params={"q": "emploi", "sort": "title"}).json()
    assert body["sort"] == "title" and body["links"]["next"] == "/search.json?q=emploi&sort=title&page=2"
    shown = [fold(h["title"]).strip() for h in body["results"]]
    assert shown == sorted(shown)
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv", params={"q": "emploi", "sort": "date"}).text)))
    dated = [row["modified"] for row in rows if row["modified"]]
    assert dated and dated == sorted(dated, reverse=True)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "abc"}, "page must be a whole number"),
        ({"page": "0"}, "page must be a whole number"),
        ({"per_page": "5000"}, "per_page must be a whole number"),
        ({"kind": "nope"}, "unknown kind 'nope'"),
        ({"q": "x" * 201}, "too long"),
        ({"format": "xml"}, "format 'xml' is not one of: html, json, csv"),
        ({"sort": "colour"}, "sort must be one of relevance, date, title"),
    ],
)
def test_bad_parameters_are_400_in_the_one_error_shape(client: TestClient, params: dict, message: str) -> None:  # type: ignore[type-arg]
    r = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert r.status_code == 400
    body = r.json()
    assert body["ok"] is False and body["status"] == 400 and message in body["detail"]


def test_unknown_extension_is_404(client: TestClient) -> None:
    assert client.get("/search.xml").status_code == 404


# --- the command line ------------------------------------------------------------------------------------------------


def test_cli_search_and_reindex(tmp_path: Path, seeded_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_path = tmp_path / "store"
    shutil.copytree(seeded_dir, store_path)
    assert main(["--store", str(store_path), "reindex"]) == 0
    assert re.search(r"search index at .*-search\.sqlite: \d+ records", capsys.readouterr().out)
    assert main(["--store", str(store_path), "search", "emplois", "--kind", "api", "-n", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count(f"{BASE}resource/") == 3 and "results, 1-3 shown" in out
    assert main(["--store", str(store_path), "search", "sirene", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["title"] == "API Sirene"
    assert main(["--store", str(store_path), "search", "x", "--kind", "nope"]) == 2
    new = tmp_path / "new.ttl"
    new.write_text(NEW_TTL)
    assert main(["--store", str(store_path), "load", str(new)]) == 0
    capsys.readouterr()
    assert main(["--store", str(store_path), "search", "zythologie"]) == 0
    assert NEW in capsys.readouterr().out
    assert main(["--store", str(store_path), "remove", NEW]) == 0
    assert main(["--store", str(store_path), "search", "zythologie"]) == 0
    assert "(0 results" in capsys.readouterr().out
    assert main(["--store", str(store_path), "reindex", "--if-stale"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_an_update_without_its_checkpoint_means_a_rebuild_at_next_start(tmp_path: Path, small: Writer) -> None:
    path = str(tmp_path / "index.sqlite")
    index = SearchIndex.open(path, BASE)
    assert index.sync(small.store) is True and index.sync(small.store) is False
    before = index.count()
    triples = [
        q.triple
        for q in parse_bytes(
            NEW_TTL.replace("organisation/dares", "organisation/acme").encode(), _turtle(), source="new.ttl"
        )
    ]
    result = small.add({NamedNode(f"{BASE}graph/test"): triples})
    assert index.update(small.store, result.records) >= 1
    assert index.count() == before + 1 and [h.iri for h in index.search(Search("zythologie")).hits] == [NEW]
    index.close()  # ended without checkpoint: the next start cannot trust the index
    again = SearchIndex.open(path, BASE)
    assert again.sync(small.store) is True and again.count() == before + 1
    assert again.update(small.store, [NamedNode(NEW)]) == 1
    again.checkpoint(small.store)
    again.close()
    assert SearchIndex.open(path, BASE).sync(small.store) is False


def test_search_on_a_remote_store(tmp_path: Path) -> None:
    from graph.paths import bundled
    from graph.seed import load as load_seed
    from graph.store import open_store
    from tests.conftest import start_server

    server = start_server("oxigraph", tmp_path / "oxigraph")
    try:
        index_file = tmp_path / "remote-search.sqlite"
        settings = Settings(**server.settings(), search_index_path=str(index_file), query_workers=1)
        store = open_store(settings)
        load_seed(Writer(store, Validator(), Iris(BASE)), bundled("data/seed"))
        store.close()
        with TestClient(create_app(settings)) as c:
            r = c.get("/search.json", params={"q": "sirene", "access": "open"}).json()
            assert r["results"][0]["title"] == "API Sirene" and r["total"] > 1
            assert all(h["access"]["value"] == "open" for h in r["results"])
        assert index_file.exists()
    finally:
        server.stop()


def test_words_are_stemmed_alike_from_many_threads() -> None:
    """Searches run in threads: a stemmer shared between them mixed its words' state (IndexError, wrong stems)."""
    from concurrent.futures import ThreadPoolExecutor

    from graph.search.analysis import stem

    words = [
        f"{base}{suffix}"
        for base in ("emploi", "entrepris", "formation", "insertion")
        for suffix in ("", "s", "ement", "ements", "ation", "ations", "eur", "euses", "ités", "iques") * 50
    ]
    expected = [stem.__wrapped__(w) for w in words]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            assert list(pool.map(stem.__wrapped__, words)) == expected


def test_a_large_stores_index_is_checked_and_built_by_a_child_process_at_start(
    tmp_path: Path, seeded_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index of a store of APART_FROM_BYTES or more on disk is checked, and built when stale, in a child
    process, whose memory goes back to the system when it ends; the service itself neither checks nor builds."""
    import graph.web.context
    from graph.web.context import Context

    copy = tmp_path / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    settings = Settings(store_path=str(copy), feature_datagouv_search=False, query_workers=1)
    assert not Path(settings.search_index_file).exists()

    def not_here(*_: object) -> None:
        raise AssertionError("the service checked or built the index itself")

    monkeypatch.setattr(graph.web.context, "APART_FROM_BYTES", 1)
    monkeypatch.setattr(SearchIndex, "sync", not_here)  # in this process only: the child is a fresh interpreter
    monkeypatch.setattr(SearchIndex, "rebuild", not_here)
    for _ in range(2):  # built, then found in step
        ctx = Context.open(settings)
        try:
            assert ctx.search.stored_fingerprint() == ctx.search.fingerprint(ctx.store)
            found = ctx.search.search(Search("API Entreprise"))
            assert found.total > 0 and found.hits[0].title == "API Entreprise"
        finally:
            ctx.search.close()
            ctx.store.close()


def test_the_facet_table_counts_what_a_plain_count_finds() -> None:
    """The facet table (kind and access as combinations, themes and producers in slots), against counting each
    record's values one by one: random records, some dropped or replaced, random matches and filters."""
    import random

    from graph.search.facets import FACETS, FacetTable

    rnd = random.Random(16)
    choices = {
        "kind": ["api", "dataset", "source-code"],
        "access": ["open", "restricted"],
        "producer": [f"p{n}" for n in range(40)],
        "theme": [f"t{n}" for n in range(12)],
    }
    records: dict[int, dict[str, list[str]]] = {}
    table = FacetTable()
    for step in range(3000):
        rid = rnd.randrange(1500)
        if step % 7 == 0 and rid in records:
            table.drop(rid)
            del records[rid]
            continue
        values = {f: rnd.sample(v, rnd.randint(0, 3 if f == "theme" else 1)) for f, v in choices.items()}
        table.put(rid, values)
        records[rid] = values
    assert table.ids() == sorted(records)
    for _ in range(200):
        ids = sorted(rnd.sample(sorted(records), rnd.choice([0, 1, 5, 300, len(records)])))
        filters = {f: rnd.sample(choices[f], rnd.randint(1, 2)) for f in rnd.sample(FACETS, rnd.randint(0, 3))}

        def passes(rid: int, filters: dict[str, list[str]], skip: str | None = None) -> bool:
            return all(set(records[rid][f]) & set(v) for f, v in filters.items() if f != skip)

        tally = table.tally(ids, filters)
        assert tally.passing == [i for i in ids if passes(i, filters)]
        for facet in FACETS:
            expected: dict[str, int] = {}
            for rid in ids:
                if passes(rid, filters, skip=facet):
                    for value in set(records[rid][facet]):
                        expected[value] = expected.get(value, 0) + 1
            assert {v: n for v, n in tally.counts[facet].items() if n} == expected, (facet, filters)
