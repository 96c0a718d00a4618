"""Helpers shared by the source adapters: records, keys, organisations, identifiers, licences, dates, YAML errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import yaml
from pyoxigraph import Literal, NamedNode

from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.namespaces import ADMS, DCAT, DCT, DUV, FOAF, ID_SCHEME, ORG, PROV, RDF, SCHEMA, SKOS, VCARD, XSD
from graph.text import excerpt, norm
from loaders._build import Out, contact_iri, fr, iri

SOFTWARE_CLASSES = (DCAT.Resource, SCHEMA.SoftwareSourceCode, ADMS.Asset)
AGENCIES = {
    "siren": "Institut national de la statistique et des études économiques (Insee)",
    "siret": "Institut national de la statistique et des études économiques (Insee)",
    "annuaire": "Direction de l'information légale et administrative",
    "datagouv": "data.gouv.fr",
    "apigouv": "Direction interministérielle du numérique (api.gouv.fr)",
}


def url_key(url: object, *, repository: bool = False) -> str | None:
    """``url:`` key of a page: no scheme, no trailing slash, lower case (a repository's also without ``.git``)."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if repository and path.endswith(".git"):
        path = path[: -len(".git")]
    text = (parts.netloc + path + (f"?{parts.query}" if parts.query else "")).lower()
    return f"url:{text}" if parts.netloc else None


def section(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A mapping held under ``key`` in a source document, or an empty one when it is missing or not a mapping."""
    value = doc.get(key)
    return value if isinstance(value, dict) else {}


def yaml_position(error: yaml.YAMLError, first_line: int = 1) -> str:
    """``, line L, column C`` of a YAML error (lines counted from ``first_line``), or "" when it gives none."""
    mark = getattr(error, "problem_mark", None)
    return f", line {mark.line + first_line}, column {mark.column + 1}" if mark else ""


def keys(*values: str | None) -> frozenset[str]:
    return frozenset(v for v in values if v)


def _instant(value: datetime) -> str:
    """A date-time's lexical form, UTC written ``Z`` as XSD's canonical form does, so that one instant read from
    two sources is one literal."""
    text = value.isoformat()
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def when(value: object) -> Literal | None:
    """An ISO date or date-time from a source as xsd:date / xsd:dateTime; None when it is not one."""
    if isinstance(value, datetime):
        return Literal(_instant(value), datatype=XSD.dateTime)
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return Literal(date.fromisoformat(text).isoformat(), datatype=XSD.date)
        return Literal(_instant(datetime.fromisoformat(text)), datatype=XSD.dateTime)
    except ValueError:
        return None


def identifier(out: Out, owner: NamedNode, tag: str, notation: str, scheme: str, page: NamedNode | None = None) -> None:
    """An ``adms:Identifier`` of ``owner`` from a scheme of the identifier-scheme table."""
    node = NamedNode(f"{owner.value}#{tag}")
    out.add(owner, ADMS.identifier, node)
    out.add(node, RDF.type, ADMS.Identifier)
    out.add(node, SKOS.notation, Literal(notation))
    out.add(node, DCT.type, ID_SCHEME[scheme])
    out.add(node, ADMS.schemaAgency, fr(AGENCIES[scheme]))
    out.add(node, FOAF.page, page)


def contact(out: Out, owner: NamedNode, tag: str, name: object, *addresses: object) -> None:
    """A vCard contact point from an e-mail address and/or a contact page; nothing when neither is usable."""
    found = [c for c in (contact_iri(a) for a in addresses) if c is not None]
    if not found:
        return
    point = NamedNode(f"{owner.value}#{tag}")
    out.add(owner, DCAT.contactPoint, point)
    out.add(point, RDF.type, VCARD.Kind)
    out.title(point, name, VCARD.fn)
    for kind, link in found:
        out.add(point, VCARD.hasEmail if kind == "email" else VCARD.hasURL, link)


def resource_head(
    out: Out,
    node: NamedNode,
    classes: Iterable[NamedNode],
    kind: NamedNode,
    title: str,
    description: str | None,
    fallback: str,
) -> None:
    """Types, kind, identifier (the IRI's last segment), title and description; ``fallback`` describes a
    record whose source gives no description (noted for the report)."""
    for cls in classes:
        out.add(node, RDF.type, cls)
    out.add(node, DCT.type, kind)
    out.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
    out.title(node, title)
    if not description:
        out.problems.append("no description in the source: a description was written from the other fields")
    out.title(node, description or fallback, DCT.description)


def keywords(out: Out, node: NamedNode, values: Iterable[object]) -> None:
    seen: set[str] = set()
    for value in values:
        if isinstance(value, str) and value.strip() and norm(value) not in seen:
            seen.add(norm(value))
            out.add(node, DCAT.keyword, Literal(value.strip()))


def record(node: NamedNode, out: Out, label: str, record_keys: Iterable[str]) -> Record:
    return Record(node, list(dict.fromkeys(out.triples)), label, frozenset(record_keys), list(out.problems))


@dataclass
class Organisation:
    """An organisation as a source names it; ``slug`` is the last segment of its IRI."""

    name: str
    slug: str = ""
    acronym: str | None = None
    description: str | None = None
    homepage: str | None = None
    email: str | None = None
    siret: str | None = None
    siren: str | None = None
    annuaire: str | None = None  # lannuaire.service-public.fr id
    datagouv: str | None = None  # data.gouv.fr organisation id
    page: str | None = None  # the organisation's page on its source
    classification: NamedNode | None = None
    extra_keys: set[str] = field(default_factory=set)
    other_names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.slug = self.slug or slugify(self.name)
        digits = re.sub(r"\s", "", self.siret or "")
        self.siret = digits if re.fullmatch(r"\d{14}", digits) else None
        if self.siren is None and self.siret:
            self.siren = self.siret[:9]
        siren = re.sub(r"\s", "", self.siren or "")
        self.siren = siren if re.fullmatch(r"\d{9}", siren) else None

    def iri(self, iris: Iris) -> NamedNode:
        return iris.organisation(self.slug)

    def record(self, iris: Iris) -> Record:
        out = Out()
        node = self.iri(iris)
        for cls in (ORG.Organization, FOAF.Organization, FOAF.Agent):
            out.add(node, RDF.type, cls)
        out.add(node, DCT.identifier, Literal(self.slug))
        out.title(node, self.name, FOAF.name)
        for other in sorted({n for n in (self.acronym, *self.other_names) if n and norm(n) != norm(self.name)}):
            out.add(node, SKOS.altLabel, fr(other))
        out.title(node, excerpt(self.description), DCT.description)
        out.add(node, FOAF.homepage, iri(self.homepage))
        out.add(node, ORG.classification, self.classification)
        contact(out, node, "contact", self.name, self.email)
        if self.siren:
            identifier(out, node, "siren", self.siren, "siren")
        if self.siret:
            identifier(out, node, "siret", self.siret, "siret")
        if self.annuaire:
            page = iri(f"https://lannuaire.service-public.fr/{self.annuaire}")
            identifier(out, node, "annuaire", self.annuaire, "annuaire", page)
        if self.datagouv:
            identifier(out, node, "datagouv", self.datagouv, "datagouv", iri(self.page))
        found = keys(
            f"siren:{self.siren}" if self.siren else None,
            f"datagouv:{self.datagouv}" if self.datagouv else None,
            f"annuaire:{self.annuaire}" if self.annuaire else None,
            *(f"name:{norm(n)}" for n in (self.name, *self.other_names)),
            url_key(self.page),
        )
        return record(node, out, self.name, found | self.extra_keys)


class Organisations:
    """The organisations one source names, each once: the same slug, SIREN or annuaire id is the same
    organisation (``Dinum`` funding a project and ``DINUM`` using it), its descriptions merged."""

    _FIELDS = ("acronym", "description", "homepage", "email", "siret", "siren", "annuaire", "datagouv", "page")

    def __init__(self) -> None:
        self._by_alias: dict[str, Organisation] = {}
        self._all: list[Organisation] = []

    def add(self, org: Organisation) -> Organisation:
        known = next((self._by_alias[a] for a in self._aliases(org) if a in self._by_alias), None)
        if known is None:
            self._all.append(org)
            known = org
        else:
            for name in self._FIELDS:
                if getattr(known, name) is None and getattr(org, name) is not None:
                    setattr(known, name, getattr(org, name))
            known.classification = known.classification or org.classification
            known.extra_keys |= org.extra_keys
            if norm(org.name) != norm(known.name):
                known.other_names.add(org.name)
        for alias in self._aliases(known) + self._aliases(org):
            self._by_alias.setdefault(alias, known)
        return known

    def values(self) -> list[Organisation]:
        return sorted(self._all, key=lambda o: o.slug)

    def records(self, iris: Iris) -> list[Record]:
        return [o.record(iris) for o in self.values()]

    @staticmethod
    def _aliases(org: Organisation) -> list[str]:
        found = [f"slug:{org.slug}"]
        found += [f"siren:{org.siren}"] if org.siren else []
        found += [f"annuaire:{org.annuaire}"] if org.annuaire else []
        found += [f"datagouv:{org.datagouv}"] if org.datagouv else []
        return found


def usage(
    iris: Iris,
    slug: str,
    resource: NamedNode,
    purpose: str,
    *,
    agent: NamedNode | None = None,
    tool: NamedNode | None = None,
    page: object = None,
    label: str = "",
) -> Record:
    """A ``duv:Usage`` of ``resource``: who uses it (``agent``) and/or through which service (``tool``)."""
    out = Out()
    node = iris.usage(slug)
    out.add(node, RDF.type, DUV.Usage)
    out.add(node, RDF.type, PROV.Activity)
    out.add(node, DUV.refersTo, resource)
    out.title(node, purpose, DCT.description)
    out.add(node, PROV.wasAssociatedWith, agent)
    out.add(node, DUV.hasUsageTool, tool)
    out.add(node, FOAF.page, iri(page))
    return record(node, out, label or purpose, keys(f"usage:{slug}"))
