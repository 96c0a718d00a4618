"""The long texts of records (``schema:text``, Markdown from api.gouv.fr and the Ressourcerie) on the pages:
rendered by ``graph.text.html`` with the links of their source sites made to work here.

Both source sites write links relative to themselves (the Ressourcerie's site was a fork of api.gouv.fr's):

- ``/les-api/<slug>`` (an API sheet) and ``/producteurs/<slug>`` (a producer) lead to the record here that
  carries that api.gouv.fr identifier, else to the sheet on api.gouv.fr; so do absolute api.gouv.fr links;
- the Ressourcerie's articles (``https://ressourcerie.fabrique.social.gouv.fr/articles/<name>``) lead to the
  guide here of that name, when there is one;
- ``/rechercher-api`` and ``/rechercher-commun`` (the sites' search) lead to this site's search;
- ``/images/<path>`` is shown from the copies kept in ``data/images`` (served under ``/media/``), and left out
  when no copy exists (the source does not have it);
- any other relative link leads to api.gouv.fr, whose site the paths belong to; a bare ``#anchor`` is dropped;
- an image on another site is not shown: the pages load nothing from elsewhere.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from graph import text
from graph.iris import slugify
from graph.namespaces import ID_SCHEME
from graph.paths import bundled
from graph.web.context import Context
from graph.web.urls import Urls

APIGOUV = "https://api.gouv.fr"
RESSOURCERIE_SITE = "https://ressourcerie.fabrique.social.gouv.fr"
SEARCHES = {"rechercher-api", "rechercher-commun"}
IMAGES = bundled("data/images")
MEDIA = "/media"

APIGOUV_IDS = """
SELECT ?x ?n ?kind ?scheme WHERE {
  ?x adms:identifier ?i . ?i dct:type ?scheme ; skos:notation ?n .
  { ?x a dcat:Resource BIND("les-api" AS ?kind) } UNION { ?x a org:Organization BIND("producteurs" AS ?kind) }
}
"""


def apigouv_ids(ctx: Context) -> dict[tuple[str, str], str]:
    """(``les-api`` or ``producteurs``, api.gouv.fr slug) -> the IRI of the record here, kept until a write."""

    def read() -> dict[tuple[str, str], str]:
        rows = ctx.store.select(APIGOUV_IDS, {"scheme": ID_SCHEME.apigouv}).dicts()
        return {(r["kind"].value, r["n"].value): r["x"].value for r in rows if r["x"] and r["n"] and r["kind"]}

    return ctx.cached("apigouv-ids", read)


class SourceLinks:
    """``links(url, image)`` for ``graph.text.html``: where a link of a source text leads on this site."""

    def __init__(self, urls: Urls) -> None:
        self.urls = urls
        self.ctx = urls.ctx

    def __call__(self, url: str, image: bool) -> str | None:
        if image:
            return self.image(url)
        if url.startswith("#"):
            return None  # an anchor in the source's page, whose headings have no such ids here
        if url.startswith(("mailto:", "http://", "https://")):
            return self.absolute(url)
        if url.startswith(("//", "javascript:", "data:")) or ":" in url.split("/", 1)[0]:
            return None
        return self.relative("/" + url.lstrip("./"))

    def image(self, url: str) -> str | None:
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.scheme or not path.startswith("/images/"):
            return None
        relative = path.removeprefix("/images/")
        found = (IMAGES / relative).resolve()
        if ".." in relative.split("/") or not found.is_file() or IMAGES.resolve() not in found.parents:
            return None
        return self.urls.path(f"{MEDIA}/{parts.path.removeprefix('/images/')}")

    def absolute(self, url: str) -> str:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site == APIGOUV or (site == RESSOURCERIE_SITE and not parts.path.startswith("/articles/")):
            return self.relative(parts.path, fallback=url)
        if site == RESSOURCERIE_SITE:
            guide = self.ctx.iris.document(slugify(unquote(parts.path.removeprefix("/articles/"))))
            if self.ctx.store.describe(guide):
                return self.urls.record(guide.value) or url
        return url

    def relative(self, url: str, fallback: str | None = None) -> str:
        """A path of the source sites (with its query and fragment): the page here, else api.gouv.fr's."""
        segments = [s for s in urlsplit(url).path.split("/") if s]
        if segments and segments[-1] in SEARCHES:
            return self.urls.path("/search")
        if len(segments) == 2 and segments[0] in ("les-api", "producteurs"):
            iri = apigouv_ids(self.ctx).get((segments[0], segments[1]))
            page = self.urls.record(iri) if iri else None
            if page:
                return page
        return fallback or APIGOUV + url


def prose(urls: Urls, markdown: str | None, top: int = 2) -> Markup | None:
    """A record's long text as HTML for its page, its links leading here where they can; None when empty."""
    if not markdown or not markdown.strip():
        return None
    rendered = text.html(markdown, SourceLinks(urls), top=top)
    return rendered if rendered.strip() else None


def one_line(markdown: str) -> str:
    """A short text that may hold Markdown (a description), as one line of plain words: a lead, a card."""
    return " ".join(text.plain(markdown).split())
