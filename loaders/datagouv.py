"""data.gouv.fr dataservices and datasets (API v1 and v2 JSON) as records of our model.

A dataservice becomes an API (``dcat:DataService``): its base URL is the endpoint, its machine-readable
documentation the endpoint description. A dataset becomes a ``dcat:Dataset`` with one distribution per
resource (documentation resources become documentation links). The organisation is the publisher, with its
SIRET and SIREN; a reuse becomes a service (``duv:UsageTool``) and a usage of the dataset it reuses.

Keys: ``datagouv:<id>``, ``identifier:`` of the record's ``dct:identifier`` (``datagouv-<slug>``: a bare
slug would match another source's record of another kind, the dataset ``base-adresse-nationale`` and the
api.gouv.fr API of that name) and ``url:`` of the data.gouv.fr page (as api.gouv.fr links its sheets:
``www.data.gouv.fr/fr/dataservices/<slug>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode

from graph.datagouv import SITE, page_url
from graph.errors import HarvestError
from graph.harvest.records import Record
from graph.iris import Iris, slugify
from graph.model import licences
from graph.namespaces import ACCESS, DCAT, DCT, DUV, FOAF, KIND, ORG_TYPE, RDF, SCHEMA, XSD
from graph.text import excerpt
from loaders._build import Out, fr, iri
from loaders._mapping import (
    Organisation,
    Organisations,
    contact,
    identifier,
    keys,
    keywords,
    record,
    resource_head,
    url_key,
    usage,
    when,
)

# access_type, as data.gouv.fr maps it to the EU table itself (udata's AccessType.url: an account anyone may
# open leaves the data public; "restricted" is NON_PUBLIC, following the EU vocabulary's definitions)
ACCESS_TYPES = {"open": ACCESS.PUBLIC, "open_with_account": ACCESS.PUBLIC, "restricted": ACCESS.NON_PUBLIC}
_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2",
    "annual": "ANNUAL",
    "biennial": "BIENNIAL",
    "continuous": "CONT",
    "hourly": "HOURLY",
    "irregular": "IRREG",
    "punctual": "NEVER",
}
BADGES = {"local-authority": ORG_TYPE.collectivite}

Fetch = Callable[[str], Any]


def organisation(org: dict[str, Any] | None) -> Organisation | None:
    """The publisher from an organisation object (full, or the reference embedded in a dataset)."""
    if not isinstance(org, dict) or not org.get("name"):
        return None
    badges = {b.get("kind") for b in org.get("badges") or [] if isinstance(b, dict)}
    kind = next((BADGES[b] for b in badges if b in BADGES), None)
    return Organisation(
        org["name"].strip(),
        slug=slugify(org.get("slug") or org["name"]),
        acronym=org.get("acronym"),
        description=org.get("description"),
        homepage=org.get("url"),
        siret=org.get("business_number_id"),
        datagouv=org.get("id"),
        page=org.get("page") or (f"{SITE}/organizations/{org['slug']}/" if org.get("slug") else None),
        classification=kind,
    )


@dataclass
class Mapper:
    """Maps data.gouv.fr objects; remembers the organisations met, so each is emitted once."""

    iris: Iris
    organisations: Organisations = field(default_factory=Organisations)
    people: dict[NamedNode, dict[str, Any]] = field(default_factory=dict)

    def publisher(self, out: Out, node: NamedNode, obj: dict[str, Any], full: dict[str, Any] | None = None) -> None:
        org = organisation(full or obj.get("organization"))
        if org is not None:
            out.add(node, DCT.publisher, self.organisations.add(org).iri(self.iris))
            return
        owner = obj.get("owner")
        if isinstance(owner, dict) and owner.get("slug"):  # published by a user, not an organisation
            person = self.iris.person(f"datagouv-{slugify(owner['slug'])}")
            self.people[person] = owner
            out.add(node, DCT.publisher, person)
            return
        out.problems.append("no organisation nor owner: the publisher is unknown")

    def agents(self) -> list[Record]:
        """The organisations and people met, each once."""
        found = self.organisations.records(self.iris)
        for node, owner in sorted(self.people.items(), key=lambda p: p[0].value):
            out = Out()
            name = " ".join(str(owner.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
            for cls in (FOAF.Person, FOAF.Agent):
                out.add(node, RDF.type, cls)
            out.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
            out.add(node, FOAF.name, Literal(name or owner["slug"]))
            out.add(node, FOAF.homepage, iri(owner.get("page")))
            found.append(record(node, out, name or owner["slug"], keys(url_key(owner.get("page")))))
        return found

    def common(self, out: Out, node: NamedNode, obj: dict[str, Any], kind: str) -> str:
        """What datasets and dataservices share; returns the page URL."""
        page = obj.get("self_web_url") or obj.get("page") or page_url(kind, obj["slug"])
        out.add(node, DCAT.landingPage, iri(page))
        if isinstance(obj.get("description"), str) and obj["description"].strip():
            out.add(node, SCHEMA.text, fr(obj["description"]))
        licence = obj.get("license")
        if licence:
            known = licences.from_text(str(licence))  # udata's licence ids: lov2, odc-odbl, cc-by...
            link = known.value if known is not None else licence if str(licence).startswith("http") else None
            out.add(node, DCT.license, iri(link))
            if link is None and licence not in ("notspecified", "other-at", "other-open", "other-pd"):
                out.problems.append(f"licence {licence!r} is not one data.gouv.fr defines: left out")
        keywords(out, node, obj.get("tags") or [])
        out.add(node, DCT.accessRights, ACCESS_TYPES.get(obj.get("access_type") or ""))
        modified = obj.get("metadata_modified_at") or obj.get("last_modified") or obj.get("last_modified_internal")
        out.add(node, DCT.modified, when(modified))
        out.add(node, DCT.issued, when(obj.get("created_at") or obj.get("created_at_internal")))
        for n, point in enumerate(obj.get("contact_points") or [], start=1):
            if isinstance(point, dict):
                contact(out, node, f"contact-{n}", point.get("name"), point.get("email"), point.get("contact_form"))
        identifier(out, node, "datagouv", obj["id"], "datagouv", iri(page))
        return page

    def dataservice(self, obj: dict[str, Any], serves: Iterable[NamedNode] = ()) -> Record:
        _require(obj, "dataservice")
        out = Out()
        node = self.iris.resource(f"datagouv-{slugify(obj['slug'])}")
        org = (obj.get("organization") or {}).get("name")
        fallback = f"API « {obj['title']} » publiée sur data.gouv.fr" + (f" par {org}." if org else ".")
        resource_head(
            out,
            node,
            (DCAT.Resource, DCAT.DataService),
            KIND.api,
            obj["title"],
            excerpt(obj.get("description")),
            fallback,
        )
        self.publisher(out, node, obj)
        page = self.common(out, node, obj, "dataservice")
        out.add(node, DCAT.endpointURL, iri(obj.get("base_api_url")))
        out.add(node, DCAT.endpointDescription, iri(obj.get("machine_documentation_url")))
        for doc in ("technical_documentation_url", "business_documentation_url", "authorization_request_url"):
            out.add(node, FOAF.page, iri(obj.get(doc)))
        for dataset in serves:
            out.add(node, DCAT.servesDataset, dataset)
        return record(node, out, obj["title"], self._keys(obj, "dataservice", page))

    def dataset(self, obj: dict[str, Any], resources: Iterable[dict[str, Any]], org: dict[str, Any] | None) -> Record:
        _require(obj, "dataset")
        out = Out()
        node = self.iris.resource(f"datagouv-{slugify(obj['slug'])}")
        name = (org or obj.get("organization") or {}).get("name")
        fallback = f"Jeu de données « {obj['title']} » publié sur data.gouv.fr" + (f" par {name}." if name else ".")
        resource_head(
            out,
            node,
            (DCAT.Resource, DCAT.Dataset),
            KIND.dataset,
            obj["title"],
            excerpt(obj.get("description")),
            fallback,
        )
        self.publisher(out, node, obj, org)
        page = self.common(out, node, obj, "dataset")
        frequency = FREQUENCIES.get(obj.get("frequency") or "")
        out.add(node, DCT.accrualPeriodicity, NamedNode(_FREQ + frequency) if frequency else None)
        self._temporal(out, node, obj.get("temporal_coverage"))
        for res in resources:
            self._distribution(out, node, res)
        return record(node, out, obj["title"], self._keys(obj, "dataset", page))

    def reuse(self, reuse: dict[str, Any], dataset: NamedNode, title: str) -> list[Record]:
        """A reuse: the service (a ``duv:UsageTool``) and the usage of the dataset through it."""
        if not reuse.get("id") or not reuse.get("title"):
            return []
        out = Out()
        slug = f"datagouv-{slugify(reuse.get('slug') or reuse['title'])}"
        tool = self.iris.service(slug)
        out.add(tool, RDF.type, DUV.UsageTool)
        out.add(tool, RDF.type, SCHEMA.CreativeWork)
        out.add(tool, DCT.identifier, Literal(slug))
        out.title(tool, reuse["title"])
        out.title(tool, excerpt(reuse.get("description")), DCT.description)
        out.add(tool, FOAF.homepage, iri(reuse.get("url")))
        out.add(tool, DCT.issued, when(reuse.get("created_at")))
        org = organisation(reuse.get("organization"))
        agent = None
        if org is not None:
            agent = self.organisations.add(org).iri(self.iris)
            out.add(tool, DCT.publisher, agent)
        identifier(out, tool, "datagouv", reuse["id"], "datagouv", iri(reuse.get("page")))
        tool_keys = keys(f"datagouv:{reuse['id']}", url_key(reuse.get("url")), url_key(reuse.get("page")))
        purpose = f"{reuse['title']} ({_REUSE_TYPES.get(reuse.get('type') or '', 'réutilisation')}) : réutilise {title}"
        used = usage(
            self.iris,
            f"{slug}--{dataset.value.rsplit('/', 1)[-1]}",
            dataset,
            purpose,
            agent=agent,
            tool=tool,
            page=reuse.get("page") or reuse.get("url"),
        )
        return [record(tool, out, reuse["title"], tool_keys), used]

    def _keys(self, obj: dict[str, Any], kind: str, page: str) -> frozenset[str]:
        return keys(
            f"datagouv:{obj['id']}",
            f"identifier:datagouv-{slugify(obj['slug'])}",
            url_key(page_url(kind, obj["slug"])),
            url_key(page),
        )

    def _temporal(self, out: Out, node: NamedNode, coverage: object) -> None:
        if not isinstance(coverage, dict):
            return
        start, end = when(coverage.get("start")), when(coverage.get("end"))
        if start is None and end is None:
            return
        period = NamedNode(f"{node.value}#temporal")
        out.add(node, DCT.temporal, period)
        out.add(period, RDF.type, DCT.PeriodOfTime)
        out.add(period, DCAT.startDate, start)
        out.add(period, DCAT.endDate, end)

    def _distribution(self, out: Out, node: NamedNode, res: dict[str, Any]) -> None:
        url = iri(res.get("url"))
        if url is None or not res.get("id"):
            out.problems.append(f"resource {res.get('title')!r} has no usable URL: left out")
            return
        if res.get("type") == "documentation":
            out.add(node, FOAF.page, url)
            return
        dist = NamedNode(f"{node.value}#distribution-{slugify(str(res['id']))}")
        out.add(node, DCAT.distribution, dist)
        out.add(dist, RDF.type, DCAT.Distribution)
        out.title(dist, res.get("title"))
        out.title(dist, excerpt(res.get("description")), DCT.description)
        out.add(dist, DCAT.downloadURL if res.get("filetype") == "file" else DCAT.accessURL, url)
        if isinstance(res.get("format"), str) and res["format"].strip():
            out.add(dist, DCT.format, Literal(res["format"].strip().lower()))
        mime = res.get("mime")
        if isinstance(mime, str) and "/" in mime and " " not in mime:
            out.add(dist, DCAT.mediaType, iri(f"https://www.iana.org/assignments/media-types/{mime.strip()}"))
        if isinstance(res.get("filesize"), int):
            out.add(dist, DCAT.byteSize, Literal(str(res["filesize"]), datatype=XSD.nonNegativeInteger))
        out.add(dist, DCT.modified, when(res.get("last_modified")))


_REUSE_TYPES = {
    "api": "API",
    "application": "application",
    "idea": "idée",
    "news_article": "article de presse",
    "paper": "article de recherche",
    "post": "billet",
    "visualization": "visualisation",
    "hardware": "objet connecté",
}


def _require(obj: object, kind: str) -> None:
    if not isinstance(obj, dict):
        raise HarvestError(f"data.gouv.fr {kind}: expected a JSON object, got {type(obj).__name__}")
    missing = [k for k in ("id", "slug", "title") if not obj.get(k)]
    if missing:
        raise HarvestError(f"data.gouv.fr {kind} {obj.get('id') or '?'}: missing {', '.join(missing)}")


def items(payload: Any) -> list[Any]:
    """The objects of a payload: a list, a list envelope ``{"data": [...]}``, or one object."""
    if isinstance(payload, dict):
        data, datasets = payload.get("data"), payload.get("datasets")
        if isinstance(data, list):
            return data
        if isinstance(datasets, list):
            return datasets
        return [payload]
    if isinstance(payload, list):
        return payload
    raise HarvestError(f"data.gouv.fr payload: expected a JSON object or list, got {type(payload).__name__}")


@dataclass
class DatagouvSource:
    """data.gouv.fr payloads already fetched: dataservices (v1 or v2 objects), datasets (v1 objects with
    their resources, v2 objects whose resources ``fetch`` reads, or bundles ``{"dataset", "organization",
    "resources", "reuses", "dataservices"}``)."""

    iris: Iris
    dataservices: list[Any] = field(default_factory=list)
    datasets: list[Any] = field(default_factory=list)
    fetch: Fetch | None = None
    name: str = "datagouv"

    def records(self) -> Iterator[Record]:
        mapper = Mapper(self.iris)
        found: dict[NamedNode, Record] = {}
        serves: dict[str, list[NamedNode]] = {}
        extra: list[dict[str, Any]] = []
        for payload in self.datasets:
            for entry in items(payload):
                if not isinstance(entry, dict):
                    raise HarvestError(f"data.gouv.fr dataset: expected a JSON object, got {type(entry).__name__}")
                bundle = entry if isinstance(entry.get("dataset"), dict) else {"dataset": entry}
                obj = bundle["dataset"]
                rec = mapper.dataset(obj, self._resources(obj, bundle), bundle.get("organization"))
                found.setdefault(rec.iri, rec)
                for service in bundle.get("dataservices") or []:
                    if isinstance(service, dict) and service.get("id"):
                        serves.setdefault(service["id"], []).append(rec.iri)
                        extra.append(service)
                for reuse in bundle.get("reuses") or []:
                    for r in mapper.reuse(reuse, rec.iri, obj["title"]) if isinstance(reuse, dict) else []:
                        found.setdefault(r.iri, r)
        for payload in [*self.dataservices, extra]:
            for obj in items(payload):
                _require(obj, "dataservice")
                rec = mapper.dataservice(obj, dict.fromkeys(serves.get(obj["id"], [])))
                found.setdefault(rec.iri, rec)
        yield from mapper.agents()
        yield from found.values()

    def _resources(self, obj: dict[str, Any], bundle: dict[str, Any]) -> list[dict[str, Any]]:
        resources = bundle.get("resources")
        if isinstance(resources, list):
            return resources
        return resources_of(obj, self.fetch)


def resources_of(obj: dict[str, Any], fetch: Fetch | None) -> list[dict[str, Any]]:
    """A dataset's resources: inline (API v1), or read page by page from its v2 link with ``fetch`` (the walk
    stops when a page repeats)."""
    inline = obj.get("resources")
    if isinstance(inline, list):
        return inline
    link = inline.get("rel") if isinstance(inline, dict) else None
    if not link or fetch is None:
        return []
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    while link and link not in seen:
        seen.add(link)
        page = fetch(link)
        found.extend(items(page))
        link = page.get("next_page") if isinstance(page, dict) else None
    return found
