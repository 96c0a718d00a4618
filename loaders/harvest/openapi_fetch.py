"""At harvest time: the endpoint an API's OpenAPI document states, for the APIs a source gives with their
machine-readable documentation (``dcat:endpointDescription``) but no endpoint (``dcat:endpointURL``).

Each document is fetched once per run, through the harvest fetcher (timeouts, retries), under a size cap of
its own (``MAX_BYTES``), and read by ``loaders.openapi``. A document that cannot be fetched, is too large or is
not OpenAPI gives a warning in the run's report, never a failed run; a document that states no usable server
gives nothing (the reason is noted on the record).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pyoxigraph import NamedNode, Triple

from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.namespaces import DCAT
from loaders import openapi
from loaders.endpoints import COPY_HOSTS
from loaders.harvest.fetch import Fetcher, is_url

MAX_BYTES = 5_000_000  # the largest OpenAPI document read (api.gouv.fr's largest is 0.3 MB)


class EndpointFinder:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.warnings: list[str] = []
        self._found: dict[str, openapi.Found | None] = {}

    @classmethod
    def like(cls, fetcher: Fetcher, timeout: float = 30.0) -> EndpointFinder:
        """A finder reading through a fetcher like ``fetcher`` (its retries), capped at ``MAX_BYTES``."""
        return cls(Fetcher(timeout=timeout, retries=fetcher.retries, max_bytes=min(fetcher.max_bytes, MAX_BYTES)))

    def close(self) -> None:
        self.fetcher.close()

    def endpoint(self, description: str) -> openapi.Found | None:
        """The document's endpoint (``Found.url`` None when it states none); None when it could not be read."""
        if description not in self._found:
            self._found[description] = self._read(description)
        return self._found[description]

    def complete(self, record: Record) -> Record:
        """The record with the endpoint its documentation states, when it has documentation and no endpoint."""
        own = [t for t in record.triples if t.subject == record.iri]
        if any(t.predicate == DCAT.endpointURL for t in own):
            return record
        for t in own:
            if t.predicate != DCAT.endpointDescription or not isinstance(t.object, NamedNode):
                continue
            found = self.endpoint(t.object.value)
            if found is None:
                continue
            if found.url is None:
                record.notes.append(f"its OpenAPI document {t.object.value} gives no endpoint: {found.reason}")
                continue
            record.triples.append(Triple(record.iri, DCAT.endpointURL, NamedNode(found.url)))
            record.notes.append(f"endpoint {found.url} read from its OpenAPI document {t.object.value}")
            break
        return record

    def _read(self, url: str) -> openapi.Found | None:
        if not is_url(url) or urlsplit(url).scheme not in ("http", "https"):
            return None
        try:
            data = self.fetcher.get_bytes(url)
        except HarvestError as e:
            self.warnings.append(f"OpenAPI document not read: {e.message}")
            return None
        try:
            doc = openapi.parse(data, url)
        except openapi.NotOpenApi as e:
            self.warnings.append(f"OpenAPI document not read: {e}")
            return None
        return openapi.endpoint(doc, url, served_by_producer=not url.startswith(COPY_HOSTS))
