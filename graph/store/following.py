"""Reading the embedded store from another process, as the writing process last published it (the readers of
``graph/web/readers.py``).

After each write the writing process takes a snapshot of the store (``graph/store/pool.py``, for its SPARQL
workers) and publishes it: ``publish`` replaces ``following.json`` beside the snapshots in one step. A
``Follower`` looks at that file (one ``stat``); when it has moved, it links the snapshot's files into a directory
of its own, so that the writing process may delete its snapshot whenever it likes, and opens that copy
read-only (about 10 ms at 1M triples). The copies no page reads any more are deleted at the next move.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph

from graph.errors import StoreError
from graph.store.embedded import EmbeddedStore
from graph.store.pool import QueryPool
from graph.store.queries import QueryRunner

POINTER = "following.json"


def snapshots_of(runner: QueryRunner) -> tuple[Path, Callable[[], str]]:
    """Where the embedded store's snapshots are, and the newest one's directory (an error for other stores)."""
    if not isinstance(runner, QueryPool):
        raise StoreError("page_processes needs the embedded store on disk (store = 'embedded', a store_path)")
    snapshots = runner.snapshots
    return snapshots.directory, lambda: snapshots.current


def publish(directory: Path, state: dict[str, Any]) -> None:
    """Replace the pointer file in one step: a reader sees the old one or the new one, never half of one."""
    part = directory / f".{POINTER}.{os.getpid()}"
    part.write_text(json.dumps(state))
    os.replace(part, directory / POINTER)


class Follower:
    """The store as the writing process last published it: a read-only copy of its newest snapshot."""

    def __init__(self, directory: Path, on_change: Callable[[pyoxigraph.Store, dict[str, Any]], None]) -> None:
        self.pointer = directory / POINTER
        self.own = directory / "readers" / str(os.getpid())
        shutil.rmtree(self.own, ignore_errors=True)
        self.own.mkdir(parents=True)
        self.on_change = on_change
        self._seen: tuple[int, int] | None = None
        self._count = 0
        self._opened: list[tuple[pyoxigraph.Store, Path]] = []  # the copies opened, the newest last
        self._lock = threading.Lock()

    def catch_up(self) -> bool:
        """Follow the pointer if it moved since the last look (one ``stat`` when it has not). True if it had."""
        try:
            stat = os.stat(self.pointer)
        except FileNotFoundError:
            raise StoreError(f"the writing process has published no snapshot at {self.pointer}") from None
        if (stat.st_ino, stat.st_mtime_ns) == self._seen:
            return False
        with self._lock:
            if (stat.st_ino, stat.st_mtime_ns) == self._seen:
                return False
            store, state, copy = self._open_newest()
            self._seen = (stat.st_ino, stat.st_mtime_ns)
            self.on_change(store, state)
            self._opened.append((store, copy))
            del store
            self._sweep()
        return True

    def _sweep(self) -> None:
        """Close and delete the older copies no page reads any more (only this list holds them)."""
        kept = []
        for entry in self._opened[:-1]:
            if sys.getrefcount(entry[0]) > 2:  # more than the tuple and the call's argument: read elsewhere
                kept.append(entry)
            else:
                shutil.rmtree(entry[1], ignore_errors=True)
        self._opened = [*kept, self._opened[-1]]

    def _open_newest(self) -> tuple[pyoxigraph.Store, dict[str, Any], Path]:
        for _attempt in range(50):  # the snapshot named may be deleted by a newer write before it is linked
            state = json.loads(self.pointer.read_text())
            self._count += 1
            copy = self.own / str(self._count)
            try:
                copy.mkdir()
                for name in os.listdir(state["snapshot"]):
                    os.link(os.path.join(state["snapshot"], name), copy / name)
            except FileNotFoundError:
                shutil.rmtree(copy, ignore_errors=True)
                time.sleep(0.01)
                continue
            return pyoxigraph.Store.read_only(str(copy)), state, copy
        raise StoreError(f"no snapshot named by {self.pointer} could be opened: the writing process moves too fast")


class FollowingStore(EmbeddedStore):
    """The embedded store's reads, over the copy a ``Follower`` opened last (writes fail: it is read-only)."""

    def __init__(self, label: str) -> None:  # no call to EmbeddedStore.__init__: nothing is opened here
        self.path = None
        self._label = label
        self._store = pyoxigraph.Store()

    @property
    def label(self) -> str:
        return self._label

    def read(self, opened: pyoxigraph.Store) -> None:
        """Read from now on the copy a ``Follower`` has just opened."""
        self._store = opened
