"""The curation layer: corrections of published records, kept in their own named graph (``graph/curation``), so that
the source graphs stay as they were loaded or harvested and a new harvest does not undo a correction.

A correction replaces the values of some properties of one record (its title, keywords, landing page...): the
curation graph holds the new values and a correction node saying which properties it overrides:

    <base>correction/<id> a rsr:Correction, prov:Entity ;
        rsr:corrects <record> ; rsr:overrides dct:title, dcat:keyword ;
        dct:description "Le titre comportait une faute."@fr ; dct:created "..."^^xsd:dateTime ;
        prov:wasDerivedFrom <base>contribution/<id> ; prov:wasGeneratedBy <base>correction/<id>#publication ...
    <record> dct:title "Le titre corrigé"@fr ; dcat:keyword "emploi"@fr, "insertion"@fr .      (in graph/curation)

The rule, the same everywhere (validation of every write, record pages and descriptions, the search index): for
a record and a property some correction overrides, the values of the other graphs are set aside and those of the
curation graph count. A correction that only adds (a licence where none was given) overrides nothing. SPARQL
sees every graph as written: ``rsr:overrides`` says which values the site shows.

Corrections come from moderated proposals (``graph.web.contrib.corrections``) and from the project's curation
table (``graph.community.curation_table``), which may also merge a duplicate into the record kept
(``owl:sameAs``) or hide an entry (``rsr:hidden``): see ``SetAside``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, Triple

from graph.errors import RessourcerieError
from graph.iris import Iris
from graph.model.access import BY_IRI, BY_KEY
from graph.namespaces import DCAT, DCT, DUV, FOAF, ORG, OWL, PROV, RDF, RSR, SCHEMA, SKOS, XSD
from graph.proposals import link, split_keywords
from graph.store.base import Store, Term
from graph.submissions import now

Override = tuple[NamedNode, NamedNode]  # (record, property)


def graph(iris: Iris) -> NamedNode:
    return iris.graph("curation")


# --- what may be corrected ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    predicate: NamedNode
    kind: str  # text (one French text), long (a longer one), keywords, link (one URL), choice (a listed IRI)
    hint: str = ""
    fill_only: bool = False  # values read by the pages through links: may be given where missing, not replaced

    @property
    def limit(self) -> int:
        return {"long": 5000, "keywords": 1000, "link": 500}.get(self.kind, 300)


TITLE = Field("title", "Titre", DCT.title, "text")
DESCRIPTION = Field("description", "Description courte", DCT.description, "long")
RESOURCE_FIELDS = [
    TITLE,
    Field("alternative", "Autre titre, ancien nom", DCT.alternative, "text"),
    DESCRIPTION,
    Field("text", "Présentation", SCHEMA.text, "long"),
    Field("keywords", "Mots-clés", DCAT.keyword, "keywords", "Séparés par des virgules."),
    Field("landing_page", "Page de présentation", DCAT.landingPage, "link", "Adresse commençant par https://"),
    Field("documentation", "Documentation", FOAF.page, "link", "Adresse commençant par https://"),
    Field("endpoint_description", "Documentation technique de l'API", DCAT.endpointDescription, "link"),
    Field("endpoint", "Adresse d'accès de l'API", DCAT.endpointURL, "link"),
    Field("code_repository", "Dépôt de code", SCHEMA.codeRepository, "link"),
    Field("licence", "Licence", DCT.license, "choice", fill_only=True),
    Field("access", "Conditions d'accès", DCT.accessRights, "choice", fill_only=True),
]
ORGANISATION_FIELDS = [
    Field("name", "Nom", FOAF.name, "text"),
    Field("alternative", "Autre nom, ancien nom, sigle", SKOS.altLabel, "text"),
    Field("homepage", "Site", FOAF.homepage, "link", "Adresse commençant par https://"),
]
USAGE_FIELDS = [
    Field("purpose", "Pour quoi faire", DCT.description, "long"),
    Field("result", "Résultat, bénéfice", RSR.outcome, "long"),
]
OTHER_FIELDS = [TITLE, DESCRIPTION]
API_ONLY = {"endpoint_description", "endpoint"}
CODE_ONLY = {"code_repository"}


def fields_for(types: set[NamedNode]) -> list[Field]:
    """The fields a record of these types may have corrected."""
    if DCAT.Resource in types:
        api = DCAT.DataService in types
        code = SCHEMA.SoftwareSourceCode in types
        return [
            f
            for f in RESOURCE_FIELDS
            if (f.name not in API_ONLY or api) and (f.name not in CODE_ONLY or code or f.name == "landing_page")
        ]
    if ORG.Organization in types:
        return ORGANISATION_FIELDS
    if DUV.Usage in types:
        return USAGE_FIELDS
    return OTHER_FIELDS


def correctable(types: set[NamedNode]) -> bool:
    """Questions, answers, people, corrections and vocabulary terms are not corrected here."""
    closed = {SCHEMA.Question, SCHEMA.Answer, FOAF.Person, RSR.Correction, SKOS.Concept, SKOS.ConceptScheme}
    return not (types & closed)


# --- the record as the site shows it -------------------------------------------------------------------------


def overrides_in(triples: Iterable[Triple]) -> set[Override]:
    """The (record, property) pairs that the corrections among these triples override."""
    triples = list(triples)
    corrects = {t.subject: t.object for t in triples if t.predicate == RSR.corrects and isinstance(t.object, NamedNode)}
    return {
        (corrects[t.subject], t.object)
        for t in triples
        if t.predicate == RSR.overrides and t.subject in corrects and isinstance(t.object, NamedNode)
    }


def overrides_of(store: Store, curation: NamedNode) -> set[Override]:
    """The (record, property) pairs the curation graph overrides now."""
    out: set[Override] = set()
    for q in store.quads(None, RSR.corrects, None, curation):
        if isinstance(q.object, NamedNode) and isinstance(q.subject, NamedNode):
            for o in store.quads(q.subject, RSR.overrides, None, curation):
                if isinstance(o.object, NamedNode):
                    out.add((q.object, o.object))
    return out


def hidden(q: Quad, overrides: set[Override] | frozenset[Override], curation: NamedNode) -> bool:
    """Whether a quad is set aside by a correction: a value of an overridden property from another graph."""
    return bool(overrides) and q.graph_name != curation and (q.subject, q.predicate) in overrides


def curated_rows(store: Store, curation: NamedNode, rows: list[Any]) -> list[Any]:
    """Rows (subject, class, property, value) of a search read with the values a correction sets aside dropped:
    for an overridden (record, property), only the curation graph's values are kept."""
    overrides = overrides_of(store, curation)
    if not overrides:
        return rows
    kept: dict[Override, set[Term]] = {}
    out = []
    for row in rows:
        s, _cls, p, o = row
        if (s, p) in overrides:
            if (s, p) not in kept:
                kept[(s, p)] = {q.object for q in store.quads(s, p, None, curation) if isinstance(q.object, Term)}
            if o not in kept[(s, p)]:
                continue
        out.append(row)
    return out


