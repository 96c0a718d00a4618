from __future__ import annotations

import re

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode

from graph.errors import QueryParameterError, UnknownQuery
from graph.iris import Iris
from graph.namespaces import PREFIXES
from graph.paths import bundled
from graph.queries import Choices, QueryLibrary, parse_query_file
from graph.store import EmbeddedStore

LIBRARY = QueryLibrary()
FILES = sorted(bundled("queries").glob("*.rq"))
BASE = "https://ressourcerie.fabrique.social.gouv.fr/"


def test_the_required_queries_exist() -> None:
    assert {
        "resources-by-theme-and-kind",
        "usage-network",
        "organisation-profile",
        "resources-of-producer",
        "recently-modified",
        "text-search",
    } <= set(LIBRARY.queries)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_query_has_a_header_and_projects_its_parameters(path) -> None:
    query = parse_query_file(path)
    assert query.title and query.description
    projection = query.text.split("WHERE", 1)[0]
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", projection), f"{param.name} must be projected to be bound"


SAMPLES = {
    "resources-by-theme-and-kind": {"theme": "theme:emploi", "kind": "kind:api"},
    "usage-network": {},
    "organisation-profile": {"organisation": BASE + "organisation/dinum"},
    "resources-of-producer": {"producer": BASE + "organisation/ministere-travail"},
    "recently-modified": {"since": "2024-06-01"},
    "text-search": {"q": "emploi"},
    "theme-counts": {},
    "usages-of-producer": {"producer": BASE + "organisation/dinum"},
    "users-of-producer": {"producer": BASE + "organisation/dinum"},
}
EMPTY_ON_THE_SEED: set[str] = set()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_query_runs_on_the_seed(seeded: EmbeddedStore, path) -> None:
    result = LIBRARY.run(seeded, path.stem, SAMPLES[path.stem])
    assert bool(result.rows) != (path.stem in EMPTY_ON_THE_SEED), f"{path.stem}: {len(result.rows)} rows on the seed"


def test_usage_network_of_one_resource(seeded: EmbeddedStore) -> None:
    ban = BASE + "resource/api-adresse-base-adresse-nationale-ban"
    rows = LIBRARY.run(seeded, "usage-network", {"resource": ban}).dicts()
    assert {r["toolName"].value for r in rows} == {
        "La Bonne Boîte",
        "Allogarage",
        "ARPENT(examen)",
        "ARPENT(résultats)",
    }


def test_producer_query_includes_sub_organisations(seeded: EmbeddedStore) -> None:
    rows = LIBRARY.run(seeded, "resources-of-producer", {"producer": BASE + "organisation/dinum"}).dicts()
    publishers = {r["publisherName"].value for r in rows}
    assert {"Direction Interministérielle du Numérique", "Etalab", "Lab IA de la DINUM"} <= publishers


def test_text_search_ranks_titles_first(seeded: EmbeddedStore) -> None:
    rows = LIBRARY.run(seeded, "text-search", {"q": "Bonne Boite"}).dicts()
    assert rows[0]["title"].value == "API La Bonne Boite"
    assert rows[0]["score"] == Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_recently_modified_filters_by_date(seeded: EmbeddedStore) -> None:
    rows = LIBRARY.run(seeded, "recently-modified", {"since": "2024-09-01"}).dicts()
    assert rows and all(r["modified"].value >= "2024-09-01" for r in rows)


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(UnknownQuery, match="usage-network"):
        LIBRARY.get("nope")


def test_missing_required_parameter() -> None:
    with pytest.raises(QueryParameterError, match=r"needs organisation.*organisation \(organisation, required\)"):
        LIBRARY.get("organisation-profile").bind({})


def test_unknown_parameter_and_bad_values() -> None:
    q = LIBRARY.get("recently-modified")
    with pytest.raises(QueryParameterError, match="no parameter until"):
        q.bind({"until": "2024-01-01"})
    with pytest.raises(QueryParameterError, match="not a date"):
        q.bind({"since": "last week"})
    with pytest.raises(QueryParameterError, match="not an IRI"):
        LIBRARY.get("usage-network").bind({"resource": "api sirene"})  # no store to look names up in
    with pytest.raises(QueryParameterError, match="not a valid IRI"):
        LIBRARY.get("usage-network").bind({"resource": "http://a b"})


