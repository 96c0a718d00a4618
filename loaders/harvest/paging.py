"""Gathering a catalogue's pages: follows Hydra paging, both styles (``hydra:PartialCollectionView`` with
``hydra:next``, and the legacy ``hydra:PagedCollection`` with ``hydra:nextPage``), and stops on a page read
before (a loop) or a page that repeats another's content, saying so."""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
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


@dataclass
class _Failed:
    error: BaseException


_END = object()


def ahead(pages: Iterable[Page]) -> Iterator[Page]:
    """``pages`` walked in a thread, a page ahead: the next page is fetched while the caller works on this one.
    The walk's error (a malformed page, a source gone) is raised here, after the pages read before it."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the caller is gone

    def walk() -> None:
        try:
            for page in pages:
                if not hand(page):
                    return
        except BaseException as e:  # handed to the caller, raised there
            hand(_Failed(e))
            return
        hand(_END)

    walker = threading.Thread(target=walk, name="harvest-pages", daemon=True)
    walker.start()
    try:
        while (item := waiting.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
        walker.join()
    finally:
        stop.set()  # a caller that stops early (an error while mapping) leaves the walker to end on its own
