"""Content negotiation, in one place: parse Accept (with q-values), pick the best format we offer, or 406; and
the one precedence rule every route follows (``choose``): the path's extension, then ``?format=``, then Accept.

The media types come from pyoxigraph's ``RdfFormat`` and ``QueryResultsFormat``: no hand-written tables,
except the few aliases clients send in the wild (``application/json`` for SPARQL JSON results...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Request
from pyoxigraph import QueryResultsFormat, RdfFormat

from graph.errors import RessourcerieError

F = TypeVar("F", bound=RdfFormat | QueryResultsFormat | str)  # a format, or a bare media type (text/html)

RDF_FORMATS: list[RdfFormat] = [
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.JSON_LD,
    RdfFormat.RDF_XML,
    RdfFormat.TRIG,
    RdfFormat.N_QUADS,
]
RESULT_FORMATS: list[QueryResultsFormat] = [
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
]
HTML_OR_JSON = ["text/html", "application/json"]  # a page for people, its JSON twin for machines
HTML_OR_JSON_NAMES = {"html": "text/html", "json": "application/json"}
# media types some clients send, beyond the registered ones
ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}


class UnknownFormat(RessourcerieError):
    status = 400


class NotAcceptable(RessourcerieError):
    status = 406

    def __init__(self, accept: str, offered: Sequence[str]) -> None:
        super().__init__(
            f"none of the media types accepted ({accept!r}) can be served here; acceptable: {', '.join(offered)}"
        )
        self.offered = list(offered)


@dataclass(frozen=True)
class Choice(Generic[F]):
    format: F
    media_type: str


def media_type_of(fmt: RdfFormat | QueryResultsFormat | str) -> str:
    if isinstance(fmt, str):
        return fmt
    return fmt.media_type.split(";")[0].strip()


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """[(media range, q)], best first; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int, int]] = []
    for position, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(m, q) for m, q, _s, _p in ranges]


def _matches(media_range: str, media_type: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media_type.startswith(media_range[:-1])
    return media_range == media_type or ALIASES.get(media_range) == media_type


def negotiate(accept: str | None, offered: Sequence[F], default: F | None = None) -> Choice[F]:
    """The offered format the client prefers; ties go to the order of ``offered``; 406 when none fits.

    ``default`` answers a missing Accept or ``*/*`` (first offered if not given).
    """
    types = [media_type_of(f) for f in offered]
    ranges = parse_accept(accept)
    excluded = {m for m, q in ranges if q == 0}
    best: tuple[float, int, int] | None = None
    chosen: int | None = None
    for index, media_type in enumerate(types):
        if any(_matches(m, media_type) and m != "*/*" for m in excluded):
            continue
        for _rank, (media_range, q) in enumerate(ranges):
            if q > 0 and _matches(media_range, media_type):
                specificity = 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2
                key = (q, specificity, -index)
                if best is None or key > best:
                    best, chosen = key, index
                break
    if chosen is None:
        raise NotAcceptable(accept or "", types)
    if best is not None and best[1] == 0 and default is not None:  # only */* matched
        return Choice(default, media_type_of(default))
    return Choice(offered[chosen], types[chosen])


def by_name(name: str, offered: Sequence[F]) -> F | None:
    """A ``format=`` override: a media type, a file extension or a short name (json, xml, csv, tsv, ttl...)."""
    name = name.strip().lower()
    name = ALIASES.get(name, name)
    for fmt in offered:
        media = media_type_of(fmt)
        ext = getattr(fmt, "file_extension", "")
        short = {"srj": "json", "srx": "xml", "ttl": "turtle", "nt": "ntriples", "nq": "nquads", "rdf": "rdfxml"}.get(
            ext, ext
        )
        if name in {media, ext, short, getattr(fmt, "name", "").lower().replace(" ", "")}:
            return fmt
    return None


def choose(
    request: Request,
    offered: Sequence[F],
    *,
    extension: str | None = None,
    default: F | None = None,
    names: Mapping[str, F] | None = None,
) -> F:
    """The format a request asks for: the path's extension, else ``?format=`` (a short name, a file extension or
    a media type; ``names`` adds others, such as ``html``), else Accept (``default`` for a missing Accept or
    ``*/*``). An unknown extension or format name is a 400 naming those offered; 406 when Accept allows none."""
    for given, what in ((extension, "extension"), (request.query_params.get("format"), "format")):
        if given:
            fmt = (names or {}).get(given.strip().lower()) or by_name(given, offered)
            if fmt is None:
                known = (
                    list(names) if names else [getattr(f, "file_extension", None) or media_type_of(f) for f in offered]
                )
                raise UnknownFormat(f"{what} {given!r} is not one of: {', '.join(known)}")
            return fmt
    return negotiate(request.headers.get("accept"), offered, default).format
