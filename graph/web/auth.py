"""Bearer tokens, checked in one place: SPARQL Update and Graph Store writes need ``updates = true`` and the
writers' token; the moderation API needs the moderators' token (graph.web.contrib.desk).

The service keeps only each token's SHA-256 (``update_token_sha256``, ``moderation_token_sha256``); a request
proves it holds a token with ``Authorization: Bearer <token>``, compared in constant time. Reads need nothing.
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


def token_matches(expected_sha256: str, token: str) -> bool:
    """Whether ``token`` is the one whose SHA-256 (hex) is configured; never when none is."""
    expected = expected_sha256.strip().lower()
    digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
    return bool(expected) and hmac.compare_digest(digest, expected)


def require_bearer(request: Request, expected_sha256: str, *, missing: str, wrong: str) -> None:
    """Raise 401 unless the request carries ``Authorization: Bearer <the token>``."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(missing)
    if not token_matches(expected_sha256, token):
        raise Unauthorized(wrong, error="invalid_token")


def require_writer(request: Request, settings: Settings) -> None:
    """Raise unless writes are enabled and the request carries the writers' bearer token."""
    if not settings.updates:
        raise Forbidden("updates are disabled by configuration (set updates = true to accept writes)")
    if not settings.update_token_sha256.strip():
        raise Forbidden(
            "updates are enabled but no token is configured (update_token_sha256 is empty): writes are refused"
        )
    require_bearer(
        request,
        settings.update_token_sha256,
        missing="writes need an 'Authorization: Bearer <token>' header",
        wrong="the bearer token is not the one configured for writes",
    )
