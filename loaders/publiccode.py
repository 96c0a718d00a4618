"""publiccode.yml files (the standard, v0.2 to v0.4, and code.gouv.fr's ``publiccode[gouvfr].yml``) as
software records; ``usedBy`` becomes usages, ``fundedBy`` funders.

The publisher is ``organisation`` (``name``, ``uri``) when the file gives it, else the public body owning
the repository's forge account (``loaders.codegouv.Publishers``). A SIREN in an organisation's URI
(``urn:siren:…``, ``…/siren/…``) and lannuaire.service-public.fr ids in funders' URLs become identifiers.

Keys: ``url:`` of the repository (``url``) and of the landing page (``landingURL``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from pyoxigraph import Literal

from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.model.licences import spdx
from graph.namespaces import DCAT, DCT, FOAF, KIND, SCHEMA
from loaders._build import Out, iri
from loaders._mapping import (
    SOFTWARE_CLASSES,
    Organisation,
    Organisations,
    contact,
    keys,
    keywords,
    record,
    resource_head,
    section,
    url_key,
    usage,
    when,
    yaml_position,
)
from loaders.codegouv import Publishers

_SIREN = re.compile(r"siren[:/=](\d{9})\b", re.IGNORECASE)
_ANNUAIRE = re.compile(r"lannuaire\.service-public\.fr/(?:[\w-]+/)*([0-9a-f]{8}-[0-9a-f-]{27})", re.IGNORECASE)


def parse(data: bytes | str, source: str = "publiccode.yml") -> dict[str, Any]:
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError as e:
        raise HarvestError(f"{source}{yaml_position(e)}: invalid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise HarvestError(f"{source}: not a publiccode.yml (expected a mapping)")
    return doc


def organisation_from(name: object, uri: object = None) -> Organisation | None:
    if not isinstance(name, str) or not name.strip():
        return None
    text = uri if isinstance(uri, str) else ""
    siren = _SIREN.search(text)
    annuaire = _ANNUAIRE.search(text)
    homepage = text if text.startswith("http") and annuaire is None else None
    return Organisation(
        name.strip(),
        siren=siren.group(1) if siren else None,
        annuaire=annuaire.group(1) if annuaire else None,
        homepage=homepage,
    )


@dataclass
class PublicCodeSource:
    """publiccode.yml files: ``{source name (a file name or URL): bytes}``."""

    iris: Iris
    files: dict[str, bytes | str]
    publishers: Publishers = field(default_factory=Publishers)
    name: str = "publiccode"
    skipped: list[str] = field(default_factory=list)

    def records(self) -> Iterator[Record]:
        orgs = Organisations()
        found: list[Record] = []
        self.skipped = []
        chosen: dict[str, tuple[str, dict[str, Any]]] = {}
        for source, data in sorted(self.files.items()):
            doc = parse(data, source)
            name, url = doc.get("name"), doc.get("url")
            if not isinstance(name, str) or not name.strip() or iri(url) is None:
                self.skipped.append(f"{source}: no name or no repository url (both are required by the standard)")
                continue
            other = chosen.get(slugify(name))
            if other is not None:  # two files for one software: the fuller one is kept
                kept, dropped = (other[0], source) if len(other[1]) >= len(doc) else (source, other[0])
                self.skipped.append(f"{dropped}: {name} is described more fully by {kept}")
                if kept == other[0]:
                    continue
            chosen[slugify(name)] = (source, doc)
        for source, doc in chosen.values():
            url = doc["url"]
            org_section = section(doc, "organisation")
            publisher = organisation_from(org_section.get("name"), org_section.get("uri")) or self.publishers.of(url)
            if publisher is None:
                self.skipped.append(f"{source}: no publisher (no organisation section, repository not on a forge)")
                continue
            found.extend(self.software(doc, source, doc["name"].strip(), url, orgs.add(publisher), orgs))
        yield from orgs.records(self.iris)
        yield from found

    def software(
        self, doc: dict[str, Any], source: str, name: str, url: str, publisher: Organisation, orgs: Organisations
    ) -> list[Record]:
        out = Out()
        node = self.iris.resource(f"publiccode-{slugify(name)}")
        descriptions = section(doc, "description")
        local = descriptions.get("fr") or next((d for d in descriptions.values() if isinstance(d, dict)), {}) or {}
        short = " ".join(str(local.get("shortDescription") or "").split()) or None
        fallback = f"Logiciel {name}, décrit par son fichier publiccode.yml."
        resource_head(out, node, SOFTWARE_CLASSES, KIND["source-code"], name, short, fallback)
        if local.get("longDescription"):
            out.add(node, SCHEMA.text, Literal(str(local["longDescription"]).strip(), language="fr"))
        out.add(node, DCT.publisher, publisher.iri(self.iris))
        out.add(node, SCHEMA.codeRepository, iri(url))
        out.add(node, DCAT.landingPage, iri(doc.get("landingURL")) or iri(url))
        out.add(node, FOAF.page, iri(local.get("documentation")))
        out.add(node, FOAF.page, iri(local.get("apiDocumentation")))
        legal = section(doc, "legal")
        for link in spdx(legal.get("license")):
            out.add(node, DCT.license, link)
        if legal.get("license") and not spdx(legal.get("license")):
            out.problems.append(f"licence {legal.get('license')!r} is not an SPDX licence: left out")
        keywords(out, node, [*(doc.get("categories") or []), *(local.get("features") or [])])
        out.add(node, DCT.issued, when(doc.get("creationDate")))
        release = section(doc, "latestRelease")
        out.add(node, DCT.modified, when(doc.get("releaseDate") or release.get("date")))
        out.add(node, SCHEMA.softwareVersion, _text(doc.get("softwareVersion") or release.get("version")))
        out.add(node, SCHEMA.applicationCategory, _text(doc.get("softwareType")))
        maintenance = section(doc, "maintenance")
        for n, person in enumerate(maintenance.get("contacts") or [], start=1):
            if isinstance(person, dict):
                contact(out, node, f"contact-{n}", person.get("name"), person.get("email"))
        for funder in doc.get("fundedBy") or []:
            org = (
                organisation_from(funder.get("name"), funder.get("uri") or funder.get("url"))
                if isinstance(funder, dict)
                else None
            )
            if org is not None:
                out.add(node, SCHEMA.funder, orgs.add(org).iri(self.iris))
        version = str(doc.get("publiccodeYmlVersion") or "")
        if version not in ("0", "0.2", "0.3", "0.4"):
            out.problems.append(f"publiccodeYmlVersion {version!r} is not one this reader knows")
        software = record(node, out, name, keys(url_key(url, repository=True), url_key(doc.get("landingURL"))))
        found = [software]
        for user in dict.fromkeys(u.strip() for u in doc.get("usedBy") or [] if isinstance(u, str) and u.strip()):
            org = orgs.add(Organisation(user))
            purpose = f"{name} est utilisé par {user} (déclaré dans son fichier publiccode.yml)."
            slug = f"publiccode-{slugify(name)}--{org.slug}"
            found.append(usage(self.iris, slug, node, purpose, agent=org.iri(self.iris), label=f"{user} → {name}"))
        return found


def _text(value: object) -> Literal | None:
    return Literal(str(value).strip()) if isinstance(value, str | int | float) and str(value).strip() else None
