"""Where an API is served, as its OpenAPI (3.x) or Swagger (2.0) document states it.

OpenAPI 3 gives ``servers`` (each a ``url``, maybe with ``{variables}`` and their defaults, and a
``description``); Swagger 2 gives ``host``, ``basePath`` and ``schemes``. The endpoint is the first server that
is a real, public production address:

- a server whose description, host or path says it is not production (test, sandbox, staging, recette,
  qualification, développement, preprod) is passed over; so is a private or placeholder host (``localhost``,
  an address of a private network, a single-label name such as ``IP-GATEWAY``, ``to-be-defined``);
- a relative server (OpenAPI: relative to where the document is served; Swagger 2 without ``host``: the host
  serving the document) is resolved against the document's URL only when the producer serves the document
  itself (``served_by_producer``); a copy on api.gouv.fr or raw.githubusercontent.com says nothing of where
  the API runs.

Nothing is guessed: when no server qualifies, ``Found.url`` is None and ``Found.reason`` says why.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

# words that mark a server as not the production one, in a description, a host label or a path segment
_NOT_PRODUCTION = re.compile(
    r"(^|[^a-z])(test|tests|testing|sandbox|staging|stage|recette|qualif|qualification|dev|develop|developpement|"
    r"development|preprod|pre-prod|preproduction|demo|mock|local)([^a-z]|$)",
    re.IGNORECASE,
)
_VARIABLE = re.compile(r"\{([^{}]+)\}")


class NotOpenApi(ValueError):
    """The bytes are not an OpenAPI or Swagger document (with the reason)."""


@dataclass(frozen=True)
class Found:
    url: str | None  # the endpoint, or None
    reason: str  # how it was found, or why there is none


def parse(data: bytes, where: str = "document") -> dict[str, Any]:
    """An OpenAPI/Swagger document from JSON or YAML bytes; ``NotOpenApi`` when it is neither or not one."""
    text = data.decode("utf-8-sig", errors="replace")
    try:
        doc = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise NotOpenApi(f"{where}: not JSON nor YAML ({type(e).__name__}: {str(e).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not ("openapi" in doc or "swagger" in doc):
        raise NotOpenApi(f"{where}: not an OpenAPI or Swagger document (no 'openapi' or 'swagger' member)")
    return doc


def endpoint(doc: Mapping[str, Any], location: str | None = None, *, served_by_producer: bool = False) -> Found:
    """The API's endpoint from a parsed document; ``location`` is the document's URL."""
    base = location if served_by_producer else None
    if "swagger" in doc:
        return _swagger(doc, base)
    servers = doc.get("servers")
    if not servers:
        if base is None:
            return Found(None, "no servers, and the document is not served by its producer")
        return _check(urljoin(base, "/"), "no servers: the host serving the document")
    if not isinstance(servers, list):
        return Found(None, "'servers' is not a list")
    reasons = []
    for server in servers:
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            reasons.append("a server without url")
            continue
        description = str(server.get("description") or "")
        if _NOT_PRODUCTION.search(description):
            reasons.append(f"{server['url']}: described as {description!r}")
            continue
        internal = _internal_choice(server["url"], server.get("variables"))
        if internal:
            reasons.append(f"{server['url']}: a template whose variables list internal hosts ({internal})")
            continue
        url = _substitute(server["url"], server.get("variables"))
        if url is None:
            reasons.append(f"{server['url']}: a variable without default")
            continue
        if not urlsplit(url).scheme:
            if base is None:
                reasons.append(f"{url}: relative, and the document is not served by its producer")
                continue
            url = urljoin(base, url)
        found = _check(url, "servers")
        if found.url is not None:
            return found
        reasons.append(found.reason)
    return Found(None, "; ".join(reasons) or "no usable server")


def _swagger(doc: Mapping[str, Any], base: str | None) -> Found:
    host, path = doc.get("host"), doc.get("basePath") or "/"
    schemes = [s for s in doc.get("schemes") or [] if s in ("https", "http")]
    if not isinstance(host, str) or not host.strip():
        if base is None:
            return Found(None, "no host, and the document is not served by its producer")
        parts = urlsplit(base)
        host, schemes = parts.netloc, [parts.scheme]
    scheme = "https" if "https" in schemes or not schemes else "http"
    if not isinstance(path, str):
        return Found(None, "basePath is not a text")
    return _check(f"{scheme}://{host.strip()}{path if path.startswith('/') else '/' + path}", "host + basePath")


def _substitute(url: str, variables: object) -> str | None:
    values = variables if isinstance(variables, dict) else {}

    def value(m: re.Match[str]) -> str:
        spec = values.get(m.group(1))
        default = spec.get("default") if isinstance(spec, dict) else None
        if not isinstance(default, str):
            raise KeyError(m.group(1))
        return default

    try:
        return _VARIABLE.sub(value, url)
    except KeyError:
        return None


def _internal_choice(url: str, variables: object) -> str | None:
    """A value offered by a server variable (``enum``) that names a private or placeholder host: the server is
    a development template, whatever its default."""
    if not isinstance(variables, dict):
        return None
    for name, spec in variables.items():
        choices = spec.get("enum") if isinstance(spec, dict) else None
        for choice in choices if isinstance(choices, list) else []:
            if not isinstance(choice, str) or "{" + str(name) + "}" not in url:
                continue
            host = urlsplit("https://" + choice).hostname if "://" not in choice else urlsplit(choice).hostname
            if host and _check(f"https://{host}/", "").url is None and not host.isalpha():
                return choice
    return None


def _check(url: str, how: str) -> Found:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Found(None, f"{url}: not an http(s) URL")
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if not address.is_global:
            return Found(None, f"{url}: a private address")
    elif "." not in host or host.endswith((".local", ".localhost", ".internal", ".lan")) or "_" in host:
        return Found(None, f"{url}: not a public host name")
    labels = [*host.split("."), *[s for s in parts.path.split("/") if s]]
    if any(
        _NOT_PRODUCTION.fullmatch(label) or re.match(r"^(sandbox|staging|recette|preprod|test)-", label, re.I)
        for label in labels
    ):
        return Found(None, f"{url}: a test address")
    return Found(url.rstrip("/") if parts.path not in ("", "/") else f"{parts.scheme}://{parts.netloc}/", how)
