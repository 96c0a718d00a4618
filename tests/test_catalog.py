from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from graph.config import Settings
from graph.dcat.conformance import check
from graph.dcat.publish import Feed, Paging
from graph.namespaces import ADMS, DCAT, DCT, FOAF, KIND, RDF, SCHEMA, SKOS, VCARD, XSD, Namespace
from graph.store import EmbeddedStore

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
CATALOG = NamedNode(BASE + "catalog")
MEMBERS = (DCAT.dataset, DCAT.service, DCAT.catalog, DCAT.resource)


def graph_of(response) -> set[Triple]:
    assert response.status_code == 200, response.text
    return {q.triple for q in pyoxigraph.parse(response.content, format=RdfFormat.TURTLE)}


def objects(g: set[Triple], s: NamedNode, p: NamedNode) -> list:
    return [t.object for t in g if t.subject == s and t.predicate == p]


def one(g: set[Triple], s: NamedNode, p: NamedNode):
    found = objects(g, s, p)
    assert len(found) == 1, (s, p, found)
    return found[0]


def members(g: set[Triple], catalogue: NamedNode = CATALOG) -> list[NamedNode]:
    return [t.object for t in g if t.subject == catalogue and t.predicate in MEMBERS]


def path_of(iri: NamedNode) -> str:
    return "/" + iri.value[len(BASE) :]


CATALOGUED = (KIND.api, KIND.dataset, KIND.catalogue)  # what /catalog lists


def store_resources(store: EmbeddedStore, kinds: tuple[NamedNode, ...] = CATALOGUED) -> set[NamedNode]:
    rows = store.select("SELECT ?r ?k WHERE { ?r a dcat:Resource ; dct:type ?k }").rows
    return {r for r, k in rows if k in kinds}  # type: ignore[misc]


def view_as(g: set[Triple], token: str = "VIEW") -> set[str]:
    """The triples as text, the page's view (whose IRI is the URL asked) written as ``token``."""
    view = one(g, CATALOG, HYDRA.view)
    return {str(t).replace(f"<{view.value}>", token) for t in g}


# --- paging ----------------------------------------------------------------------------------------------------


