"""Building a large store's search index in a child process.

Python keeps the memory a process has freed for its own later use: building the index of a 1M-triple store in
the service left it about 190 MB larger for as long as it ran (350 MB instead of 160 MB). Built in a child
process, that memory goes back to the system when the child ends; the service then opens the index in step.
Small stores are indexed in the service itself, which saves the child's start (about a second).
"""

from __future__ import annotations

import logging
import multiprocessing

from graph.config import Settings
from graph.search.index import SearchIndex
from graph.store import open_store

log = logging.getLogger("ressourcerie.search")

APART_FROM = 200_000  # quads in the store from which a stale index is built in a child process


def sync_apart(settings: Settings) -> bool:
    """Bring the settings' search index in step with their store in a child process (which opens the store: the
    caller must not hold an embedded one open). True if the child succeeded; on failure the caller builds the
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
