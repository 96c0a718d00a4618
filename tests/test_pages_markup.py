"""No page shows Markdown or MDX as text: every page of the seed store (each record's page, the site's pages and
every page they link to) is read as a person sees it, and none may show `## `, `**`, a Markdown link or image,
or a tag such as `<External` or `<NextSteps />` in its text. Form fields, code and scripts are not text shown."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MARKUP = {
    "Markdown heading": re.compile(r"(^|\n)\s*#{1,6} \S"),
    "Markdown bold": re.compile(r"\*\*\S"),
    "Markdown link": re.compile(r"\]\((https?:|/|#|mailto:)"),
    "Markdown image": re.compile(r"!\[[^\]]*\]"),
    "tag shown as text": re.compile(r"</?[A-Za-z][\w.-]*(\s+[\w-]+(=|\s|/|>)|\s*/?>)"),
}
NOT_SHOWN = {"script", "style", "template", "textarea", "code", "pre", "noscript"}
# the site's own pages; the crawl goes from them and from every record's page to every page they link to
PAGES = [
    "/",
    "/themes",
    "/network",
    "/network?view=table",
    "/queries",
    "/governance",
    "/contribute",
    "/contribute/resource",
    "/contribute/usage",
    "/moderation",
    "/catalog",
    "/docs",
    "/sparql",
    "/accessibilite",
    "/mentions-legales",
    "/donnees-personnelles",
    "/nothing-here",
    "/resource/no-such-thing",
]
VARIANTS = 3
RECORDS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s) && !CONTAINS(STR(?s), '#')) }"


class ShownText(HTMLParser):
    """The text of a page as it is shown, with the line breaks of its blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_SHOWN:
            self.hidden += 1
        else:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_SHOWN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def shown_text(page: str) -> str:
    parser = ShownText()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def markup_in(page: str) -> dict[str, str]:
    """What markup a page shows as text: {kind: where}."""
    text = shown_text(page)
    found = {}
    for name, pattern in MARKUP.items():
        match = pattern.search(text)
        if match:
            found[name] = " ".join(text[max(0, match.start() - 60) : match.end() + 40].split())
    return found


def links(page: str, url: str) -> list[str]:
    out = []
    for href in re.findall(r'(?:href|action)="([^"#]*)(?:#[^"]*)?"', page):
        target = urlsplit(urljoin("http://testserver" + url, href.replace("&amp;", "&")))
        if target.netloc == "testserver" and target.path.startswith("/"):
            out.append(target.path + (f"?{target.query}" if target.query else ""))
    return out


def crawl(client: TestClient, start: list[str], follow: bool = True) -> dict[str, tuple[int, str]]:
    """Every HTML page reached from ``start``: {path: (status, page)}. Search result pages are read where
    they are asked for, not followed from keyword links (a page per keyword: the search's own tests); of a page
    asked with parameters (a form opened on each resource), the first few variants are read."""
    seen: dict[str, tuple[int, str]] = {}
    todo, queued = deque(start), set(start)
    variants: dict[str, int] = {}
    while todo:
        url = todo.popleft()
        r = client.get(url, headers={"Accept": BROWSER}, follow_redirects=False)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        seen[url] = (r.status_code, r.text)
        if not follow:
            continue
        for link in links(r.text, url):
            skip = link.startswith(("/assets/", "/static/", "/media/", "/search", "/sparql", "/dumps/", "/store"))
            path = link.split("?")[0]
            if skip or link in queued or "." in path.rsplit("/", 1)[-1]:
                continue
            variants[path] = variants.get(path, 0) + ("?" in link)
            if variants[path] <= VARIANTS:
                queued.add(link)
                todo.append(link)
    return seen


@pytest.fixture(scope="module")
def pages(client: TestClient) -> dict[str, tuple[int, str]]:
    base = client.app.state.context.settings.base_iri  # type: ignore[attr-defined]
    records = [row["s"].value for row in client.app.state.context.store.select(RECORDS, {}).dicts()]  # type: ignore[attr-defined]
    paths = sorted("/" + iri[len(base) :] for iri in records if iri.startswith(base) and "/graph/" not in iri)
    return crawl(client, PAGES + [p for p in paths if not p.startswith("/graph/")])


def test_the_crawl_reaches_every_kind_of_page(pages: dict[str, tuple[int, str]]) -> None:
    kinds = {path.split("/")[1].split("?")[0] for path in pages}
    for kind in ("resource", "organisation", "usage", "document", "service", "def", "queries", "themes"):
        assert kind in kinds, kind
    assert len(pages) > 500  # the seed has 520 records
    assert not [p for p, (status, _page) in pages.items() if status >= 500]


def test_no_page_shows_markdown_or_mdx_as_text(pages: dict[str, tuple[int, str]]) -> None:
    showing = {path: found for path, (_status, page) in pages.items() if (found := markup_in(page))}
    assert not showing, f"{len(showing)} of {len(pages)} pages show markup as text: {dict(list(showing.items())[:10])}"


def test_the_check_finds_markup_shown_as_text() -> None:
    assert markup_in("<p>## Description</p>") == {"Markdown heading": "## Description"}
    assert set(markup_in("<p>&lt;External href='x'&gt;lien&lt;/External&gt; and **bold**</p>")) == {
        "tag shown as text",
        "Markdown bold",
    }
    assert "tag shown as text" in markup_in("<li>voir &lt;NextSteps /&gt;</li>")
    assert markup_in("<p>[site](https://a.fr) ![Image](/images/x.png)</p>").keys() == {
        "Markdown link",
        "Markdown image",
    }
    quiet = "<p>Deux * trois, 3 < 4, a -> b, l'IRI <https://x.fr/a></p><textarea># title: x</textarea><code>**</code>"
    assert markup_in(quiet) == {}


SEARCHES = ["/search?q=siret", "/search?q=emploi", "/search?q=entreprise", "/search?q=api&page=2", "/search?q="]


def test_search_results_show_no_markup(client: TestClient) -> None:
    showing = {
        path: found for path, (_s, page) in crawl(client, SEARCHES, follow=False).items() if (found := markup_in(page))
    }
    assert not showing, showing
