"""What people propose, as RDF in our model: a resource or a usage built from form values exactly as a loaded
record would be, and the SHACL results about it mapped back to the form's fields by focus node and path.

Values that are not what the model wants (a link that is not a URL, an unknown kind) are kept as they were
typed, as literals, so that the shapes refuse them with their own French messages, next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from graph.choices import Options
from graph.iris import Iris, slugify
from graph.model.access import BY_KEY
from graph.model.kinds import KIND_CLASSES, kind_key
from graph.namespaces import (
    DCAT,
    DCT,
    DUV,
    FOAF,
    OA,
    ORG,
    PROV,
    RATING,
    RDF,
    RSR,
    SCHEMA,
    VCARD,
    XSD,
)
from graph.text import norm, summary
from graph.validation import Report, ValidationResult

OTHER = "other"
_SEPARATORS = re.compile(r"[,;\n]+")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# --- building the records --------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """The statements of a proposal, its main record, and how its nodes map to the form's fields."""

    record: NamedNode
    statements: list[Triple]
    roles: dict[str, str]  # node IRI -> role (resource, organisation, contact, usage, service, feedback)
    errors: dict[str, list[str]] = field(default_factory=dict)  # checks the shapes cannot make, by field

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


Exists = Callable[[NamedNode], bool]


class Builder:
    """Turns form values into statements; ``exists`` tells whether an IRI is already used."""

    def __init__(self, iris: Iris, options: Options, exists: Exists) -> None:
        self.iris = iris
        self.options = options
        self.exists = exists
        self.out: list[Triple] = []
        self.minted: set[str] = set()

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | None) -> None:
        if o is not None:
            self.out.append(Triple(s, p, o))

    def mint(self, kind: str, text: str) -> NamedNode:
        base = slugify(text)[:60].strip("-") or kind
        slug, n = base, 1
        while True:
            node = self.iris.record(kind, slug)
            if node.value not in self.minted and not self.exists(node):
                self.minted.add(node.value)
                return node
            n += 1
            slug = f"{base}-{n}"

    def organisation(self, values: dict[str, str], prefix: str) -> NamedNode | Literal | None:
        """The chosen organisation, or a new one when 'other' is chosen (``prefix``: producer or organisation)."""
        chosen = values.get(prefix, "")
        if chosen != OTHER:
            return term(chosen) if chosen else None
        name = values.get(f"{prefix}_name", "")
        node = self.mint("organisation", name or "organisation")
        for cls in (ORG.Organization, FOAF.Organization, FOAF.Agent):
            self.add(node, RDF.type, cls)
        self.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
        self.add(node, FOAF.name, fr(name))
        self.add(node, ORG.classification, term(values.get(f"{prefix}_type", "")))
        self.add(node, FOAF.homepage, link(values.get(f"{prefix}_homepage", "")))
        return node


def fr(text: str) -> Literal | None:
    return Literal(text.strip(), language="fr") if text and text.strip() else None


def term(value: str) -> NamedNode | Literal | None:
    """An IRI chosen in a list; anything else stays as typed (and the shapes say why it is refused)."""
    if not value:
        return None
    try:
        return NamedNode(value)
    except ValueError:
        return Literal(value)


def link(value: str) -> NamedNode | Literal | None:
    """A web address as an IRI; anything that is not an http(s) URL stays as typed."""
    value = value.strip()
    if not value:
        return None
    if re.match(r"^https?://[^\s/]+\.[^\s]*$", value):
        try:
            return NamedNode(value)
        except ValueError:
            pass
    return Literal(value)


def email(value: str) -> NamedNode | Literal | None:
    value = value.strip()
    if not value:
        return None
    try:
        return NamedNode("mailto:" + value.removeprefix("mailto:"))
    except ValueError:
        return Literal(value)


def today() -> Literal:
    return Literal(datetime.now(UTC).date().isoformat(), datatype=XSD.date)


