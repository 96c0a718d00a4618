"""The bundled harvest sources (entry points ``ressourcerie.sources``, see ``graph.plugins``): ``dcat`` walks a
DCAT catalogue page by page; ``datagouv-api`` walks data.gouv.fr's API lists (dataservices, datasets) page by
page, or a data.gouv.fr DCAT catalogue; the source adapters (``ressourcerie harvest --adapter NAME
LOCATION...``) read each LOCATION (a file or a URL, through the harvest fetcher: timeouts, retries, size cap)
and map its payloads. The records then go through the same pipeline (``graph.harvest.pipeline``). APIs read
from api.gouv.fr sheets and data.gouv.fr's API get the endpoint their OpenAPI document states when no
endpoint is given (``loaders.harvest.openapi_fetch``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from graph.errors import BadRequest, HarvestError
from graph.harvest.records import Record, Source
from graph.harvest.sources import OpenSource, SourceKind, SourceRequest
from graph.iris import Iris, slugify
from loaders.apigouv_source import ApigouvSource
from loaders.codegouv import CodeGouvSource, Publishers
from loaders.datagouv import DatagouvSource
from loaders.harvest.datagouv_api import DatagouvApiSource, list_kind
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import Fetcher, is_url
from loaders.harvest.openapi_fetch import EndpointFinder
from loaders.harvest.paging import Page
from loaders.publiccode import PublicCodeSource
from loaders.sill import SillSource

# what each adapter reads, for --help and error messages
ADAPTERS = {
    "datagouv": "data.gouv.fr API JSON: dataservice and dataset payloads (v1/v2 objects or pages {data: [...]})",
    "apigouv": "a checkout of api.gouv.fr's _data folder (api/, producteurs/, service/)",
    "codegouv": "code.gouv.fr repositories (CSV or JSON)",
    "sill": "the SILL's sill.json (2022 archive or Catalogi export)",
    "publiccode": "publiccode.yml files",
}


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        raise HarvestError(f"{where}: invalid JSON, line {e.lineno}, column {e.colno}: {e.msg}") from None


def _is_dataservice(obj: Any) -> bool:
    return isinstance(obj, dict) and any(k in obj for k in ("base_api_url", "machine_documentation_url"))


def build(
    adapter: str,
    locations: list[str],
    iris: Iris,
    fetcher: Fetcher,
    accounts: str | None = None,
    finder: EndpointFinder | None = None,
) -> Source:
    """The adapter's Source over the payloads read from ``locations``; ``finder`` reads the OpenAPI documents of
    api.gouv.fr sheets (their endpoints)."""
    if adapter not in ADAPTERS:
        raise BadRequest(f"unknown adapter {adapter!r}; the adapters are: {', '.join(ADAPTERS)}")
    if not locations:
        raise BadRequest(f"--adapter {adapter} needs at least one LOCATION: {ADAPTERS[adapter]}")

    def read(location: str) -> bytes:
        return fetcher.get_bytes(location)

    publishers = Publishers.load(read(accounts)) if accounts else Publishers()
    makers: dict[str, Callable[[], Source]] = {
        "datagouv": lambda: _datagouv(locations, iris, read),
        "apigouv": lambda: _apigouv(locations, iris, finder),
        "codegouv": lambda: CodeGouvSource(iris, b"\n".join(read(loc) for loc in locations[:1]), publishers),
        "sill": lambda: SillSource(iris, read(locations[0]), publishers),
        "publiccode": lambda: PublicCodeSource(iris, {loc: read(loc) for loc in locations}, publishers),
    }
    if adapter in ("codegouv", "sill", "apigouv") and len(locations) > 1:
        raise BadRequest(f"--adapter {adapter} reads one LOCATION ({ADAPTERS[adapter]}), not {len(locations)}")
    return makers[adapter]()


def _datagouv(locations: list[str], iris: Iris, read: Callable[[str], bytes]) -> DatagouvSource:
    dataservices: list[Any] = []
    datasets: list[Any] = []
    for location in locations:
        payload = _json(read(location), location)
        objects = payload.get("data") if isinstance(payload, dict) and isinstance(payload.get("data"), list) else None
        for obj in objects if objects is not None else (payload if isinstance(payload, list) else [payload]):
            (dataservices if _is_dataservice(obj) else datasets).append(obj)
    return DatagouvSource(iris, dataservices=dataservices, datasets=datasets)


def _apigouv(locations: list[str], iris: Iris, finder: EndpointFinder | None) -> ApigouvSource:
    folder = Path(locations[0])
    if is_url(locations[0]) or not folder.is_dir():
        raise BadRequest(f"--adapter apigouv reads a folder ({ADAPTERS['apigouv']}), not {locations[0]!r}")
    return ApigouvSource(iris, folder, finder=finder)


# --- the sources as plugins -------------------------------------------------------------------------------------


class _Closing:
    """A source with the fetchers it reads through, closed with it; the source's facts (pages, warnings...) show
    through."""

    def __init__(self, source: Source, *fetchers: Fetcher) -> None:
        self._source, self._fetchers = source, fetchers

    @property
    def name(self) -> str:
        return self._source.name

    @name.setter
    def name(self, name: str) -> None:
        self._source.name = name

    def records(self) -> Iterator[Record]:
        return self._source.records()

    def close(self) -> None:
        for fetcher in self._fetchers:
            fetcher.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)


def _fetcher(request: SourceRequest) -> Fetcher:
    s = request.settings
    return Fetcher(timeout=s.harvest_timeout, retries=s.harvest_retries, max_bytes=s.harvest_max_bytes)


def _open_dcat(request: SourceRequest) -> OpenSource:
    if len(request.locations) != 1:
        raise BadRequest("harvest reads one catalogue at a time (or --all); several LOCATIONs go with --adapter")
    concepts = Concepts.from_store(request.store, request.iris.ontology_graph, NamedNode(request.settings.theme_scheme))
    fetcher = _fetcher(request)
    told = request.on_page

    def on_page(page: Page) -> None:
        if told is not None:
            told(len(page.quads))

    name = request.name or "catalogue"
    source = DcatSource(
        name, request.locations[0], request.iris, fetcher, concepts, max_pages=request.settings.harvest_max_pages,
        on_page=on_page,
    )  # fmt: skip
    return _Closing(source, fetcher)


def _finder(request: SourceRequest, fetcher: Fetcher) -> EndpointFinder:
    return EndpointFinder.like(fetcher, timeout=request.settings.harvest_timeout)


def _adapter(name: str) -> Callable[[SourceRequest], OpenSource]:
    def open_adapter(request: SourceRequest) -> OpenSource:
        fetcher = _fetcher(request)
        finder = _finder(request, fetcher) if name == "apigouv" else None
        try:
            source = build(name, request.locations, request.iris, fetcher, request.accounts, finder)
        except BaseException:
            fetcher.close()
            if finder is not None:
                finder.close()
            raise
        if request.name:
            source.name = slugify(request.name)
        return _Closing(source, fetcher, *([finder.fetcher] if finder is not None else []))

    return open_adapter


def _open_datagouv_api(request: SourceRequest) -> OpenSource:
    if len(request.locations) != 1:
        raise BadRequest("datagouv-api reads one location: a data.gouv.fr API list (with filters) or DCAT catalogue")
    location = request.locations[0]
    if list_kind(location) is None:  # a data.gouv.fr DCAT catalogue
        return _open_dcat(
            SourceRequest(
                request.name or "datagouv",
                [location],
                request.iris,
                request.settings,
                request.store,
                on_page=request.on_page,
            )
        )
    fetcher = _fetcher(request)
    finder = _finder(request, fetcher)
    source = DatagouvApiSource(
        slugify(request.name or "datagouv"), location, request.iris, fetcher, finder=finder,
        max_pages=request.settings.harvest_max_pages,
    )  # fmt: skip
    return _Closing(source, fetcher, finder.fetcher)


DCAT = SourceKind("dcat", "a DCAT catalogue (Turtle, RDF/XML, JSON-LD, N-Triples), followed page by page", _open_dcat)
DATAGOUV = SourceKind("datagouv", ADAPTERS["datagouv"], _adapter("datagouv"))
DATAGOUV_API = SourceKind(
    "datagouv-api",
    "data.gouv.fr's API: /api/1/dataservices/ (or /api/1/datasets/) with its filters (organization=...), page by "
    "page; or a data.gouv.fr DCAT catalogue",
    _open_datagouv_api,
    one_location=True,
)
APIGOUV = SourceKind("apigouv", ADAPTERS["apigouv"], _adapter("apigouv"), one_location=True)
CODEGOUV = SourceKind("codegouv", ADAPTERS["codegouv"], _adapter("codegouv"), one_location=True)
SILL = SourceKind("sill", ADAPTERS["sill"], _adapter("sill"), one_location=True)
PUBLICCODE = SourceKind("publiccode", ADAPTERS["publiccode"], _adapter("publiccode"))
