"""The endpoints the seed knows, by the URL of the OpenAPI document a sheet links to (``doc_tech_link``, its
``dcat:endpointDescription``): read at seed time from the documents themselves, never guessed.

- ``apigouv/swaggers/``: the OpenAPI files api.gouv.fr holds (its ``public/swaggers/``, served at
  ``https://api.gouv.fr/swaggers/...``): copies, so a relative server says nothing of where the API runs;
- ``openapi/servers.json``: the ``servers`` (or ``host``/``basePath``/``schemes``) members of documents found
  in the producers' repositories, each with the URL the sheets use (``data/seed/openapi/SOURCE.md``);
- data.gouv.fr dataservices (``add_dataservices``): their ``base_api_url``, for the sheet that moved there.

``EndpointBook.lookup(url)`` gives the endpoint and where it was read; ``reasons`` says, for every document
read, why it gives none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from graph.iris import slugify
from loaders import openapi

APIGOUV_SWAGGERS = "https://api.gouv.fr/swaggers/"
FROM_APIGOUV = "OpenAPI file of api.gouv.fr"
FROM_PRODUCER = "OpenAPI document in the producer's repository"
FROM_DATAGOUV = "data.gouv.fr dataservice (base_api_url)"
# hosts that serve copies of documents: a relative server there is not where the API runs
COPY_HOSTS = ("https://api.gouv.fr/", "https://raw.githubusercontent.com/")


@dataclass(frozen=True)
class Endpoint:
    url: NamedNode
    source: str  # one of FROM_*
    via: str  # the document (or object) it was read from


@dataclass
class EndpointBook:
    by_document: dict[str, Endpoint] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # document URL -> why it gives no endpoint
    by_dataservice: dict[str, Endpoint] = field(default_factory=dict)  # data.gouv.fr dataservice slug -> endpoint

    @classmethod
    def load(cls, seed_dir: Path) -> EndpointBook:
        book = cls()
        folder = seed_dir / "apigouv" / "swaggers"
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            url = APIGOUV_SWAGGERS + path.relative_to(folder).as_posix()
            try:
                doc = openapi.parse(path.read_bytes(), str(path))
            except openapi.NotOpenApi as e:
                book.reasons[url] = str(e)
                continue
            book.add(url, openapi.endpoint(doc, url), FROM_APIGOUV, f"{path.relative_to(seed_dir).as_posix()}")
        listed = seed_dir / "openapi" / "servers.json"
        if listed.exists():
            for entry in json.loads(listed.read_text())["documents"]:
                url = entry["url"]
                found = openapi.endpoint(entry["document"], url, served_by_producer=not url.startswith(COPY_HOSTS))
                via = f"{entry['repository']} {entry['path']} @ {entry['commit'][:8]}"
                book.add(url, found, FROM_PRODUCER, via)
        return book

    def add(self, url: str, found: openapi.Found, source: str, via: str) -> None:
        if found.url is None:
            self.reasons[_key(url)] = found.reason
            return
        try:
            self.by_document[_key(url)] = Endpoint(NamedNode(found.url), source, via)
        except ValueError:
            self.reasons[_key(url)] = f"{found.url}: not an IRI"

    def add_dataservices(self, base_urls: Mapping[str, str]) -> None:
        """data.gouv.fr dataservices' ``base_api_url``, by the dataservice's slug."""
        for slug, url in base_urls.items():
            try:
                self.by_dataservice[slug] = Endpoint(NamedNode(url), FROM_DATAGOUV, f"dataservice {slug}")
            except ValueError:
                self.reasons[f"dataservice {slug}"] = f"{url}: not an IRI"

    def lookup(self, description: str | None) -> Endpoint | None:
        return self.by_document.get(_key(description)) if description else None

    def dataservice(self, title: object) -> Endpoint | None:
        """The endpoint data.gouv.fr gives the dataservice an api.gouv.fr sheet of this title moved to (api.gouv.fr
        links a sheet to ``data.gouv.fr/fr/dataservices/<slugify(title)>``)."""
        return self.by_dataservice.get(slugify(title)) if isinstance(title, str) and title.strip() else None


def _key(url: str) -> str:
    return url.strip()