def split_keywords(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for k in _SEPARATORS.split(text):
        if k.strip() and norm(k) not in seen:
            seen[norm(k)] = k.strip()
    return list(seen.values())


def resource(values: dict[str, str], themes: list[str], iris: Iris, options: Options, exists: Exists) -> Proposal:
    b = Builder(iris, options, exists)
    title = values.get("title", "")
    node = b.mint("resource", title or "ressource")
    roles = {node.value: "resource"}
    kind_value = values.get("kind", "")
    concept = next((c for c in KIND_CLASSES if kind_key(c) == kind_value), None)
    b.add(node, RDF.type, DCAT.Resource)
    for cls in KIND_CLASSES.get(concept, ()) if concept else ():
        b.add(node, RDF.type, cls)
    b.add(node, DCT.type, concept or (Literal(kind_value) if kind_value else None))
    b.add(node, DCT.identifier, Literal(node.value.rsplit("/", 1)[-1]))
    b.add(node, DCT.title, fr(title))
    description = values.get("description", "")
    short = values.get("tagline", "").strip() or summary(None, description, None) or ""
    b.add(node, DCT.description, fr(short))
    if description.strip() and description.strip() != short:
        b.add(node, SCHEMA.text, fr(description))
    b.add(node, DCT.modified, today())
    publisher = b.organisation(values, "producer")
    if isinstance(publisher, NamedNode) and values.get("producer") == OTHER:
        roles[publisher.value] = "producer"
    b.add(node, DCT.publisher, publisher)
    theme_values = {c.value for c in options.themes}
    proposal_errors: list[tuple[str, str]] = []
    for t in themes:
        if t not in theme_values:
            proposal_errors.append(("themes", f"« {t} » n'est pas un thème de la liste."))
        b.add(node, DCAT.theme, term(t))
    for k in split_keywords(values.get("keywords", "")):
        b.add(node, DCAT.keyword, fr(k))
    b.add(node, DCAT.landingPage, link(values.get("landing_page", "")))
    doc = link(values.get("documentation", ""))
    b.add(node, DCAT.endpointDescription if concept == RSR["kind/api"] else FOAF.page, doc)
    endpoint = values.get("endpoint", "").strip()
    if endpoint and concept != RSR["kind/api"]:
        proposal_errors.append(
            ("endpoint", "Une adresse d'accès ne se donne que pour une API : choisissez la nature API.")
        )
    b.add(node, DCAT.endpointURL, link(endpoint))
    repo = values.get("code_repository", "").strip()
    if repo and concept not in (RSR["kind/source-code"], RSR["kind/ai"]):
        proposal_errors.append(("code_repository", "Un dépôt de code ne se donne que pour du code source ou de l'IA."))
    b.add(node, SCHEMA.codeRepository, link(repo))
    access = values.get("access", "")
    b.add(node, DCT.accessRights, BY_KEY[access].iri if access in BY_KEY else fr(access))
    licence = values.get("licence", "")
    b.add(node, DCT.license, link(values.get("licence_other", "")) if licence == OTHER else term(licence))
    contact = values.get("contact_email", "").strip()
    if contact:
        point = NamedNode(f"{node.value}#contact")
        roles[point.value] = "contact"
        b.add(node, DCAT.contactPoint, point)
        b.add(point, RDF.type, VCARD.Kind)
        b.add(point, VCARD.fn, fr(title))
        b.add(point, VCARD.hasEmail, email(contact))
    proposal = Proposal(node, b.out, roles)
    for name, message in proposal_errors:
        proposal.error(name, message)
    return proposal


def usage(values: dict[str, str], iris: Iris, options: Options, exists: Exists) -> Proposal:
    b = Builder(iris, options, exists)
    chosen = values.get("resource", "")
    target = term(chosen)
    org = b.organisation(values, "organisation")
    org_slug = org.value.rsplit("/", 1)[-1] if isinstance(org, NamedNode) else "contribution"
    res_slug = target.value.rsplit("/", 1)[-1] if isinstance(target, NamedNode) else "ressource"
    node = b.mint("usage", f"{org_slug}--{res_slug}")
    roles = {node.value: "usage"}
    if isinstance(org, NamedNode) and values.get("organisation") == OTHER:
        roles[org.value] = "organisation"
    b.add(node, RDF.type, DUV.Usage)
    b.add(node, RDF.type, PROV.Activity)
    b.add(node, DUV.refersTo, target)
    b.add(node, PROV.wasAssociatedWith, org)
    b.add(node, DCT.description, fr(values.get("purpose", "")))
    b.add(node, RSR.outcome, fr(values.get("result", "")))
    since = values.get("since", "").strip()
    if since:
        kind = XSD.gYear if _YEAR.match(since) else XSD.date if _DATE.match(since) else XSD.string
        b.add(node, PROV.startedAtTime, Literal(since, datatype=kind))
    name, url = values.get("service_name", "").strip(), values.get("service_url", "").strip()
    if name or url:
        known = options.services.get(norm(name)) if name else None
        if known is not None:
            b.add(node, DUV.hasUsageTool, known)
        else:
            tool = b.mint("service", name or "service")
            roles[tool.value] = "service"
            b.add(tool, RDF.type, DUV.UsageTool)
            b.add(tool, RDF.type, SCHEMA.WebApplication)
            b.add(tool, DCT.identifier, Literal(tool.value.rsplit("/", 1)[-1]))
            b.add(tool, DCT.title, fr(name))
            b.add(tool, FOAF.homepage, link(url))
            b.add(tool, DCT.publisher, org if isinstance(org, NamedNode) else None)
            b.add(node, DUV.hasUsageTool, tool)
    rating = values.get("rating", "").strip()
    if rating:
        feedback = b.mint("feedback", f"{node.value.rsplit('/', 1)[-1]}")
        roles[feedback.value] = "feedback"
        for cls in (DUV.RatingFeedback, DUV.UserFeedback, OA.Annotation):
            b.add(feedback, RDF.type, cls)
        b.add(feedback, OA.hasTarget, node)
        b.add(feedback, DUV.hasRating, RATING[rating] if rating.isdigit() else Literal(rating))
        b.add(feedback, DCT.creator, org if isinstance(org, NamedNode) else None)
        b.add(feedback, DCT.created, today())
    return Proposal(node, b.out, roles)


# --- mapping the report back to the form ------------------------------------------------------------------------

# (role, path) -> field; (role, None) is the field for any other path of that role
FIELDS: dict[tuple[str, str | None], str | None] = {
    ("resource", "dct:title"): "title",
    ("resource", "dct:identifier"): "title",
    ("resource", "dct:description"): "description",
    ("resource", "schema:text"): "description",
    ("resource", "dct:type"): "kind",
    ("resource", "dct:publisher"): "producer",
    ("resource", "dcat:theme"): "themes",
    ("resource", "dcat:keyword"): "keywords",
    ("resource", "dcat:landingPage"): "landing_page",
    ("resource", "dcat:landingPage|foaf:page"): "landing_page",
    ("resource", "foaf:page"): "documentation",
    ("resource", "dcat:endpointDescription"): "documentation",
    ("resource", "dcat:endpointURL"): "endpoint",
    ("resource", "dcat:endpointDescription|dcat:endpointURL"): "endpoint",
    ("resource", "schema:codeRepository"): "code_repository",
    ("resource", "dct:accessRights"): "access",
    ("resource", "dct:license"): "licence",
    ("resource", "dcat:contactPoint"): "contact_email",
    ("contact", None): "contact_email",
    ("producer", "foaf:name"): "producer_name",
    ("producer", "foaf:homepage"): "producer_homepage",
    ("producer", "org:classification"): "producer_type",
    ("producer", None): "producer_name",
    ("organisation", "foaf:name"): "organisation_name",
    ("organisation", "foaf:homepage"): "organisation_homepage",
    ("organisation", "org:classification"): "organisation_type",
    ("organisation", None): "organisation_name",
    ("usage", "duv:refersTo"): "resource",
    ("usage", "dct:description"): "purpose",
    ("usage", "rsr:outcome"): "result",
    ("usage", "prov:wasAssociatedWith"): "organisation",
    ("usage", "prov:wasAssociatedWith|duv:hasUsageTool|dct:source"): "organisation",
    ("usage", "duv:hasUsageTool"): "service_name",
    ("usage", "prov:startedAtTime"): "since",
    ("service", "dct:title"): "service_name",
    ("service", None): "service_url",
    ("feedback", None): "rating",
    ("question", "schema:name"): "title",
    ("question", "schema:text"): "details",
    ("question", "schema:about"): "resource",
    ("question", "schema:author"): "contributor_name",
    ("question", "schema:dateCreated"): None,
    ("question", None): "title",
    ("answer", "schema:text"): "text",
    ("answer", "schema:citation"): "cites",
    ("answer", "schema:parentItem"): "question",
    ("answer", "schema:author"): "contributor_name",
    ("answer", None): "text",
    ("author", None): "contributor_name",
}


@dataclass
class FieldErrors:
    """Messages in French by field, and those that belong to no field (shown at the top)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name is None:
            if message not in self.general:
                self.general.append(message)
            return
        held = self.by_field.setdefault(name, [])
        if message not in held:
            held.append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def as_json(self) -> dict[str, object]:
        return {"fields": self.by_field, "general": self.general}


def roles_for(form: str, record: NamedNode, statements: Iterable[Triple], base: str) -> dict[str, str]:
    """The roles of a stored proposal's nodes, from their IRIs (as ``resource`` and ``usage`` minted them)."""
    roles: dict[str, str] = {}
    if form in ("question", "answer"):
        return {record.value: form, f"{record.value}#auteur": "author"}
    for t in statements:
        if not isinstance(t.subject, NamedNode):
            continue  # a blank node has no role
        s = t.subject.value
        kind = s[len(base) :].split("/", 1)[0] if s.startswith(base) else ""
        if s.startswith(record.value + "#"):
            roles[s] = "contact"
        elif kind == "organisation":
            roles[s] = "producer" if form == "resource" else "organisation"
        elif kind in ("resource", "usage", "service", "feedback"):
            roles[s] = kind
    return roles


# the shapes' messages end by naming the properties, "(dct:description)": useful in a report, noise in a form
_PROPERTIES = re.compile(r"\s*\((?:[a-z]+:[A-Za-z]+(?:, | ou | or |\|)?)+\)(?=\.?$)")


def message(result: ValidationResult) -> str:
    """The shape's French message, as a person reads it next to a field (without the property names)."""
    text = result.message.get("fr") or next(iter(result.message.values()), "") or result.text("fr")
    return _PROPERTIES.sub("", text)


def field_of(result: ValidationResult, roles: dict[str, str]) -> str | None:
    role = roles.get(result.focus)
    if role is None:
        return None
    if result.path is None:
        return FIELDS.get((role, None))
    if (role, result.path) in FIELDS:
        return FIELDS[(role, result.path)]
    return FIELDS.get((role, None))


def map_report(report: Report, proposal: Proposal, severity: str = "Violation") -> FieldErrors:
    """The report's results of a severity, by the form field their focus node and path stand for."""
    errors = FieldErrors()
    for name, messages in proposal.errors.items() if severity == "Violation" else ():
        for m in messages:
            errors.add(name, m)
    for r in report.results:
        if r.severity == severity:
            errors.add(field_of(r, proposal.roles), message(r))
    return errors
