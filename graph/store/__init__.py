"""Stores: the interface (``Store``), the embedded default and the remote SPARQL store."""

from __future__ import annotations

from graph.config import Settings
from graph.store.base import GraphInfo, SelectResult, Store, StoreStats
from graph.store.embedded import EmbeddedStore
from graph.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "GraphInfo", "RemoteStore", "SelectResult", "Store", "StoreStats", "open_store"]


def open_store(settings: Settings) -> Store:
    """The store the settings choose: ``store = "embedded"`` (the default) or ``"sparql+http://..."``."""
    if settings.store == "embedded":
        return EmbeddedStore(settings.store_path)
    query_url = settings.store.removeprefix("sparql+")
    return RemoteStore(
        query_url,
        update_url=settings.store_update_url or None,
        gsp_url=settings.store_gsp_url or None,
        user=settings.store_user,
        password=settings.store_password,
        auth=settings.store_auth,
        timeout=settings.store_timeout,
    )
