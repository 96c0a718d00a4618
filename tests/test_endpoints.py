from __future__ import annotations

from collections import Counter

from graph.iris import Iris
from graph.paths import bundled
from loaders.endpoints import FROM_APIGOUV, FROM_DATAGOUV, FROM_PRODUCER, EndpointBook
from loaders.seed import read

SEED = bundled("data/seed")


def test_the_book_reads_api_gouv_fr_files_and_the_producers_documents() -> None:
    book = EndpointBook.load(SEED)
    chorus = book.lookup("https://api.gouv.fr/swaggers/api-chorus-pro.json")
    assert chorus is not None and chorus.url.value == "https://api.aife.economie.gouv.fr/cpro/factures"
    assert chorus.source == FROM_APIGOUV and chorus.via == "apigouv/swaggers/api-chorus-pro.json"
    entreprise = book.lookup("https://entreprise.api.gouv.fr/v3/openapi-entreprise.yaml")
    assert entreprise is not None and entreprise.url.value == "https://entreprise.api.gouv.fr/"
    assert entreprise.source == FROM_PRODUCER and "datagouv/apistration" in entreprise.via
    assert book.lookup("https://api.gouv.fr/swaggers/api-rial.json") is None
    assert "not a public host name" in book.reasons["https://api.gouv.fr/swaggers/api-rial.json"]
    assert book.lookup(None) is None and book.lookup("https://example.org/unknown.json") is None


def test_a_data_gouv_fr_dataservice_gives_the_sheet_that_moved_there_its_endpoint() -> None:
    book = EndpointBook()
    book.add_dataservices({"api-sirene": "https://api.example.gouv.fr/sirene"})
    found = book.dataservice("API Sirene")
    assert found is not None and found.source == FROM_DATAGOUV
    assert book.dataservice("API Adresse") is None and book.dataservice(None) is None


def test_the_seed_knows_the_endpoint_of_one_api_in_ten_and_says_where_each_comes_from() -> None:
    parts = read(Iris("https://ressourcerie.fabrique.social.gouv.fr/"), SEED)
    apis = parts.apis
    first: dict[object, str] = {}
    for e in parts.endpoints:
        assert e.api in apis
        first.setdefault(e.api, e.source)
    assert len(apis) == 244
    assert Counter(first.values()) == {FROM_PRODUCER: 17, FROM_APIGOUV: 7, FROM_DATAGOUV: 1}
