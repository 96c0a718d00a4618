"""Record pages render in a pool of their own (``page_threads``): at most that many at once, the others waiting
their turn, while the rest of the service keeps answering."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from graph.config import Settings
from graph.errors import ConfigError
from graph.web import pagethreads
from graph.web.pages import linked

PAGES = [f"/resource/api-sirene?n={i}" for i in range(6)]  # a query string each: six renders, no kept copy


class Renders:
    """Stands in for the record render: counts the renders running at once, each held until released."""

    def __init__(self, render: Callable[..., object]) -> None:
        self.render = render
        self.lock = threading.Lock()
        self.running = self.most = self.started = 0
        self.go = threading.Event()

    def __call__(self, *args: object, **kwargs: object) -> object:
        with self.lock:
            self.running += 1
            self.started += 1
            self.most = max(self.most, self.running)
        try:
            self.go.wait(timeout=30)  # released by the test; the timeout only ends a failed one
            return self.render(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1

    def wait_started(self, n: int) -> None:
        for _ in range(500):
            if self.started >= n:
                return
            threading.Event().wait(0.01)
        raise AssertionError(f"{self.started} renders started, {n} expected")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Renders:
    held = Renders(linked._describe)
    monkeypatch.setattr(linked, "_describe", held)
    return held


def test_no_more_pages_render_at_once_than_page_threads(
    make_client: Callable[..., TestClient], renders: Renders
) -> None:
    client = make_client(page_threads=2)
    with ThreadPoolExecutor(len(PAGES)) as pool:
        answers = [pool.submit(client.get, path, headers={"Accept": "text/html"}) for path in PAGES]
        renders.wait_started(2)
        threading.Event().wait(0.3)  # time for more renders to start, were the pool larger
        assert renders.started == 2
        renders.go.set()
        assert [a.result(timeout=30).status_code for a in answers] == [200] * len(PAGES)
    assert renders.most == 2 and renders.started == len(PAGES)


def test_the_service_answers_other_requests_while_every_page_thread_is_busy(
    make_client: Callable[..., TestClient], renders: Renders
) -> None:
    client = make_client(page_threads=1)
    with ThreadPoolExecutor(2) as pool:
        pages = [pool.submit(client.get, path, headers={"Accept": "text/turtle"}) for path in PAGES[:2]]
        renders.wait_started(1)
        # the one page thread is held and a second page waits for it: search, SPARQL and the home page answer
        assert client.get("/search", params={"q": "sirene"}, headers={"Accept": "application/json"}).status_code == 200
        ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
        assert ask.json()["boolean"] is True
        assert client.get("/").status_code == 200
        assert renders.started == 1 and not any(p.done() for p in pages)
        renders.go.set()
        assert [p.result(timeout=30).status_code for p in pages] == [200, 200]


def test_page_threads_default_to_one_per_core_and_refuse_a_negative_number() -> None:
    import os

    assert pagethreads.threads(3) == 3
    assert pagethreads.threads(0) == len(os.sched_getaffinity(0))
    with pytest.raises(ConfigError, match="page_threads must be 0"):
        Settings(page_threads=-1)
