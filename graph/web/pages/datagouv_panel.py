"""Beside the search results: what data.gouv.fr holds for the same words (datasets and APIs), each with a link
that opens the proposal form already filled in, so a resource we lack is proposed in one click.

data.gouv.fr is asked through its client (graph/datagouv.py), with a short
timeout; its answer is kept a few minutes per query. When it does not answer, the panel says so and the search
page is served all the same."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool

from graph import features
from graph.config import Settings
from graph.datagouv import DatagouvClient, Hit
from graph.errors import RessourcerieError, SourceTimeout
from graph.proposals import OTHER
from graph.text import plain

log = logging.getLogger("ressourcerie.web")
PER_KIND = 4  # hits shown per kind (datasets, APIs)
TIMEOUT = 4.0  # seconds: a slow data.gouv.fr must not hold the page
KEEP = 300.0  # seconds an answer is kept
PAUSE = 60.0  # seconds data.gouv.fr is not asked again after it failed: a down service must not slow every search
KIND_LABELS = {"dataset": "Jeu de données", "dataservice": "API"}
OUR_KIND = {"dataset": "dataset", "dataservice": "api"}


@dataclass
class Suggestion:
    kind: str
    title: str
    excerpt: str
    url: str
    organisation: str | None
    propose: str | None  # the filled-in proposal form, when contributions are on


@dataclass
class Panel:
    query: str
    suggestions: list[Suggestion] = field(default_factory=list)
    error: str | None = None
    search_url: str = ""


_cache: dict[tuple[str, str], tuple[float, Panel]] = {}
_failed: dict[str, tuple[float, str]] = {}  # API URL -> (when it last failed, why)
_lock = threading.Lock()


def proposal_link(hit: Hit) -> str:
    """The proposal form filled in from a data.gouv.fr hit (fields of /contribute/resource)."""
    payload = hit.payload
    description = _plain(str(payload.get("description") or hit.excerpt or ""))[:450]
    values = {
        "title": hit.title[:200],
        "kind": OUR_KIND[hit.kind],
        "description": description,
        "landing_page": hit.url,
        # a new organisation by name: on approval, a known organisation of that name is reused
        "producer": OTHER if hit.organisation else "",
        "producer_name": hit.organisation or "",
        "endpoint": str(payload.get("base_api_url") or "") if hit.kind == "dataservice" else "",
        "documentation": str(
            payload.get("machine_documentation_url") or payload.get("technical_documentation_url") or ""
        ),
    }
    return "/contribute/resource?" + urlencode({k: v for k, v in values.items() if v})


def _plain(markdown: str) -> str:
    """data.gouv.fr descriptions are Markdown: keep the words, on one line."""
    return " ".join(plain(markdown).split())


def _search_url(q: str) -> str:
    return "https://www.data.gouv.fr/fr/datasets/?" + urlencode({"q": q})


def _ask(settings: Settings, q: str) -> Panel:
    panel = Panel(q, search_url=_search_url(q))
    try:
        with DatagouvClient.from_settings(settings, timeout=TIMEOUT) as client:
            for kind in ("dataservice", "dataset"):
                for hit in client.search(kind, q, page_size=PER_KIND).hits:
                    panel.suggestions.append(
                        Suggestion(
                            KIND_LABELS[kind],
                            hit.title,
                            _plain(hit.excerpt)[:240],
                            hit.url,
                            hit.organisation,
                            proposal_link(hit) if features.enabled(settings, "contributions") else None,
                        )
                    )
    except SourceTimeout as e:
        log.warning("data.gouv.fr panel: %s", e.message)
        panel.error = "data.gouv.fr n'a pas pu être interrogé : il n'a pas répondu à temps"
    except RessourcerieError as e:  # the technical reason goes to the log, the reader gets plain words
        log.warning("data.gouv.fr panel: %s", e.message)
        panel.error = "data.gouv.fr n'a pas pu être interrogé : le site est injoignable ou a répondu par une erreur"
    return panel


async def panel_for(settings: Settings, q: str) -> Panel | None:
    """The data.gouv.fr panel for a query, or None when the feature is off or there is nothing to ask."""
    q = q.strip()
    if not features.enabled(settings, "datagouv_search") or not q:
        return None
    key = (settings.datagouv_api_url, q.lower())
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < KEEP:
            return hit[1]
        failed = _failed.get(settings.datagouv_api_url)
    if failed and now - failed[0] < PAUSE:
        return Panel(q, error=failed[1], search_url=_search_url(q))
    panel = await run_in_threadpool(_ask, settings, q)
    with _lock:
        if panel.error is None:
            _failed.pop(settings.datagouv_api_url, None)
            if len(_cache) > 500:
                _cache.clear()
            _cache[key] = (now, panel)
        else:
            _failed[settings.datagouv_api_url] = (now, panel.error)
    return panel
