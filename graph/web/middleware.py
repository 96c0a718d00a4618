"""What wraps every request: its id (``X-Request-ID``, echoed, and in its log lines), its count and latency for
/metrics, an access log line in JSON mode, and the security headers of the answers.

Security headers: every answer says ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``; HTML pages also
get a Content Security Policy made for them (scripts only from the site itself, no plugins, no framing by other
sites, forms posting only here; inline styles allowed, which the pages' colour settings use) and
``X-Frame-Options: DENY`` for older browsers.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph import metrics
from graph.config import Settings
from graph.logs import REQUEST_ID

access = logging.getLogger("ressourcerie.access")
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def content_security_policy(settings: Settings) -> str:
    """The pages' policy: everything from the site itself; images also as data: URIs (the design system's
    icons) and from the logo's origin when the logo is elsewhere."""
    images = ["'self'", "data:"]
    logo = urlsplit(settings.logo_url)
    if logo.scheme in ("http", "https") and logo.netloc:
        images.append(f"{logo.scheme}://{logo.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(images)}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ServiceMiddleware:
    """The ASGI middleware around the service (``create_app`` adds it)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.json_access = settings.log_format == "json"
        self.csp = content_security_policy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in COMMON_HEADERS.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", self.csp)
                    headers.setdefault("X-Frame-Options", "DENY")
                route = _route(scope)
                metrics.LATENCY.labels(route, scope["method"]).observe(time.perf_counter() - start)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = _route(scope)
            metrics.REQUESTS.labels(route, scope["method"], str(status)).inc()
            if self.json_access:
                client = scope.get("client")
                access.info(
                    "%s %s %d",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "seconds": round(time.perf_counter() - start, 4),
                        "client": client[0] if client else None,
                    },
                )
            REQUEST_ID.reset(token)


def _route(scope: Scope) -> str:
    """The route's path template (``/resource/{slug}``) or mount (``/static``); 'unmatched' for none."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else "unmatched"