def test_walking_the_next_links_meets_every_record_exactly_once(client, seeded) -> None:
    seen: list[NamedNode] = []
    url, pages = "/catalog?page_size=40", 0
    while url:
        g = graph_of(client.get(url))
        seen += members(g)
        view = one(g, CATALOG, HYDRA.view)
        following = objects(g, view, HYDRA.next)
        url = path_of(following[0]) if following else ""
        pages += 1
    expected = store_resources(seeded)
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == -(-len(expected) // 40)


def test_a_page_carries_both_hydra_styles_and_the_counts(client, seeded) -> None:
    g = graph_of(client.get("/catalog?page=2&page_size=50"))
    view = one(g, CATALOG, HYDRA.view)
    total = len(store_resources(seeded))
    last = -(-total // 50)
    assert {HYDRA.PartialCollectionView, HYDRA.PagedCollection} <= set(objects(g, view, RDF.type))
    assert int(one(g, CATALOG, HYDRA.totalItems).value) == total
    assert int(one(g, view, HYDRA.itemsPerPage).value) == 50
    for new, legacy, number in [("first", "firstPage", 1), ("previous", "previousPage", 1), ("next", "nextPage", 3)]:
        assert one(g, view, HYDRA[new]) == one(g, view, HYDRA[legacy])
        assert f"page={number}&" in one(g, view, HYDRA[new]).value
    assert f"page={last}&" in one(g, view, HYDRA.last).value
    assert len(members(g)) == 50


def test_the_last_page_has_no_next_and_the_first_no_previous(client) -> None:
    first = graph_of(client.get("/catalog?page_size=1000"))
    view = one(first, CATALOG, HYDRA.view)
    assert objects(first, view, HYDRA.previous) == [] and objects(first, view, HYDRA.next) == []
    assert objects(first, view, HYDRA.nextPage) == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("page=0", "page must be 1 or more"),
        ("page=two", "page must be a whole number"),
        ("page_size=1001", "page_size must be at most 1000"),
        ("page_size=-5", "page_size must be 1 or more"),
        ("modified_since=yesterday", "modified_since must be a date"),
        ("modified_since=2024-13-01", "modified_since must be a date"),
        ("format=docx", "format 'docx' is not one of"),
    ],
)
def test_bad_parameters_get_400_with_the_one_error_shape(client, query: str, words: str) -> None:
    response = client.get(f"/catalog?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400
    assert words in body["detail"]


def test_a_page_past_the_last_is_404(client) -> None:
    response = client.get("/catalog?page=99&page_size=1000")
    assert response.status_code == 404
    assert "this feed has 1 page(s)" in response.json()["detail"]


# --- modified_since ----------------------------------------------------------------------------------------------


def test_modified_since_a_date_keeps_the_records_modified_that_day_or_later(client, whole) -> None:
    days = sorted({one(whole, r, DCT.modified).value[:10] for r in members(whole)})
    since = days[len(days) // 2]
    expected = {r for r in members(whole) if one(whole, r, DCT.modified).value[:10] >= since}
    g = graph_of(client.get(f"/catalog?page_size=1000&modified_since={since}"))
    assert set(members(g)) == expected
    assert 0 < len(expected) < len(members(whole))
    assert int(one(g, CATALOG, HYDRA.totalItems).value) == len(expected)


def test_modified_since_a_date_time_and_the_paging_links_keep_the_filter(client, seeded) -> None:
    g = graph_of(client.get("/catalog?page_size=1&modified_since=2020-01-01T00:00:00Z"))
    view = one(g, CATALOG, HYDRA.view)
    assert "modified_since=2020-01-01T00%3A00%3A00Z" in one(g, view, HYDRA.next).value
    future = graph_of(client.get("/catalog?modified_since=2999-01-01"))
    assert members(future) == [] and int(one(future, CATALOG, HYDRA.totalItems).value) == 0


def test_a_record_without_a_date_is_dated_by_the_load_of_its_graph(client) -> None:
    query = (
        "SELECT ?r ?when WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/type> ?k ."
        f" FILTER(?k IN (<{KIND.api.value}>, <{KIND.dataset.value}>, <{KIND.catalogue.value}>))"
        " FILTER NOT EXISTS { ?r <http://purl.org/dc/terms/modified> ?m }"
        " GRAPH ?g { ?r <http://purl.org/dc/terms/type> ?k } GRAPH ?meta { ?g <http://purl.org/dc/terms/modified> ?when } }"
    )
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    bindings = rows.json()["results"]["bindings"]
    assert bindings, "the seed has an undated resource"
    r, when = NamedNode(bindings[0]["r"]["value"]), bindings[0]["when"]["value"]
    g = graph_of(client.get("/catalog?page_size=1000"))
    assert one(g, r, DCT.modified) == Literal(when, datatype=XSD.dateTime)


# --- formats ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "accept", "fmt"),
    [
        ("/catalog.nt", None, RdfFormat.N_TRIPLES),
        ("/catalog.rdf", None, RdfFormat.RDF_XML),
        ("/catalog", "application/rdf+xml", RdfFormat.RDF_XML),
        ("/catalog?format=nt", None, RdfFormat.N_TRIPLES),
        ("/catalog.trig", None, RdfFormat.TRIG),
    ],
)
def test_every_format_says_the_same(client, url: str, accept: str | None, fmt: RdfFormat) -> None:
    turtle = graph_of(client.get("/catalog.ttl?page_size=30"))
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}page_size=30", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(fmt.media_type)
    other = {q.triple for q in pyoxigraph.parse(response.content, format=fmt)}
    # the view is the URL asked and the page links carry the extension asked for; everything else is identical
    ext = url.split("?")[0].rpartition(".")[2] if "." in url else ""
    same = {t.replace(f"catalog.{ext}?", "catalog.ttl?").replace("catalog?", "catalog.ttl?") for t in view_as(other)}
    assert same == view_as(turtle)


