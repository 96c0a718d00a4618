"""The README's first command, for real: `make serve` starts the service, which answers over a socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_make_serve_answers_sparql_over_http(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "RESSOURCERIE_STORE_PATH": str(tmp_path / "store"), "RESSOURCERIE_PORT": str(port)}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        ["make", "-s", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                r = httpx.get(
                    url,
                    params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?u a <http://www.w3.org/ns/duv#Usage> }"},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not come up in 120 s"
                time.sleep(0.5)
        assert r.status_code == 200
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "42"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
