"""Checking, and building if stale, a large store's search index in a child process.

Python keeps the memory a process has freed for its own later use: building the index of a 1M-triple store in
the service left it about 190 MB larger for as long as it ran (350 MB instead of 160 MB). Even when the index is
in step, checking it counts the store's triples per graph, which reads the whole store through the process's
storage cache (about 33 MB at 1M triples). A child process does both, and its memory goes back to the system
when it ends; the service then opens the index in step. Small stores are checked in the service itself, which
saves the child's start (about a second).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os

from graph.config import Settings
from graph.search.index import SearchIndex
from graph.store import open_store

log = logging.getLogger("ressourcerie.search")

APART_FROM_BYTES = 40 << 20  # a store this large on disk (about 200,000 quads) is checked by a child process


def on_disk(path: str) -> int:
    """The bytes of the files under ``path`` (0 when it does not exist)."""
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # a file RocksDB removed meanwhile
                total += os.stat(os.path.join(folder, name)).st_size
    return total


def sync_apart(settings: Settings) -> bool:
    """Bring the settings' search index in step with their store in a child process (which opens the store: the
    caller must not hold an embedded one open). True if the child succeeded; on failure the caller checks the
    index itself, which reports the error."""
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_sync, args=(settings,), name="ressourcerie-search-index")
    child.start()
    child.join()
    if child.exitcode != 0:
        log.warning("the search index could not be built in a child process (exit code %s)", child.exitcode)
    return child.exitcode == 0


def _sync(settings: Settings) -> None:
    store = open_store(settings)
    try:
        index = SearchIndex.open(settings.search_index_file, settings.base_iri)
        try:
            index.sync(store)
        finally:
            index.close()
    finally:
        store.close()