def test_turtle_is_the_default_and_accept_is_honoured(client) -> None:
    assert client.get("/catalog").headers["content-type"].startswith("text/turtle")
    assert client.get("/catalog", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    response = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert "Accept" in response.headers["vary"]
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_a_client_asking_for_json_gets_json_ld(client) -> None:
    response = client.get("/catalog?page_size=5", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    parsed = pyoxigraph.parse(response.content, format=RdfFormat.JSON_LD)
    assert {q.triple for q in parsed} and "@graph" in response.json()


def test_json_ld_carries_its_context_and_means_the_same(client) -> None:
    """The context is written in the document: a reader expands it without fetching anything."""
    response = client.get("/catalog.jsonld?page_size=20")
    doc = response.json()
    context = client.get("/catalog/context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"].startswith("application/ld+json")
    assert doc["@context"] == context.json()["@context"]  # the same context, also served on its own
    parsed = {q.triple for q in pyoxigraph.parse(response.content, format=RdfFormat.JSON_LD)}
    turtle = graph_of(client.get("/catalog.ttl?page_size=20"))
    assert len(parsed) == len(turtle) > 100
    assert {t.replace("catalog.jsonld?", "catalog.ttl?") for t in view_as(parsed)} == view_as(turtle)


@pytest.mark.parametrize("asked", ["/catalog", "/catalog.ttl?page_size=100", "/catalog?modified_since=2020-01-01"])
def test_the_page_view_is_the_url_asked_and_has_the_next_link(client, asked: str) -> None:
    """A client that reads only the view whose IRI is its request URL (udata, ckanext-dcat) finds ``next``."""
    g = graph_of(client.get(asked))
    view = NamedNode(BASE + asked.lstrip("/"))
    assert one(g, CATALOG, HYDRA.view) == view
    assert HYDRA.PartialCollectionView in objects(g, view, RDF.type)
    assert "page=2&" in one(g, view, HYDRA.next).value and one(g, view, HYDRA.next) == one(g, view, HYDRA.nextPage)


# --- what each record says ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def whole(client) -> set[Triple]:
    return graph_of(client.get("/catalog?page_size=1000"))


def test_each_record_has_what_harvesters_need(whole: set[Triple], seeded) -> None:
    for r in members(whole):
        assert isinstance(one(whole, r, DCT.identifier), Literal)
        titles = objects(whole, r, DCT.title)
        assert titles and all(t.language for t in titles)
        assert all(d.language for d in objects(whole, r, DCT.description))
        modified = one(whole, r, DCT.modified)
        assert modified.datatype in (XSD.date, XSD.dateTime)
        publisher = one(whole, r, DCT.publisher)
        assert FOAF.Agent in objects(whole, publisher, RDF.type) and objects(whole, publisher, FOAF.name)


def test_themes_are_ours_plus_their_eu_data_themes(whole: set[Triple], seeded) -> None:
    emploi = NamedNode(BASE + "def/theme/emploi")
    eu = {q.object for q in seeded.quads(emploi, SKOS.closeMatch, None, None)}
    tagged = [r for r in members(whole) if emploi in objects(whole, r, DCAT.theme)]
    assert tagged and eu
    for r in tagged:
        assert eu <= set(objects(whole, r, DCAT.theme))
    for concept in eu | {emploi}:
        assert SKOS.Concept in objects(whole, concept, RDF.type) and objects(whole, concept, SKOS.prefLabel)


def test_contact_points_are_vcards_with_a_name_and_an_email_or_url(whole: set[Triple]) -> None:
    contacts = {t.object for t in whole if t.predicate == DCAT.contactPoint}
    assert contacts
    for c in contacts:
        assert VCARD.Kind in objects(whole, c, RDF.type)
        assert objects(whole, c, VCARD.fn)
        reach = objects(whole, c, VCARD.hasEmail) + objects(whole, c, VCARD.hasURL)
        assert reach and all(isinstance(v, NamedNode) for v in reach)


def test_the_catalogue_has_a_licence_language_taxonomy_and_publisher(whole: set[Triple]) -> None:
    licence = one(whole, CATALOG, DCT.license)
    assert licence.value == Settings().content_licence
    assert DCT.LicenseDocument in objects(whole, licence, RDF.type)
    assert NamedNode("http://purl.org/adms/licencetype/Attribution") in objects(whole, licence, DCT.type)
    assert one(whole, CATALOG, DCT.language) == NamedNode(
        "http://publications.europa.eu/resource/authority/language/FRA"
    )
    taxonomies = objects(whole, CATALOG, DCAT.themeTaxonomy)
    assert NamedNode(Settings().theme_scheme) in taxonomies
    assert all(SKOS.ConceptScheme in objects(whole, s, RDF.type) and objects(whole, s, DCT.title) for s in taxonomies)
    publisher = one(whole, CATALOG, DCT.publisher)
    assert objects(whole, publisher, FOAF.name)


def test_every_api_is_a_data_service_with_its_endpoint_where_a_source_gives_it(whole: set[Triple], seeded) -> None:
    apis = store_resources(seeded, (KIND.api,))
    known = {r for r in apis if list(seeded.quads(r, DCAT.endpointURL, None, None))}
    assert known and apis - known
    assert set(objects(whole, CATALOG, DCAT.service)) == apis and objects(whole, CATALOG, DCAT.resource) == []
    for r in apis:
        assert objects(whole, r, RDF.type) == [DCAT.DataService]
        assert one(whole, r, DCT.type) == KIND.api
        stored = {q.object for q in seeded.quads(r, DCAT.endpointURL, None, None)}
        assert set(objects(whole, r, DCAT.endpointURL)) == stored
        described = {q.object for q in seeded.quads(r, DCAT.endpointDescription, None, None)}
        assert set(objects(whole, r, DCAT.endpointDescription)) == described


def test_guides_documentation_and_software_are_not_in_the_data_catalogue(whole: set[Triple], seeded) -> None:
    others = store_resources(seeded, (KIND.documentation, KIND["source-code"], KIND.ai))
    assert others and not others & set(members(whole))
    guides = {q.subject for q in seeded.quads(None, DCT.type, KIND.guide, None)}
    assert guides and not guides & set(members(whole))


def test_every_dataset_has_a_distribution_and_apis_reach_the_datasets_they_serve(whole: set[Triple], seeded) -> None:
    datasets = store_resources(seeded, (KIND.dataset,))
    for d in datasets:
        dists = objects(whole, d, DCAT.distribution)
        assert dists, d
        assert all(
            objects(whole, x, DCAT.accessURL) and DCAT.Distribution in objects(whole, x, RDF.type) for x in dists
        )
    served = {(q.subject, q.object) for q in seeded.quads(None, DCAT.servesDataset, None, None)}
    assert served
    for api, dataset in served:
        assert dataset in objects(whole, api, DCAT.servesDataset)
        through = [
            x for x in objects(whole, dataset, DCAT.distribution) if api in objects(whole, x, DCAT.accessService)
        ]
        assert len(through) == 1, (api, dataset)
        assert DCAT.DataService in objects(whole, api, RDF.type) and objects(whole, api, DCT.title)


def test_a_record_without_a_contact_point_has_its_publishers(whole: set[Triple], seeded) -> None:
    for r in members(whole):
        own = {q.object for q in seeded.quads(r, DCAT.contactPoint, None, None)}
        publisher = one(whole, r, DCT.publisher)
        theirs = {q.object for q in seeded.quads(publisher, DCAT.contactPoint, None, None)}
        if not own and theirs:
            assert set(objects(whole, r, DCAT.contactPoint)) <= theirs and objects(whole, r, DCAT.contactPoint)


def test_every_identifier_carries_its_notation(whole: set[Triple]) -> None:
    """ckanext-dcat reads adms:identifier as an alternate identifier from its skos:notation."""
    identifiers = {t.object for t in whole if t.predicate == ADMS.identifier}
    assert identifiers
    for ident in identifiers:
        assert ADMS.Identifier in objects(whole, ident, RDF.type)
        assert len(objects(whole, ident, SKOS.notation)) == 1, ident


def test_publishers_carry_their_siren(whole: set[Triple], seeded) -> None:
    sirens = {q.subject for q in seeded.quads(None, DCT.type, NamedNode(BASE + "def/identifier-scheme/siren"), None)}
    published = [i for i in sirens if any(t.predicate == ADMS.identifier and t.object == i for t in whole)]
    assert published
    for ident in published:
        assert ADMS.Identifier in objects(whole, ident, RDF.type) and len(objects(whole, ident, SKOS.notation)) == 1


def test_datasets_and_catalogues_are_listed_as_such(whole: set[Triple], seeded) -> None:
    for kind, cls, prop in [(KIND.dataset, DCAT.Dataset, DCAT.dataset), (KIND.catalogue, DCAT.Catalog, DCAT.catalog)]:
        expected = store_resources(seeded, (kind,))
        assert expected
        assert set(objects(whole, CATALOG, prop)) == expected
        assert all(cls in objects(whole, r, RDF.type) for r in expected)


def test_an_api_with_an_endpoint_and_a_dataset_with_a_distribution(small) -> None:
    api = NamedNode(BASE + "resource/api-acme")
    dataset = NamedNode(BASE + "resource/donnees-acme")
    dist = NamedNode(dataset.value + "#csv")
    graph = small.iris.graph("test2")
    small.add(
        {
            graph: [
                Triple(api, DCAT.endpointURL, NamedNode("https://api.acme.example/v1/")),
                Triple(api, DCAT.endpointDescription, NamedNode("https://api.acme.example/v1/openapi.json")),
                Triple(dataset, RDF.type, DCAT.Resource),
                Triple(dataset, RDF.type, DCAT.Dataset),
                Triple(dataset, DCT.identifier, Literal("donnees-acme")),
                Triple(dataset, DCT.title, Literal("Données Acme", language="fr")),
                Triple(dataset, DCT.description, Literal("Un jeu de test.", language="fr")),
                Triple(dataset, DCT.type, KIND.dataset),
                Triple(dataset, DCT.publisher, NamedNode(BASE + "organisation/acme")),
                Triple(dataset, DCT.modified, Literal("2024-05-01", datatype=XSD.date)),
                Triple(dataset, DCT.license, NamedNode("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")),
                Triple(dataset, DCT.language, Literal("fr")),
                Triple(dataset, DCAT.distribution, dist),
                Triple(dist, RDF.type, DCAT.Distribution),
                Triple(dist, DCAT.downloadURL, NamedNode("https://acme.example/data.csv")),
                Triple(dist, DCT.format, Literal("CSV")),
            ]
        }
    )
    feed = Feed(small.store, Settings())
    page = feed.page("catalog", Paging())
    g = set(page.triples)
    assert objects(g, api, RDF.type) == [DCAT.DataService]
    assert one(g, api, DCAT.endpointURL).value == "https://api.acme.example/v1/"
    assert api in objects(g, CATALOG, DCAT.service)
    assert one(g, dataset, DCT.language) == NamedNode("http://publications.europa.eu/resource/authority/language/FRA")
    assert one(g, dist, DCAT.accessURL) == one(g, dist, DCAT.downloadURL)
    fmt = one(g, dist, DCT.format)
    assert fmt == NamedNode("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert DCT.MediaTypeOrExtent in objects(g, fmt, RDF.type)
    assert one(g, dist, DCAT.mediaType) == NamedNode("https://www.iana.org/assignments/media-types/text/csv")
    assert page.counts == {"dcat:DataService": 1, "dcat:Dataset": 1}
    result = check(feed)
    assert result.report.violations == [], result.report.text()


# --- ADMS-AP ------------------------------------------------------------------------------------------------------


def test_software_is_published_as_adms_assets_with_their_repository(client, seeded) -> None:
    software = NamedNode(BASE + "catalog/software")
    g = graph_of(client.get("/catalog/software"))
    expected = store_resources(seeded, (KIND["source-code"], KIND.ai))
    assert expected and set(objects(g, software, DCAT.dataset)) == expected
    with_repo = 0
    for r in expected:
        assert ADMS.Asset in objects(g, r, RDF.type)
        for repo in seeded.quads(r, SCHEMA.codeRepository, None, None):
            dist = NamedNode(r.value + "#code-repository")
            assert dist in objects(g, r, DCAT.distribution)
            assert ADMS.AssetDistribution in objects(g, dist, RDF.type)
            assert one(g, dist, DCAT.accessURL) == repo.object
            with_repo += 1
    assert with_repo
    assert client.get("/catalog/software.jsonld").json()["@context"]["adms"] == str(ADMS)


# --- conformance --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["catalog", "software"])
def test_the_whole_feed_conforms_to_the_official_dcat_ap_3_shapes(seeded, name: str) -> None:
    """0 violations but the one accepted deviation: the data services whose endpoint no source gives."""
    result = check(Feed(seeded, Settings(), cached=None), name)
    assert result.report.violations == [], result.report.text(limit=20)
    assert result.pages == 1 and sum(result.records.values()) == len(
        store_resources(seeded, CATALOGUED if name == "catalog" else (KIND["source-code"], KIND.ai))
    )
    apis = store_resources(seeded, (KIND.api,)) if name == "catalog" else set()
    without = {r for r in apis if not list(seeded.quads(r, DCAT.endpointURL, None, None))}
    assert {NamedNode(r.focus) for r in result.without_endpoint} == without
    assert (str(len(without)) in result.deviation()) == bool(without)


def test_the_official_shapes_do_catch_a_broken_feed(seeded) -> None:
    from graph.validation import dcat_ap_validator

    triples = check(Feed(seeded, Settings()), "catalog").triples
    broken = [t for t in triples if not (t.subject == CATALOG and t.predicate == DCT.publisher)]
    report = dcat_ap_validator(recommended=False).validate(broken)
    found = [(v.focus, v.path) for v in report.violations if v.path != "dcat:endpointURL"]
    assert found == [(CATALOG.value, "dct:publisher")]


# --- cache ------------------------------------------------------------------------------------------------------------


def test_a_write_through_the_service_shows_in_the_next_page(make_client) -> None:
    import hashlib

    token = "catalog-token"
    c = make_client(updates=True, update_token_sha256=hashlib.sha256(token.encode()).hexdigest())
    before = int(one(graph_of(c.get("/catalog?page_size=1")), CATALOG, HYDRA.totalItems).value)
    body = f"""
    <{BASE}resource/nouvelle> a <{DCAT.Resource.value}>, <{DCAT.Dataset.value}> ;
      <{DCT.identifier.value}> "nouvelle" ; <{DCT.title.value}> "Nouvelle"@fr ; <{DCT.description.value}> "Test."@fr ;
      <{DCT.type.value}> <{KIND.dataset.value}> ; <{DCT.publisher.value}> <{BASE}organisation/dares> .
    """
    response = c.post(
        "/store?graph=" + BASE + "graph/contributions",
        content=body.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (201, 204), response.text
    after = graph_of(c.get("/catalog?page_size=1000"))
    assert int(one(after, CATALOG, HYDRA.totalItems).value) == before + 1
    assert NamedNode(BASE + "resource/nouvelle") in objects(after, CATALOG, DCAT.dataset)


# --- HTML -----------------------------------------------------------------------------------------------------------


def test_browsers_get_a_french_page_with_the_records_and_the_paging(client, whole: set[Triple]) -> None:
    response = client.get("/catalog?page_size=30&page=2", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Page précédente" in html and "Page suivante" in html
    turtle = graph_of(client.get("/catalog?page_size=30&page=2"))
    for r in members(turtle):
        assert f'href="{path_of(r)}"' in html
    assert client.get("/catalog.html").headers["content-type"].startswith("text/html")
    assert 'type="text/html"' in client.get("/catalog").headers["link"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01", "2024-05-01"),
        ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00+00:00"),
        ("2024-05-01T12:00:00", "2024-05-01T12:00:00+00:00"),
        ("2024-05-01T12:00:00+02:00", "2024-05-01T12:00:00+02:00"),
        ("2024-05-01T12:00:00 02:00", "2024-05-01T12:00:00+02:00"),  # '+' decoded as a space from a query string
    ],
)
def test_modified_since_reads_dates_and_date_times(raw: str, expected: str) -> None:
    from graph.dcat.publish import parse_since

    assert parse_since(raw).isoformat() == expected
