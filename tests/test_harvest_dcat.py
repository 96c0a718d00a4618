from __future__ import annotations

import random

from feeds import FEEDS
from pyoxigraph import Literal, NamedNode, Quad

from graph.harvest.records import Record
from graph.iris import Iris
from graph.namespaces import ACCESS, DCAT, DCT, FOAF, KIND, RDF, VCARD
from graph.rdf import parse_bytes
from graph.store import EmbeddedStore
from loaders.harvest.dcat import Concepts, DcatMapper, _Graph
from loaders.harvest.fetch import sniff

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def mapped(text: str | bytes, concepts: Concepts | None = None) -> tuple[dict[str, Record], DcatMapper]:
    data = text.encode() if isinstance(text, str) else text
    mapper = DcatMapper("src", Iris(BASE), concepts or Concepts())
    records = list(mapper.records(parse_bytes(data, sniff(data), base_iri="http://feed.example/")))
    return {r.label: r for r in records}, mapper


def values(record: Record, predicate: NamedNode, subject: NamedNode | None = None) -> set:
    return {t.object for t in record.triples if t.predicate == predicate and t.subject == (subject or record.iri)}


def test_udata_catalog_xml_datasets_and_their_organisation() -> None:
    records, mapper = mapped((FEEDS / "udata" / "catalog.xml").read_bytes())
    org = records["An Organization"]
    assert org.iri == NamedNode(BASE + "organisation/an-organization")
    assert {FOAF.Agent, FOAF.Organization} <= values(org, RDF.type)
    assert "name:an organization" in org.keys
    ds1 = records["Dataset 1"]
    assert values(ds1, DCT.type) == {KIND.dataset} and values(ds1, DCT.publisher) == {org.iri}
    assert values(ds1, DCT.identifier) == {Literal("1")}
    # "1" is local to its catalogue: the IRI is prefixed by the source; the source IRI and landing page are keys
    assert ds1.iri == NamedNode(BASE + "resource/src-1")
    assert ds1.keys == {"iri:data.test.org/datasets/1", "url:data.test.org/datasets/1"}
    assert mapper.rejected == []
    # a data service given as a blank node (a distribution's access service) is keyed by its endpoint
    geo = records["Geo Service"]
    assert values(geo, DCT.identifier) == {Literal("http://data.test.org/datasets/1/resources/4/services")}
    assert geo.iri == NamedNode(BASE + "resource/data-datasets-1-resources-4-services")
    # ... and published by the dataset whose distribution it serves
    assert values(geo, DCT.publisher) == {org.iri}


def test_text_values_become_iris_and_the_rest_is_noted() -> None:
    records, _ = mapped(
        """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
        <http://feed.example/d> a dcat:Dataset ; dct:title "Effectifs" , "Headcount"@en ;
          dct:publisher [ a foaf:Organization ; foaf:name "Préfecture" ] ;
          dct:license "Licence Ouverte Version 2.0" ; dct:accessRights "public" ; dct:language "fr" ;
          dct:modified "2024-03-01" , "not a date" ; dcat:landingPage "https://example.fr/effectifs" ;
          dcat:theme "Economy and finance" , "Pas un thème" ;
          dcat:contactPoint [ vcard:fn "Service" ; vcard:hasEmail "contact@example.fr" ] , [ vcard:fn "Muet" ] ;
          dcat:distribution [ dct:format "CSV" ; dcat:mediaType "text/csv" ; dcat:accessURL <http://feed.example/d.csv> ] .
        """,
        concepts=_concepts(),
    )
    d = records["Effectifs"]
    assert values(d, DCT.title) == {Literal("Effectifs", language="fr"), Literal("Headcount", language="en")}
    assert values(d, DCT.description) == {Literal("Effectifs", language="fr")}
    assert values(d, DCT.license) == {NamedNode("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")}
    assert values(d, DCT.accessRights) == {ACCESS.PUBLIC}
    assert values(d, DCT.language) == {NamedNode("http://publications.europa.eu/resource/authority/language/FRA")}
    assert values(d, DCAT.theme) == {NamedNode(EU_THEME + "ECON")}
    assert values(d, DCAT.landingPage) == {NamedNode("https://example.fr/effectifs")}
    [contact] = values(d, DCAT.contactPoint)
    assert values(d, VCARD.hasEmail, contact) == {NamedNode("mailto:contact@example.fr")}
    [dist] = values(d, DCAT.distribution)
    assert values(d, DCT.format, dist) == {NamedNode("http://publications.europa.eu/resource/authority/file-type/CSV")}
    assert values(d, DCAT.mediaType, dist) == {NamedNode("https://www.iana.org/assignments/media-types/text/csv")}
    assert set(d.notes) == {
        "no description: the title stands for it",
        "modified: a value is not a date and was left out",
        "theme 'Pas un thème' is not one we know: left out",
        "contact point Muet gives no email or page: left out",
    }
    assert "Préfecture" in records


