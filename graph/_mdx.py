"""The MDX components of the sources' Markdown (api.gouv.fr and the Ressourcerie write their pages in MDX) and
the links of rendered text: one pass over the HTML that markdown-it renders, with the standard library's HTML
tokenizer. It runs before the sanitiser (``graph.text.html``), which has the last word on what is kept.

- ``<External href>`` becomes a link, ``<Button href>`` a link styled as a DSFR button (``alt``: secondary);
- ``<Centered>`` keeps its content; the interactive widgets of the source sites, which mean nothing outside them
  (``<NextSteps>``, ``<QuestionTree>``, ``<ApiSireneWidget>``), are dropped with whatever they hold;
- any other capitalised tag (an MDX component not listed) is dropped and its content kept;
- an ``<iframe>`` (a video, a widget of another site) becomes a link to what it would show;
- every ``href`` and ``src`` goes through ``links(url, image)``: the URL to use, or None to drop the link (its
  text is kept) or the image.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlsplit

# what a link or an image becomes: its new URL, or None to drop it
Links = Callable[[str, bool], "str | None"]

LINKS = {"external", "button"}  # components that are links
DROPPED = {"nextsteps", "questiontree", "apisirenewidget"}  # components dropped with their content
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BUTTON = "fr-btn"
SECONDARY = "fr-btn fr-btn--secondary"


def absolute_only(url: str, image: bool) -> str | None:
    """Without a resolver: links that lead somewhere by themselves (http, https, mailto), nothing relative."""
    return url if url.startswith(("http://", "https://", "mailto:")) else None


class _Rewriter(HTMLParser):
    def __init__(self, links: Links) -> None:
        super().__init__(convert_charrefs=True)
        self.links = links
        self.out: list[str] = []
        # the open elements: (tag read, closing tag to write or None, whether it hides its content)
        self.open: list[tuple[str, str | None, bool]] = []
        self.hidden = 0  # depth inside dropped components

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        component = (self.get_starttag_text() or "")[1:2].isupper()
        if self.hidden or (component and tag in DROPPED):
            if not closed:
                self.hidden += 1
                self.open.append((tag, None, True))
            return
        values = dict(attrs)
        written: str | None = tag
        if component and tag in LINKS:
            href = self._url(values.get("href"), image=False)
            css = (SECONDARY if "alt" in values else BUTTON) if tag == "button" else None
            written = "a" if href else None
            values = {"href": href, **({"class": css} if css else {})} if href else {}
        elif component:
            written = None  # an MDX component we do not know: its content stays
        elif tag == "a" and "href" in values:
            href = self._url(values.get("href"), image=False)
            written = "a" if href else None
            values = {**values, "href": href}
        elif tag == "iframe":
            src = self._url(values.get("src"), image=False)
            if src and not closed:
                label = f"Voir le contenu intégré ({urlsplit(src).netloc or src})"
                self.out.append(f'<a href="{html.escape(src)}">{html.escape(label, quote=False)}</a>')
            self.hidden += 0 if closed else 1
            if not closed:
                self.open.append((tag, None, True))
            return
        elif tag == "img":
            src = self._url(values.get("src"), image=True)
            if src is None:
                return
            values = {**values, "src": src, "loading": "lazy"}
        if written is not None:
            shown = "".join(f' {k}="{html.escape(v)}"' if v is not None else f" {k}" for k, v in values.items())
            self.out.append(f"<{written}{shown}>")
        if not closed:
            self.open.append((tag, f"</{written}>" if written else None, False))

    def handle_endtag(self, tag: str) -> None:
        """Closes the innermost open element of that name (and those left open inside it); a stray one is
        ignored."""
        names = [name for name, _closing, _hides in self.open]
        if tag in VOID or tag not in names:
            return
        while self.open:
            name, closing, hides = self.open.pop()
            if hides:
                self.hidden -= 1
            elif closing is not None and not self.hidden:
                self.out.append(closing)
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(html.escape(data, quote=False))

    def _url(self, url: str | None, image: bool) -> str | None:
        url = (url or "").strip()
        return self.links(url, image) if url else None

    def result(self) -> str:
        self.close()
        while self.open:
            _name, closing, hides = self.open.pop()
            if hides:
                self.hidden -= 1
            elif closing is not None and not self.hidden:
                self.out.append(closing)
        return "".join(self.out)


def rewrite(rendered: str, links: Links = absolute_only) -> str:
    """The HTML markdown-it rendered, with the components replaced and the links resolved (still to sanitise)."""
    rewriter = _Rewriter(links)
    rewriter.feed(rendered)
    return rewriter.result()
