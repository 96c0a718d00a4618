"""What the community tests share: a real OpenID Connect provider (the npm package oidc-provider, run by node on
127.0.0.1: tests/oidc/provider.mjs), a real SMTP server (aiosmtpd on 127.0.0.1) that keeps what it receives,
and the steps of signing in through the provider's development pages as a browser would."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.browser import free_port

ROOT = Path(__file__).resolve().parent.parent
PROVIDER = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_ID = "ressourcerie"
CLIENT_SECRET = "ressourcerie-test-secret"
TESTSERVER = "http://testserver"


@dataclass
class OidcProvider:
    issuer: str
    proc: subprocess.Popen  # type: ignore[type-arg]

    def settings(self, service: str = TESTSERVER) -> dict[str, object]:
        """The settings of a service at ``service`` that signs in with this provider."""
        return {
            "feature_accounts": True,
            "oidc_issuer": self.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "oidc_redirect_uri": f"{service}/login/callback",
        }

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def start_provider(port: int, services: list[str]) -> OidcProvider:
    """The provider on 127.0.0.1:port, accepting the callbacks of the given service URLs."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and the npm package oidc-provider are needed: run `make setup` (npm ci)")
    redirects = ",".join(f"{s}/login/callback" for s in services)
    logouts = ",".join(f"{s}/logout/done" for s in services)
    proc = subprocess.Popen(
        [node, str(PROVIDER), str(port), redirects, logouts],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if line.startswith("ready "):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep draining its output
            return OidcProvider(line.split()[1], proc)
    proc.kill()
    pytest.fail("the OpenID provider did not start: " + "".join(lines))


@dataclass
class SmtpServer:
    """aiosmtpd's controller on 127.0.0.1, keeping every message it receives."""

    port: int
    messages: list[Message] = field(default_factory=list)
    controller: object = None

    def settings(self) -> dict[str, object]:
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_starttls": False,
            "smtp_from": "ne-pas-repondre@example.gouv.fr",
        }

    def wait_for(self, predicate, timeout: float = 15.0) -> Message:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in list(self.messages):
                if predicate(m):
                    return m
            time.sleep(0.1)
        raise AssertionError(f"no such message in {len(self.messages)}: {[m['Subject'] for m in self.messages]}")

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def start_smtp(port: int) -> SmtpServer:
    server = SmtpServer(port)

    class Handler:
        async def handle_DATA(self, _server, _session, envelope):  # type: ignore[no-untyped-def]
            server.messages.append(
                message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            )
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    server.controller = controller
    return server


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8") if isinstance(payload, bytes) else str(payload)


# --- signing in through the provider's development pages -----------------------------------------------------------

_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def through_provider(start: str, callback_prefix: str, login: str) -> str:
    """Follow the provider from its authorization URL as a browser does, signing in as ``login`` and consenting;
    the URL it finally sends the browser to (the service's callback, with the code and state)."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        url = start
        for _ in range(20):
            if url.startswith(callback_prefix):
                return url
            r = browser.get(url)
            if r.status_code in (302, 303):
                url = urljoin(url, r.headers["location"])
                continue
            assert r.status_code == 200, r.text[:500]
            action = urljoin(url, _ACTION.search(r.text).group(1))  # type: ignore[union-attr]
            data = dict(_HIDDEN.findall(r.text))
            if 'name="login"' in r.text:
                data.update({"login": login, "password": "mot-de-passe"})
            r = browser.post(action, data=data)
            assert r.status_code in (302, 303), r.text[:500]
            url = urljoin(action, r.headers["location"])
        raise AssertionError(f"the provider never sent the browser back (last: {url})")


def sign_in(client, login: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    """Sign in on a TestClient of the service as ``login``; the callback's answer."""
    r = client.get("/login", follow_redirects=False)
    assert r.status_code == 303, r.text
    back = through_provider(r.headers["location"], f"{TESTSERVER}/login/callback", login)
    parts = urlparse(back)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def servers(tmp: Path, ports: dict[str, int]) -> Iterator[tuple[OidcProvider, SmtpServer]]:
    """A provider for the test client and a live service on ports["service"], and an SMTP server."""
    provider = start_provider(
        ports.get("provider") or free_port(), [TESTSERVER, f"http://127.0.0.1:{ports['service']}"]
    )
    smtp = start_smtp(ports.get("smtp") or free_port())
    try:
        yield provider, smtp
    finally:
        smtp.controller.stop()  # type: ignore[attr-defined]
        provider.stop()
