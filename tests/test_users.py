"""Who uses what: the user of each usage where a source says who runs the service or makes the use
(``loaders.operators``, data.gouv.fr reuses), the organisation page's ranking of users."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from pyoxigraph import NamedNode

from graph.iris import Iris
from graph.namespaces import DCT, DUV, FOAF, PROV
from graph.paths import bundled
from graph.store import EmbeddedStore
from loaders._build import Out
from loaders.operators import STATEMENTS, Agents, Statement, Statements
from loaders.seed import build
from scripts.users_report import missing, shares

SEED = bundled("data/seed")
BROWSER = "text/html,application/xhtml+xml"


def graphs_of(store: EmbeddedStore, s: NamedNode, p: NamedNode) -> dict[str, str]:
    """object -> the last segment of the graph holding the statement."""
    return {
        q.object.value.rsplit("/", 1)[-1]: q.graph_name.value.rsplit("/", 1)[-1] for q in store.quads(s, p, None, None)
    }  # type: ignore[union-attr]


def test_a_usage_gets_its_user_from_the_operator_its_service_text_states(seeded: EmbeddedStore, iris: Iris) -> None:
    # "description: Calcul du quotient familial de la ville de Lyon": a new organisation, in api.gouv.fr's graph
    assert graphs_of(seeded, iris.service("calcul-quotient-familial"), DCT.publisher) == {"ville-de-lyon": "apigouv"}
    usage = iris.usage("calcul-quotient-familial--api-particulier")
    assert graphs_of(seeded, usage, PROV.wasAssociatedWith) == {"ville-de-lyon": "apigouv"}
    names = {q.object.value for q in seeded.quads(iris.organisation("ville-de-lyon"), FOAF.name, None, None)}
    assert names == {"Ville de Lyon"}
    # "Le guide des déchets de Rennes Métropole": the seed's own Rennes Métropole, matched by name
    star = iris.usage("rennesmetropole-dechets--rennesmetropole-rva")
    assert graphs_of(seeded, star, PROV.wasAssociatedWith) == {"rennes": "apigouv"}


def test_a_service_without_a_stated_operator_gets_none(seeded: EmbeddedStore, iris: Iris) -> None:
    for service, usage in [
        ("telepoints", "telepoints--franceconnect"),
        ("la-bonne-boite", "la-bonne-boite--api-adresse-base-adresse-nationale-ban"),
        ("mes-aides-org", "mes-aides-org--openfisca"),  # "un collectif citoyen": no organisation to name
    ]:
        assert next(seeded.quads(iris.usage(usage), DUV.hasUsageTool, iris.service(service), None), None) is not None
        assert list(seeded.quads(iris.service(service), DCT.publisher, None, None)) == []
        assert list(seeded.quads(iris.usage(usage), PROV.wasAssociatedWith, None, None)) == []


def test_what_one_source_says_of_another_sources_service_is_in_its_own_graph(seeded: EmbeddedStore, iris: Iris) -> None:
    # a Ressourcerie guide: "[Mon-entreprise](https://mon-entreprise.urssaf.fr/) (l'outil de l'URSSAF ...)"
    assert graphs_of(seeded, iris.service("mon-entreprise"), DCT.publisher) == {"urssaf": "ressourcerie"}
    usage = iris.usage("mon-entreprise--api-entreprise")
    assert graphs_of(seeded, usage, PROV.wasAssociatedWith) == {"urssaf": "ressourcerie"}


def test_a_story_names_the_user_of_a_use_it_tells_of(seeded: EmbeddedStore, iris: Iris) -> None:
    usage = iris.usage("retour-communs-numeriques--apigouvfr")  # "Pour la Ressourcerie, nous avons ... api.gouv.fr"
    assert graphs_of(seeded, usage, PROV.wasAssociatedWith) == {"ministere-travail": "ressourcerie"}
    other = iris.usage("retour-communs-numeriques--ressourcerie")  # the story names no user of the Ressourcerie
    assert next(seeded.quads(other, DUV.refersTo, None, None), None) is not None
    assert list(seeded.quads(other, PROV.wasAssociatedWith, None, None)) == []


def test_a_reuse_is_a_usage_made_by_the_organisation_publishing_it(seeded: EmbeddedStore, iris: Iris) -> None:
    itineriz = iris.usage(
        "datagouv-itineriz-deplacements-professionnels-jop-paris-2024--datagouv-base-adresse-nationale"
    )
    assert graphs_of(seeded, itineriz, PROV.wasAssociatedWith) == {"allohouston": "datagouv"}
    kbis = iris.usage(  # published by a person's account, whose owner the fixture does not keep
        "datagouv-extrait-kbis--datagouv-base-sirene-des-entreprises-et-de-leurs-etablissements-siren-siret"
    )
    assert next(seeded.quads(kbis, DUV.refersTo, None, None), None) is not None
    assert list(seeded.quads(kbis, PROV.wasAssociatedWith, None, None)) == []


def test_a_statement_whose_words_the_file_lost_is_left_out_and_reported(tmp_path: Path, iris: Iris) -> None:
    shutil.copytree(SEED, tmp_path / "seed")
    lyon = tmp_path / "seed" / "apigouv" / "service" / "calcul-quotient-familial.md"
    lyon.write_text(lyon.read_text().replace("de la ville de Lyon", "municipal"))
    built = build(iris, tmp_path / "seed")
    assert built.problems == [
        "service/calcul-quotient-familial.md: 'Ville de Lyon' left out, the source no longer says "
        "service/calcul-quotient-familial.md: 'description: Calcul du quotient familial de la ville de Lyon'"
    ]
    triples = [t for ts in built.graphs.values() for t in ts]
    assert not any(
        t.subject == iris.service("calcul-quotient-familial") and t.predicate == DCT.publisher for t in triples
    )
    assert not any(t.subject == iris.organisation("ville-de-lyon") for t in triples)


def test_an_organisation_is_made_only_when_the_text_names_it(tmp_path: Path, iris: Iris) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "x.md").write_text("---\ntitle: X\n---\n\nUn service de la commune de Nulle-Part.\n")
    named = Statement("service/x.md", "Commune de Nulle-Part", ("Un service de la commune de Nulle-Part.",))
    unnamed = Statement("service/x.md", "Préfecture de Nulle-Part", ("Un service de la commune de Nulle-Part.",))
    out = Out()
    held = Statements.check(tmp_path, out, [named, unnamed]).held
    assert held == [named, unnamed] and out.problems == []  # both quotes are in the file
    agents = Agents.of(iris, [])
    assert agents.get(out, named) == iris.organisation("commune-de-nulle-part")
    assert agents.get(out, named) == iris.organisation("commune-de-nulle-part")  # made once
    assert agents.get(out, unnamed) is None
    assert out.problems == [
        "service/x.md: 'Préfecture de Nulle-Part' is no known organisation and the text does not name it"
    ]
    assert len([t for t in out.triples if t.predicate == FOAF.name]) == 1


def test_every_statement_of_the_table_holds_on_the_seed() -> None:
    for folder, table in STATEMENTS.items():
        out = Out()
        assert len(Statements.check(SEED / folder, out).held) == len(table) and out.problems == [], folder


def test_the_organisation_page_ranks_who_uses_its_resources(client: TestClient) -> None:
    r = client.get("/organisation/dinum", headers={"Accept": BROWSER})
    assert r.status_code == 200
    page = r.text
    start = page.index('id="titre-utilisateurs"')
    ranking = page[start : page.index("</section>", start)]
    rows = re.findall(
        r'<td>(\d+)</td><td><a href="/organisation/([^"]+)">[^<]*</a></td><td>(\d+)</td><td>(\d+)</td>', ranking
    )
    assert rows[0] == ("1", "urssaf", "2", "2")  # Mon-entreprise uses the API Entreprise and the API Geo
    assert {slug for _, slug, _, _ in rows} == {"urssaf", "ministere-travail", "ville-de-lyon"}
    counts = [(int(u), int(res)) for _, _, u, res in rows]
    assert counts == sorted(counts, reverse=True)


def test_an_organisation_whose_resources_no_source_says_who_uses(client: TestClient) -> None:
    page = client.get("/organisation/france-travail", headers={"Accept": BROWSER}).text
    assert "Les organisations qui utilisent le plus ses ressources (0)" in page
    assert "Aucune source ne dit encore quelle organisation utilise ses ressources" in page


def test_the_users_report_counts_by_source(seeded: EmbeddedStore, iris: Iris) -> None:
    rows = {s.source: s for s in shares(seeded, iris)}
    assert (rows["seed/apigouv"].with_user, rows["seed/apigouv"].usages) == (6, 23)
    assert (rows["seed/ressourcerie"].with_user, rows["seed/ressourcerie"].usages) == (1, 10)
    assert (rows["seed/datagouv"].with_user, rows["seed/datagouv"].usages) == (4, 9)
    assert sum(s.usages for s in rows.values()) == 42
    why = {m.usage.rsplit("/", 1)[-1]: m.why for m in missing(seeded, iris)}
    assert len(why) == 42 - 11
    assert why["telepoints--franceconnect"] == "service"
    assert why["retour-pseudonymisation--pseudonymiser-des-documents-grace-a-l-ia"] == "story"


def test_the_users_are_well_formed(seeded: EmbeddedStore) -> None:
    """Every user of a usage is a known organisation or person (the shapes say so too)."""
    for q in seeded.quads(None, PROV.wasAssociatedWith, None, None):
        assert isinstance(q.object, NamedNode)
        assert next(seeded.quads(q.object, FOAF.name, None, None), None) is not None, q.object


RANK_ROW = re.compile(r'<td>(\d+)</td><td><a href="/organisation/([^"]+)">([^<]*)</a></td><td>(\d+)</td><td>(\d+)</td>')
USAGE_ROWS = """
SELECT ?o ?x ?name ?a ?c WHERE {
  ?o a <http://www.w3.org/ns/org#Organization> .
  ?a <http://purl.org/dc/terms/publisher>/<http://www.w3.org/ns/org#subOrganizationOf>* ?o ;
     a <http://www.w3.org/ns/dcat#Resource> .
  ?c <http://www.w3.org/ns/duv#refersTo> ?a ; a <http://www.w3.org/ns/duv#Usage> .
  { ?c <http://www.w3.org/ns/prov#wasAssociatedWith> ?x }
  UNION { ?c <http://www.w3.org/ns/duv#hasUsageTool> ?t . ?t <http://purl.org/dc/terms/publisher> ?x }
  OPTIONAL { ?x <http://xmlns.com/foaf/0.1/name> ?name }
}"""


def _ranking(client: TestClient, path: str) -> list[tuple[str, ...]]:
    page = client.get(path, headers={"Accept": BROWSER}).text
    start = page.index('id="titre-utilisateurs"')
    return RANK_ROW.findall(page[start : page.index("</section>", start)])


def test_the_users_ranking_equals_a_count_of_the_usages_page_by_page(
    client: TestClient, seeded: EmbeddedStore, monkeypatch
) -> None:
    """The store counts the users of each organisation's resources (and its sub-organisations'), and names only
    those of the page shown: every organisation's ranking equals one made from the usages themselves, and shown
    one user a page, the pages follow each other with the same ranks (ties ordered by name)."""
    from graph.web.pages import organisation_page

    found: dict[str, dict[str, tuple[set[str], set[str], str]]] = {}
    for row in seeded.select(USAGE_ROWS).rows:
        o, x, name, a, c = (t.value if t is not None else None for t in row)
        users = found.setdefault(o.rsplit("/", 1)[-1], {})  # type: ignore[union-attr]
        usages, resources, _ = users.setdefault(x.rsplit("/", 1)[-1], (set(), set(), name or x))  # type: ignore[union-attr,arg-type]
        usages.add(c)  # type: ignore[arg-type]
        resources.add(a)  # type: ignore[arg-type]
    assert len(found) >= 5
    for org, users in found.items():
        expected = sorted(((len(u), len(r), name, slug) for slug, (u, r, name) in users.items()),
                          key=lambda e: (-e[0], -e[1], e[2].lower()))  # fmt: skip
        shown = _ranking(client, f"/organisation/{org}")
        assert [(slug, int(u), int(r)) for _, slug, _, u, r in shown] == [(s, u, r) for u, r, _, s in expected], org
        assert [int(rank) for rank, *_ in shown] == list(range(1, len(shown) + 1))
    busiest = max(found, key=lambda o: len(found[o]))
    whole = _ranking(client, f"/organisation/{busiest}")
    monkeypatch.setattr(organisation_page, "USERS_PER_PAGE", 1)
    one_by_one = [
        row for n in range(1, len(whole) + 1) for row in _ranking(client, f"/organisation/{busiest}?users_page={n}")
    ]
    assert one_by_one == whole
    assert (
        client.get(f"/organisation/{busiest}?users_page={len(whole) + 1}", headers={"Accept": BROWSER}).status_code
        == 404
    )
    assert client.get(f"/organisation/{busiest}?users_page=zero", headers={"Accept": BROWSER}).status_code == 400


def test_users_with_equal_counts_are_ranked_by_name_across_pages(make_client, monkeypatch) -> None:
    """Two users whose addresses sort one way and names the other, tied with the others that made one usage of one
    resource: shown one a page, they still come in the order of their names."""
    from pyoxigraph import Literal, Triple

    from graph.namespaces import DCAT, ORG, RDF
    from graph.web.pages import organisation_page

    c = make_client()
    ctx = c.app.state.context
    base = ctx.iris.base
    resource = next(
        row[0]
        for row in ctx.store.select(
            f"SELECT ?r WHERE {{ ?r <{DCT.publisher.value}> <{base}organisation/dinum> ; a <{DCAT.Resource.value}> }}"
        ).rows
    )
    triples = []
    for slug, name in (("zz-alpha", "Alpha"), ("aa-omega", "Oméga")):
        org, usage = NamedNode(f"{base}organisation/{slug}"), NamedNode(f"{base}usage/{slug}")
        triples += [
            Triple(org, RDF.type, ORG.Organization),
            Triple(org, RDF.type, FOAF.Organization),
            Triple(org, RDF.type, FOAF.Agent),
            Triple(org, FOAF.name, Literal(name, language="fr")),
            Triple(usage, RDF.type, DUV.Usage),
            Triple(usage, RDF.type, PROV.Activity),
            Triple(usage, DUV.refersTo, resource),
            Triple(usage, DCT.description, Literal(f"Un usage par {name}", language="fr")),
            Triple(usage, PROV.wasAssociatedWith, org),
        ]
    ctx.writer.add({ctx.iris.graph("test/ties"): triples})
    whole = _ranking(c, "/organisation/dinum")
    names = [name for _, _, name, _, _ in whole]
    assert names.index("Alpha") < names.index("Oméga")
    for (_, _, a, ua, ra), (_, _, b, ub, rb) in itertools.pairwise(whole):
        assert (int(ua), int(ra)) > (int(ub), int(rb)) or a.lower() <= b.lower()
    monkeypatch.setattr(organisation_page, "USERS_PER_PAGE", 1)
    one_by_one = [row for n in range(1, len(whole) + 1) for row in _ranking(c, f"/organisation/dinum?users_page={n}")]
    assert one_by_one == whole
