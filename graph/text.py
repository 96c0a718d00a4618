"""Text helpers shared by the core, the loaders and the pages: the key names are matched by, and the sources'
Markdown (with their MDX components) as sanitised HTML for the pages, as plain text for search and cards, and
short summaries. The store keeps the source text; these functions only read it.

Markdown is read by markdown-it-py (CommonMark, with tables and strikethrough, raw HTML allowed as the sources
use it), the MDX components are replaced (``graph._mdx``), then nh3 (ammonia) keeps only an allow-list of tags,
attributes and URL schemes."""

from __future__ import annotations

import functools
import re
import unicodedata
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

from graph._markdown import render
from graph._mdx import Links, absolute_only, rewrite

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w]+")

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "*": {"lang"},
}
CLASSES = {"a": {"fr-btn", "fr-btn--secondary"}, "div": {"rsr-table"}}
SCHEMES = {"http", "https", "mailto"}
BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre", "dt", "dd", "table", "div", "details",
    "summary",
}  # fmt: skip
WORDS_PER_MINUTE = 200


def norm(text: str) -> str:
    """Key for matching names across sources: accents, case, quotes, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


# --- Markdown as HTML ----------------------------------------------------------------------------------------


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "template", "textarea", "select", "noscript"},
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        link_rel="noopener",
    )


def html(markdown: str, links: Links = absolute_only, top: int = 2) -> Markup:
    """Markdown (with the sources' MDX components) as sanitised HTML, safe to put in a page.

    ``links(url, image)`` says where each link and image leads (None drops it: a link keeps its text); by
    default only absolute links are kept. The text's headings start at level ``top``."""
    return Markup(_cleaner().clean(rewrite(render(markdown or "", top), links)))


# --- Markdown as plain text ----------------------------------------------------------------------------------


class _Blocks(HTMLParser):
    """The text of sanitised HTML, block by block: [(tag of the block, its text)]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._flush()
            self.tags.append(tag)
        elif tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._flush()
            if tag in self.tags:
                del self.tags[len(self.tags) - 1 - self.tags[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.parts)).strip()
        if text:
            self.blocks.append((self.tags[-1] if self.tags else "p", text))
        self.parts = []

    def result(self) -> list[tuple[str, str]]:
        self.close()
        self._flush()
        return self.blocks


def blocks(markdown: str) -> list[tuple[str, str]]:
    """The plain text of Markdown, block by block, with the tag of each block (p, h2, li...)."""
    parser = _Blocks()
    parser.feed(html(markdown))
    return parser.result()


def plain(markdown: str) -> str:
    """Markdown as plain text for search and cards: the words only (no markup, no components, no images), one
    line per block."""
    return "\n".join(text for _tag, text in blocks(markdown))


def reading_minutes(markdown: str) -> int:
    """Minutes to read a text, at 200 words a minute (at least one)."""
    return max(1, round(len(plain(markdown).split()) / WORDS_PER_MINUTE))


def clip(text: str, limit: int = 300) -> str:
    """At most ``limit`` characters, cut at a word and marked with an ellipsis."""
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "…"


# --- summaries -----------------------------------------------------------------------------------------------


def summary(tagline: object, body: str, title: object) -> str | None:
    """The short description: the tagline, else the body's first paragraph (plain text), else the title."""
    if isinstance(tagline, str) and tagline.strip():
        return tagline.strip()
    for tag, text in blocks(body):
        if tag == "p":
            return clip(text)
    return title.strip() if isinstance(title, str) and title.strip() else None


def excerpt(text: object, title: object = None) -> str | None:
    """A plain-text summary of a Markdown description (its first paragraph, at most 300 characters)."""
    return summary(None, text if isinstance(text, str) else "", title)
