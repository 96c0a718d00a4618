"""code.gouv.fr: public bodies' source code repositories (CSV of data-codes-sources-fr, or code.gouv.fr's
short-key JSON) as software records, published by the public body that owns the forge account.

The publisher of a repository is found from its owner account (``https://github.com/SocialGouv``): the
public body the account serves (code.gouv.fr's ``comptes-organismes-publics.yml``, with its
lannuaire.service-public.fr id), else the account as the forge describes it (the organisations file), else
the account itself. Forks are skipped (they are another project's code). Key: ``url:`` of the repository
(without ``.git``); not its home page, which several repositories of one product share.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml
from pyoxigraph import Literal

from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.model.licences import spdx
from graph.namespaces import DCAT, DCT, KIND, RDFS, SCHEMA
from loaders._build import Out, iri
from loaders._mapping import (
    SOFTWARE_CLASSES,
    Organisation,
    Organisations,
    keys,
    keywords,
    record,
    resource_head,
    url_key,
    when,
)

# short keys of code.gouv.fr's repository JSON -> the CSV's column names
SHORT_KEYS = {
    "n": "name",
    "d": "description",
    "l": "language",
    "li": "license",
    "u": "last_update",
    "id": "repository_url",
    "p": "platform",
    "f?": "is_fork",
    "a?": "is_archived",
    "t": "topics",
    "o": "owner_url",
}


def owner_url(repository: str) -> str | None:
    """The account owning a repository: ``https://github.com/SocialGouv/x`` -> ``https://github.com/SocialGouv``
    (GitLab subgroups kept: everything but the last segment)."""
    parts = urlsplit(repository.strip())
    segments = [s for s in parts.path.split("/") if s]
    if not parts.netloc or len(segments) < 2:
        return None
    return f"{parts.scheme or 'https'}://{parts.netloc}/{'/'.join(segments[:-1])}"


def _text(data: bytes | str) -> str:
    return data.decode("utf-8-sig") if isinstance(data, bytes) else data


@dataclass
class Publishers:
    """Forge accounts -> the organisations that publish their repositories."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # account URL (lower case) -> entry
    owners: dict[str, dict[str, str]] = field(default_factory=dict)  # account URL (lower case) -> description

    @classmethod
    def load(cls, accounts: bytes | str | None = None, owners: bytes | str | None = None) -> Publishers:
        """From ``comptes-organismes-publics.yml`` and the organisations CSV (or code.gouv.fr's owners JSON)."""
        found = cls()
        if accounts:
            try:
                entries = yaml.safe_load(_text(accounts)) or {}
            except yaml.YAMLError as e:
                raise HarvestError(f"code.gouv.fr accounts file: invalid YAML: {e}") from None
            if not isinstance(entries, dict):
                raise HarvestError("code.gouv.fr accounts file: expected a mapping of account URLs")
            found.accounts = {str(k).rstrip("/").lower(): v or {} for k, v in entries.items()}
        if owners:
            text = _text(owners).lstrip()
            if text.startswith("["):
                rows = [
                    {"organization_url": o.get("id", ""), "name": o.get("n", ""), "login": o.get("l", ""), **o}
                    for o in json.loads(text)
                ]
                for row in rows:
                    row.update(description=row.get("d", ""), website=row.get("h", ""), email=row.get("e", ""))
            else:
                rows = list(csv.DictReader(io.StringIO(text)))
            found.owners = {r["organization_url"].rstrip("/").lower(): r for r in rows if r.get("organization_url")}
        return found

    def of(self, repository: str) -> Organisation | None:
        """The publisher of a repository: the public body of the longest account prefix of its URL listed in
        the accounts file (a whole forge may be listed), else the forge account as described, else itself."""
        parts = urlsplit(repository.strip())
        segments = [s for s in parts.path.split("/") if s]
        if not parts.netloc or len(segments) < 2:
            return None
        root = f"{parts.scheme or 'https'}://{parts.netloc}"
        prefixes = [f"{root}/{'/'.join(segments[:n])}" for n in range(len(segments) - 1, 0, -1)]
        for prefix in [*prefixes, root]:
            entry = self.accounts.get(prefix.lower())
            if isinstance(entry, dict) and entry.get("service_of"):
                pso = [str(p) for p in entry.get("pso_id") or []]
                name = str(entry["service_of"][0])
                return Organisation(name, annuaire=pso[0] if pso else None, extra_keys=set(keys(url_key(prefix))))
        host = parts.netloc.split(".")
        for prefix in prefixes:
            path = prefix[len(root) + 1 :]
            row = self.owners.get(prefix.lower()) or self.owners.get(f"{root}/groups/{path}".lower())
            if row:
                return self._account(prefix, host, row)
        return self._account(prefixes[-1], host, {})

    def _account(self, account: str, host: list[str], row: dict[str, str]) -> Organisation:
        login = account.rsplit("/", 1)[-1]
        slug = slugify(f"{host[-2] if len(host) > 1 else host[0]}-{account.split('/', 3)[-1]}")  # github-socialgouv
        return Organisation(
            (row.get("name") or row.get("login") or login).strip(),
            slug=slug,
            description=row.get("description") or None,
            homepage=row.get("website") or None,
            email=row.get("email") or None,
            page=account,
        )


