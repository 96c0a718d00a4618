"""Atom feeds (RFC 4287) of the change journal, written with feedgen: the whole site's changes, or those of one
record and what hangs on it. One entry per write: what made it, when, and the records it touched, each linked to
its page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from graph.community.journal import Entry

LISTED = 30  # records named in one entry


@dataclass(frozen=True)
class FeedInfo:
    id: str  # a permanent IRI of the feed
    title: str
    self_url: str  # where the feed is read
    page_url: str  # the page it follows
    author: str
    subtitle: str = ""


def atom(info: FeedInfo, entries: list[Entry], href: Callable[[str], str], base_id: str) -> bytes:
    """The feed as Atom XML; ``href(iri)`` is where a record's page is; entry ids are ``base_id`` + the change."""
    fg = FeedGenerator()
    fg.id(info.id)
    fg.title(info.title)
    if info.subtitle:
        fg.subtitle(info.subtitle)
    fg.author({"name": info.author})
    fg.link(href=info.self_url, rel="self", type="application/atom+xml")
    fg.link(href=info.page_url, rel="alternate", type="text/html")
    fg.language("fr")
    fg.updated(entries[0].at if entries else "1970-01-01T00:00:00Z")
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(f"{base_id}{e.id}")
        named = [t or r for r, t in e.records]
        main = named[0] if len(named) == 1 else f"{len(named) if e.size == len(e.records) else e.size} fiches"
        fe.title(f"{e.label} : {main}" if named else e.label)
        fe.updated(e.at)
        fe.published(e.at)
        if e.records:
            fe.link(href=href(e.records[0][0]), rel="alternate", type="text/html")
        lines = [f"{e.label}, le {e.at[:10]} à {e.at[11:16]} (UTC)."]
        for record, title in e.records[:LISTED]:
            lines.append(f"- {title or record} : {href(record)}")
        if e.size > min(len(e.records), LISTED):
            lines.append(f"({e.size} fiches touchées en tout.)")
        fe.content("\n".join(lines), type="text")
    return bytes(fg.atom_str(pretty=True))
