"""Stores: the interface (``Store``) and the embedded default."""

from __future__ import annotations

from graph.config import Settings
from graph.store.base import GraphInfo, SelectResult, Store, StoreStats
from graph.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphInfo", "SelectResult", "Store", "StoreStats", "open_store"]


def open_store(settings: Settings) -> Store:
    return EmbeddedStore(settings.store_path)
