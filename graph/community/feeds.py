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
        titled = [t for _r, t in e.records if t]
        if len(titled) == 1:
            main = titled[0]
        elif titled:
            main = f"{titled[0]} et {len(titled) - 1} autre{'s' if len(titled) > 2 else ''} fiche{'s' if len(titled) > 2 else ''}"
        else:
            main = f"{e.size} fiche{'s' if e.size > 1 else ''}" if e.size else ""
        fe.title(f"{e.label} : {main}" if main else e.label)
        fe.updated(e.at)
        fe.published(e.at)
        if e.records:
            first = next((r for r, t in e.records if t), e.records[0][0])
            fe.link(href=href(first), rel="alternate", type="text/html")
        lines = [f"{e.label}, le {e.at[:10]} à {e.at[11:16]} (UTC)."]
        for record, title in e.records[:LISTED]:
            lines.append(f"- {title or record} : {href(record)}")
        if e.size > min(len(e.records), LISTED):
            lines.append(f"({e.size} fiches touchées en tout.)")
        fe.content("\n".join(lines), type="text")
    return bytes(fg.atom_str(pretty=True))
