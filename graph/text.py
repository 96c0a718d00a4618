"""Plain-text helpers shared by the core and the loaders: the key names are matched by, and short summaries of
Markdown descriptions."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w]+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[#*_`>]+")


def norm(text: str) -> str:
    """Key for matching names across sources: accents, case, quotes, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def summary(tagline: object, body: str, title: object) -> str | None:
    """The short description: the tagline, else the body's first paragraph (plain text), else the title."""
    if isinstance(tagline, str) and tagline.strip():
        return tagline.strip()
    for paragraph in body.split("\n\n"):
        text = _SPACES.sub(" ", _MARKUP.sub("", _LINK.sub(r"\1", paragraph))).strip()
        if text and not text.startswith(("!", "<")):
            return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"
    return title.strip() if isinstance(title, str) and title.strip() else None


def excerpt(text: object, title: object = None) -> str | None:
    """A plain-text summary of a Markdown description (its first paragraph, at most 300 characters)."""
    return summary(None, text if isinstance(text, str) else "", title)
