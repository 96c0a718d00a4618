from __future__ import annotations

import pytest

from graph.errors import HarvestError
from graph.iris import Iris
from graph.namespaces import ADMS, DUV, PROV, RDF, SCHEMA, SKOS
from graph.writer import Writer
from loaders.publiccode import PublicCodeSource, parse
from tests.adapters_check import check
from tests.adapters_fixtures import SOURCES, publiccode, publishers


def kinds(records: list, cls) -> list:
    return [r for r in records if (RDF.type, cls) in {(t.predicate, t.object) for t in r.triples}]


def test_files_are_valid_records_with_usages_from_used_by(iris: Iris, ontology_only: Writer) -> None:
    source = publiccode(iris)
    records = list(source.records())
    outcome = check(records, ontology_only)
    assert not outcome.invalid, outcome.text()
    docs = [parse(p.read_bytes()) for p in sorted((SOURCES / "publiccode").glob("*.yml"))]
    names = {d["name"] for d in docs}
    assert len(kinds(records, SCHEMA.SoftwareSourceCode)) == len(names)
    used_by = {(d["name"], u) for d in docs for u in d.get("usedBy") or []}
    assert len(kinds(records, DUV.Usage)) == len(used_by)


def test_used_by_names_one_organisation_each_and_funders_merge_by_annuaire_id(iris: Iris) -> None:
    records = list(publiccode(iris).records())
    usage = next(u for u in kinds(records, DUV.Usage) if "Catala" in u.label)
    agent = next(t.object for t in usage.triples if t.predicate == PROV.wasAssociatedWith)
    assert "Finances Publiques" in next(r.label for r in records if r.iri == agent)
    # "Dinum" (a funder of Publi.Codes), "DINUM" (a user) and the body of github.com/demarches-simplifiees
    dinum = [r for r in records if "annuaire:d1a97841-b4bf-46df-a089-1003e4e266b4" in r.keys]
    assert len(dinum) == 1
    assert any(t.predicate == SKOS.altLabel for t in dinum[0].triples)
    assert any(t.predicate == ADMS.identifier for t in dinum[0].triples)


def test_organisation_section_with_a_siren(iris: Iris, ontology_only: Writer) -> None:
    text = (SOURCES / "publiccode" / "catala_upstream_publiccode.yml").read_text()
    text += "organisation:\n  name: Inria\n  uri: urn:siren:180089047\n"
    records = list(PublicCodeSource(iris, {"catala.yml": text}, publishers()).records())
    inria = next(r for r in records if r.label == "Inria")
    assert "siren:180089047" in inria.keys
    assert not check(records, ontology_only).invalid


def test_unreadable_files_raise_with_their_name_and_line(iris: Iris) -> None:
    with pytest.raises(HarvestError, match=r"bad\.yml, line 2"):
        list(PublicCodeSource(iris, {"bad.yml": "name: x\n  url: [\n"}).records())
    with pytest.raises(HarvestError, match="expected a mapping"):
        list(PublicCodeSource(iris, {"list.yml": "- a\n"}).records())
    source = PublicCodeSource(iris, {"nameless.yml": "url: https://github.com/a/b\n"})
    assert list(source.records()) == [] and "no name" in source.skipped[0]