def test_publisher_falls_back_to_the_distributor_then_the_catalogue() -> None:
    records, _ = mapped((FEEDS / "udata" / "udata.xml").read_bytes())
    vanves = records["Ville de Vanves"]
    assert vanves.iri == NamedNode(BASE + "organisation/ville-de-vanves")
    assert "datagouv:54884a24c751df7226a3fc16" in vanves.keys
    api = next(r for r in records.values() if DCAT.DataService in values(r, RDF.type))
    assert api.iri == NamedNode(BASE + "resource/vanves-seineouest-api-explore-v2-1")
    assert values(api, DCT.type) == {KIND.api} and values(api, DCT.publisher) == {vanves.iri}
    served = values(api, DCAT.servesDataset)
    assert served and all(s.value.startswith(BASE + "resource/") for s in served)
    bureaux = records["Bureaux de vote - Vanves"]
    assert "datagouv:61892c9d076a4d62434a1318" in bureaux.keys


def test_a_dataset_without_identifier_or_iri_is_rejected() -> None:
    _, mapper = mapped(
        """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        [] a dcat:Dataset ; dct:title "Sans nom" ."""
    )
    assert mapper.rejected == [("Sans nom", "no dct:identifier and no IRI")]


def test_our_own_iris_are_kept() -> None:
    records, _ = mapped(
        f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <{BASE}resource/api-x> a dcat:DataService ; dct:identifier "api-x" ; dct:title "API X"@fr ;
          dct:publisher <{BASE}organisation/dinum> .
        <{BASE}organisation/dinum> a foaf:Organization ; foaf:name "DINUM"@fr .
        <{BASE}resource/code-x> a dcat:Resource , <http://schema.org/SoftwareSourceCode> ;
          dct:type <{BASE}def/kind/source-code> ; dct:identifier "code-x" ; dct:title "Code X"@fr ;
          <http://schema.org/codeRepository> <https://github.com/example/x> ."""
    )
    assert records["API X"].iri == NamedNode(BASE + "resource/api-x")
    assert records["DINUM"].iri == NamedNode(BASE + "organisation/dinum")
    # another Ressourcerie's kinds are kept, with their classes
    code = records["Code X"]
    assert values(code, DCT.type) == {KIND["source-code"]}
    assert values(code, NamedNode("http://schema.org/codeRepository")) == {NamedNode("https://github.com/example/x")}
    assert values(code, DCT.publisher) == set()


def _concepts() -> Concepts:
    from pyoxigraph import Quad

    from graph.seed import ontology_triples

    store = EmbeddedStore()
    graph = NamedNode(BASE + "graph/ontology")
    store.add(Quad(t.subject, t.predicate, t.object, graph) for t in ontology_triples())
    return Concepts.from_store(store, graph, NamedNode(BASE + "def/theme"))


def test_a_record_no_catalogue_lists_belongs_to_every_catalogue_of_the_pages() -> None:
    cat1, cat2, listed, loose = (NamedNode(f"https://example.org/{n}") for n in ("c1", "c2", "listed", "loose"))
    g = _Graph(
        [
            Quad(cat1, RDF.type, DCAT.Catalog),
            Quad(cat2, RDF.type, DCAT.Catalog),
            Quad(cat1, DCAT.dataset, listed),
            Quad(listed, RDF.type, DCAT.Dataset),
            Quad(loose, RDF.type, DCAT.Dataset),
        ]
    )
    assert g.catalogues_of(listed) == [cat1]
    found = g.catalogues_of(loose)
    assert found == [cat1, cat2]
    found.clear()  # the list is the caller's: the graph's own stays whole
    assert g.catalogues_of(loose) == [cat1, cat2]


