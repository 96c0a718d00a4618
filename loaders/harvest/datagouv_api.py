"""data.gouv.fr as a harvest source that keeps itself up to date: its API's lists walked page by page.

The location is an address of data.gouv.fr's API v1 list of dataservices (or of datasets), with its filters:
``https://www.data.gouv.fr/api/1/dataservices/?organization=534fff75a3a7292c64a77de4``. Several organisations
(``?organization=A&organization=B``) are walked one after the other (the API takes one at a time). Each page's
``next_page`` is followed; a page already read, or more than ``max_pages`` pages, stops the walk with a
warning. The objects are mapped by ``loaders.datagouv`` (a dataservice: an API whose ``base_api_url`` is the
endpoint and ``machine_documentation_url`` the endpoint description); an API without ``base_api_url`` gets the
endpoint its OpenAPI document states, when a ``finder`` reads it (``loaders.harvest.openapi_fetch``).

Any other location (data.gouv.fr's DCAT catalogue of an organisation, ``.../catalog.rdf``) is a DCAT feed and
is read as one (``loaders.harvest.dcat``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.iris import Iris
from loaders.datagouv import DatagouvSource, items
from loaders.harvest.fetch import Fetcher
from loaders.harvest.openapi_fetch import EndpointFinder

KINDS = {"dataservices": "dataservice", "datasets": "dataset"}
PAGE_SIZE = "100"


def list_kind(location: str) -> str | None:
    """'dataservices' or 'datasets' for an address of data.gouv.fr's API v1 lists, else None."""
    path = urlsplit(location).path.rstrip("/")
    for kind in KINDS:
        if path.endswith(f"/api/1/{kind}"):
            return kind
    return None


def starts(location: str) -> list[str]:
    """The first page of each walk: one per organisation filter, with a page size unless one is given."""
    parts = urlsplit(location)
    params = parse_qsl(parts.query, keep_blank_values=False)
    organisations: list[str | None] = [v for k, v in params if k == "organization"] or [None]
    others = [(k, v) for k, v in params if k not in ("organization", "page")]
    if not any(k == "page_size" for k, _v in others):
        others.append(("page_size", PAGE_SIZE))
    out = []
    for org in organisations:
        query = ([("organization", org)] if org else []) + others
        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")))
    return out


class DatagouvApiSource:
    def __init__(
        self,
        name: str,
        location: str,
        iris: Iris,
        fetcher: Fetcher,
        *,
        finder: EndpointFinder | None = None,
        max_pages: int = 1000,
    ) -> None:
        kind = list_kind(location)
        if kind is None:
            raise HarvestError(f"{location}: not a data.gouv.fr API list (/api/1/dataservices/ or /api/1/datasets/)")
        self.name, self.location, self.kind = name, location, kind
        self.iris, self.fetcher, self.finder, self.max_pages = iris, fetcher, finder, max_pages
        self.urls: list[str] = []
        self.notes: list[str] = []

    @property
    def pages(self) -> int:
        return len(self.urls)

    @property
    def warnings(self) -> list[str]:
        return self.notes + (self.finder.warnings if self.finder is not None else [])

    def records(self) -> Iterator[Record]:
        objects = [obj for start in starts(self.location) for obj in self._walk(start)]
        source = DatagouvSource(self.iris, fetch=self._fetch, name=self.name)
        if self.kind == "dataservices":
            source.dataservices = [objects]
        else:
            source.datasets = [objects]
        for rec in source.records():
            yield self.finder.complete(rec) if self.finder is not None else rec

    def _walk(self, start: str) -> Iterator[dict[str, Any]]:
        url: str | None = start
        seen: set[str] = set()
        while url:
            if url in seen:
                self.notes.append(f"{url} was read already (a loop): stopped there")
                return
            if len(self.urls) >= self.max_pages:
                self.notes.append(f"stopped after {self.max_pages} pages (harvest_max_pages); the rest was not read")
                return
            seen.add(url)
            page = self._fetch(url)
            self.urls.append(url)
            for obj in items(page):
                if isinstance(obj, dict):
                    yield obj
            following = page.get("next_page") if isinstance(page, dict) else None
            url = following if isinstance(following, str) and following else None

    def _fetch(self, url: str) -> Any:
        data = self.fetcher.get_bytes(url)
        try:
            return json.loads(data)
        except json.JSONDecodeError as e:
            raise HarvestError(f"{url}: invalid JSON, line {e.lineno}, column {e.colno}: {e.msg}") from None
