"""Conditional GET (RFC 9110 §13): the validators of a representation (a weak ``ETag``, ``Last-Modified``) sent
with ``Cache-Control: no-cache`` (clients and proxies keep the page and revalidate it on each use), and
``304 Not Modified`` when the client's copy is current. ``If-None-Match`` decides when it is present,
``If-Modified-Since`` only without it; both only on GET and HEAD.

    return conditional(request, Validators(weak_etag(version, variant), modified), lambda: render(...))
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

CACHE_CONTROL = "no-cache"


def weak_etag(*parts: object) -> str:
    """A weak entity tag made of what identifies one representation's state (a version, the format, the query)."""
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


@dataclass(frozen=True)
class Validators:
    etag: str  # a weak entity tag, W/"..."
    modified: float  # POSIX seconds: when the representation last changed, as far as the service knows

    def headers(self, vary: str | None = "Accept") -> dict[str, str]:
        out = {
            "ETag": self.etag,
            "Last-Modified": formatdate(int(self.modified), usegmt=True),
            "Cache-Control": CACHE_CONTROL,
        }
        if vary:
            out["Vary"] = vary
        return out


def _opaque(tag: str) -> str:
    """The tag without its weakness mark: If-None-Match compares weakly."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def is_current(request: Request, validators: Validators) -> bool:
    """The client's copy (named by If-None-Match, else dated by If-Modified-Since) is the current one."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        ours = _opaque(validators.etag)
        return any(t.strip() == "*" or _opaque(t) == ours for t in if_none_match.split(","))
    since = request.headers.get("if-modified-since")
    if not since:
        return False
    try:
        date = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored (RFC 9110 §13.1.3)
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    return int(validators.modified) <= date.timestamp()


def not_modified(validators: Validators, vary: str | None = "Accept") -> Response:
    """304, with the headers a 200 would have carried for caches to update their copy."""
    return Response(status_code=304, headers=validators.headers(vary))


def stamp(response: Response, validators: Validators, vary: str | None = "Accept") -> Response:
    """The validators on a successful response (other statuses are left as they are)."""
    if response.status_code == 200:
        response.headers.update(validators.headers(vary))
    return response


def conditional(
    request: Request, validators: Validators, make: Callable[[], Response], vary: str | None = "Accept"
) -> Response:
    """304 when the client's copy is current, else the response ``make`` builds, with its validators."""
    if is_current(request, validators):
        return not_modified(validators, vary)
    return stamp(make(), validators, vary)
