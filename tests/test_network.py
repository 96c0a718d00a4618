from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from graph.network import build
from graph.store import EmbeddedStore

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
GEO = BASE + "def/theme/geographie"
SVG = "{http://www.w3.org/2000/svg}"

# the network counted independently of graph/network.py: a usage's user is its agent, else its service,
# else its story (else the usage itself)
USED = "?usage a duv:Usage ; duv:refersTo ?resource . ?resource a dcat:Resource ."
USER = f"""
{USED}
OPTIONAL {{ ?usage prov:wasAssociatedWith ?agent }} OPTIONAL {{ ?usage duv:hasUsageTool ?tool }}
OPTIONAL {{ ?usage dct:source ?story }}
BIND(COALESCE(?agent, ?tool, ?story, ?usage) AS ?user)
"""
NODES = f"""
SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{
  {{ {USER} BIND(?user AS ?node) }} UNION {{ {USED} BIND(?resource AS ?node) }}
  UNION {{ {USED} ?resource dct:publisher ?node }}
}}"""
USAGES = f"SELECT (COUNT(DISTINCT ?usage) AS ?n) WHERE {{ {USED} }}"
PRODUCTIONS = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?resource ?p WHERE {{ {USED} ?resource dct:publisher ?p }} }}"
)
THEME_USAGES = (
    f"SELECT ?theme (COUNT(DISTINCT ?usage) AS ?n) WHERE {{ {USED} ?resource dcat:theme ?theme }} GROUP BY ?theme"
)
KIND_USAGES = f"SELECT ?k (COUNT(DISTINCT ?usage) AS ?n) WHERE {{ {USED} ?resource dct:type ?k }} GROUP BY ?k"


def count(store: EmbeddedStore, query: str, **bindings: str) -> int:
    result = store.select(query, {k: NamedNode(v) for k, v in bindings.items()})
    return int(result.rows[0][result.variables.index("n")].value) if result.rows else 0  # type: ignore[union-attr]


def test_counts_are_the_sparql_counts(client: TestClient, seeded: EmbeddedStore) -> None:
    body = client.get("/network.json").json()
    counts = body["counts"]
    assert counts["usages"] == count(seeded, USAGES) == 42  # 33 of use cases and services, 9 data.gouv.fr reuses
    assert counts["nodes"] == count(seeded, NODES) == len(body["nodes"])
    assert counts["productions"] == count(seeded, PRODUCTIONS)
    assert counts["edges"] == counts["usages"] + counts["productions"] + counts["operations"] == len(body["edges"])
    assert {e["data"]["kind"] for e in body["edges"]} <= {"usage", "production", "operation"}


def test_json_is_cytoscape_elements(client: TestClient) -> None:
    body = client.get("/network.json").json()
    ids = {n["data"]["id"] for n in body["nodes"]}
    for n in body["nodes"]:
        assert {"id", "label", "type", "href", "degree"} <= set(n["data"]) and n["data"]["label"]
        assert set(n["position"]) == {"x", "y"}
        assert n["data"]["href"].startswith("/") and n["data"]["id"].endswith(n["data"]["href"][1:])
    for e in body["edges"]:
        assert e["data"]["source"] in ids and e["data"]["target"] in ids
    usage = next(e["data"] for e in body["edges"] if e["data"]["kind"] == "usage")
    assert usage["label"] and usage["href"].startswith("/usage/")
    degrees = {i: 0 for i in ids}
    for e in body["edges"]:
        degrees[e["data"]["source"]] += 1
        degrees[e["data"]["target"]] += 1
    assert all(n["data"]["degree"] == degrees[n["data"]["id"]] for n in body["nodes"])


def test_theme_filter(client: TestClient, seeded: EmbeddedStore) -> None:
    whole = client.get("/network.json").json()
    body = client.get("/network.json", params={"theme": "theme:geographie"}).json()
    assert body["filters"]["theme"] == GEO
    assert body["counts"]["usages"] == count(seeded, THEME_USAGES, theme=GEO) > 0
    assert 0 < body["counts"]["nodes"] < whole["counts"]["nodes"]
    resources = [n["data"] for n in body["nodes"] if n["data"]["type"] == "resource"]
    assert resources and all("Géographie" in r["themes"] for r in resources)


