"""The people's pages through the real app: home, themes, resource, organisation, person, usage pages, and an
instance with its own name, scheme and switches."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, Triple

from graph.config import Settings
from graph.namespaces import DCAT, DCT, DUV, KIND, PROV, RDF, THEME, XSD
from graph.rdf import parse_file
from graph.store import EmbeddedStore
from graph.summary import record_counts
from graph.web.app import create_app

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
FIXTURES = Path(__file__).parent / "fixtures"
BAN = "/resource/api-adresse-base-adresse-nationale-ban"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def load_fixture(client: TestClient, name: str) -> None:
    """Add a fixture file through the validated writer, as a load would."""
    ctx = client.app.state.context  # type: ignore[attr-defined]
    triples = [q.triple for q in parse_file(FIXTURES / name)]
    ctx.writer.add({ctx.iris.graph(f"test/{name}"): triples})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):
    """The seed store plus the people fixture, served by the app."""
    copy = tmp_path_factory.mktemp("site") / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    with TestClient(
        create_app(Settings(store_path=str(copy), query_workers=1, feature_datagouv_search=False)),
        raise_server_exceptions=False,
    ) as c:
        load_fixture(c, "people.ttl")
        yield c


def html(client: TestClient, path: str, status: int = 200) -> str:
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has this id."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def select(client: TestClient, query: str, **bindings: object) -> list[dict]:
    return client.app.state.context.store.select(query, bindings).dicts()  # type: ignore[attr-defined]


VOID_ELEMENTS = frozenset({"meta", "link", "br", "img", "input", "hr"})


class Outline(HTMLParser):
    """Headings in order, labelled inputs, and elements closed in the order they were opened."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.labels: set[str] = set()
        self.inputs: list[str] = []
        self.open: list[str] = []

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag == "input" and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id") or "")


def check_accessible(page: str) -> None:
    outline = Outline()
    outline.feed(page)
    assert outline.open == [], "every element is closed"
    assert outline.headings.count(1) == 1, "one h1"
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False)), outline.headings
    assert all(i in outline.labels for i in outline.inputs), "every input has a label"
    for landmark in (
        '<header role="banner"',
        '<main role="main" id="contenu"',
        'role="contentinfo"',
        'href="#contenu"',
    ):
        assert landmark in page


# --- home ------------------------------------------------------------------------------------------------------


def test_home_has_search_themes_kinds_latest_and_figures(site: TestClient) -> None:
    page = html(site, "/")
    check_accessible(page)
    assert 'action="/search" method="get"' in page and 'name="q"' in page
    counts = record_counts(site.app.state.context.store)  # type: ignore[attr-defined]
    figures = section(page, "titre-chiffres")
    for key in ("resources", "organisations", "usages", "people"):
        assert f'<span class="rsr-figure">{counts[key]}</span>' in figures
    emploi = select(
        site,
        "SELECT ?t (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r dcat:theme ?t ; a dcat:Resource } GROUP BY ?t",
        t=THEME.emploi,
    )
    themes = section(page, "titre-themes")
    assert f'href="/def/theme/emploi">Emploi&nbsp;({emploi[0]["n"].value})</a>' in themes
    apis = select(
        site, "SELECT ?k (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r dct:type ?k ; a dcat:Resource } GROUP BY ?k", k=KIND.api
    )
    assert f'<a href="/search?kind=api">API</a> <span class="rsr-count">({apis[0]["n"].value})</span>' in page
    newest = select(site, "SELECT ?r WHERE { ?r a dcat:Resource ; dct:modified ?m } ORDER BY DESC(STR(?m)) LIMIT 1")
    latest = section(page, "titre-recents")
    assert f'href="/{newest[0]["r"].value[len(BASE) :]}"' in latest
    for href in ("/network", "/queries", "/contribute", "/themes", "/sparql"):
        assert f'href="{href}"' in page
    assert '<link rel="alternate" type="application/json" href="/?format=json"' in page


