from __future__ import annotations

from pyoxigraph import NamedNode

from graph.iris import Iris, slugify
from graph.namespaces import ACCESS, ADMS, DCAT, DCT, DUV, ORG, RDF, SKOS, VCARD
from graph.paths import bundled
from graph.store import EmbeddedStore
from graph.validation import Validator
from loaders.frontmatter import read_pages
from loaders.seed import build

SEED = bundled("data/seed")


def subjects(store: EmbeddedStore, cls: NamedNode) -> set[NamedNode]:
    return {q.subject for q in store.quads(None, RDF.type, cls, None)}


def test_all_97_ressourcerie_resources_are_in_the_store(seeded: EmbeddedStore, iris: Iris) -> None:
    files = sorted((SEED / "ressourcerie" / "api").glob("*.md"))
    assert len(files) == 97
    resources = subjects(seeded, DCAT.Resource)
    assert {iris.resource(slugify(f.stem)) for f in files} <= resources


def test_every_apigouv_sheet_is_a_resource(seeded: EmbeddedStore, iris: Iris) -> None:
    sheets = read_pages(SEED / "apigouv" / "api")
    assert len(sheets) == 170
    found = {
        q.object.value
        for q in seeded.quads(None, NamedNode("http://www.w3.org/2004/02/skos/core#notation"), None, None)
    }
    assert {p.stem for p in sheets} <= found
    # 97 + 170 records, 9 of them describing the same API in both sources, and 3 data.gouv.fr data sets
    assert len(subjects(seeded, DCAT.Resource)) == 97 + 170 - 9 + 3


def test_producers_of_both_sources_are_organisations(seeded: EmbeddedStore, iris: Iris) -> None:
    orgs = subjects(seeded, ORG.Organization)
    assert iris.organisation("urssaf") in orgs  # the Ressourcerie's "ursaff" and api.gouv.fr's "urssaf"
    assert iris.organisation("ursaff") not in orgs
    # and data.gouv.fr's publisher of the Base Adresse Nationale (its Insee and ADEME are the seed's own), the 2
    # organisations service texts say run a service (loaders.operators) and the 4 publishing reuses
    assert len(orgs) == 29 + 60 - 8 + 1 + 2 + 4


def test_usages_come_from_use_cases_services_and_reuses(seeded: EmbeddedStore, iris: Iris) -> None:
    usages = subjects(seeded, DUV.Usage)
    assert len(usages) == 33 + 9  # the use cases' and services', and the 9 data.gouv.fr reuses of the data sets
    assert iris.usage("la-bonne-boite--api-adresse-base-adresse-nationale-ban") in usages
    for usage in usages:  # every reference resolved to a resource of the store
        (target,) = [q.object for q in seeded.quads(usage, DUV.refersTo, None, None)]
        assert next(seeded.quads(target, RDF.type, DCAT.Resource, None), None) is not None


def test_build_resolves_every_reference(iris: Iris) -> None:
    assert build(iris, SEED).problems == []


def test_unresolved_references_are_reported(tmp_path, iris: Iris) -> None:
    import shutil

    shutil.copytree(SEED, tmp_path / "seed")
    service = tmp_path / "seed" / "ressourcerie" / "service" / "la-bonne-boite.md"
    service.write_text(service.read_text().replace("  - API Adresse", "  - API qui n'existe pas\n  - API Adresse"))
    problems = build(iris, tmp_path / "seed").problems
    assert problems == [
        "la-bonne-boite.md: service 'La Bonne Boîte' uses \"API qui n'existe pas\", which matches no resource"
    ]


def test_the_whole_seed_store_conforms(seeded: EmbeddedStore, validator: Validator) -> None:
    report = validator.validate(list(seeded.quads()))
    assert report.violations == []


def test_base_iri_is_configurable() -> None:
    other = build(Iris("https://ressources.example.gouv.fr/"), SEED)
    subjects = {t.subject.value for ts in other.graphs.values() for t in ts}
    assert "https://ressources.example.gouv.fr/resource/api-sirene" in subjects
    assert not any(s.startswith("https://ressourcerie.fabrique.social.gouv.fr/resource/") for s in subjects)


# --- access rights, distributions, data.gouv.fr, repositories ------------------------------------------------------


def access(store: EmbeddedStore, iri: NamedNode) -> set[NamedNode]:
    return {q.object for q in store.quads(iri, DCT.accessRights, None, None)}  # type: ignore[misc]


def test_access_rights_follow_each_sources_own_definitions(seeded: EmbeddedStore, iris: Iris) -> None:
    """The Ressourcerie's is_open -1 says neither open nor on request: no access right, not NON_PUBLIC."""
    assert access(seeded, iris.resource("base-sirene-de-linsee")) == set()  # is_open: -1 in the Ressourcerie
    assert access(seeded, iris.resource("dashlord")) == {ACCESS.PUBLIC}  # is_open: 1
    # api.gouv.fr's -1 is "closed": reserved to those its access page names, after an authorisation request
    assert access(seeded, iris.resource("api-r2p")) == {ACCESS.NON_PUBLIC}
    assert access(seeded, iris.resource("api-sirene")) <= {ACCESS.PUBLIC, ACCESS.RESTRICTED}
    ressourcerie = {
        q.subject for q in seeded.quads(None, DCT.accessRights, ACCESS.NON_PUBLIC, iris.graph("seed/ressourcerie"))
    }
    assert ressourcerie == set()


def test_every_seed_dataset_has_a_distribution_with_an_access_url(seeded: EmbeddedStore) -> None:
    datasets = subjects(seeded, DCAT.Dataset)
    assert len(datasets) == 9
    for d in datasets:
        dists = [q.object for q in seeded.quads(d, DCAT.distribution, None, None)]
        served = list(seeded.quads(None, DCAT.servesDataset, d, None))
        assert dists or served, d
        for dist in dists:
            assert next(seeded.quads(dist, DCAT.accessURL, None, None), None) is not None, dist


def test_apis_serve_the_data_sets_their_sheets_name(seeded: EmbeddedStore, iris: Iris) -> None:
    sirene = iris.resource("datagouv-base-sirene-des-entreprises-et-de-leurs-etablissements-siren-siret")
    servers = {q.subject for q in seeded.quads(None, DCAT.servesDataset, sirene, None)}
    assert servers == {
        iris.resource("api-sirene"),
        iris.resource("api-recherche-entreprises"),
        iris.resource("api-convention-collectives"),
    }


def test_data_gouv_fr_gives_its_organisations_siren(seeded: EmbeddedStore, iris: Iris) -> None:
    insee = iris.organisation("insee")
    notations = {
        q.object.value
        for ident in seeded.quads(insee, ADMS.identifier, None, None)
        for q in seeded.quads(ident.object, SKOS.notation, None, None)  # type: ignore[arg-type]
    }
    assert {"120027016", "12002701600563"} <= notations


def test_repositories_give_licences_and_contacts(seeded: EmbeddedStore, iris: Iris) -> None:
    apache = NamedNode("https://spdx.org/licenses/Apache-2.0.html")
    for name in ("matomo-next", "dashlord"):
        assert {q.object for q in seeded.quads(iris.resource(name), DCT.license, None, None)} == {apache}
    emails = {
        q.object
        for point in seeded.quads(iris.organisation("lab-ia"), DCAT.contactPoint, None, None)
        for q in seeded.quads(point.object, VCARD.hasEmail, None, None)  # type: ignore[arg-type]
    }
    assert emails == {NamedNode("mailto:lab-ia@data.gouv.fr")}