@dataclass
class CodeGouvSource:
    """Repositories (CSV or JSON bytes), mapped with the publishers of their accounts."""

    iris: Iris
    repositories: bytes | str
    publishers: Publishers = field(default_factory=Publishers)
    name: str = "codegouv"
    skipped: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        text = _text(self.repositories).lstrip()
        if text.startswith("["):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise HarvestError(f"code.gouv.fr repositories: invalid JSON, line {e.lineno}: {e.msg}") from None
            objects: list[dict[str, Any]] = [row for row in data if isinstance(row, dict)]  # JSON keys are strings
            return [{SHORT_KEYS.get(k, k): v for k, v in row.items()} for row in objects]
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "repository_url" not in rows[0]:
            raise HarvestError("code.gouv.fr repositories: the CSV has no repository_url column")
        return rows

    def records(self) -> Iterator[Record]:
        orgs = Organisations()
        resources: list[Record] = []
        self.skipped = []
        for row in self.rows():
            url = str(row.get("repository_url") or "").strip()
            if str(row.get("is_fork")).lower() in ("true", "1"):
                self.skipped.append(f"{url}: a fork (another project's code)")
                continue
            org = self.publishers.of(url) if iri(url) else None
            if org is None:
                self.skipped.append(f"{url or row.get('name')}: no repository URL, so no publisher")
                continue
            org = orgs.add(org)
            resources.append(self.repository(row, url, org))
        yield from orgs.records(self.iris)
        yield from resources

    def repository(self, row: dict[str, Any], url: str, org: Organisation) -> Record:
        out = Out()
        owner = (owner_url(url) or "").rsplit("/", 1)[-1]
        name = str(row.get("name") or url.rstrip("/").rsplit("/", 1)[-1])
        node = self.iris.resource(slugify(f"codegouv-{owner}-{name}"))
        language = str(row.get("language") or "").strip()
        fallback = f"Code source du dépôt {owner}/{name} ({row.get('platform') or urlsplit(url).netloc}"
        fallback += f", {language})." if language else ")."
        description = str(row.get("description") or "").strip() or None
        resource_head(out, node, SOFTWARE_CLASSES, KIND["source-code"], name, description, fallback)
        out.add(node, DCT.publisher, org.iri(self.iris))
        out.add(node, SCHEMA.codeRepository, iri(url))
        homepage = iri(row.get("homepage"))
        out.add(node, DCAT.landingPage, homepage or iri(url))
        licence = str(row.get("license") or "").strip()
        for link in spdx(licence):
            out.add(node, DCT.license, link)
        if licence and not spdx(licence):
            out.problems.append(f"licence {licence!r} is not an SPDX licence: left out")
        if language:
            out.add(node, SCHEMA.programmingLanguage, Literal(language))
        topics = row.get("topics")
        keywords(out, node, topics if isinstance(topics, list) else str(topics or "").split(","))
        out.add(node, DCT.issued, when(row.get("creation_date")))
        out.add(node, DCT.modified, when(row.get("last_update")))
        out.add(node, RDFS.seeAlso, iri(row.get("software_heritage_url")))
        if str(row.get("is_archived")).lower() in ("true", "1"):
            out.problems.append("the repository is archived")
        return record(node, out, f"{owner}/{name}", keys(url_key(url, repository=True)))
