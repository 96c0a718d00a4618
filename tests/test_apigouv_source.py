from __future__ import annotations

from graph.iris import Iris
from graph.paths import bundled
from graph.seed import THEME_SCHEME, ontology_triples
from graph.writer import Writer
from loaders import apigouv
from loaders._build import Themes
from loaders.ressourcerie import Index
from tests.adapters_check import check
from tests.adapters_fixtures import apigouv as apigouv_source


def test_the_checkout_gives_the_seed_mapping_record_by_record(iris: Iris, ontology_only: Writer) -> None:
    records = list(apigouv_source(iris).records())
    themes = Themes.from_triples(ontology_triples(), THEME_SCHEME)
    alone = apigouv.load(bundled("data/seed/apigouv"), iris, themes, Index(), [])
    emitted = [t for r in records for t in r.triples]
    assert len(emitted) == len(set(emitted)) and set(emitted) == set(alone.triples)
    sheets = len(list((bundled("data/seed/apigouv") / "api").glob("*.md")))
    assert sum(1 for r in records if "/resource/" in r.iri.value) == sheets
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()


def test_a_sheet_carries_the_keys_of_its_pages(iris: Iris) -> None:
    sirene = next(r for r in apigouv_source(iris).records() if r.label == "API Sirene")
    assert "url:api.gouv.fr/les-api/sirene_v3" in sirene.keys
    assert "url:www.data.gouv.fr/fr/dataservices/api-sirene" in sirene.keys


def test_at_harvest_time_a_sheets_openapi_document_gives_the_endpoint(iris: Iris, tmp_path, feeds) -> None:
    """The sheet's doc_tech_link, fetched from 127.0.0.1: a good document gives the endpoint, a bad or huge one
    a warning, never a failed read."""
    import json
    import shutil

    from graph.config import Settings
    from graph.harvest.sources import SourceRequest
    from graph.namespaces import DCAT
    from graph.plugins import source_kind
    from graph.store import EmbeddedStore
    from loaders.harvest.openapi_fetch import MAX_BYTES

    seed = bundled("data/seed/apigouv")
    checkout = tmp_path / "_data"
    for folder in ("producteurs", "service"):
        (checkout / folder).mkdir(parents=True)
    shutil.copy(seed / "producteurs" / "insee.md", checkout / "producteurs")
    (checkout / "api").mkdir()
    doc = {"swagger": "2.0", "host": "api.exemple.gouv.fr", "basePath": "/sirene/v3", "schemes": ["https"]}
    documents = {
        "good": feeds.add("/good.json", json.dumps(doc), content_type="application/json"),
        "bad": feeds.add("/bad.yaml", "title: une page\n", content_type="text/yaml"),
        "huge": feeds.add("/huge.json", b"{" + b" " * (MAX_BYTES + 1) + b"}", content_type="application/json"),
    }
    sheet = (seed / "api" / "sirene_v3.md").read_text()
    for name, url in documents.items():
        text = sheet.replace("title: API Sirene", f"title: API Sirene {name}")
        lines = [f"doc_tech_link: {url}" if line.startswith("doc_tech_link:") else line for line in text.splitlines()]
        (checkout / "api" / f"sirene-{name}.md").write_text("\n".join(lines) + "\n")
    request = SourceRequest("apigouv", [str(checkout)], iris, Settings(harvest_retries=0), EmbeddedStore())
    source = source_kind("apigouv").open(request)
    try:
        records = {r.label: r for r in source.records()}
        warnings = list(source.warnings)  # type: ignore[attr-defined]
    finally:
        source.close()
    endpoints = {
        label: {t.object.value for t in r.triples if t.subject == r.iri and t.predicate == DCAT.endpointURL}
        for label, r in records.items()
        if label.startswith("API Sirene ")
    }
    assert endpoints == {
        "API Sirene good": {"https://api.exemple.gouv.fr/sirene/v3"},
        "API Sirene bad": set(),
        "API Sirene huge": set(),
    }
    assert len(warnings) == 2 and any("not an OpenAPI" in w for w in warnings), warnings
