"""The read handlers that render in a thread (record pages in every format, catalogue pages, VoID, the dump) run
in a pool of their own, as many at once as ``page_threads`` (one per core by default); the others wait their
turn, first come first served.

A page is mostly Python (queries read through pyoxigraph, then the template), so renders share one interpreter
lock: forty threads rendering at once (the framework's default pool) only take turns with each other and with
the event loop that reads and writes the sockets, and each render is slower for it. Measured at 1M triples with
10 clients (``bench/PROFILES.md``): two threads instead of forty serve more resource and organisation pages per
second, at a lower p99 and a lower CPU cost a page. Writes, sign-ins and the other handlers that hand work to a
thread keep the framework's pool, so a page never waits behind a write waiting for the writer, nor a write
behind pages.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter


def threads(setting: int) -> int:
    """How many renders run at once: the setting, or one per core the process may use when it is 0."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def in_pool(handler: Callable[..., Any], limiter: CapacityLimiter) -> Callable[..., Any]:
    """``handler`` (a sync route handler) run in a thread taken from ``limiter``; its signature is kept, so the
    framework reads the same parameters from the request. An async handler is returned as it is."""
    if inspect.iscoroutinefunction(handler):
        return handler

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(handler, *args, **kwargs), limiter=limiter)

    return run
