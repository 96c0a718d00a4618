"""The SILL (Socle interministériel de logiciels libres) as software records.

Reads both exports: the archived ``sill.json`` of 2022 (short keys: ``i`` name, ``fr-desc``, ``f``
function, ``l`` licence, ``sources``, ``website``, ``doc``, ``co`` Comptoir du Libre id...) and the current
Catalogi ``sill.json`` (``name``, ``description``, ``license``, ``serviceProviders`` with their SIREN,
``userAndReferentCountByOrganization``, ``instances``). The SILL names no publisher: it is the account
owning the source repository when that is on a forge (see ``loaders.codegouv.Publishers``); entries whose
sources are elsewhere are skipped, with the reason. Service providers become contributors (with their
SIREN); declared users and instances become usages.

Keys: ``url:`` of the repository and of the website, ``sill:<id>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode

from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.model.licences import spdx
from graph.namespaces import DCAT, DCT, FOAF, KIND, RDFS, SCHEMA, SKOS
from loaders._build import Out, iri
from loaders._mapping import (
    SOFTWARE_CLASSES,
    Organisation,
    Organisations,
    keys,
    keywords,
    record,
    resource_head,
    section,
    url_key,
    usage,
    when,
)
from loaders.codegouv import Publishers

FORGES = {"github.com", "gitlab.com", "framagit.org", "bitbucket.org", "codeberg.org", "git.sr.ht", "forge.aeif.fr"}
STATUS = {"R": "recommandé", "O": "en observation", "FR": "fin de recommandation"}


def on_forge(url: object) -> TypeGuard[str]:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    return (host in FORGES or host.startswith("gitlab.")) and len([s for s in parts.path.split("/") if s]) >= 2


def _get(entry: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = entry.get(name)
        if value not in (None, "", []):
            return value
    return None


@dataclass
class SillSource:
    """A ``sill.json`` export (bytes, or the parsed list)."""

    iris: Iris
    payload: bytes | str | list[Any]
    publishers: Publishers = field(default_factory=Publishers)
    name: str = "sill"
    skipped: list[str] = field(default_factory=list)

    def entries(self) -> list[dict[str, Any]]:
        data = self.payload
        if isinstance(data, bytes | str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as e:
                raise HarvestError(f"SILL: invalid JSON, line {e.lineno}: {e.msg}") from None
        if isinstance(data, dict):
            data = data.get("softwares") or data.get("catalogi") or []
        if not isinstance(data, list):
            raise HarvestError("SILL: expected a list of software entries")
        return [e for e in data if isinstance(e, dict)]

    def records(self) -> Iterator[Record]:
        orgs = Organisations()
        found: list[Record] = []
        self.skipped = []
        for entry in self.entries():
            name = _get(entry, "i", "name", "softwareName")
            ident = str(_get(entry, "id", "softwareId") or slugify(str(name or "")))
            if not name:
                self.skipped.append(f"SILL entry {ident}: no name")
                continue
            external = section(entry, "softwareExternalData")
            sources = _get(entry, "sources", "sourceUrl", "codeRepositoryUrl") or external.get("sourceUrl")
            if not on_forge(sources):
                self.skipped.append(f"{name} (SILL {ident}): no publisher (its sources are not on a known forge)")
                continue
            publisher = self.publishers.of(sources)
            if publisher is None:
                continue
            publisher = orgs.add(publisher)
            found.extend(self.software(entry, str(name), ident, sources, external, publisher, orgs))
        yield from orgs.records(self.iris)
        yield from found

    def software(
        self,
        entry: dict[str, Any],
        name: str,
        ident: str,
        sources: str,
        external: dict[str, Any],
        publisher: Organisation,
        orgs: Organisations,
    ) -> list[Record]:
        out = Out()
        node = self.iris.resource(f"sill-{slugify(name)}")
        description = _get(entry, "fr-desc", "description", "f") or external.get("description")
        if isinstance(description, dict):
            description = description.get("fr") or next(iter(description.values()), None)
        fallback = f"Logiciel libre référencé au Socle interministériel de logiciels libres (SILL) : {name}."
        resource_head(out, node, SOFTWARE_CLASSES, KIND["source-code"], name, description, fallback)
        out.add(node, DCT.publisher, publisher.iri(self.iris))
        out.add(node, SCHEMA.codeRepository, iri(sources))
        website = _get(entry, "website", "websiteUrl") or external.get("websiteUrl")
        out.add(node, DCAT.landingPage, iri(website) or iri(sources))
        out.add(node, FOAF.page, iri(_get(entry, "doc", "documentationUrl") or external.get("documentationUrl")))
        licence = _get(entry, "l", "license")
        for link in spdx(licence):
            out.add(node, DCT.license, link)
        if licence and not spdx(licence):
            out.problems.append(f"licence {licence!r} is not an SPDX licence: left out")
        keywords(out, node, [*(entry.get("keywords") or []), _get(entry, "c"), _get(entry, "se")])
        if entry.get("co"):
            out.add(node, RDFS.seeAlso, iri(f"https://comptoir-du-libre.org/fr/softwares/{entry['co']}"))
        if entry.get("w"):
            out.add(node, RDFS.seeAlso, iri(f"https://www.wikidata.org/wiki/{entry['w']}"))
        status = STATUS.get(str(entry.get("st") or ""))
        if status:
            out.add(node, SKOS.editorialNote, Literal(f"Statut au SILL : {status}", language="fr"))
        out.add(node, DCT.modified, when(_get(entry, "updateTime", "referencedSinceTime")))
        for provider in entry.get("serviceProviders") or []:
            if isinstance(provider, dict) and provider.get("name"):
                org = Organisation(provider["name"], siren=provider.get("siren"), homepage=provider.get("website"))
                org = orgs.add(org)
                out.add(node, DCT.contributor, org.iri(self.iris))
        software = record(node, out, name, keys(url_key(sources, repository=True), url_key(website), f"sill:{ident}"))
        return [software, *self._usages(entry, node, name, orgs)]

    def _usages(self, entry: dict[str, Any], node: NamedNode, name: str, orgs: Organisations) -> list[Record]:
        """Declared users (counts per organisation) and instances (an organisation runs it for an audience)."""
        found = []
        counts = entry.get("userAndReferentCountByOrganization") or {}
        for org_name, count in sorted(counts.items()) if isinstance(counts, dict) else []:
            org = orgs.add(Organisation(org_name))
            users = count.get("userCount", 0) if isinstance(count, dict) else 0
            referents = count.get("referentCount", 0) if isinstance(count, dict) else 0
            purpose = (
                f"{name} est déclaré utilisé au SILL par {org_name} ({users} utilisateurs, {referents} référents)."
            )
            slug = f"sill-{slugify(name)}--{org.slug}"
            found.append(usage(self.iris, slug, node, purpose, agent=org.iri(self.iris)))
        for n, instance in enumerate(entry.get("instances") or [], start=1):
            if not isinstance(instance, dict) or not instance.get("organization"):
                continue
            org = orgs.add(Organisation(instance["organization"]))
            audience = instance.get("targetAudience") or "ses usagers"
            purpose = f"{instance['organization']} met à disposition une instance de {name} pour {audience}."
            slug = f"sill-{slugify(name)}--instance-{n}"
            found.append(
                usage(self.iris, slug, node, purpose, agent=org.iri(self.iris), page=instance.get("publicUrl"))
            )
        return found
