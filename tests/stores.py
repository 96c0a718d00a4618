"""Copies of on-disk stores for tests that write: the module-wide seeded store stays as built."""

from __future__ import annotations

from pathlib import Path

from graph.store import EmbeddedStore


def copy_of(source: Path, to: Path) -> Path:
    """A consistent on-disk copy of the store at ``source``, at ``to``."""
    store = EmbeddedStore(source)
    try:
        store.backup(to)
    finally:
        store.close()
    return to
