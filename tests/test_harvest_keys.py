from __future__ import annotations

from pyoxigraph import NamedNode

from graph.harvest.keys import KeyIndex, datagouv_key, identifier_keys, siren_key, url_key
from graph.iris import Iris
from graph.store import EmbeddedStore

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"


def test_normalised_keys() -> None:
    assert url_key("HTTPS://Example.org/Data/") == "url:example.org/data"
    assert url_key("mailto:x@example.org") is None
    assert datagouv_key("https://www.data.gouv.fr/fr/datasets/61892c9d076a4d62434a1318/") == (
        "datagouv:61892c9d076a4d62434a1318"
    )
    assert datagouv_key("https://www.data.gouv.fr/api/1/organizations/54884a24c751df7226a3fc16/catalog") == (
        "datagouv:54884a24c751df7226a3fc16"
    )
    assert siren_key("130 025 265") == "siren:130025265"
    assert siren_key("13002526500013") == "siren:130025265"
    assert siren_key("12345") is None


def test_short_identifiers_name_nothing_across_sources() -> None:
    assert identifier_keys("1") == set() and identifier_keys("ds1") == set()
    assert identifier_keys("api-sirene") == {"identifier:api-sirene"}
    assert identifier_keys("https://example.org/d/1") == {"url:example.org/d/1"}


def test_the_index_of_the_seed(seeded: EmbeddedStore, iris: Iris) -> None:
    index = KeyIndex.build(seeded, iris.graph("harvest/none"), iris.meta_graph)
    assert index.lookup("agent", {"name:dgefp"}) == ("name:dgefp", NamedNode(BASE + "organisation/dgefp"))
    # an organisation key never names a resource, nor the other way round
    assert index.lookup("resource", {"name:dgefp"}) is None
    assert index.lookup("resource", {"identifier:api-sirene"}) == (
        "identifier:api-sirene",
        NamedNode(BASE + "resource/api-sirene"),
    )
    # the strongest key wins; a key several records carry is not used
    assert index.ambiguous("resource", {"datagouv:5b7ffc618b4c4169d30727e0"}) == ["datagouv:5b7ffc618b4c4169d30727e0"]
    assert index.lookup("resource", {"datagouv:5b7ffc618b4c4169d30727e0"}) is None
    assert NamedNode(BASE + "resource/api-sirene") in index.records


def test_the_own_graph_is_left_out(seeded: EmbeddedStore, iris: Iris) -> None:
    index = KeyIndex.build(seeded, iris.graph("seed/apigouv"), iris.meta_graph)
    everything = KeyIndex.build(seeded, iris.graph("harvest/none"), iris.meta_graph)
    assert len(index.by_key) < len(everything.by_key)
