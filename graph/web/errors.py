"""One error shape: JSON errors share one body, HTML errors render one template."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import RessourcerieError, ValidationFailed
from graph.web.conneg import parse_accept
from graph.web.render import render

log = logging.getLogger("ressourcerie.web")


def wants_html(request: Request) -> bool:
    for media, q in parse_accept(request.headers.get("accept")):
        if q > 0 and media in ("text/html", "application/xhtml+xml"):
            return True
        if q > 0 and media != "*/*":
            return False
    return False


def error_response(request: Request, status: int, detail: str, extra: dict | None = None) -> Response:
    title = HTTPStatus(status).phrase
    headers = {"Vary": "Accept"}
    if wants_html(request):
        page = {"home": "/", "status": status, "title": title, "detail": detail}
        return render(request, "error.html", status=status, headers=headers, page=page)
    content = {"ok": False, "status": status, "error": title, "detail": detail, **(extra or {})}
    return JSONResponse(content, status_code=status, headers=headers)


async def on_ressourcerie_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RessourcerieError)
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    extra = None
    if isinstance(exc, ValidationFailed):
        if any(m == "text/turtle" and q > 0 for m, q in parse_accept(request.headers.get("accept"))):
            return Response(exc.report.turtle(), status_code=422, media_type="text/turtle")
        extra = {"report": exc.report.as_json()}
    response = error_response(request, exc.status, exc.message, extra)
    response.headers.update(exc.headers)
    offered = getattr(exc, "offered", None)
    if offered:
        response.headers["Accept"] = ", ".join(offered)
    return response


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    response = error_response(request, exc.status_code, detail)
    for k, v in (exc.headers or {}).items():
        response.headers[k] = v
    return response


async def on_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
    return error_response(request, 400, "; ".join(parts))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal error; it has been logged")
