"""Iterating in a thread of its own, ahead of the caller."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
_END = object()


@dataclass
class _Failed:
    error: BaseException


def ahead(items: Iterable[T], maxsize: int = 1, name: str = "ahead") -> Iterator[T]:
    """``items`` iterated in a thread, up to ``maxsize`` items ahead of the caller: the next one is made while the
    caller works on this one (a page fetched while the last is mapped, a dump chunk compressed while the last is
    sent). The iterator's error is raised here, after the items made before it. A caller that stops early (an
    error, a client gone) leaves the thread to end at its next item. An iterator that must stay in the thread
    that made it (pyoxigraph's) is made in that thread when ``items`` is a generator."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=maxsize)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the caller is gone

    def run() -> None:
        try:
            for item in items:
                if not hand(item):
                    return
        except BaseException as e:  # handed to the caller, raised there
            hand(_Failed(e))
            return
        hand(_END)

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    try:
        while (item := waiting.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
        worker.join()
    finally:
        stop.set()
