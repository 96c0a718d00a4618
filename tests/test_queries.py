from __future__ import annotations

import re

import pytest
from pyoxigraph import Literal, NamedNode

from graph.errors import QueryParameterError, UnknownQuery
from graph.paths import bundled
from graph.queries import QueryLibrary, parse_query_file
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
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_query_runs_on_the_seed(seeded: EmbeddedStore, path) -> None:
    result = LIBRARY.run(seeded, path.stem, SAMPLES[path.stem])
    assert result.rows, f"{path.stem} returned nothing on the seed"


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
    with pytest.raises(QueryParameterError, match=r"needs organisation.*organisation \(iri, required\)"):
        LIBRARY.get("organisation-profile").bind({})


def test_unknown_parameter_and_bad_values() -> None:
    q = LIBRARY.get("recently-modified")
    with pytest.raises(QueryParameterError, match="no parameter until"):
        q.bind({"until": "2024-01-01"})
    with pytest.raises(QueryParameterError, match="not a date"):
        q.bind({"since": "last week"})
    with pytest.raises(QueryParameterError, match="not an IRI"):
        LIBRARY.get("usage-network").bind({"resource": "api sirene"})
    with pytest.raises(QueryParameterError, match="not a valid IRI"):
        LIBRARY.get("usage-network").bind({"resource": "http://a b"})
