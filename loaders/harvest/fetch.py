"""Reading one page of a source: over HTTP (timeout, retries with backoff, size cap) or from a file, and
telling its RDF format (Content-Type, else the extension, else the first bytes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from pyoxigraph import RdfFormat

from graph import __version__
from graph.errors import HarvestError
from graph.http import Http, HttpFailure, TooLarge
from graph.rdf import FORMATS

ACCEPT = (
    "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.9, application/n-triples;q=0.8, "
    "application/json;q=0.5, application/xml;q=0.3, */*;q=0.1"
)
# media types that servers use for RDF without saying which RDF
_LOOSE_TYPES = {
    "application/json": RdfFormat.JSON_LD,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
}
_NOT_RDF = ("text/html", "application/xhtml+xml")
SERVER_ERRORS = frozenset(range(500, 600))
_NTRIPLES_LINE = re.compile(rb"^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+.+\.\s*$")


@dataclass(frozen=True)
class Document:
    url: str  # where it was read (after redirects), the base IRI of its relative IRIs
    data: bytes
    format: RdfFormat | None  # None for a payload read as plain bytes (the source adapters)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class Fetcher:
    """Reads pages; a transient failure (timeout, connection error, 5xx) is retried ``retries`` times,
    waiting ``backoff`` seconds, then twice as long each time (``graph.http``). Other failures are not retried."""

    def __init__(
        self, *, timeout: float = 30.0, retries: int = 3, max_bytes: int = 50_000_000, backoff: float = 0.5
    ) -> None:
        self.retries = retries
        self.max_bytes = max_bytes
        self._http = Http(
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            retry_statuses=SERVER_ERRORS,
            follow_redirects=True,
            headers={"Accept": ACCEPT, "User-Agent": f"ressourcerie-harvester/{__version__}"},
        )

    @property
    def attempts(self) -> int:
        """Requests made, retries included."""
        return self._http.attempts

    def get(self, location: str) -> Document:
        """A page of RDF: its format is told from Content-Type, extension or first bytes (or the read fails)."""
        return self._get(location, rdf=True)

    def get_bytes(self, location: str) -> bytes:
        """Any payload (JSON, CSV, YAML for the source adapters), with the same retries and size cap."""
        return self._get(location, rdf=False).data

    def _get(self, location: str, rdf: bool) -> Document:
        if not is_url(location):
            return self._file(location, rdf)
        try:
            page = self._http.get(location, max_bytes=self.max_bytes)
        except HttpFailure as e:
            raise HarvestError(f"{location}: {e.reason} {e.gave_up()}") from None
        except TooLarge:
            raise self._too_large(location) from None
        if page.status >= 500:
            tries = f"{page.attempts} attempt{'s' if page.attempts > 1 else ''}"
            raise HarvestError(f"{location}: HTTP {page.status} {page.reason} (gave up after {tries})")
        if page.status >= 400:
            raise HarvestError(f"{location}: HTTP {page.status} {page.reason}")
        content_type = page.headers.get("Content-Type", "")
        return Document(page.url, page.data, detect(page.url, content_type, page.data) if rdf else None)

    def close(self) -> None:
        self._http.close()

    def _file(self, location: str, rdf: bool = True) -> Document:
        path = Path(unquote(urlparse(location).path) if location.startswith("file:") else location)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise self._too_large(str(path))
            data = path.read_bytes()
        except OSError as e:
            raise HarvestError(f"{path}: cannot read the file: {e.strerror}") from None
        url = path.resolve().as_uri()
        return Document(url, data, detect(url, "", data) if rdf else None)

    def _too_large(self, where: str) -> HarvestError:
        return HarvestError(
            f"{where}: the page is larger than harvest_max_bytes ({self.max_bytes} bytes); "
            "raise the setting or ask the source for smaller pages"
        )


def detect(url: str, content_type: str, data: bytes) -> RdfFormat:
    """The RDF format of a page: from its Content-Type, else its extension, else its first bytes."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in _NOT_RDF:
        raise HarvestError(f"{url}: the source answered {media}, not RDF (is this the catalogue's RDF address?)")
    if media:
        fmt = RdfFormat.from_media_type(media) or _LOOSE_TYPES.get(media)
        if fmt is not None:
            return fmt
    suffix = Path(urlparse(url).path).suffix.lstrip(".").lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    return sniff(data, url)


def sniff(data: bytes, url: str = "<input>") -> RdfFormat:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return RdfFormat.JSON_LD
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF") or head.startswith(b"<!--"):
        return RdfFormat.RDF_XML
    if head.lower().startswith((b"@prefix", b"@base", b"prefix", b"base")):
        return RdfFormat.TURTLE
    first = head.split(b"\n", 1)[0]
    if _NTRIPLES_LINE.match(first):
        return RdfFormat.N_TRIPLES
    if head.startswith((b"<", b"_:")):
        return RdfFormat.TURTLE
    raise HarvestError(f"{url}: cannot tell the RDF format (no Content-Type, extension or recognisable start)")