def test_organisation_and_kind_filters(client: TestClient, seeded: EmbeddedStore) -> None:
    insee = BASE + "organisation/insee"
    body = client.get("/network.json", params={"organisation": insee}).json()
    produced = {
        r[0].value
        for r in seeded.select(
            f"SELECT DISTINCT ?resource ?o WHERE {{ {USED} ?resource dct:publisher ?o }}", {"o": NamedNode(insee)}
        ).rows
    }  # type: ignore[union-attr]
    assert produced and {n["data"]["id"] for n in body["nodes"] if n["data"]["type"] == "resource"} == produced
    ai = BASE + "def/kind/dataset"
    label = seeded.select('SELECT ?l ?k WHERE { ?k skos:prefLabel ?l FILTER(LANG(?l) = "fr") }', {"k": NamedNode(ai)})
    kind = client.get("/network.json", params={"kind": ai}).json()
    kinds = {n["data"]["kind"] for n in kind["nodes"] if n["data"]["type"] == "resource"}
    assert kinds == {label.rows[0][0].value}  # type: ignore[union-attr]
    assert kind["counts"]["usages"] == count(seeded, KIND_USAGES, k=ai)


def test_scope_all_adds_resources_without_usage(client: TestClient, seeded: EmbeddedStore) -> None:
    body = client.get("/network.json", params={"scope": "all"}).json()
    total = count(seeded, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a dcat:Resource ; dct:title ?t }")
    assert body["counts"]["resource_nodes"] == total
    assert body["counts"]["usages"] == 42


def test_svg_is_well_formed_with_one_link_per_node(client: TestClient) -> None:
    r = client.get("/network.svg", params={"theme": "theme:geographie"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.content)
    links = root.findall(f".//{SVG}a")
    body = client.get("/network.json", params={"theme": "theme:geographie"}).json()
    assert len(links) == body["counts"]["nodes"]
    assert {a.get("href") for a in links} == {n["data"]["href"] for n in body["nodes"]}
    assert all(a.find(f"{SVG}title") is not None for a in links)
    assert client.get("/network.svg").content == client.get("/network.svg").content  # deterministic layout


def test_csv_and_table_have_one_row_per_usage(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/network.csv").text)))
    assert len(rows) == 42
    assert all(r["resource_iri"].startswith(BASE + "resource/") and r["usage_iri"] for r in rows)
    page = client.get("/network", params={"view": "table"}, headers={"Accept": "text/html"})
    assert page.text.count("title=\"Fiche de l'usage") == 42


def test_page_links_its_twins_and_carries_the_svg(client: TestClient) -> None:
    r = client.get("/network", params={"theme": "theme:geographie"}, headers={"Accept": "text/html"})
    assert r.status_code == 200
    for ext in ("json", "svg", "csv"):
        assert f"/network.{ext}?theme=theme%3Ageographie" in r.headers["link"]
    assert "<noscript>" in r.text and 'id="network-data"' in r.text and "cytoscape.min.js" in r.text
    assert f'<option value="{GEO}" selected>' in r.text


def test_bad_filters(client: TestClient) -> None:
    r = client.get("/network.json", params={"theme": "pas une iri"})
    assert r.status_code == 400 and r.json()["ok"] is False and "theme" in r.json()["detail"]
    assert client.get("/network.json", params={"scope": "everything"}).status_code == 400
    page = client.get("/network", params={"theme": "pas une iri"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and 'id="filtre-theme-erreur" class="fr-error-text"' in page.text
    assert client.get("/network.png").status_code == 400


@pytest.mark.parametrize("path", ["/network", "/network.json", "/network.svg", "/network.csv"])
def test_feature_off_is_404(make_client, path: str) -> None:  # type: ignore[no-untyped-def]
    c = make_client(feature_map=False)
    r = c.get(path)
    assert r.status_code == 404
    assert r.json() == {"ok": False, "status": 404, "error": "Not Found", "detail": r.json()["detail"]}
    assert "feature_map" in r.json()["detail"]


def test_build_on_an_empty_network(small) -> None:  # type: ignore[no-untyped-def]
    net = build(small.store)
    assert net.filtered(theme=GEO).counts()["nodes"] == 0
