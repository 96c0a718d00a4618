"""Queries to /sparql (GET and POST) handed straight to their handler.

A lookup spends most of its time in the service on the web stack, not on the query: the router tried route by
route, FastAPI's dependency solving and its exception and exit-stack middlewares. This middleware sits inside the
service's own middlewares (request id, metrics, security headers, CORS) and calls the same handler and the same
error handlers as the route would. Other methods (HEAD, OPTIONS, PUT...) and every other path go through the
framework as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.errors import RessourcerieError
from graph.web import errors

Handler = Callable[[Request], Awaitable[Response]]


class DirectRoute:
    """``path`` answered by ``handler`` for ``methods``; ``route`` (the framework's route object for the same path)
    is put in the scope, where the metrics and logs read the route's name."""

    def __init__(self, app: ASGIApp, path: str, methods: frozenset[str], handler: Handler, route: object) -> None:
        self.app = app
        self.path, self.methods, self.handler, self.route = path, methods, handler, route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.methods or _route_path(scope) != self.path:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        request = Request(scope, receive, send)
        try:
            response = await self.handler(request)
        except RessourcerieError as e:
            response = await errors.on_ressourcerie_error(request, e)
        except StarletteHTTPException as e:
            response = await errors.on_http_error(request, e)
        except Exception as e:
            response = await errors.on_unexpected(request, e)
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The request's path below the service's root path (behind a proxy serving it under a prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root + "/"):
        return path[len(root) :]
    return path
