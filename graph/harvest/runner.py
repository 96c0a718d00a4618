"""The harvest sources an instance names (``harvest_sources``) and one run of one of them, as the command line
(``ressourcerie harvest``) and the service's schedule (``graph.harvest.schedule``) both do it.

An entry of ``harvest_sources`` is ``LOCATION`` or ``NAME=LOCATION`` (a DCAT catalogue, read by ``dcat``), or
``NAME=KIND:LOCATION``, where KIND is an installed source (``datagouv-api``, ``apigouv``...; see
``graph.plugins``): ``datagouv-dataservices=datagouv-api:https://www.data.gouv.fr/api/1/dataservices/?organization=...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from graph.config import Settings
from graph.errors import BadRequest
from graph.harvest.pipeline import Harvester
from graph.harvest.report import HarvestReport
from graph.harvest.sources import SourceRequest
from graph.iris import slugify
from graph.plugins import source_kind, source_names
from graph.writer import Writer


@dataclass(frozen=True)
class SourceEntry:
    name: str  # its graph is graph/harvest/<name>
    kind: str  # the installed source that reads it: "dcat", "datagouv-api"...
    location: str


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def source_name(location: str) -> str:
    """A stable short name from a URL (host and path) or a file (its name)."""
    if is_url(location):
        parsed = urlparse(location)
        text = parsed.netloc + str(Path(parsed.path).with_suffix("")) if parsed.path not in ("", "/") else parsed.netloc
    else:
        text = Path(location).stem
    return slugify(text)[:60].strip("-")


def entry(item: str, kinds: list[str] | None = None) -> SourceEntry:
    """One entry of ``harvest_sources``: ``LOCATION``, ``NAME=LOCATION`` or ``NAME=KIND:LOCATION``."""
    name, sep, rest = item.strip().partition("=")
    if not sep or "/" in name or ":" in name:
        name, rest = "", item.strip()
    kind, colon, location = rest.partition(":")
    if not colon or kind in ("http", "https", "file") or kind not in (kinds if kinds is not None else source_names()):
        kind, location = "dcat", rest
    location = location.strip()
    if not location:
        raise BadRequest(f"harvest_sources: {item!r} names no location")
    return SourceEntry(slugify(name) if name else source_name(location), kind, location)


def entries(settings: Settings) -> list[SourceEntry]:
    """The sources ``harvest_sources`` lists; two with one name are refused (they would share a graph)."""
    kinds = source_names()
    found = [entry(item, kinds) for item in settings.harvest_source_list]
    names = [e.name for e in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadRequest(f"harvest_sources names {', '.join(twice)} twice: give each source its own NAME=")
    return found


def request_for(writer: Writer, settings: Settings, source: SourceEntry) -> SourceRequest:
    return SourceRequest(source.name, [source.location], writer.iris, settings, writer.store)


def run(writer: Writer, kind: str, request: SourceRequest, location: str) -> HarvestReport:
    """One run of one source (``kind`` the installed source that reads it) through the pipeline: its records
    gathered, matched, validated and written, its report returned."""
    opened = source_kind(kind).open(request)
    try:
        return Harvester(writer).run(opened, location)
    finally:
        opened.close()


def run_entry(writer: Writer, settings: Settings, source: SourceEntry) -> HarvestReport:
    """One run of a source of ``harvest_sources``."""
    return run(writer, source.kind, request_for(writer, settings, source), source.location)
