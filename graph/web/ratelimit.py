"""Per-client limits on what people send: every form post and contribution API call counts against its client's
allowance (``rate_limit_posts`` per ``rate_limit_window`` seconds, a sliding window); beyond it the answer is 429
Too Many Requests with a ``Retry-After`` header and a French message, and nothing is done.

The client is the address the connection comes from (behind a reverse proxy, run the service with the proxy's
forwarded address, as uvicorn's proxy headers give it). The counts live in the process, so a restart forgets them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from fastapi import Request

from graph.errors import RessourcerieError

MAX_CLIENTS = 100_000  # clients remembered at once; the oldest idle ones are forgotten first


class TooManyRequests(RessourcerieError):
    status = 429

    def __init__(self, wait: float) -> None:
        minutes = max(1, math.ceil(wait / 60))
        super().__init__(
            f"Trop d'envois depuis votre poste : vous pourrez envoyer de nouveau dans {minutes} minute"
            f"{'s' if minutes > 1 else ''}. Rien n'a été enregistré.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
        self.french = self.message  # written in French for every client, with the wait


class RateLimiter:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str, now: float | None = None) -> float | None:
        """Count one post from ``client``: None when allowed, else the seconds to wait (the post is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.pop(client, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            wait = None
            if len(hits) >= self.limit:
                wait = hits[0] + self.window - now
            else:
                hits.append(now)
            self._hits[client] = hits  # last used, last in order
            if len(self._hits) > MAX_CLIENTS:
                del self._hits[next(iter(self._hits))]
            return wait


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check(request: Request, limiter: RateLimiter) -> None:
    """Count a post of this request's client; 429 beyond its allowance."""
    wait = limiter.hit(client_of(request))
    if wait is not None:
        raise TooManyRequests(wait)
