"""The Markdown reader of the sources' texts: markdown-it-py (CommonMark, with tables and strikethrough, raw HTML
allowed) extended for MDX as api.gouv.fr and the Ressourcerie write it. ``render`` gives the HTML still to
rewrite (``graph._mdx``) and sanitise (``graph.text.html``).

- MDX components in running text are kept as raw HTML, also when written loosely (``_mdx_tag``);
- text inside HTML blocks is Markdown, as MDX reads it inside components (``_markdown_in_html``);
- MDX reads no indented code blocks (the sources indent HTML and text inside components): neither does this;
- bold written with a space inside its delimiters, as texts exported from Notion have it (``_loose_strong``);
- the text's headings start at the level the page gives them and never skip one (``_shift_headings``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token


def render(markdown: str, top: int = 2) -> str:
    """Markdown as HTML (not yet sanitised), its headings starting at level ``top``."""
    md = _markdown()
    env: dict[str, Any] = {}
    tokens = md.parse(markdown, env)
    _shift_headings(tokens, top)
    rendered: str = md.renderer.render(tokens, md.options, env)
    return rendered


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("code")
    md.inline.ruler.before("html_inline", "mdx_tag", _mdx_tag)
    md.core.ruler.push("loose_strong", _loose_strong)
    md.core.ruler.push("markdown_in_html", _markdown_in_html)
    md.add_render_rule("table_open", lambda *args: '<div class="rsr-table"><table>\n')
    md.add_render_rule("table_close", lambda *args: "</table></div>\n")
    return md


def _shift_headings(tokens: Sequence[Token], top: int) -> None:
    """The text's own headings start at level ``top`` (a body shown under the page's h1 and h2) and never skip
    a level: each level the text uses takes the next one down, and a heading is at most one below the one
    before it."""
    ranks = {
        level: top + n for n, level in enumerate(sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"}))
    }
    previous = top - 1
    for t in tokens:
        if t.type == "heading_open":
            previous = min(6, ranks[int(t.tag[1])], previous + 1)
            t.tag = f"h{previous}"
        elif t.type == "heading_close":
            t.tag = f"h{previous}"


def _loose_strong(state: StateCore) -> None:
    """Bold as the Ressourcerie's texts (exported from Notion) write it: ``**Titre **``, ``Un **mot **suivi``.
    CommonMark leaves such ``**`` as text, as a space stands inside the delimiter; here the ``**`` still left in
    a paragraph's text after parsing are paired in order (the space moves outside the bold), and one left
    without a partner (a bold that spans two paragraphs) is dropped."""
    for block in state.tokens:
        if (
            block.type != "inline"
            or not block.children
            or not any(t.type == "text" and "**" in t.content for t in block.children)
        ):
            continue
        pieces: list[str | Token] = []
        for t in block.children:
            if t.type == "text" and "**" in t.content:
                parts = t.content.split("**")
                for n, part in enumerate(parts):
                    if n:
                        pieces.append("**")
                    pieces.append(part)
            else:
                pieces.append(t)
        marks = [i for i, p in enumerate(pieces) if p == "**"]
        pairs = dict(zip(marks[0::2], marks[1::2], strict=False))
        closers = set(pairs.values())
        children: list[Token] = []
        pending = ""  # spaces moved out of a bold, to come after it
        for i, p in enumerate(pieces):
            if isinstance(p, Token):
                children.append(p)
            elif i in pairs or i in closers:
                opening = i in pairs
                if opening:
                    following = pieces[i + 1]
                    if isinstance(following, str):
                        stripped = following.lstrip()
                        pieces[i + 1] = stripped
                        children.append(_text(following[: len(following) - len(stripped)]))
                else:
                    last = children[-1] if children else None
                    if last is not None and last.type == "text":
                        stripped = last.content.rstrip()
                        pending, last.content = last.content[len(stripped) :], stripped
                children.append(Token("strong_open" if opening else "strong_close", "strong", 1 if opening else -1))
                if pending and not opening:
                    children.append(_text(pending))
                    pending = ""
            elif p != "**" and p:
                children.append(_text(p))
        kept: list[Token] = []
        for c in children:
            if c.type == "text" and not c.content:
                continue
            if c.type == "strong_close" and kept and kept[-1].type == "strong_open":
                kept.pop()  # an empty bold (`****`)
                continue
            kept.append(c)
        if kept and kept[-1].type == "text" and not kept[-1].content.strip():
            kept.pop()  # the space moved out of a bold that ends the paragraph
        block.children = kept


def _mdx_tag(state: StateInline, silent: bool) -> bool:
    """An MDX component's tag in running text (``<External href="...">``, ``</Button>``), read up to its ``>``
    outside quotes and kept as raw HTML for ``graph._mdx``, also when CommonMark would not take it for a tag (an
    attribute written ``href"..."`` in a source): a component is never shown as text."""
    src, start = state.src, state.pos
    name = start + 2 if src.startswith("</", start) else start + 1
    if src[start] != "<" or name >= state.posMax or not src[name].isupper():
        return False
    quote = ""
    for end in range(name, state.posMax):
        c = src[end]
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "<":
            return False
        elif c == ">":
            if not silent:
                state.push("html_inline", "", 0).content = src[start : end + 1]
            state.pos = end + 1
            return True
    return False


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


class _Chunks(HTMLParser):
    """An HTML block as its tags (kept as written) and the text between them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[bool, str]] = []  # (is a tag, raw tag or text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.chunks.append((True, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.chunks.append((True, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.chunks.append((True, f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.chunks.append((False, data))


def _markdown_in_html(state: StateCore) -> None:
    """The text inside an HTML block (``<details>``, ``<p>``, a component) read as Markdown, as MDX reads it:
    ``<p>**Les bénéficiaires :**</p>`` shows bold, not asterisks."""
    for token in state.tokens:
        if token.type != "html_block" or not any(c in token.content for c in "*_[`!"):
            continue
        chunks = _Chunks()
        chunks.feed(token.content)
        chunks.close()
        token.content = "".join(
            raw if is_tag else (state.md.renderInline(raw.strip()) if raw.strip() else raw)
            for is_tag, raw in chunks.chunks
        )
