"""Stores: the interface (``Store``), the embedded default and the remote SPARQL store.

``open_store`` is the one place that picks a backend from the settings; everything else speaks ``Store``
(including ``Store.query_runner`` for /sparql). The backends are imported when first asked for, so that a query
worker process, which imports ``graph.store.queries``, loads neither of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.store.base import GraphInfo, SelectResult, Store, StoreStats

if TYPE_CHECKING:
    from graph.config import Settings
    from graph.store.embedded import EmbeddedStore
    from graph.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "GraphInfo", "RemoteStore", "SelectResult", "Store", "StoreStats", "open_store"]


def open_store(settings: Settings) -> Store:
    """The store the settings choose: ``store = "embedded"`` (the default) or ``"sparql+http://..."``."""
    if settings.store == "embedded":
        return _backend("EmbeddedStore")(settings.store_path)  # type: ignore[no-any-return]
    query_url = settings.store.removeprefix("sparql+")
    return _backend("RemoteStore")(  # type: ignore[no-any-return]
        query_url,
        update_url=settings.store_update_url or None,
        gsp_url=settings.store_gsp_url or None,
        user=settings.store_user,
        password=settings.store_password,
        auth=settings.store_auth,
        timeout=settings.store_timeout,
    )


def _backend(name: str) -> Any:
    if name == "EmbeddedStore":
        from graph.store.embedded import EmbeddedStore

        return EmbeddedStore
    from graph.store.remote import RemoteStore

    return RemoteStore


def __getattr__(name: str) -> Any:  # PEP 562: the backends on first use
    if name in ("EmbeddedStore", "RemoteStore"):
        return _backend(name)
    raise AttributeError(f"module 'graph.store' has no attribute {name!r}")
