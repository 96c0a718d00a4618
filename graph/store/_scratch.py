"""A temporary directory for the answers of a process that may be killed: named with the process id, so that the
next process removes those whose owner no longer runs (a ``kill -9`` leaves its directory behind)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "ressourcerie-answers-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(directory: str | None = None) -> list[Path]:
    """Remove the answer directories of processes that no longer run; returns those removed."""
    removed = []
    for path in Path(directory or tempfile.gettempdir()).glob(PREFIX + "*"):
        m = _OWNED.match(path.name)
        if m and int(m.group(1)) != os.getpid() and not _running(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def scratch_dir(directory: str | None = None) -> str:
    """A new answers directory for this process, after sweeping those of dead processes."""
    sweep(directory)
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=directory)
