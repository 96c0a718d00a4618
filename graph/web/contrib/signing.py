"""Signed values for forms without login: CSRF tokens and the moderators' session cookie.

The key is drawn at start-up and held by the process only, so a restart invalidates every token and session
(a form sent with an expired token is shown again, filled in, with a fresh one). A CSRF token is bound to the
browser (a random ``rsr_csrf`` cookie, SameSite=Lax and HttpOnly) and to the form it was issued for, and
lasts ``CSRF_SECONDS``; a session cookie names the moderator and expires after ``SESSION_SECONDS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

CSRF_COOKIE = "rsr_csrf"
SESSION_COOKIE = "rsr_moderation"
ACCOUNT_COOKIE = "rsr_session"  # a signed-in person's session id (the session itself is in the community database)
SIGNIN_COOKIE = "rsr_signin"  # state, nonce and PKCE verifier between leaving for the provider and coming back
SIGNIN_SECONDS = 10 * 60
CSRF_SECONDS = 4 * 3600
SESSION_SECONDS = 8 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Signer:
    key: bytes

    @classmethod
    def fresh(cls) -> Signer:
        return cls(secrets.token_bytes(32))

    def sign(self, *parts: str) -> str:
        return _b64(hmac.new(self.key, "\x1f".join(parts).encode(), hashlib.sha256).digest())

    def verify(self, signature: str, *parts: str) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())

    # --- CSRF ---------------------------------------------------------------------------------------------------

    def csrf_token(self, browser: str, form: str, now: float | None = None) -> str:
        issued = str(int(now if now is not None else time.time()))
        return f"{issued}.{self.sign('csrf', browser, form, issued)}"

    def csrf_valid(self, token: str, browser: str, form: str) -> bool:
        issued, _, signature = token.partition(".")
        if not browser or not issued.isdigit() or not signature:
            return False
        if time.time() - int(issued) > CSRF_SECONDS:
            return False
        return self.verify(signature, "csrf", browser, form, issued)

    # --- signed values (a session id, a pending sign-in) ------------------------------------------------------

    def signed(self, value: str, purpose: str, seconds: float) -> str:
        """``value`` with its expiry and a signature for ``purpose``, for a cookie."""
        expires = str(int(time.time() + seconds))
        body = _b64(value.encode())
        return f"{body}.{expires}.{self.sign(purpose, body, expires)}"

    def unsigned(self, cookie: str, purpose: str) -> str | None:
        """The value of a cookie made by ``signed`` for this purpose, unless altered or expired."""
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        body, expires, signature = parts
        if int(expires) < time.time() or not self.verify(signature, purpose, body, expires):
            return None
        try:
            return _unb64(body).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    # --- moderator sessions --------------------------------------------------------------------------------------

    def session(self, moderator: str) -> str:
        expires = str(int(time.time()) + SESSION_SECONDS)
        name = _b64(moderator.encode())
        return f"{name}.{expires}.{self.sign('session', name, expires)}"

    def session_name(self, cookie: str) -> str | None:
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        name, expires, signature = parts
        if int(expires) < time.time() or not self.verify(signature, "session", name, expires):
            return None
        try:
            return _unb64(name).decode()
        except (ValueError, UnicodeDecodeError):
            return None


def browser_id(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie value, and whether it is new (to be set on the response)."""
    held = request.cookies.get(CSRF_COOKIE, "")
    if 16 <= len(held) <= 64 and held.replace("-", "").replace("_", "").isalnum():
        return held, False
    return secrets.token_urlsafe(24), True


def set_browser_id(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, value, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )


def set_session(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def set_signed_cookie(request: Request, response: Response, name: str, value: str, seconds: float) -> None:
    """A signed value in an HttpOnly cookie; SameSite=Lax so that it comes back with the provider's redirect."""
    response.set_cookie(
        name,
        value,
        max_age=int(seconds),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
