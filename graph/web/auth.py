"""Who may write: SPARQL Update and Graph Store writes need ``updates = true`` and the bearer token.

The service keeps only the token's SHA-256 (``update_token_sha256``); a request proves it holds the token with
``Authorization: Bearer <token>``. Reads need nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from graph.config import Settings
from graph.errors import RessourcerieError


class Forbidden(RessourcerieError):
    status = 403


class Unauthorized(RessourcerieError):
    """401 with ``WWW-Authenticate: Bearer``."""

    status = 401

    def __init__(self, message: str, error: str | None = None) -> None:
        challenge = 'Bearer realm="ressourcerie"' + (f', error="{error}"' if error else "")
        super().__init__(message, headers={"WWW-Authenticate": challenge})


def require_writer(request: Request, settings: Settings) -> None:
    """Raise unless writes are enabled and the request carries the right bearer token."""
    if not settings.updates:
        raise Forbidden("updates are disabled by configuration (set updates = true to accept writes)")
    expected = settings.update_token_sha256.strip().lower()
    if not expected:
        raise Forbidden(
            "updates are enabled but no token is configured (update_token_sha256 is empty): writes are refused"
        )
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("writes need an 'Authorization: Bearer <token>' header")
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    if not hmac.compare_digest(digest, expected):
        raise Unauthorized("the bearer token is not the one configured for writes", error="invalid_token")
