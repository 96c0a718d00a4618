"""One HTTP client for everything the service asks of other servers (a remote SPARQL store, harvested catalogues,
data.gouv.fr): timeouts, retries with exponential backoff on transient failures, a cap on the size of a body,
and one mapping of httpx's failures to ``HttpFailure``, which each caller turns into its own typed error.

A transient failure is a timeout, a connection error, or an answer whose status is in ``retry_statuses``; a
request that is not idempotent (``retry=False``) is never sent twice.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from graph import __version__

USER_AGENT = f"ressourcerie/{__version__}"
GATEWAY_ERRORS = frozenset({502, 503, 504})


class HttpFailure(Exception):
    """A request that failed after its retries: ``reason`` in words ("timed out", "cannot connect: ..."),
    ``attempts`` made, and whether the last one ran out of time."""

    def __init__(self, url: str, reason: str, attempts: int, *, timed_out: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.attempts, self.timed_out = url, reason, attempts, timed_out

    def gave_up(self) -> str:
        """'(gave up after 3 attempts)', for messages."""
        return f"(gave up after {self.attempts} attempt{'s' if self.attempts > 1 else ''})"


class TooLarge(Exception):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"{url}: the body is larger than {limit} bytes")
        self.url, self.limit = url, limit


@dataclass(frozen=True)
class Fetched:
    """A body read whole (under the size cap): where it was read after redirects, status and headers."""

    url: str
    status: int
    reason: str
    headers: httpx.Headers
    data: bytes
    attempts: int


class Http:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect: float | None = None,
        retries: int = 0,
        backoff: float = 0.5,
        retry_statuses: frozenset[int] = GATEWAY_ERRORS,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = False,
        max_connections: int | None = None,
    ) -> None:
        self.retries, self.backoff, self.retry_statuses = retries, backoff, retry_statuses
        limits = httpx.Limits(max_connections=max_connections) if max_connections else httpx.Limits()
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=connect if connect is not None else timeout),
            auth=auth,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            follow_redirects=follow_redirects,
            limits=limits,
        )
        self.attempts = 0  # requests sent, retries included

    def request(self, method: str, url: str, *, retry: bool = True, **kwargs: Any) -> httpx.Response:
        """Send a request; a transient failure is retried (when ``retry``). The last answer is returned whatever
        its status; a request that never got one raises ``HttpFailure``."""
        tries = self.retries + 1 if retry else 1
        for attempt in range(1, tries + 1):
            try:
                self.attempts += 1
                response = self.client.request(method, url, **kwargs)
            except httpx.HTTPError as e:
                if attempt < tries and _transient(e):
                    self._wait(attempt)
                    continue
                raise _failure(url, e, attempt) from None
            if response.status_code in self.retry_statuses and attempt < tries:
                self._wait(attempt)
                continue
            return response
        raise AssertionError("unreachable")

    def get(self, url: str, *, max_bytes: int | None = None, **kwargs: Any) -> Fetched:
        """GET a body whole, streamed under ``max_bytes`` (``TooLarge`` beyond), retrying transient failures."""
        tries = self.retries + 1
        for attempt in range(1, tries + 1):
            try:
                self.attempts += 1
                with self.client.stream("GET", url, **kwargs) as response:
                    if response.status_code in self.retry_statuses and attempt < tries:
                        self._wait(attempt)
                        continue
                    declared = response.headers.get("Content-Length")
                    if max_bytes is not None and declared and declared.isdigit() and int(declared) > max_bytes:
                        raise TooLarge(url, max_bytes)
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if max_bytes is not None and size > max_bytes:
                            raise TooLarge(url, max_bytes)
                        chunks.append(chunk)
                    return Fetched(
                        str(response.url),
                        response.status_code,
                        response.reason_phrase,
                        response.headers,
                        b"".join(chunks),
                        attempt,
                    )
            except httpx.HTTPError as e:
                if attempt < tries and _transient(e):
                    self._wait(attempt)
                    continue
                raise _failure(url, e, attempt) from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.client.close()

    def _wait(self, attempt: int) -> None:
        time.sleep(self.backoff * 2 ** (attempt - 1))


def _transient(e: httpx.HTTPError) -> bool:
    return isinstance(e, httpx.TransportError)


def _failure(url: str, e: httpx.HTTPError, attempts: int) -> HttpFailure:
    if isinstance(e, httpx.TimeoutException):
        return HttpFailure(url, "timed out", attempts, timed_out=True)
    if isinstance(e, httpx.TransportError):  # connection refused, reset, DNS...
        return HttpFailure(url, f"cannot connect: {e!r}", attempts)
    return HttpFailure(url, f"the request failed: {e!r}", attempts)