def test_home_json_twin(site: TestClient) -> None:
    body = site.get("/?format=json").json()
    [count] = select(site, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a dcat:Resource }")
    assert body["counts"]["resources"] == int(count["n"].value) > 250 and body["links"]["themes"] == "/themes"
    assert site.get("/", headers={"Accept": "application/json"}).json() == body


# --- themes ----------------------------------------------------------------------------------------------------


def test_theme_page_lists_its_resources_with_the_sparql_count(site: TestClient) -> None:
    found = select(site, "SELECT DISTINCT ?t ?r WHERE { ?r dcat:theme ?t ; a dcat:Resource }", t=THEME.emploi)
    page = html(site, "/def/theme/emploi")
    check_accessible(page)
    resources = section(page, "titre-ressources")
    assert f"Ressources de ce thème ({len(found)})" in resources
    assert resources.count('<li class="fr-card') == len(found)
    for row in found:
        assert f'href="/{row["r"].value[len(BASE) :]}"' in resources
    assert 'href="http://publications.europa.eu/resource/authority/data-theme/SOCI"' in page  # the EU theme
    assert '<a class="fr-breadcrumb__link" href="/themes">Thèmes</a>' in page
    assert '<link rel="alternate" type="text/turtle" href="/def/theme/emploi.ttl"' in page


def test_themes_list_and_json(site: TestClient) -> None:
    scheme = NamedNode(BASE + "def/theme")
    concepts = select(site, "SELECT ?scheme ?t WHERE { ?t skos:inScheme ?scheme }", scheme=scheme)
    page = html(site, "/themes")
    check_accessible(page)
    assert page.count('class="fr-tag"') == len(concepts)
    assert '<link rel="alternate" type="text/turtle" href="/def/theme.ttl"' in page
    assert site.get("/def/theme.ttl").status_code == 200
    body = site.get("/themes", headers={"Accept": "application/json"}).json()
    assert len(body["themes"]) == len(concepts)
    emploi = next(t for t in body["themes"] if t["notation"] == "emploi")
    assert emploi["page"] == "/def/theme/emploi" and emploi["resources"] > 0
    assert html(site, "/themes/emploi").count('<li class="fr-card') == emploi["resources"]
    html(site, "/themes/no-such-theme", status=404)


# --- resource --------------------------------------------------------------------------------------------------


def test_resource_page(site: TestClient) -> None:
    r = site.get(BAN, headers={"Accept": BROWSER})
    page = r.text
    check_accessible(page)
    assert '<h1 id="titre-fiche">API Adresse (Base Adresse Nationale - BAN)</h1>' in page
    assert '<p class="fr-badge fr-badge--info fr-badge--no-icon">API</p>' in page
    assert "Accès : Ouverte" in page and "Accessible à tous" in page
    assert '<a class="fr-tag" href="/def/theme/geographie">Géographie</a>' in page
    assert (
        'Qui la produit</h2>\n  <p><a href="/organisation/dinum">Direction Interministérielle du Numérique</a>' in page
    )
    usages = select(site, "SELECT ?r ?u WHERE { ?u duv:refersTo ?r }", r=NamedNode(BASE + BAN[1:]))
    listed = section(page, "titre-usages")
    assert len(usages) == 5  # the seed's four and the fixture's
    for u in usages:
        assert f'href="/{u["u"].value[len(BASE) :]}"' in listed
    assert "La Bonne Boîte" in listed and "Deux fois moins de courriers" in listed  # the result
    assert 'href="https://www.data.gouv.fr/fr/datasets/5530fbacc751df5ff937dddb/"' in page
    assert 'href="https://api.gouv.fr/les-api/base-adresse-nationale"' in page
    assert 'href="mailto:adresse@data.gouv.fr"' in page
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="{BAN}.{ext}"' in page and f"<{BAN}.{ext}>" in r.headers["link"]
    assert "/sparql?query=DESCRIBE%20%3Chttps%3A//ressourcerie.fabrique.social.gouv.fr/resource/api-adresse" in page


def test_resource_page_lists_the_seed_usages(client: TestClient) -> None:
    listed = section(html(client, BAN), "titre-usages")
    assert "Qui l'utilise, et pour quoi (4)" in listed and listed.count('href="/usage/') == 4


