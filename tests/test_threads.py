from __future__ import annotations

import threading
import time
import uuid
import zlib
from collections.abc import Iterator

import pytest
from pyoxigraph import NamedNode, Quad

from graph.errors import StoreError
from graph.store import EmbeddedStore
from graph.threads import ahead
from graph.web.protocol.descriptions import gzip_nquads


def test_items_come_in_order_made_in_a_thread_of_their_own_ahead_of_the_caller() -> None:
    made_in: set[str] = set()
    made: list[int] = []

    def items() -> Iterator[int]:
        for i in range(50):
            made_in.add(threading.current_thread().name)
            made.append(i)
            yield i

    got = []
    for i in ahead(items(), maxsize=2, name="test-ahead"):
        if i == 0:
            time.sleep(0.2)  # the thread goes on meanwhile, up to its queue's size
            assert len(made) >= 3
        got.append(i)
    assert got == list(range(50))
    assert made_in == {"test-ahead"}


def test_the_error_comes_after_the_items_made_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("page 3 is malformed")

    got = []
    with pytest.raises(ValueError, match="page 3 is malformed"):
        for i in ahead(items()):
            got.append(i)
    assert got == [1, 2]


def test_a_caller_that_stops_early_ends_the_thread() -> None:
    made: list[int] = []

    def items() -> Iterator[int]:
        for i in range(10_000):
            made.append(i)
            yield i

    before = threading.active_count()
    for i in ahead(items(), name="test-stop"):
        if i == 3:
            break
    deadline = time.monotonic() + 5
    while any(t.name == "test-stop" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "test-stop" for t in threading.enumerate())
    assert threading.active_count() <= before and len(made) < 10


class _Failing(EmbeddedStore):
    """A store whose reading fails after ``fail_at`` quads."""

    fail_at: int | None = 15_000

    def quads(self, *args: object, **kwargs: object) -> Iterator[Quad]:  # type: ignore[override]
        for n, q in enumerate(super().quads()):
            if n == self.fail_at:
                raise OSError("disk read failed")
            yield q


def _complete(gzipped: bytes) -> bool:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    d.decompress(gzipped)
    return d.eof


def test_a_dump_that_fails_ends_without_the_gzip_trailer() -> None:
    store = _Failing()
    g, p = NamedNode("https://example.org/g"), NamedNode("https://example.org/p")
    store.add(Quad(NamedNode(f"https://example.org/{uuid.uuid4().hex}"), p, g, g) for _ in range(20_000))
    chunks = []
    with pytest.raises(StoreError, match="the dump failed while it was sent"):
        for chunk in gzip_nquads(store):
            chunks.append(chunk)
    assert chunks  # some were sent before the failure ...
    assert not _complete(b"".join(chunks))  # ... and a reader sees the archive cut short
    store.fail_at = None
    whole = b"".join(gzip_nquads(store))  # the same store read to the end
    assert _complete(whole) and zlib.decompress(whole, 16 + zlib.MAX_WBITS).count(b"\n") == 20_000
