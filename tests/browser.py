"""The real service in a subprocess on 127.0.0.1 and Debian's Chromium driven by Playwright: the browser tests
(tests/test_browser_*.py) see the pages as a person does. Screenshots are kept in var/screenshots/."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
# those the README shows: written there only when asked (RESSOURCERIE_DOCS_SCREENSHOTS=1), so that a test run
# leaves the checkout as it was; otherwise beside the other screenshots
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("RESSOURCERIE_DOCS_SCREENSHOTS") else SCREENSHOTS
CHROMIUM = os.environ.get("RESSOURCERIE_CHROMIUM", "/usr/bin/chromium")
MODERATOR_TOKEN = "moderation-token-for-tests"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    store_path: Path
    log: Path
    moderator_token: str = MODERATOR_TOKEN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(directory: Path, seeded_dir: Path, **settings: str) -> Iterator[LiveServer]:
    """`ressourcerie serve` on a copy of the seed store, on a free port; stopped when the generator closes."""
    store = directory / "store"
    shutil.copytree(seeded_dir, store)
    port = int(settings.pop("port", 0)) or free_port()
    env = {
        **os.environ,
        "RESSOURCERIE_STORE_PATH": str(store),
        "RESSOURCERIE_PORT": str(port),
        "RESSOURCERIE_QUERY_WORKERS": "1",
        "RESSOURCERIE_MODERATION_TOKEN_SHA256": hashlib.sha256(MODERATOR_TOKEN.encode()).hexdigest(),
        "RESSOURCERIE_FEATURE_DATAGOUV_SEARCH": "false",  # no outgoing requests from the tests
        **{f"RESSOURCERIE_{k.upper()}": v for k, v in settings.items()},
    }
    log = directory / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the service stopped: {log.read_text()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the service did not answer in 60 s: {log.read_text()}")
            time.sleep(0.2)
        yield LiveServer(url, store, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def launch_browser():  # type: ignore[no-untyped-def]
    """(playwright, browser), or a skip outside CI when Chromium is missing (CI installs it: .ci/run)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    return pw, pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def screenshot(page, name: str, folder: Path = SCREENSHOTS, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """Keep a screenshot (of the whole page, or of what the window shows): <folder>/<name>.png, by default a
    test artifact in var/screenshots/."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def inject_axe(page) -> None:  # type: ignore[no-untyped-def]
    """Put axe-core in the page. Evaluated through the browser's debugging protocol, as a test tool, not as a
    script tag: the pages' Content Security Policy (script-src 'self') rightly refuses inline scripts."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (npm ci)")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")


def open_settled(page, url: str, timeout: float = 30_000):  # type: ignore[no-untyped-def]
    """``page.goto(url)``, then wait until the network is idle. A page that does not settle in ``timeout`` ms is
    loaded once more (a machine busy with other tests can stall one load); if it does not settle again, the test
    fails naming the requests still pending. Returns the last navigation's response."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pending: dict[object, str] = {}
    page.on("request", lambda r: pending.__setitem__(r, r.url))
    page.on("requestfinished", lambda r: pending.pop(r, None))
    page.on("requestfailed", lambda r: pending.pop(r, None))
    response = page.goto(url)
    try:
        page.wait_for_load_state("networkidle", timeout=timeout)
        return response
    except PlaywrightTimeout:
        first = sorted(pending.values())
    pending.clear()
    response = page.reload()
    try:
        page.wait_for_load_state("networkidle", timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"{url} never settled: pending {first}, then {sorted(pending.values())}") from None
    return response