# A catalogue whose records lean on statements given on other pages: a publisher described after the datasets it
# publishes, a catalogue's language given last, a second catalogue (listing a dataset given before it, and
# publishing for the datasets no catalogue lists), a data service serving a dataset given later, a distribution
# split from its dataset, a publisher without a name, a record without identifier.
CROSS_PAGES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<http://feed.example/cat> a dcat:Catalog ; dcat:dataset <http://feed.example/d1> , <http://feed.example/d2> ;
  dcat:service <http://feed.example/api> .
<http://feed.example/d1> a dcat:Dataset ; dct:identifier "d1" ; dct:title "Un" ;
  dct:publisher <http://feed.example/org> ; dcat:distribution <http://feed.example/d1#csv> .
<http://feed.example/api> a dcat:DataService ; dct:title "Service" ; dcat:servesDataset <http://feed.example/d2> ;
  dcat:endpointURL <http://feed.example/api/v1> .
<http://feed.example/d1#csv> dcat:accessURL <http://feed.example/d1.csv> ; dct:format "CSV" .
<http://feed.example/d3> a dcat:Dataset ; dct:title "Trois" ; dct:publisher [ a foaf:Agent ] ;
  dcat:contactPoint [ vcard:fn "Guichet" ; vcard:hasEmail "guichet@example.fr" ] .
<http://feed.example/d4> a dcat:Dataset ; dct:title "Quatre" .
<http://feed.example/d5> a dcat:Dataset ; dct:title "Cinq" .
[] a dcat:Dataset ; dct:title "Sans nom" .
<http://feed.example/d2> a dcat:Dataset ; dct:identifier "d2" ; dct:title "Deux" ; dct:language "en" .
<http://feed.example/org> a foaf:Organization ; foaf:name "Préfecture" .
<http://feed.example/cat> dct:language "fr" .
<http://feed.example/cat2> a dcat:Catalog ; dct:language "en" ; dcat:dataset <http://feed.example/d4> ;
  dct:publisher <http://feed.example/org2> .
<http://feed.example/org2> foaf:name "Ministère" .
<http://feed.example/d1> dct:modified "2024-03-01" ; dcat:keyword "emploi" .
"""


def _pages_of(quads: list[Quad], rng: random.Random) -> list[list[Quad]]:
    cuts = sorted(rng.sample(range(1, len(quads)), k=min(len(quads) - 1, rng.randint(1, 6))))
    return [quads[a:b] for a, b in zip([0, *cuts], [*cuts, len(quads)], strict=True)]


def test_pages_mapped_as_they_come_give_what_mapping_them_all_at_once_gives() -> None:
    """Each page's resources are mapped when the page comes; a later page changing what a mapping read has the
    resource mapped again. Random page cuts and orders, over real catalogues and one that leans across pages."""
    rng = random.Random(7)
    feeds = [CROSS_PAGES.encode()] + [
        (FEEDS / "udata" / name).read_bytes() for name in ("catalog.xml", "udata.xml", "nested.jsonld", "flat.jsonld")
    ]
    remapped = 0
    concepts = _concepts()
    for data in feeds:
        quads = parse_bytes(data, sniff(data), base_iri="http://feed.example/")
        for trial in range(25):
            if trial % 2:
                quads = rng.sample(quads, len(quads))
            whole = DcatMapper("src", Iris(BASE), concepts)
            expected = [(r.iri, r.triples, r.label, r.keys, r.notes) for r in whole.records(quads)]
            paged = DcatMapper("src", Iris(BASE), concepts)
            stream = paged.stream()
            for page in _pages_of(quads, rng):
                stream.add(page)
            got = [(r.iri, r.triples, r.label, r.keys, r.notes) for r in stream.finish()]
            assert got == expected
            assert paged.rejected == whole.rejected
            remapped += stream.remapped
    assert remapped > 0  # the cuts did change what early mappings read