# --- records set aside: merged into another, or hidden ---------------------------------------------------------


@dataclass(frozen=True)
class SetAside:
    """The records the curation graph sets aside: a duplicate merged into the record kept (``owl:sameAs`` from the
    duplicate to the kept one) or an entry hidden (``rsr:hidden true``, with the reason its correction gives).
    Neither is listed, searched or published in the catalogue; the page of a duplicate redirects to the kept
    record, that of a hidden entry answers 410 with the reason."""

    merged: dict[NamedNode, NamedNode] = field(default_factory=dict)  # duplicate -> record kept
    hidden: dict[NamedNode, str] = field(default_factory=dict)  # record -> why it is hidden

    def __contains__(self, record: object) -> bool:
        return record in self.merged or record in self.hidden

    def kept(self, record: NamedNode) -> NamedNode:
        """The record a duplicate was merged into (followed through chains), or the record itself."""
        seen = {record}
        while record in self.merged and self.merged[record] not in seen:
            record = self.merged[record]
            seen.add(record)
        return record


HIDDEN = Literal("true", datatype=XSD.boolean)


class Withdrawn(RessourcerieError):
    """The page of a hidden entry: 410 Gone, with the reason the curation gives (``french``)."""

    status = 410

    def __init__(self, record: NamedNode, reason: str) -> None:
        super().__init__(f"<{record.value}> is hidden by a curation of the source data")
        self.french = f"Cette fiche n'est pas présentée sur ce site : {reason}" if reason else None


def listed(curation: NamedNode) -> str:
    """A SPARQL filter keeping the records ``?r`` that lists count and show: neither merged into another record
    nor hidden by the curation graph."""
    return f"FILTER NOT EXISTS {{ GRAPH <{curation.value}> {{ ?r <{OWL.sameAs.value}>|<{RSR.hidden.value}> ?aside }} }}"


def set_aside(store: Store, curation: NamedNode) -> SetAside:
    """The records merged or hidden by the curation graph now."""
    out = SetAside()
    for q in store.quads(None, OWL.sameAs, None, curation):
        if isinstance(q.subject, NamedNode) and isinstance(q.object, NamedNode) and q.subject != q.object:
            out.merged[q.subject] = q.object
    for q in store.quads(None, RSR.hidden, HIDDEN, curation):
        if isinstance(q.subject, NamedNode):
            out.hidden[q.subject] = _reason(store, curation, q.subject, RSR.hidden)
    return out


def _reason(store: Store, curation: NamedNode, record: NamedNode, predicate: NamedNode) -> str:
    """What the correction that sets this property of the record says (its dct:description), French first."""
    for q in store.quads(None, RSR.corrects, record, curation):
        node = q.subject
        if not isinstance(node, NamedNode) or next(store.quads(node, RSR.overrides, predicate, curation), None) is None:
            continue
        texts = [d.object for d in store.quads(node, DCT.description, None, curation) if isinstance(d.object, Literal)]
        texts.sort(key=lambda t: t.language != "fr")
        if texts:
            return texts[0].value
    return ""


