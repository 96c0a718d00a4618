"""The source adapters as harvest sources: ``ressourcerie harvest --adapter NAME LOCATION...`` reads each
LOCATION (a file or a URL, through the harvest fetcher: timeouts, retries, size cap) and hands the adapter
its payloads. The records then go through the same pipeline as a DCAT catalogue's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.errors import BadRequest, HarvestError
from graph.iris import Iris
from loaders.apigouv_source import ApigouvSource
from loaders.codegouv import CodeGouvSource, Publishers
from loaders.datagouv import DatagouvSource
from loaders.harvest.fetch import Fetcher, is_url
from loaders.harvest.records import Source
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


def build(adapter: str, locations: list[str], iris: Iris, fetcher: Fetcher, accounts: str | None = None) -> Source:
    """The adapter's Source over the payloads read from ``locations``."""
    if adapter not in ADAPTERS:
        raise BadRequest(f"unknown adapter {adapter!r}; the adapters are: {', '.join(ADAPTERS)}")
    if not locations:
        raise BadRequest(f"--adapter {adapter} needs at least one LOCATION: {ADAPTERS[adapter]}")

    def read(location: str) -> bytes:
        return fetcher.get_bytes(location)

    publishers = Publishers.load(read(accounts)) if accounts else Publishers()
    makers: dict[str, Callable[[], Source]] = {
        "datagouv": lambda: _datagouv(locations, iris, read),
        "apigouv": lambda: _apigouv(locations, iris),
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


def _apigouv(locations: list[str], iris: Iris) -> ApigouvSource:
    folder = Path(locations[0])
    if is_url(locations[0]) or not folder.is_dir():
        raise BadRequest(f"--adapter apigouv reads a folder ({ADAPTERS['apigouv']}), not {locations[0]!r}")
    return ApigouvSource(iris, folder)
