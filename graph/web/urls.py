"""Every link the service writes, in one place: the paths of its pages under the root path it is served at (an
instance behind a proxy under ``/ressourcerie``, say), and the paths and IRIs of the records it serves.

The IRI of a record path is the configured base IRI joined with the path, never the request's host, so an
instance behind a proxy keeps its IRIs. Templates get ``url(path)`` and ``urls``; handlers use ``Urls`` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from fastapi import Request
from pyoxigraph import NamedNode

from graph.errors import RessourcerieError
from graph.iris import Iris
from graph.namespaces import RSR
from graph.web.context import Context, context

LINKABLE = ("http://", "https://", "mailto:")


class UnknownIri(RessourcerieError):
    status = 404


def serves_def(ctx: Context) -> bool:
    """The /def/ vocabulary is served by the instance whose base IRI is its host."""
    return str(RSR) == ctx.iris.base + "def/"


def iri_of(ctx: Context, path: str) -> NamedNode:
    """The IRI a service path stands for: base IRI + path, for record paths (and def/ where served)."""
    first = path.split("/", 1)[0]
    if first not in Iris.KINDS and not (first == "def" and serves_def(ctx)):
        raise UnknownIri(f"no record lives at /{path}")
    try:
        return NamedNode(ctx.iris.base + path)
    except ValueError:
        raise UnknownIri(f"/{path} is not the path of an IRI") from None


def path_of(ctx: Context, iri: str) -> str | None:
    """The service path (with its #fragment) of an IRI this service dereferences, else None."""
    if not iri.startswith(ctx.iris.base):
        return None
    path = iri[len(ctx.iris.base) :]
    first = path.split("/", 1)[0]
    return path if first in Iris.KINDS or (first == "def" and serves_def(ctx)) else None


@dataclass(frozen=True)
class Urls:
    """The links of one request: ``Urls.of(request)``."""

    root: str  # the ASGI root path ("" when served at the host's root)
    ctx: Context

    @classmethod
    def of(cls, request: Request) -> Urls:
        return cls(request.scope.get("root_path", "").rstrip("/"), context(request))

    def path(self, path: str, **params: str | list[str]) -> str:
        """A page of the service: ``urls.path("/search", q="emploi")`` -> ``/root/search?q=emploi``."""
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)
        return f"{self.root}{path}" + (f"?{query}" if query else "")

    def page(self, record_path: str, **params: str) -> str:
        """The page of a record path (``resource/x``), under /doc/ in 303 mode; ``params``: its query."""
        prefix = "/doc" if self.ctx.settings.redirect_303 else ""
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return f"{self.root}{prefix}/{record_path}" + (f"?{query}" if query else "")

    def record(self, iri: str) -> str | None:
        """The page of a record this service serves, else None."""
        path = path_of(self.ctx, iri)
        return self.page(path) if path is not None else None

    def href(self, iri: str) -> str | None:
        """Where a node leads: its page on this service, else the IRI itself when a browser can follow it."""
        page = self.record(iri)
        if page is not None:
            return page
        return iri if iri.startswith(LINKABLE) else None

    def theme(self, iri: str, notation: str | None) -> str | None:
        """A theme's page: its IRI's page where this instance serves it, else /themes/{notation}."""
        page = self.record(iri)
        if page is not None:
            return page
        return self.path(f"/themes/{quote(notation, safe='')}") if notation else None

    def sparql(self, query: str) -> str:
        """A link that runs a query in the SPARQL endpoint (or opens it in its workbench)."""
        return f"{self.root}/sparql?query={quote(query)}"


def urls(request: Request) -> Urls:
    return Urls.of(request)
