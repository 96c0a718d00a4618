"""The real service for the robustness scripts (bench/crash.py, bench/soak.py, bench/fairness.py): a seeded store,
`ressourcerie serve` in a process group of its own on 127.0.0.1, ready when /readyz says so, stopped or killed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
WRITE_TOKEN = "bench-write-token"
MODERATION_TOKEN = "bench-moderation-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(store: Path, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``ressourcerie --store STORE ARGS`` in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESSOURCERIE_")}
    env["RESSOURCERIE_PROGRESS"] = "never"
    done = subprocess.run(
        [sys.executable, "-m", "graph.cli", "--store", str(store), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"ressourcerie {' '.join(args)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return done


def seeded(workdir: Path) -> Path:
    """A seeded store under ``workdir`` (built once, kept for the next runs)."""
    base = workdir / "seeded"
    if not (base / "CURRENT").exists():
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(base.with_name("seeded-search.sqlite"), ignore_errors=True)
        cli(base, "seed")
    return base


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a store and of its search index."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    index = source.with_name(source.name + "-search.sqlite")
    if index.exists():
        shutil.copy2(index, target.with_name(target.name + "-search.sqlite"))
    return target


@dataclass
class Service:
    url: str
    store: Path
    log: Path
    process: subprocess.Popen[bytes]

    def rss(self) -> int:
        """Resident memory of the service and its children (query workers, sandboxes), in bytes."""
        try:
            root = psutil.Process(self.process.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

    def stop(self) -> None:
        """SIGTERM to the process group, as systemd stops a service; SIGKILL after 20 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        _reap_group(self.process.pid)

    def kill(self) -> None:
        """``kill -9`` of the service process (a crash); its children are left to notice, then cleared."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        _reap_group(self.process.pid, grace=5.0)


def _reap_group(pgid: int, grace: float = 0.0) -> None:
    deadline = time.monotonic() + grace
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.2)
            return
        time.sleep(0.1)


def start(store: Path, log: Path, ready_timeout: float = 120.0, **settings: str) -> Service:
    """`ressourcerie serve` on ``store`` with writes and moderation on, and the given settings."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RESSOURCERIE_")}
    env.update(
        {
            "RESSOURCERIE_STORE_PATH": str(store),
            "RESSOURCERIE_PORT": str(port),
            "RESSOURCERIE_UPDATES": "true",
            "RESSOURCERIE_UPDATE_TOKEN_SHA256": hashlib.sha256(WRITE_TOKEN.encode()).hexdigest(),
            "RESSOURCERIE_MODERATION_TOKEN_SHA256": hashlib.sha256(MODERATION_TOKEN.encode()).hexdigest(),
            "RESSOURCERIE_FEATURE_DATAGOUV_SEARCH": "false",
            "RESSOURCERIE_PROGRESS": "never",
            **{f"RESSOURCERIE_{k.upper()}": v for k, v in settings.items()},
        }
    )
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(f"http://127.0.0.1:{port}", store, log, process)
    deadline = time.monotonic() + ready_timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the service stopped (exit {process.returncode}); log: {log}")
        try:
            if httpx.get(service.url + "/readyz", timeout=5).status_code == 200:
                return service
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            service.stop()
            raise RuntimeError(f"the service was not ready in {ready_timeout:g} s; log: {log}")
        time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]
