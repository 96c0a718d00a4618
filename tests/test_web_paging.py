from __future__ import annotations

from fastapi.testclient import TestClient

from graph.web.pages._paging import paged

HTML = "text/html"
URSSAF = "/organisation/urssaf"  # publishes 70 resources in the seed
INSEE = "/organisation/insee"  # publishes 8


def test_what_an_organisation_produces_is_paged_with_the_total(client: TestClient) -> None:
    first = client.get(URSSAF, headers={"Accept": HTML}).text
    assert "Ce qu'elle produit (70)" in first and "Ressources 1 à 50 sur 70" in first
    assert 'href="/organisation/urssaf?page=2#titre-produit"' in first
    second = client.get(f"{URSSAF}?page=2", headers={"Accept": HTML})
    assert second.status_code == 200 and "Ressources 51 à 70 sur 70 (page 2 sur 2)" in second.text
    listed = second.text.split('id="titre-produit"', 1)[1].split("</ul>", 1)[0].count("<li>")
    assert listed == 20
    assert client.get(f"{URSSAF}?page=3", headers={"Accept": HTML}).status_code == 404
    assert client.get(f"{URSSAF}?page=deux", headers={"Accept": HTML}).status_code == 400
    small = client.get(INSEE, headers={"Accept": HTML}).text
    assert "fr-pagination" not in small.split('id="titre-produit"', 1)[1].split("</section>", 1)[0]


def test_paging_links_show_the_pages_around_the_current_one() -> None:
    page = paged(list(range(1000)), 10, lambda n: f"?page={n}")
    assert page.items == list(range(450, 500)) and page.total == 1000 and page.last == 20
    assert page.links == [
        ("1", "?page=1"),
        ("…", None),
        *[(str(n), f"?page={n}") for n in (8, 9)],
        ("10", None),
        *[(str(n), f"?page={n}") for n in (11, 12)],
        ("…", None),
        ("20", "?page=20"),
    ]
    assert paged([], 1, str).first == 0 and paged([], 1, str).last == 1
