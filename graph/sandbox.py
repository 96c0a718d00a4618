"""Work on untrusted input in a child process that may die, so that it never takes the service down.

``run(function, *args, timeout=...)`` calls ``function(*args)`` in a fresh process and returns what it returns.
If the process dies (a parser overflowing its stack is a segmentation fault, not an exception) the caller gets
``Crashed``; if it runs past the timeout it is killed and the caller gets ``TimedOut``; an exception inside it
comes back as ``Failed`` with its message. The function and its arguments and result must pickle; the function
lives in a module that imports little (``graph.update_effect``), as the child imports it.

Children are forked from a small server process started on first use (multiprocessing's ``forkserver``, with the
child modules loaded once in it), not from the service: a fork of a process running threads and RocksDB is not
safe, and starting a fresh interpreter per call would cost 0.3 s.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
PRELOAD = ["graph.update_effect"]  # the modules whose functions run in children, loaded once in the server
_lock = threading.Lock()
_context: Any = None


class SandboxError(Exception):
    """The child did not give a result."""


class Crashed(SandboxError):
    """The child process died (killed by a signal, or exited) before answering."""


class TimedOut(SandboxError):
    """The child ran past its time and was killed."""


class Failed(SandboxError):
    """The function raised an exception in the child; its type and message are kept."""


def _ctx() -> Any:
    global _context
    with _lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        return _context


def _child(conn: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = ("ok", function(*args))
    except Exception as e:  # sent back to the parent, which raises Failed
        result = ("failed", f"{type(e).__name__}: {e}")
    conn.send(result)
    conn.close()


def describe_exit(code: int | None) -> str:
    """How a process ended, in words: 'killed by SIGSEGV', 'exited with code 1'."""
    if code is None:
        return "did not end"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def run(function: Callable[..., T], *args: Any, timeout: float) -> T:
    """``function(*args)`` in a child process, within ``timeout`` seconds."""
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise TimedOut(f"stopped after {timeout:g} s")
        try:
            status, value = receiver.recv()
        except EOFError:
            process.join(timeout=5)
            raise Crashed(describe_exit(process.exitcode)) from None
        if status != "ok":
            raise Failed(value)
        return value  # type: ignore[no-any-return]
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        receiver.close()