def test_resource_page_lists_the_guides_that_cite_it(site: TestClient) -> None:
    docs = select(
        site,
        "SELECT ?d ?r WHERE { ?d dct:references ?r ; a foaf:Document } LIMIT 1",
    )
    resource = docs[0]["r"].value[len(BASE) :]
    assert f'href="/{docs[0]["d"].value[len(BASE) :]}"' in section(html(site, "/" + resource), "titre-documents")


# --- organisation ----------------------------------------------------------------------------------------------


def test_organisation_page(site: TestClient) -> None:
    page = html(site, "/organisation/dinum")
    check_accessible(page)
    produced = select(
        site,
        "SELECT DISTINCT ?o ?r WHERE { ?r dct:publisher ?o ; a dcat:Resource }",
        o=NamedNode(BASE + "organisation/dinum"),
    )
    listed = section(page, "titre-produit")
    assert f"Ce qu'elle produit ({len(produced)})" in listed
    for row in produced:
        assert f'href="/{row["r"].value[len(BASE) :]}"' in listed
    used = section(page, "titre-reutilise")
    assert 'href="/usage/la-bonne-boite--api-adresse-base-adresse-nationale-ban"' in used
    for child in ("etalab", "beta-gouv", "lab-ia"):
        assert f'href="/organisation/{child}"' in page
    assert "Annuaire de l&#39;administration : <a href=" in page  # an official identifier, linked
    assert 'href="/person/camille-martin">Camille Martin</a> — Développeur ou développeuse' in section(
        page, "titre-personnes"
    )
    parent = html(site, "/organisation/dares")
    assert '<a class="fr-breadcrumb__link" href="/organisation/ministere-travail">' in parent
    assert 'Fait partie de : <a href="/organisation/ministere-travail">' in parent


def test_organisation_page_lists_what_it_uses(make_client) -> None:
    c = make_client()
    load_fixture(c, "people.ttl")
    ctx = c.app.state.context
    acme = [q.triple for q in parse_file(FIXTURES / "small.ttl")]
    ctx.writer.add({ctx.iris.graph("test/small"): acme})
    page = html(c, "/organisation/acme")
    uses = section(page, "titre-utilise")
    assert "Ce qu'elle utilise (1)" in uses and 'href="/usage/acme-uses-api"' in uses and "Tester l&#39;API." in uses


# --- person and usage --------------------------------------------------------------------------------------------


def test_person_page(site: TestClient) -> None:
    page = html(site, "/person/camille-martin")
    check_accessible(page)
    assert '<h1 id="titre-fiche">Camille Martin</h1>' in page
    assert (
        'href="/organisation/dinum">Direction Interministérielle du Numérique</a> — Développeur ou développeuse' in page
    )
    usages = section(page, "titre-usages")
    assert 'href="/usage/camille-martin--adresse"' in usages and f'href="{BAN}"' in usages
    assert 'href="mailto:camille.martin@example.org"' in page
    assert "Simple à intégrer" in page


def test_usage_page(site: TestClient) -> None:
    page = html(site, "/usage/camille-martin--adresse")
    check_accessible(page)
    assert "Usage de API Adresse (Base Adresse Nationale - BAN) par Camille Martin" in page
    assert f'<a class="fr-breadcrumb__link" href="{BAN}">' in page
    assert 'Personne : <a href="/person/camille-martin">Camille Martin</a>' in page
    assert "Deux fois moins de courriers" in page and "Depuis le 1er mars 2023" in page
    assert "<strong>Très utile</strong>" in page and "le 10 février 2024" in page
    seed = html(site, "/usage/la-bonne-boite--api-adresse-base-adresse-nationale-ban")
    assert 'Par le service <a href="/service/la-bonne-boite">La Bonne Boîte</a>' in seed
    assert ', produite par <a href="/organisation/dinum">' in seed


# --- safety ------------------------------------------------------------------------------------------------------


