"""A client for data.gouv.fr's API: search (``/api/2/datasets/search/``, ``/api/2/dataservices/search/``) with
typed hits and paging, and objects by id. The search page's data.gouv.fr panel uses it; the data.gouv.fr source
adapter turns its hits into records (``loaders.datagouv_search``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graph.config import Settings
from graph.errors import BadRequest, HarvestError, SourceTimeout
from graph.http import Http, HttpFailure
from graph.text import excerpt

SITE = "https://www.data.gouv.fr/fr"
KINDS = ("dataset", "dataservice")
MAX_PAGE_SIZE = 100
FILTERS = {
    "dataset": {
        "tag", "badge", "organization", "organization_badge", "owner", "license", "geozone", "granularity", "format",
        "schema", "temporal_coverage", "featured", "topic", "access_type", "format_family", "producer_type",
        "last_update_range", "sort",
    },
    "dataservice": {
        "tag", "topic", "organization", "archived", "featured", "access_type", "producer_type", "last_update_range",
        "sort",
    },
}  # fmt: skip


def page_url(kind: str, slug: str) -> str:
    """The data.gouv.fr page of a dataset or dataservice, as api.gouv.fr and udata link it."""
    return f"{SITE}/{kind}s/{slug}/"


@dataclass(frozen=True)
class Hit:
    kind: str  # "dataset" or "dataservice"
    id: str
    title: str
    excerpt: str
    url: str  # the data.gouv.fr page
    organisation: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    page: int
    page_size: int
    total: int
    next_page: str | None


class DatagouvClient:
    """``DatagouvClient("https://www.data.gouv.fr/api/").search("dataservice", "sirene")``."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.http = Http(timeout=timeout, headers={"Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> DatagouvClient:
        return cls(settings.datagouv_api_url, **kwargs)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> DatagouvClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON document (also the ``fetch`` a ``DatagouvSource`` takes to read paged resources)."""
        try:
            response = self.http.request("GET", url, params=params)
        except HttpFailure as e:
            if e.timed_out:
                raise SourceTimeout(f"data.gouv.fr did not answer in time ({url})") from None
            raise HarvestError(f"data.gouv.fr is unreachable ({url}): {e.reason}") from None
        if response.status_code == 404:
            raise HarvestError(f"data.gouv.fr has no such object ({response.url})")
        if response.status_code >= 400:
            raise HarvestError(f"data.gouv.fr answered {response.status_code} to {response.url}")
        try:
            return response.json()
        except ValueError:
            raise HarvestError(f"data.gouv.fr answered {response.url} with something that is not JSON") from None

    def search(self, kind: str, q: str = "", *, page: int = 1, page_size: int = 20, **filters: str) -> Results:
        """One page of hits for ``q`` (words are ANDed), with data.gouv.fr's filters (``organization``, ``tag``,
        ``access_type``...)."""
        if kind not in KINDS:
            raise BadRequest(f"unknown kind {kind!r}: search 'dataset' or 'dataservice'")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise BadRequest(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        if page < 1:
            raise BadRequest(f"page must be 1 or more, not {page}")
        unknown = set(filters) - FILTERS[kind]
        if unknown:
            allowed = ", ".join(sorted(FILTERS[kind]))
            raise BadRequest(f"unknown {kind} filter {', '.join(sorted(unknown))}: use {allowed}")
        params = {"q": q, "page": page, "page_size": page_size, **{k: v for k, v in filters.items() if v}}
        return self._results(kind, self.fetch(f"{self.base_url}2/{kind}s/search/", params))

    def search_all(
        self, kind: str, q: str = "", *, limit: int = 100, page_size: int = 50, **filters: str
    ) -> Iterator[Hit]:
        """Hits page after page (following ``next_page``), at most ``limit``; stops if a page repeats."""
        results = self.search(kind, q, page=1, page_size=min(page_size, MAX_PAGE_SIZE), **filters)
        seen: set[str] = set()
        count = 0
        while True:
            for hit in results.hits:
                if count >= limit:
                    return
                count += 1
                yield hit
            if not results.next_page or results.next_page in seen:
                return
            seen.add(results.next_page)
            results = self._results(kind, self.fetch(results.next_page))

    def get(self, kind: str, ident: str) -> dict[str, Any]:
        if kind not in KINDS:
            raise BadRequest(f"unknown kind {kind!r}: 'dataset' or 'dataservice'")
        if not ident or not ident.replace("-", "").replace("_", "").isalnum():
            raise BadRequest(f"not a data.gouv.fr id or slug: {ident!r}")
        found = self.fetch(f"{self.base_url}1/{kind}s/{ident}/")
        if not isinstance(found, dict):
            raise HarvestError(f"data.gouv.fr answered {kind} {ident!r} with something that is not an object")
        return found

    def _results(self, kind: str, payload: Any) -> Results:
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            raise HarvestError("data.gouv.fr search answered without a list of results ('data')")
        hits = [self._hit(kind, obj) for obj in payload["data"] if isinstance(obj, dict) and obj.get("id")]
        return Results(
            hits,
            int(payload.get("page") or 1),
            int(payload.get("page_size") or len(hits)),
            int(payload.get("total") or 0),
            payload.get("next_page") or None,
        )

    def _hit(self, kind: str, obj: dict[str, Any]) -> Hit:
        org: dict[str, Any] = obj["organization"] if isinstance(obj.get("organization"), dict) else {}
        url = obj.get("self_web_url") or obj.get("page") or page_url(kind, obj.get("slug") or obj["id"])
        text = obj.get("description_short") or obj.get("description")
        return Hit(kind, obj["id"], obj.get("title") or "", excerpt(text) or "", url, org.get("name"), obj)
