from __future__ import annotations

from collections import defaultdict

import pytest
import yaml

from graph.iris import Iris
from graph.model.licences import spdx
from loaders._mapping import Organisation, Organisations, url_key, when, yaml_position
from loaders.frontmatter import FrontMatterError, read_page
from tests.adapters_fixtures import apigouv, codegouv, datagouv, publiccode, sill


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.data.gouv.fr/fr/dataservices/api-sirene/", "url:www.data.gouv.fr/fr/dataservices/api-sirene"),
        ("http://GitHub.com/SocialGouv/CDTN", "url:github.com/socialgouv/cdtn"),
        ("mailto:x@y.fr", None),
        ("pas une adresse", None),
    ],
)
def test_url_key(url: str, key: str | None) -> None:
    assert url_key(url) == key


def test_repository_keys_drop_git() -> None:
    assert url_key("https://github.com/a/b.git", repository=True) == url_key("https://github.com/a/b/")


def test_licences_and_dates() -> None:
    assert [n.value for n in spdx("agpl-3.0")] == ["https://spdx.org/licenses/AGPL-3.0.html"]
    assert [n.value for n in spdx("GNU Affero General Public License v3.0")] == [
        "https://spdx.org/licenses/AGPL-3.0.html"
    ]
    assert len(spdx("LGPL-2.1, LGPL-2.0,  LGPL-3.0")) == 3
    assert spdx("Other") == [] and spdx(None) == []
    assert when("2024-06-06T16:38:39.597000+00:00").datatype.value.endswith("#dateTime")
    assert when("2019-04-02").datatype.value.endswith("#date")
    assert when("13/01/2020") is None


def test_organisations_merge_on_siren_or_annuaire_id() -> None:
    orgs = Organisations()
    a = orgs.add(Organisation("Dinum", annuaire="d1a97841-b4bf-46df-a089-1003e4e266b4"))
    b = orgs.add(
        Organisation("Direction interministérielle du numérique", annuaire="d1a97841-b4bf-46df-a089-1003e4e266b4")
    )
    c = orgs.add(Organisation("DINUM"))  # the slug of the first one
    assert a is b is c and len(orgs.values()) == 1
    assert orgs.add(Organisation("Insee", siret="120 027 016 00563")).siren == "120027016"
    assert Organisation("x", siret="123").siret is None


def test_the_same_resource_in_two_sources_shares_a_key(iris: Iris) -> None:
    """data.gouv.fr's API Sirene and api.gouv.fr's sheet (the dataservice page api.gouv.fr links to); the SILL's
    Archifiltre and code.gouv.fr's repository (the repository URL); the SILL's and publiccode.yml's Démarches
    simplifiées (the site: the SILL still gives the repository's former address)."""
    sources = {"datagouv": datagouv, "apigouv": apigouv, "codegouv": codegouv, "sill": sill, "publiccode": publiccode}
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, make in sources.items():
        for record in make(iris).records():
            if "/resource/" in record.iri.value:
                for key in record.keys:
                    owners[key].add((name, record.label))
    shared = {k: v for k, v in owners.items() if len({s for s, _ in v}) > 1}
    assert shared["url:www.data.gouv.fr/fr/dataservices/api-sirene"] == {
        ("apigouv", "API Sirene"),
        ("datagouv", "API Sirene"),
    }
    assert shared["url:github.com/socialgouv/archifiltre"] == {
        ("codegouv", "SocialGouv/archifiltre"),
        ("sill", "Archifiltre"),
    }
    assert {s for s, _ in shared["url:www.demarches-simplifiees.fr"]} == {"sill", "publiccode"}
    # and nothing else: a dataset and an API of one name do not match
    assert len(shared) == 3


def test_yaml_position_counts_lines_from_the_given_first_line(tmp_path) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load("name: x\nkey: [unclosed\n")
    line = caught.value.problem_mark.line
    assert yaml_position(caught.value) == f", line {line + 1}, column {caught.value.problem_mark.column + 1}"
    assert yaml_position(caught.value, 2).startswith(f", line {line + 2},")
    assert yaml_position(yaml.YAMLError("no position")) == ""
    page = tmp_path / "page.md"
    page.write_text("---name: x\nkey: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(FrontMatterError, match=rf"page\.md, line {line + 2}, column"):
        read_page(page)
