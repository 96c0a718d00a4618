"""Gathering a catalogue's pages: follows Hydra paging, both styles (``hydra:PartialCollectionView`` with
``hydra:next``, and the legacy ``hydra:PagedCollection`` with ``hydra:nextPage``), and stops on a page read
before (a loop) or a page that repeats another's content, saying so."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode, Quad

from graph.errors import HarvestError, RdfSyntaxError
from graph.namespaces import Namespace
from graph.rdf import parse_bytes
from loaders.harvest.fetch import Fetcher

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
_NEXT = (HYDRA.next, HYDRA.nextPage)


@dataclass
class Page:
    number: int
    url: str
    quads: list[Quad]


@dataclass
class PageWalk:
    """Walks the pages from ``start``; ``urls`` and ``warnings`` tell what happened, once walked."""

    fetcher: Fetcher
    start: str
    max_pages: int = 1000
    on_page: Callable[[Page], None] | None = None
    urls: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Page]:
        seen_urls: dict[str, int] = {}
        seen_content: dict[str, int] = {}
        location: str | None = self.start
        while location is not None:
            number = len(self.urls) + 1
            if number > self.max_pages:
                self.warnings.append(f"stopped after {self.max_pages} pages (harvest_max_pages); the rest was not read")
                return
            doc = self.fetcher.get(location)
            assert doc.format is not None  # get reads RDF: it tells the format or fails
            digest = hashlib.sha256(doc.data).hexdigest()
            if digest in seen_content:
                self.warnings.append(
                    f"page {number} ({location}) repeats page {seen_content[digest]} (same content): stopped there"
                )
                return
            seen_content[digest] = number
            for url in {location, doc.url}:
                seen_urls[url] = number
            self.urls.append(doc.url)
            try:
                quads = parse_bytes(doc.data, doc.format, source=doc.url, base_iri=doc.url)
            except RdfSyntaxError as e:
                raise HarvestError(f"malformed page {number}: {e.message}") from None
            page = Page(number, doc.url, quads)
            if self.on_page is not None:
                self.on_page(page)
            yield page
            following = next_page(quads, doc.url)
            if following is not None and following in seen_urls:
                self.warnings.append(
                    f"page {number} ({doc.url}) links to {following}, already read as page "
                    f"{seen_urls[following]} (a loop): stopped there"
                )
                return
            location = following


def next_page(quads: list[Quad], url: str) -> str | None:
    """The next page's URL: ``hydra:next`` or ``hydra:nextPage``, preferring the statement about this page."""
    candidates: list[tuple[bool, str]] = []
    for q in quads:
        if q.predicate in _NEXT and isinstance(q.object, NamedNode | Literal):
            about_this = isinstance(q.subject, NamedNode) and q.subject.value == url
            candidates.append((not about_this, urljoin(url, q.object.value.strip())))
    return min(candidates)[1] if candidates else None