def test_hostile_text_is_escaped(make_client) -> None:
    c = make_client()
    ctx = c.app.state.context
    evil = '<script>alert("x")</script>'
    r = NamedNode(BASE + "resource/hostile")
    triples = [
        Triple(r, RDF.type, DCAT.Resource),
        Triple(r, DCT.identifier, Literal("hostile")),
        Triple(r, DCT.title, Literal(evil, language="fr")),
        Triple(r, DCT.description, Literal(evil, language="fr")),
        Triple(r, DCT.type, KIND.dataset),
        Triple(r, RDF.type, DCAT.Dataset),
        Triple(r, DCT.publisher, NamedNode(BASE + "organisation/dinum")),
        Triple(r, DCAT.keyword, Literal(evil, language="en")),
        Triple(r, DCT.modified, Literal("2099-01-01", datatype=XSD.date)),  # the latest: on the home page
        Triple(NamedNode(BASE + "usage/hostile"), RDF.type, DUV.Usage),
        Triple(NamedNode(BASE + "usage/hostile"), DUV.refersTo, r),
        Triple(NamedNode(BASE + "usage/hostile"), DCT.description, Literal(evil, language="fr")),
        Triple(NamedNode(BASE + "usage/hostile"), RDF.type, PROV.Activity),
        Triple(NamedNode(BASE + "usage/hostile"), PROV.wasAssociatedWith, NamedNode(BASE + "organisation/dinum")),
    ]
    ctx.writer.add({ctx.iris.graph("test/hostile"): triples})
    for path in ("/resource/hostile", "/usage/hostile", "/organisation/dinum", "/"):
        page = html(c, path)
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path
    assert 'lang="en"' in html(c, "/resource/hostile")  # the English keyword is marked as such


def test_unknown_record_is_the_html_error_page(site: TestClient) -> None:
    page = html(site, "/resource/no-such-thing", status=404)
    assert "<h1>Page introuvable</h1>" in page and '<main role="main"' in page
    assert "Aucune fiche n&#39;existe à l&#39;adresse /resource/no-such-thing." in page
    assert "nothing is known" not in page and "Not Found" not in page
    assert site.get("/person/nobody", headers={"Accept": "application/json"}).json()["status"] == 404


# --- another instance ---------------------------------------------------------------------------------------------


def test_minimal_instance_follows_its_switches(make_client) -> None:
    off = {name: False for name, _d, _h in Settings.describe() if name.startswith("feature_")}
    c = make_client(
        site_name="Communs de l'agriculture",
        base_iri="https://ministere.example/",
        primary_colour="#18753c",
        **off,
    )
    page = html(c, "/")
    check_accessible(page)
    assert "<title>Communs de l&#39;agriculture" in page and "--rsr-primary: #18753c" in page
    nav = page[page.index('id="navigation"') : page.index("</nav>", page.index('id="navigation"'))]
    for gone in ("/network", "/queries", "/contribute"):
        assert f'href="{gone}"' not in nav and f'href="{gone}"' not in page
    assert 'href="/search"' in nav
    themes = section(page, "titre-themes")
    assert 'href="/themes/emploi"' in themes  # /def/ is not served by this instance: its own theme URLs
    assert html(c, "/themes/emploi").count("<h1") == 1
    assert c.get("/def/theme/emploi", headers={"Accept": BROWSER}).status_code == 404


def test_instance_with_its_own_theme_scheme(make_client) -> None:
    c = make_client(theme_scheme="https://ministere.example/def/themes")
    load_fixture(c, "other-themes.ttl")
    page = html(c, "/")
    themes = section(page, "titre-themes")
    assert 'href="/themes/agriculture-durable">Agriculture durable&nbsp;(1)</a>' in themes
    assert "Emploi" not in themes and "Forêt" not in themes  # only themes with resources on the home page
    assert html(c, "/themes").count('class="fr-tag"') == 2
    theme = html(c, "/themes/agriculture-durable")
    assert "Pratiques agricoles qui préservent" in theme and 'href="/resource/api-sirene"' in theme
    assert 'href="/themes/agriculture-durable"' in html(c, "/resource/api-sirene")
