"""A backup of an embedded store that a running service holds open (RocksDB's lock keeps any other process out).

The service's query pool takes a RocksDB checkpoint of the store after every write (``<store_path>-snapshots/N``,
``graph.store.pool``): the newest one is the store as it is, consistent, and never written again. A backup copies
it file by file; if the service deletes it meanwhile (a write came and no query reads it), the copy starts again
from the newer one. The copy is opened before it is put in place, so a backup that exists is a store that opens.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph

from graph.errors import StoreError

ATTEMPTS = 5


def snapshots_of(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + "-snapshots")


def newest_snapshot(store_path: Path) -> Path | None:
    folder = snapshots_of(store_path)
    if not folder.is_dir():
        return None
    found = sorted((p for p in folder.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    return found[-1] if found else None


def backup_from_service(store_path: Path, directory: Path) -> str:
    """Copy the running service's newest snapshot of ``store_path`` to ``directory`` (which must not hold
    anything yet); returns what was written, for a message."""
    if directory.exists() and any(directory.iterdir()):
        raise StoreError(f"backup to {directory} failed: the directory is not empty")
    partial = directory.with_name(directory.name + ".partial")
    for _ in range(ATTEMPTS):
        source = newest_snapshot(store_path)
        if source is None:
            raise StoreError(
                f"the store at {store_path} is held by another process and has no snapshot to copy (is the service "
                "starting?); try again, or stop the process and back up the store itself"
            )
        shutil.rmtree(partial, ignore_errors=True)
        try:
            shutil.copytree(source, partial, ignore=shutil.ignore_patterns("LOCK", "LOG*"))
        except (FileNotFoundError, shutil.Error):
            continue  # deleted under the copy: a newer one exists
        try:
            copy = pyoxigraph.Store(str(partial))
            quads = len(copy)
            copy.flush()
            del copy
        except (OSError, RuntimeError) as e:
            shutil.rmtree(partial, ignore_errors=True)
            raise StoreError(f"the copy of {source} does not open: {e}") from None
        if directory.exists():
            directory.rmdir()
        partial.rename(directory)
        return f"backup written to {directory} ({quads} quads, from the running service's snapshot {source.name})"
    shutil.rmtree(partial, ignore_errors=True)
    raise StoreError(f"backup of {store_path} failed: the service's snapshots changed {ATTEMPTS} times during the copy")