def curated(quads: Sequence[Quad], overrides: set[Override] | frozenset[Override], curation: NamedNode) -> list[Quad]:
    return [q for q in quads if not hidden(q, overrides, curation)]


# --- a proposed correction ----------------------------------------------------------------------------------


@dataclass
class Change:
    field: Field
    before: list[Term]
    after: list[Term]


@dataclass
class Correction:
    """A proposal: the record, its new values by property, what each field was and becomes; errors by field."""

    record: NamedNode
    changes: list[Change] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def overrides(self) -> list[NamedNode]:
        """The properties whose current values are replaced (not those only given where there was none)."""
        return [c.field.predicate for c in self.changes if c.before]


def current(quads: Sequence[Quad], record: NamedNode, fields: Sequence[Field]) -> dict[str, list[Term]]:
    """Each field's values on the record as the site shows it (the curated quads)."""
    out: dict[str, list[Term]] = {}
    for f in fields:
        values: list[Term] = [
            q.object for q in quads if q.subject == record and q.predicate == f.predicate and isinstance(q.object, Term)
        ]
        out[f.name] = sorted(dict.fromkeys(values), key=lambda t: (getattr(t, "language", None) != "fr", t.value))
    return out


def shown(f: Field, values: Sequence[Term]) -> str:
    """What a field shows in the form: the French (or untagged) text, keywords joined, the first link."""
    if f.kind == "keywords":
        return ", ".join(v.value for v in values if _french_or_plain(v))
    if f.kind == "choice":
        return values[0].value if values else ""
    texts = [v.value for v in values if _french_or_plain(v)]
    return texts[0] if texts else ""


def _french_or_plain(term: Term) -> bool:
    return not isinstance(term, Literal) or term.language in (None, "", "fr") or term.datatype == XSD.string


_SPACES = re.compile(r"[ \t]+")


def parse(f: Field, text: str, before: Sequence[Term]) -> list[Term]:
    """The values a field's text stands for; the values it does not show (other languages) are kept."""
    text = text.replace("\r\n", "\n").strip()
    kept: list[Term] = [v for v in before if isinstance(v, Literal) and not _french_or_plain(v)]
    if f.kind == "keywords":
        return [*kept, *(Literal(k, language="fr") for k in split_keywords(text))]
    if f.kind == "link":
        value = link(text)
        return [value] if value is not None else []
    if f.kind == "choice":
        if not text:
            return []
        if text in BY_KEY:
            return [BY_KEY[text].iri]
        try:
            return [NamedNode(text)]
        except ValueError:
            return [Literal(text)]
    if not text:
        return kept
    return [*kept, Literal(_SPACES.sub(" ", text) if f.kind == "text" else text, language="fr")]


def propose(
    record: NamedNode, fields: Sequence[Field], now_values: Mapping[str, list[Term]], posted: Mapping[str, str]
) -> Correction:
    """The correction that the posted fields make to the record as it is now (fields not posted are unchanged)."""
    correction = Correction(record)
    for f in fields:
        if f.name not in posted:
            continue
        before = now_values.get(f.name, [])
        text = posted[f.name]
        if text.replace("\r\n", "\n").strip() == shown(f, before).strip():
            continue  # as shown: unchanged (even where the source's literal has no language)
        if f.fill_only and before:
            if text.strip() and parse(f, text, before) != before:
                correction.errors.setdefault(f.name, []).append(
                    "Cette valeur ne peut être que complétée ici : décrivez l'erreur dans le commentaire."
                )
            continue
        after = parse(f, text, before)
        if set(after) != set(before):
            correction.changes.append(Change(f, list(before), after))
    return correction


def statements(correction: Correction, node: NamedNode, reason: str) -> list[Triple]:
    """The new values and the correction node, as the curation graph will hold them (provenance apart)."""
    out = [
        Triple(node, RDF.type, RSR.Correction),
        Triple(node, RDF.type, PROV.Entity),
        Triple(node, RSR.corrects, correction.record),
        Triple(node, DCT.created, now()),
    ]
    if reason.strip():
        out.append(Triple(node, DCT.description, Literal(reason.strip(), language="fr")))
    for p in correction.overrides:
        out.append(Triple(node, RSR.overrides, p))
    for c in correction.changes:
        out += [Triple(correction.record, c.field.predicate, v) for v in c.after]
    return out


def applied(held: Iterable[Triple], proposed: Sequence[Triple]) -> list[Triple]:
    """The curation graph after a correction: the values it held for the properties the correction overrides are
    replaced by the new ones; everything else stays."""
    record = next((t.object for t in proposed if t.predicate == RSR.corrects), None)
    replaced = {t.object for t in proposed if t.predicate == RSR.overrides}
    replaced |= {t.predicate for t in proposed if t.subject == record}
    kept = [t for t in held if not (t.subject == record and t.predicate in replaced)]
    return list(dict.fromkeys([*kept, *proposed]))


def describe_term(term: Term) -> str:
    """A value as a moderator reads it in the before/after table."""
    if isinstance(term, NamedNode):
        known = BY_IRI.get(term)
        return known.badge if known is not None else term.value
    return term.value
