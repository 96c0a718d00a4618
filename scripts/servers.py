"""Start a SPARQL server on 127.0.0.1 for the tests, the benchmark or a developer: Virtuoso or Oxigraph server.

Each runs in its own directory (database, configuration, log) on free ports, and is stopped by ``stop()``.
As a command, it starts one and keeps it running until interrupted, printing the settings that point an
instance at it::

    python scripts/servers.py virtuoso [--dir var/virtuoso]   # needs virtuoso-opensource (Debian)
    python scripts/servers.py oxigraph [--dir var/oxigraph]   # needs `pip install oxigraph`
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class ServerError(RuntimeError):
    """A server could not be started; the message says why."""


@dataclass
class Server:
    kind: str
    query_url: str
    update_url: str
    gsp_url: str
    user: str = ""
    password: str = ""
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def settings(self) -> dict[str, str]:
        """The Ressourcerie settings that point an instance at this server."""
        return {
            "store": "sparql+" + self.query_url,
            "store_update_url": self.update_url,
            "store_gsp_url": self.gsp_url,
            "store_user": self.user,
            "store_password": self.password,
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the server exited with code {process.returncode}; its log: {log}\n{_tail(log)}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise ServerError(f"the server did not answer on {url} within {timeout:.0f} s; its log: {log}\n{_tail(log)}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start_oxigraph(directory: Path, timeout: float = 30) -> Server:
    """``oxigraph serve`` on a free port, its queries seeing the union of the named graphs."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        raise ServerError("the `oxigraph` command is missing: pip install oxigraph")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / "oxigraph.log"
    cmd = [exe, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", process=process, log=log)
    _wait_http(server.query_url, process, log, timeout)
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 1G
ThreadsPerQuery = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def start_virtuoso(directory: Path, password: str | None = None, max_rows: int = 10_000, timeout: float = 90) -> Server:
    """Virtuoso (Debian's virtuoso-opensource) with a private virtuoso.ini and database under ``directory``.

    The DBA password is changed at start (to ``password``, or a random one); writes go through the digest-auth
    endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``) as ``dba``. ``ResultSetMaxRows`` is kept at
    Virtuoso's usual 10,000 so the tests meet the cut answers real instances give.
    """
    exe = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if exe is None or isql is None:
        raise ServerError("virtuoso-t is missing: apt-get install -y virtuoso-opensource (or scripts/virtuoso.sh)")
    db = directory.resolve() / "db"
    db.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory.resolve() / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, sql_port=sql_port, http_port=http_port, max_rows=max_rows))
    log = directory.resolve() / "virtuoso.out"
    process = subprocess.Popen(
        [exe, "+configfile", str(ini), "+foreground"], cwd=db, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{http_port}"
    password = password or secrets.token_urlsafe(12)
    server = Server(
        "virtuoso",
        f"{base}/sparql",
        f"{base}/sparql-auth",
        f"{base}/sparql-graph-crud-auth",
        user="dba",
        password=password,
        process=process,
        log=db / "virtuoso.log",
    )
    try:
        _wait_http(server.query_url, process, log, timeout)
        _isql(isql, sql_port, "dba", f"USER_SET_PASSWORD('dba', '{password}');")
    except BaseException:
        server.stop()
        raise
    return server


def _isql(isql: str, port: int, password: str, statement: str) -> None:
    done = subprocess.run(
        [isql, f"127.0.0.1:{port}", "dba", password, f"exec={statement}"], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise ServerError(f"isql failed on {statement!r}: {done.stdout}{done.stderr}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("kind", choices=["virtuoso", "oxigraph"])
    p.add_argument("--dir", help="directory for the database and logs (default var/<kind>)")
    p.add_argument("--password", help="Virtuoso DBA password to set (default: a random one, printed)")
    args = p.parse_args()
    directory = Path(args.dir or f"var/{args.kind}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a signal: stop the server too
    try:
        server = start_virtuoso(directory, args.password) if args.kind == "virtuoso" else start_oxigraph(directory)
    except ServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{server.kind} running (pid {server.process.pid if server.process else '?'}), data in {directory}")
    print("settings (TOML, or RESSOURCERIE_<NAME> environment variables):")
    for name, value in server.settings().items():
        print(f'  {name} = "{value}"')
    print("Ctrl-C stops it.")
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
