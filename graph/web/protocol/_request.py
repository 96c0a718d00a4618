"""Reading protocol requests: the body under its size limit, its media type and charset, and the parameters of
the URL and of a form."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request
from pyoxigraph import NamedNode

from graph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit} bytes (max_body_bytes)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes (max_body_bytes)")
    return bytes(body)


def decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"the {what} is not UTF-8 (byte {e.start}): SPARQL requests must be UTF-8") from None


def media_type(request: Request) -> tuple[str, str | None]:
    header = request.headers.get("content-type", "")
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return parts[0].lower(), charset


def check_charset(charset: str | None) -> None:
    if charset and charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset!r} is not supported: send UTF-8")


class Params:
    """The protocol's parameters, from the URL and, for form POSTs, the body."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise BadRequest(f"the request has {len(values)} '{name}' parameters; send exactly one")
        return values[0] if values else None

    def iris(self, name: str) -> list[str] | None:
        values = self.all(name)
        for v in values:
            try:
                NamedNode(v)
            except ValueError:
                raise BadRequest(f"{name}: {v!r} is not an IRI") from None
        return values or None


def url_params(request: Request) -> Params:
    return Params(parse_qsl(request.url.query, keep_blank_values=True))
