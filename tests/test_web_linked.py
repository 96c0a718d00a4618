from __future__ import annotations

import gzip
from html.parser import HTMLParser

import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, RdfFormat

from graph.config import Settings
from graph.namespaces import DCT, DUV, PROV, RDF, SKOS
from graph.web._templates import templates
from graph.web.pages.linked import Page
from graph.web.protocol.descriptions import SD, VOID
from graph.web.render import site

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
SIRENE = "/resource/api-sirene"
BAN = "/resource/api-adresse-base-adresse-nationale-ban"
VOID_ELEMENTS = frozenset({"meta", "link", "br", "img", "input", "hr"})
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def parse(body: bytes, fmt: RdfFormat = RdfFormat.TURTLE) -> list[pyoxigraph.Triple]:
    return [q.triple if isinstance(q, pyoxigraph.Quad) else q for q in pyoxigraph.parse(body, format=fmt)]


class Balance(HTMLParser):
    """Checks that every opened element is closed, in order (void elements aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def page(client: TestClient, path: str) -> str:
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    return r.text


# --- content negotiation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html", "text/html"),
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("*/*", "text/turtle"),
    ],
)
def test_record_negotiates_its_format(client: TestClient, accept: str, expected: str) -> None:
    r = client.get(SIRENE, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected
    if expected != "text/html":
        title = pyoxigraph.Triple(NamedNode(BASE + SIRENE[1:]), DCT.title, Literal("API Sirene", language="fr"))
        assert title in parse(r.content, RdfFormat.from_media_type(expected))


def test_unacceptable_type_is_406_with_what_is_offered(client: TestClient) -> None:
    r = client.get(SIRENE, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["status"] == 406
    assert "text/turtle" in r.headers["accept"] and "text/html" in r.headers["accept"]


@pytest.mark.parametrize(
    ("ext", "expected"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("trig", "application/trig"),
        ("nq", "application/n-quads"),
        ("html", "text/html"),
    ],
)
def test_extension_urls(client: TestClient, ext: str, expected: str) -> None:
    r = client.get(f"{SIRENE}.{ext}", headers={"Accept": "image/png"})  # the extension wins over Accept
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    r = client.get(SIRENE, params={"format": "ttl"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert client.get(SIRENE, params={"format": "png"}).status_code == 400


def test_vary_and_link_headers(client: TestClient) -> None:
    r = client.get(SIRENE, headers={"Accept": "text/turtle"})
    assert "Accept" in r.headers["vary"]
    assert r.headers["content-location"] == f"{SIRENE}.ttl"
    link = r.headers["link"]
    assert f'<{SIRENE}.ttl>; rel="alternate"; type="text/turtle"' in link
    assert f'<{SIRENE}.jsonld>; rel="alternate"; type="application/ld+json"' in link
    assert client.get(f"{SIRENE}.html").headers["link"] == link


# --- the bounded description ----------------------------------------------------------------------------------------


def test_description_is_bounded(client: TestClient) -> None:
    iri = NamedNode(BASE + SIRENE[1:])
    triples = parse(client.get(f"{SIRENE}.ttl").content)
    subjects = {t.subject.value for t in triples}
    assert iri.value + "#apigouv" in subjects
    assert pyoxigraph.Triple(NamedNode(BASE + "usage/camino--api-sirene"), DUV.refersTo, iri) in triples
    assert BASE + "document/retour-recherche-entreprise" in subjects
    # outside the record and its hash nodes, only links to it
    assert all(t.subject.value.split("#")[0] == iri.value or t.object == iri for t in triples)
    assert BASE + "organisation/insee" not in subjects


def test_unknown_iri_is_404_json_and_html(client: TestClient) -> None:
    r = client.get("/resource/no-such-thing", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json()["status"] == 404
    r = client.get("/resource/no-such-thing", headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert client.get("/elsewhere/x").status_code == 404


def test_vocabulary_terms_are_served(client: TestClient) -> None:
    triples = parse(client.get("/def/theme/emploi", headers={"Accept": "text/turtle"}).content)
    emploi = NamedNode(BASE + "def/theme/emploi")
    assert pyoxigraph.Triple(emploi, SKOS.prefLabel, Literal("Emploi", language="fr")) in triples
    assert '<h1 id="titre-fiche">Emploi</h1>' in page(client, "/def/theme/emploi")


# --- the HTML page --------------------------------------------------------------------------------------------------


def test_html_page(client: TestClient) -> None:
    html = page(client, SIRENE)
    assert '<html lang="fr"' in html
    assert "<title>API Sirene · Ressourcerie</title>" in html and '<h1 id="titre-fiche">API Sirene</h1>' in html
    producer = html[html.index("Qui la produit") :]
    assert producer.startswith('Qui la produit</h2>\n  <p><a href="/organisation/insee">')  # dct:publisher, labelled
    assert f'<link rel="alternate" type="text/turtle" href="{SIRENE}.ttl"' in html
    assert f'href="{SIRENE}.jsonld" type="application/ld+json">JSON-LD</a>' in html
    for landmark in (
        '<header role="banner"',
        '<main role="main" id="contenu"',
        '<footer class="fr-footer"',
        'href="#contenu"',
    ):
        assert landmark in html
    assert html.count("<script") == 2 and "/assets/dsfr/dsfr.module.min.js" in html  # the DSFR's own, nothing else
    checker = Balance()
    checker.feed(html)
    assert checker.stack == []


def test_generic_page_for_other_nodes(client: TestClient) -> None:
    html = page(client, "/def/kind/api")  # a vocabulary term: no page of its own
    assert "<h1>API</h1>" in html and "Ce qui pointe ici" in html
    assert 'href="/def/kind"' in html  # its scheme, linked
    assert '<link rel="alternate" type="text/turtle" href="/def/kind/api.ttl"' in html
    checker = Balance()
    checker.feed(html)
    assert checker.stack == []


def test_html_page_lists_inbound_usages(client: TestClient) -> None:
    html = page(client, BAN)
    usages = html[html.index('id="titre-usages"') : html.index('id="titre-documents"')]
    assert usages.count('<a href="/usage/') == 4


def test_html_escapes_everything() -> None:
    evil = "<script>alert(1)</script>"
    p = Page(evil, evil, "/x", [], {evil: []}, [], "/", "/sparql")
    html = (
        templates().get_template("record.html").render(page=p, site=site(Settings()), path="/x", alternates=[], url=str)
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- service description, VoID, dump ---------------------------------------------------------------------------


def test_service_description(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = parse(r.content)
    assert [t.object.value for t in triples if t.predicate == SD.endpoint] == ["http://testserver/sparql"]
    names = {t.object.value for t in triples if t.predicate == SD.name}
    assert names == {g.value for g in client.app.state.context.store.graph_names()}  # type: ignore[attr-defined]
    assert SD.SPARQL11Query in {t.object for t in triples} and SD.SPARQL11Update not in {t.object for t in triples}
    assert client.get("/sparql", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")


def test_void_numbers_are_the_store_numbers(client: TestClient) -> None:
    stats = client.app.state.context.store.stats()  # type: ignore[attr-defined]
    triples = parse(client.get("/.well-known/void.ttl").content)
    dataset = NamedNode(BASE + ".well-known/void#dataset")

    def value(s: object, p: NamedNode) -> int:
        return int(next(t.object.value for t in triples if t.subject == s and t.predicate == p))

    assert value(dataset, VOID.triples) == stats.quads
    for graph in stats.graphs:
        assert value(graph.name, VOID.triples) == graph.triples
    assert sum(int(t.object.value) for t in triples if t.predicate == VOID.triples and t.subject != dataset) == (
        2 * stats.quads  # the property partitions and the subsets each add up to the whole
    )
    assert value(dataset, VOID.classes) == sum(1 for t in triples if t.predicate == VOID["class"])
    seed = NamedNode(BASE + "graph/seed/apigouv")
    assert any(t.subject == seed and t.predicate == PROV.generatedAtTime for t in triples)
    dump = next(t.object.value for t in triples if t.predicate == VOID.dataDump)
    assert dump == "http://testserver/dumps/ressourcerie.nq.gz"


def test_service_description_names_formats_by_their_w3c_iris(client: TestClient) -> None:
    formats = {
        t.object.value
        for t in parse(client.get("/sparql", headers={"Accept": "text/turtle"}).content)
        if t.predicate == SD.resultFormat
    }
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    assert all(f.startswith("http://www.w3.org/ns/formats/") and "/data/" not in f for f in formats)


def test_void_states_the_content_licence(client: TestClient) -> None:
    triples = parse(client.get("/.well-known/void.ttl").content)
    dataset = NamedNode(BASE + ".well-known/void#dataset")
    licences = [t.object for t in triples if t.subject == dataset and t.predicate == DCT.license]
    assert licences == [NamedNode(Settings().content_licence)]


def test_service_description_in_dataset_formats(client: TestClient) -> None:
    r = client.get("/sparql", params={"format": "trig"})
    assert r.headers["content-type"].startswith("application/trig")
    assert any(t.predicate == SD.endpoint for t in parse(r.content, RdfFormat.TRIG))


def test_void_is_negotiated(client: TestClient) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    assert any(t.predicate == RDF.type and t.object == VOID.Dataset for t in parse(r.content, RdfFormat.JSON_LD))


def test_dump_round_trip(client: TestClient) -> None:
    r = client.get("/dumps/ressourcerie.nq.gz")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in r.headers
    assert 'filename="ressourcerie.nq.gz"' in r.headers["content-disposition"]
    quads = list(pyoxigraph.parse(gzip.decompress(r.content), format=RdfFormat.N_QUADS))
    assert len(quads) == client.app.state.context.store.stats().quads  # type: ignore[attr-defined]
    head = client.head("/dumps/ressourcerie.nq.gz")
    assert head.status_code == 200 and "content-length" not in head.headers


# --- 303 mode -------------------------------------------------------------------------------------------------------


def test_303_mode(make_client) -> None:
    c = make_client(redirect_303=True)
    for path in (f"/id{SIRENE}", SIRENE):
        r = c.get(path, params={"format": "nt"}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/doc{SIRENE}?format=nt"
    r = c.get(f"/doc{SIRENE}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "Accept" in r.headers["vary"]
    assert NamedNode(BASE + SIRENE[1:]) in {t.subject for t in parse(r.content)}
    assert f'</doc{SIRENE}.ttl>; rel="alternate"' in r.headers["link"]
    assert '<a href="/doc/organisation/insee">' in page(c, f"/doc{SIRENE}")


def test_id_and_doc_are_not_served_without_303_mode(client: TestClient) -> None:
    assert client.get(f"/id{SIRENE}", follow_redirects=False).status_code == 404
    assert client.get(f"/doc{SIRENE}").status_code == 404


def test_home_page_for_people_and_machines(client) -> None:
    r = client.get("/", headers={"Accept": "text/html"})
    assert r.status_code == 200 and '<html lang="fr"' in r.text and 'href="/sparql"' in r.text
    assert 'href="/themes"' in r.text and 'href="/resource/' in r.text  # the latest resources
    body = client.get("/", headers={"Accept": "application/json"}).json()
    assert body["counts"]["resources"] == 261 and body["links"]["sparql"] == "/sparql"
