"""The pages of guides and use-case stories (an article) and of online services, and the long texts of resource
pages: rendered Markdown, links of the source sites leading here, images served from the project."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.test_site import check_accessible

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def html(client: TestClient, path: str) -> str:
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == 200, r.text[:300]
    return r.text


def between(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i : page.index(end, i)]


def test_a_story_is_an_article_with_its_resources_organisations_and_related_stories(client: TestClient) -> None:
    page = html(client, "/document/retour-recherche-entreprise")
    check_accessible(page)
    head = between(page, '<article class="rsr-article"', '<div class="rsr-prose">')
    assert "Retour d&#39;expérience</p>" in head and "<h1" in head
    assert '<p class="fr-text--lead">Les API pour récupérer les données publiques' in head
    assert "Lecture : 3 min" in head and "Auteur ou autrice non précisés par la source" in head
    assert "Repris de <a" in head and "SocialGouv/ressourcerie _data (version 33cc890)</a>" in head
    body = between(page, '<div class="rsr-prose">', 'id="titre-cites"')
    assert "<h2>Les données détenues par l’administration française sur les entreprises</h2>" in body
    assert "##" not in body and "**" not in body
    cited = between(page, 'id="titre-cites"', "</section>")
    assert "(5)" in cited and cited.count('class="fr-card ') == 5 and 'href="/resource/api-sirene"' in cited
    assert "Produit par Institut National de la Statistique" in cited
    organisations = between(page, 'id="titre-organisations"', "</section>")
    assert 'href="/organisation/insee"' in organisations and "Produit API Sirene" in organisations
    assert between(page, 'id="titre-usages"', "</section>").count('href="/usage/') == 5
    related = between(page, 'id="titre-lies"', "</section>")
    assert 'href="/document/recherche-entreprise"' in related  # dct:relation


def test_a_guide_shows_the_images_of_its_source_and_drops_those_it_lacks(client: TestClient) -> None:
    page = html(client, "/document/recherche-entreprise")
    body = between(page, '<div class="rsr-prose">', 'id="titre-cites"')
    assert '<img src="/media/guides/Recherche_entreprise_1.png" alt="Image" loading="lazy">' in body
    image = client.get("/media/guides/Recherche_entreprise_1.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    missing = html(client, "/resource/apigouvfr")  # names /images/guides/apigouvfr_1.png, which its source lacks
    assert "apigouvfr_1" not in missing and "/images/" not in missing


def test_links_of_the_source_sites_lead_here(client: TestClient) -> None:
    guide = html(client, "/document/recherche-entreprise")  # links the Ressourcerie's article on APIs
    assert 'href="/document/api-definition"' in between(guide, '<div class="rsr-prose">', 'id="titre-cites"')
    sheet = between(html(client, "/resource/api-entreprise"), '<div class="rsr-prose">', 'id="titre-usages"')
    assert '<a href="/resource/api-sirene" rel="noopener">' in sheet  # an api.gouv.fr link to a sheet we have
    assert 'href="https://api.gouv.fr/les-api/api-rncs"' in sheet  # one we do not have stays on api.gouv.fr
    assert "<External" not in sheet and "&lt;External" not in sheet


def test_buttons_of_a_sheet_are_links(client: TestClient) -> None:
    sheet = between(html(client, "/resource/api-donnees-foncieres"), '<div class="rsr-prose">', 'id="titre-usages"')
    assert (
        '<a href="https://api.gouv.fr/les-api/api-donnees-foncieres/demande-acces" class="fr-btn" rel="noopener">'
        "Demander un accès</a>" in sheet
    )  # <Button href="/les-api/api-donnees-foncieres/demande-acces">, a page of api.gouv.fr
    assert "<Button" not in sheet and "&lt;Button" not in sheet and "<details>" in sheet


def test_a_service_page_says_what_it_is_who_runs_it_and_what_it_uses(client: TestClient) -> None:
    page = html(client, "/service/la-bonne-boite")
    check_accessible(page)
    assert "Service en ligne</p>" in page and ">La Bonne Boîte</h1>" in page
    assert '<p class="fr-text--lead">Trouvez les entreprises qui vont recruter près de chez vous</p>' in page
    assert 'href="http://labonneboite.pole-emploi.fr"' in page  # its site, as the source gives it
    what = between(page, 'id="titre-quoi"', "</section>")
    assert "auto-completion de la Base Adresse Nationale" in what
    uses = between(page, 'id="titre-utilise"', "</section>")
    assert "(1)" in uses and 'href="/resource/api-adresse-base-adresse-nationale-ban"' in uses
    assert "La source ne dit pas qui opère ce service." in page  # no operator is invented
    assert '<link rel="alternate" type="text/turtle" href="/service/la-bonne-boite.ttl"' in page


def test_every_article_and_service_page_is_well_formed(client: TestClient) -> None:
    rows = client.app.state.context.store.select(  # type: ignore[attr-defined]
        "SELECT DISTINCT ?x WHERE { { ?x a schema:Article } UNION { ?x a duv:UsageTool } }", {}
    ).dicts()
    base = client.app.state.context.settings.base_iri  # type: ignore[attr-defined]
    paths = sorted("/" + r["x"].value[len(base) :] for r in rows)
    # 16 guides and 3 stories; 18 services (La Bonne Boîte is in both sources) and 9 data.gouv.fr reuses
    assert len(paths) == 19 + 18 + 9
    for path in paths:
        check_accessible(html(client, path))


def test_descriptions_written_in_markdown_show_as_words(make_client) -> None:  # type: ignore[no-untyped-def]
    from pyoxigraph import Literal, NamedNode, Triple

    from graph.namespaces import DCAT, DCT, DUV, FOAF, KIND, ORG, PROV, RDF, THEME, XSD

    base = "https://ressourcerie.fabrique.social.gouv.fr/"
    c = make_client()
    ctx = c.app.state.context
    md = Literal("Une **API** du [registre](https://registre.example) <External href='x'>ici</External>", language="fr")
    r, o, u = (
        NamedNode(base + "resource/en-markdown"),
        NamedNode(base + "organisation/en-markdown"),
        NamedNode(base + "usage/en-markdown"),
    )
    triples = [
        Triple(o, RDF.type, ORG.Organization),
        Triple(o, RDF.type, FOAF.Organization),
        Triple(o, RDF.type, FOAF.Agent),
        Triple(o, DCT.identifier, Literal("en-markdown")),
        Triple(o, FOAF.name, Literal("Organisation en Markdown", language="fr")),
        Triple(o, DCT.description, md),
        Triple(r, RDF.type, DCAT.Resource),
        Triple(r, RDF.type, DCAT.Dataset),
        Triple(r, DCT.identifier, Literal("en-markdown")),
        Triple(r, DCT.title, Literal("Ressource en Markdown", language="fr")),
        Triple(r, DCT.description, md),
        Triple(r, DCT.type, KIND.dataset),
        Triple(r, DCAT.theme, THEME.emploi),
        Triple(r, DCT.publisher, o),
        Triple(r, DCT.modified, Literal("2024-01-01", datatype=XSD.date)),
        Triple(u, RDF.type, DUV.Usage),
        Triple(u, RDF.type, PROV.Activity),
        Triple(u, DUV.refersTo, r),
        Triple(u, DCT.description, Literal("Un usage", language="fr")),
        Triple(u, PROV.wasAssociatedWith, o),
    ]
    ctx.writer.add({ctx.iris.graph("test/markdown"): triples})
    for path in ("/resource/en-markdown", "/organisation/en-markdown", "/usage/en-markdown", "/def/theme/emploi"):
        page = html(c, path)
        assert "Une API du registre ici" in page, path
        assert "**" not in page and "](" not in page and "External" not in page, path