@pytest.fixture(scope="module")
def choices(seeded: EmbeddedStore) -> Choices:
    return Choices(seeded, Iris(BASE), BASE + "def/theme")


@pytest.mark.parametrize("given", ["DINUM", "dinum", "Direction interministérielle du numérique", "organisation:dinum",
                                   "organisation/dinum", f"<{BASE}organisation/dinum>", f"{BASE}organisation/dinum"])  # fmt: skip
def test_an_organisation_is_found_by_name_acronym_path_or_iri(choices: Choices, given: str) -> None:
    param = LIBRARY.get("resources-of-producer").params[0]
    assert param.term(given, choices) == NamedNode(BASE + "organisation/dinum")


def test_themes_and_kinds_by_label_or_curie(choices: Choices, seeded: EmbeddedStore) -> None:
    query = LIBRARY.get("resources-by-theme-and-kind")
    assert query.bind({"theme": "emploi", "kind": "API"}, choices) == query.bind(
        {"theme": "theme:emploi", "kind": "kind:api"}, choices
    )
    rows = LIBRARY.run(seeded, query.name, {"theme": "Emploi", "kind": "API"}, choices).dicts()
    assert rows and {r["kindLabel"].value for r in rows} == {"API"}


def test_an_unknown_or_ambiguous_name_is_an_error_in_both_languages(choices: Choices) -> None:
    param = LIBRARY.get("resources-of-producer").params[0]
    with pytest.raises(QueryParameterError, match="no organisation is called 'Nulle part'") as e:
        param.term("Nulle part", choices)
    assert e.value.french and "Aucune organisation ne s'appelle « Nulle part »" in e.value.french
    with pytest.raises(QueryParameterError, match="not a known organisation"):  # a path that names nothing
        param.term("organisation:nulle-part", choices)
    with pytest.raises(QueryParameterError, match="not a known organisation"):  # a record of another kind
        param.term(BASE + "resource/api-sirene", choices)


def test_who_uses_the_resources_of_a_producer(seeded: EmbeddedStore, choices: Choices) -> None:
    rows = LIBRARY.run(seeded, "usages-of-producer", {"producer": "DINUM"}, choices).dicts()
    titles = {r["title"].value for r in rows}
    assert "API Adresse (Base Adresse Nationale - BAN)" in titles  # published by Etalab, part of the DINUM
    assert len(rows) == len({(r["resource"], r["tool"], r["purpose"]) for r in rows})  # one row per usage
    assert {r["how"].value for r in rows} <= {"en fait usage", "opère le service", "non précisé"}


def test_which_organisations_use_the_resources_of_a_producer_most(seeded: EmbeddedStore, choices: Choices) -> None:
    rows = LIBRARY.run(seeded, "users-of-producer", {"producer": "DINUM"}, choices).dicts()
    ranked = [(r["user"].value[len(BASE) :], int(r["usages"].value), int(r["resources"].value)) for r in rows]
    # Mon-entreprise (URSSAF's, a Ressourcerie guide says) uses the API Entreprise and the API Geo; the Ressourcerie
    # (the labour ministry's) uses api.gouv.fr; Lyon's quotient familial uses the API Particulier
    assert ranked == [
        ("organisation/urssaf", 2, 2),
        ("organisation/ministere-travail", 1, 1),
        ("organisation/ville-de-lyon", 1, 1),
    ]
    insee = LIBRARY.run(seeded, "users-of-producer", {"producer": "Insee"}, choices).dicts()
    assert [r["userName"].value for r in insee] == ["Datactivist"]  # a data.gouv.fr reuse of the Base Sirene
    usages = LIBRARY.run(seeded, "usages-of-producer", {"producer": "DINUM"}, choices).dicts()
    lyon = [r for r in usages if r["user"] is not None and r["user"].value.endswith("/ville-de-lyon")]
    assert [(r["toolName"].value, r["how"].value) for r in lyon] == [("Lyon : Mon compte", "en fait usage")]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_column_has_a_french_heading(path) -> None:
    query = parse_query_file(path)
    solutions = pyoxigraph.Store().query(query.text, prefixes=PREFIXES)  # an empty store: just the columns
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    missing = [v.value for v in solutions.variables if v.value not in query.columns]
    assert missing == [], f"{path.stem}: no '# column' heading for {missing}"
