from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html import escape
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from graph.queries import QueryLibrary
from graph.store import EmbeddedStore

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SD = "http://www.w3.org/ns/sparql-service-description#"


def tbody_rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


# --- /sparql: the workbench for browsers, the protocol for everyone else -----------------------------------------


@pytest.mark.parametrize("accept", ["text/html", BROWSER])
def test_browsers_get_the_workbench(client: TestClient, accept: str) -> None:
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/assets/yasgui/yasgui.min.js" in r.text and 'id="atelier"' in r.text
    assert '<form method="post" action="/sparql"' in r.text and 'name="query"' in r.text and 'name="format"' in r.text


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_other_clients_still_get_the_service_description(client: TestClient, accept: str | None, media: str) -> None:
    r = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    if media == "text/turtle":
        assert any(t.predicate.value == SD + "endpoint" for t in parse(r.content, format=RdfFormat.TURTLE))


def test_queries_with_html_accept_are_still_the_protocol(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": BROWSER})
    assert r.status_code == 200 and "<boolean>true</boolean>" in r.text  # XML, preferred over */* by a browser


def test_workbench_off_keeps_the_description_for_browsers(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(feature_workbench=False)
    assert c.get("/sparql", headers={"Accept": "text/html"}).headers["content-type"].startswith("text/turtle")
    r = c.get("/queries")
    assert r.status_code == 404 and r.json()["ok"] is False and "feature_workbench" in r.json()["detail"]
    assert c.get("/queries/theme-counts.csv").status_code == 404


def test_workbench_lists_every_named_query_as_a_runnable_tab(client: TestClient) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).text
    tabs = json.loads(re.search(r'<script type="application/json" id="atelier-onglets">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    library = QueryLibrary()
    assert [t["name"] for t in tabs] == [q.title for q in library.queries.values()]
    for q in library.queries.values():
        assert f'href="/queries/{q.name}"' in html
    for tab in tabs:  # each tab runs as it stands on the endpoint it points at (POST)
        r = client.post("/sparql", data={"query": tab["query"]}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (tab["name"], r.text)
    profile = next(t for t in tabs if t["name"] == "Profil d'une organisation")
    assert (
        "VALUES ?organisation { <https://ressourcerie.fabrique.social.gouv.fr/organisation/dares> }" in profile["query"]
    )


# --- /queries -------------------------------------------------------------------------------------------------------


def test_query_list(client: TestClient) -> None:
    html = client.get("/queries", headers={"Accept": "text/html"}).text
    listed = client.get("/queries", headers={"Accept": "application/json"}).json()
    for q in QueryLibrary().queries.values():
        assert f'<a href="/queries/{q.name}">{escape(q.title, quote=True).replace("&#x27;", "&#39;")}</a>' in html
    assert {q["name"] for q in listed} == set(QueryLibrary().queries)
    search = next(q for q in listed if q["name"] == "text-search")
    assert search["parameters"] == [
        {"name": "q", "type": "string", "required": True, "help": "le texte cherché, par exemple emploi"}
    ]


def test_named_query_table_rows_are_the_sparql_rows(client: TestClient, seeded: EmbeddedStore) -> None:
    r = client.get("/queries/text-search", params={"q": "emploi"}, headers={"Accept": "text/html"})
    expected = QueryLibrary().run(seeded, "text-search", {"q": "emploi"})
    assert r.status_code == 200 and len(expected.rows) > 5
    assert tbody_rows(r.text) == len(expected.rows)
    assert f"Résultats ({len(expected.rows)} lignes)" in r.text
    first = expected.rows[0][1].value  # type: ignore[union-attr]
    assert f'<a href="/{first.split(".gouv.fr/", 1)[1]}" title="{first}">' in r.text  # IRIs link to their pages
    assert "/queries/text-search.csv?q=emploi" in r.headers["link"]


def test_csv_download_is_the_command_line_output(client: TestClient, seeded_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(store)
    source.close()
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "--store",
            str(store),
            "query",
            "resources-of-producer",
            "-p",
            "producer=<https://ressourcerie.fabrique.social.gouv.fr/organisation/dinum>",
            "-f",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    r = client.get(
        "/queries/resources-of-producer.csv",
        params={"producer": "https://ressourcerie.fabrique.social.gouv.fr/organisation/dinum"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="resources-of-producer.csv"' in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM: a French spreadsheet reads it as UTF-8
    web = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert web == list(csv.reader(io.StringIO(cli.stdout))) and len(web) > 10
    assert web[0][:3] == ["Producteur", "Ressource", "Titre"]  # the columns' French headings


def test_json_download(client: TestClient, seeded: EmbeddedStore) -> None:
    r = client.get("/queries/theme-counts.json")
    expected = QueryLibrary().run(seeded, "theme-counts")
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(r.json()["results"]["bindings"]) == len(expected.rows)


def test_parameters_are_bound_not_pasted(client: TestClient) -> None:
    r = client.get("/queries/text-search.csv", params={"q": '"))} } SELECT * WHERE { ?s ?p ?o } #'})
    assert r.status_code == 200 and len(list(csv.reader(io.StringIO(r.text)))) == 1  # the header only


def test_errors_are_shown_next_to_their_field(client: TestClient) -> None:
    r = client.get("/queries/recently-modified", params={"since": "hier"}, headers={"Accept": "text/html"})
    assert r.status_code == 400
    assert 'aria-describedby="param-since-erreur"' in r.text
    assert re.search(r'<p id="param-since-erreur" class="fr-error-text">[^<]*AAAA-MM-JJ', r.text)
    assert 'value="hier"' in r.text and "<tbody>" not in r.text
    r = client.get("/queries/text-search", params={"run": "1"}, headers={"Accept": "text/html"})
    assert (
        r.status_code == 400 and '<p id="param-q-erreur" class="fr-error-text">Ce champ est obligatoire.</p>' in r.text
    )
    first = client.get("/queries/text-search", headers={"Accept": "text/html"})  # not submitted yet: no error
    assert first.status_code == 200 and "fr-error-text" not in first.text and "<tbody>" not in first.text


def test_data_formats_answer_400(client: TestClient) -> None:
    for params in ({}, {"q": ""}):
        r = client.get("/queries/text-search.csv", params=params)
        assert r.status_code == 400 and r.json()["ok"] is False and "q" in r.json()["detail"]
    r = client.get("/queries/recently-modified.json", params={"since": "hier"})
    assert r.status_code == 400 and "since" in r.json()["detail"]
    r = client.get("/queries/theme-counts.csv", params={"nope": "1"})
    assert r.status_code == 400 and "nope" in r.json()["detail"]
    assert client.get("/queries/no-such-query").status_code == 404


def test_named_queries_keep_the_sparql_limits(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(max_result_rows=5)
    r = c.get("/queries/theme-counts.csv")
    assert r.status_code == 422 and "max_result_rows" in r.json()["detail"]


def test_named_queries_stop_at_the_timeout(make_client) -> None:  # type: ignore[no-untyped-def]
    c = make_client(query_timeout=0.0005)
    r = c.get("/queries/resources-by-theme-and-kind.csv")
    assert r.status_code == 503 and "query_timeout" in r.json()["detail"]
    page = c.get("/queries/resources-by-theme-and-kind", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "query_timeout" in page.text  # in the technical detail, folded
    assert "La requête a pris trop de temps et a été arrêtée." in page.text


def test_spreadsheet_downloads(client: TestClient) -> None:
    params = {"producer": "DINUM"}  # a name, as a person types it
    semicolons = client.get("/queries/resources-of-producer.csv", params={**params, "sep": ";"})
    assert semicolons.status_code == 200
    rows = list(csv.reader(io.StringIO(semicolons.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Producteur" and len(rows) > 10
    x = client.get("/queries/resources-of-producer.xlsx", params=params)
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Producteur", "Ressource", "Titre"]
    assert sheet.max_row == len(rows)
    assert sheet["B2"].hyperlink is not None and sheet["B2"].value.startswith("https://")
    counts = openpyxl.load_workbook(io.BytesIO(client.get("/queries/theme-counts.xlsx").content)).active
    assert isinstance(counts["C2"].value, int)  # numbers stay numbers
    assert client.get("/queries/theme-counts.csv", params={"sep": "|"}).status_code == 400


def test_the_form_takes_names_and_offers_lists(client: TestClient) -> None:
    r = client.get("/queries/usages-of-producer", params={"producer": "DINUM"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and '<th scope="col">Nom de l&#39;utilisateur</th>' in r.text
    assert 'list="param-producer-liste"' in r.text and '<option value="DINUM' not in r.text
    page = client.get("/queries/resources-by-theme-and-kind", headers={"Accept": "text/html"})
    assert '<select class="fr-select" id="param-theme" name="theme">' in page.text
    assert re.search(r'<option value="https://[^"]+/def/kind/api">API</option>', page.text)
    wrong = client.get(
        "/queries/resources-of-producer", params={"producer": "Nulle part"}, headers={"Accept": "text/html"}
    )
    assert wrong.status_code == 400 and "Aucune organisation ne s&#39;appelle « Nulle part »" in wrong.text
