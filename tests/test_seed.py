from __future__ import annotations

from pyoxigraph import NamedNode

from graph.iris import Iris, slugify
from graph.namespaces import DCAT, DUV, ORG, RDF
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
    # 97 + 170 records, 9 of them describing the same API in both sources
    assert len(subjects(seeded, DCAT.Resource)) == 97 + 170 - 9


def test_producers_of_both_sources_are_organisations(seeded: EmbeddedStore, iris: Iris) -> None:
    orgs = subjects(seeded, ORG.Organization)
    assert iris.organisation("urssaf") in orgs  # the Ressourcerie's "ursaff" and api.gouv.fr's "urssaf"
    assert iris.organisation("ursaff") not in orgs
    assert len(orgs) == 29 + 60 - 8


def test_usages_come_from_use_cases_and_services(seeded: EmbeddedStore, iris: Iris) -> None:
    usages = subjects(seeded, DUV.Usage)
    assert len(usages) == 33
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
