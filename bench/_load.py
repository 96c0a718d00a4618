"""A fixed-duration HTTP load: N client threads send the same kind of request in a loop, loopback only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench._common import percentile


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def run_load(
    request: Callable[[httpx.Client, int], httpx.Response],
    clients: int,
    duration: float,
    timeout: float = 30.0,
    ok: Callable[[httpx.Response], bool] = lambda r: r.is_success,
) -> LoadResult:
    """Each client calls ``request(client, i)`` (i counts its requests) until ``duration`` has passed;
    requests in flight then finish. Answers ``ok`` refuses (by default, non-2xx) count as errors, not latencies."""
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(offset: int) -> None:
        mine: list[float] = []
        errors = 0
        with httpx.Client(timeout=timeout) as client:
            i = offset
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                response = request(client, i)
                elapsed = time.perf_counter() - t0
                if ok(response):
                    mine.append(elapsed)
                else:
                    errors += 1
                i += clients
        with lock:
            result.latencies.extend(mine)
            result.errors += errors

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - start
    return result
