"""Tests of the SHACL shapes in ``shapes/ressourcerie.ttl``.

Every node shape has conforming examples and violating examples. A violating example is a valid record
with one property removed or altered; the test asserts the exact list of results it gives, as
(focus node, path, severity), so a shape that reports too much fails as surely as one that reports too
little. Every data graph is self-contained: the records under test are validated together with
``CONTEXT``, a set of valid neighbours (an organisation, a person, a resource, a usage, a tool, a
document and the concepts they use) that themselves give no result at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat
from rdflib.namespace import RDF, SH

from graph.rdf import parse_bytes
from graph.validation import Report, ValidationResult, Validator

SHAPES_FILE = Path(__file__).resolve().parent.parent / "shapes" / "ressourcerie.ttl"

PREFIXES = """\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix duv: <http://www.w3.org/ns/duv#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rsr: <https://ressourcerie.fabrique.social.gouv.fr/def/> .
@prefix kind: <https://ressourcerie.fabrique.social.gouv.fr/def/kind/> .
@prefix rating: <https://ressourcerie.fabrique.social.gouv.fr/def/rating/> .
@prefix idscheme: <https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme/> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix ex: <https://ex.org/> .
@prefix r: <https://ex.org/resource/> .
@prefix o: <https://ex.org/organisation/> .
@prefix p: <https://ex.org/person/> .
@prefix m: <https://ex.org/membership/> .
@prefix u: <https://ex.org/usage/> .
@prefix t: <https://ex.org/tool/> .
@prefix f: <https://ex.org/feedback/> .
@prefix d: <https://ex.org/document/> .
@prefix c: <https://ex.org/concept/> .
@prefix q: <https://ex.org/question/> .
@prefix ans: <https://ex.org/answer/> .
@prefix cor: <https://ex.org/correction/> .
"""

V, W = "Violation", "Warning"
BLANK = "_:blank"  # stands for any blank-node focus (its label is not stable)

EX = "https://ex.org/"
R1 = EX + "resource/r1"
API1 = EX + "resource/api1"
DS1 = EX + "resource/ds1"
CODE1 = EX + "resource/code1"
AI1 = EX + "resource/ai1"
CAT1 = EX + "resource/cat1"
DOC1 = EX + "document/doc1"
GUIDE1 = EX + "document/guide1"
O1 = EX + "organisation/o1"
SIREN = O1 + "#siren"
SIRET = O1 + "#siret"
CONTACT = O1 + "#contact"
P1 = EX + "person/p1"
M1 = EX + "membership/m1"
U1 = EX + "usage/u1"
T1 = EX + "tool/t1"
F1 = EX + "feedback/f1"
C1 = EX + "concept/c1"
Q1 = EX + "question/q1"
A1 = EX + "answer/a1"
COR1 = EX + "correction/c1"

Expected = list[tuple[str, str | None, str]]

# --- Valid neighbours, present in every data graph ----------------------------------------------------------

CONTEXT = """
c:themes a skos:ConceptScheme .
c:types a skos:ConceptScheme .
c:roles a skos:ConceptScheme .
<https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme> a skos:ConceptScheme .
c:emploi a skos:Concept ; skos:prefLabel "Emploi"@fr, "Employment"@en ; skos:inScheme c:themes .
c:ministere a skos:Concept ; skos:prefLabel "Ministère"@fr ; skos:inScheme c:types .
c:direction a skos:Concept ; skos:prefLabel "Direction"@fr ; skos:inScheme c:types .
c:responsable a skos:Concept ; skos:prefLabel "Responsable"@fr ; skos:inScheme c:roles .
idscheme:siren a skos:Concept ; skos:prefLabel "SIREN"@fr ;
    skos:inScheme <https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme> .
idscheme:siret a skos:Concept ; skos:prefLabel "SIRET"@fr ;
    skos:inScheme <https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme> .
idscheme:annuaire a skos:Concept ; skos:prefLabel "Annuaire"@fr ;
    skos:inScheme <https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme> .
idscheme:datagouv a skos:Concept ; skos:prefLabel "data.gouv.fr"@fr ;
    skos:inScheme <https://ressourcerie.fabrique.social.gouv.fr/def/identifier-scheme> .

o:dares a org:Organization, foaf:Organization, foaf:Agent ;
    foaf:name "Dares"@fr ; org:classification c:direction .
p:alice a foaf:Person, foaf:Agent ; foaf:name "Alice Martin" ; foaf:mbox <mailto:alice@ex.org> .
r:r0 a dcat:Resource ;
    dct:identifier "r0" ; dct:title "Ressource voisine"@fr ; dct:description "Une ressource."@fr ;
    dct:type kind:dataset ; dct:publisher o:dares ; dcat:theme c:emploi ; dct:accessRights access:PUBLIC ;
    dct:modified "2024-01-01"^^xsd:date ; dcat:landingPage <https://ex.org/site/r0> .
u:u0 a duv:Usage, prov:Activity ;
    duv:refersTo r:r0 ; dct:description "Suivi de l'emploi"@fr ; prov:wasAssociatedWith o:dares .
t:t0 a duv:UsageTool, schema:WebApplication ; dct:title "Service voisin"@fr ; foaf:homepage <https://t0.ex.org> .
d:d0 a foaf:Document ; dct:title "Document voisin"@fr ; dct:type kind:documentation .
"""

# --- Valid records, one per class; violating variants are built from them --------------------------------
# One property per line, each line ending with ";" (Turtle allows a trailing ";"), so a line can be dropped.

RESOURCE = """
r:r1 a dcat:Resource ;
    dct:identifier "r1" ;
    dct:title "Base d'exemple"@fr, "Example base"@en ;
    dct:description "Une ressource d'exemple."@fr ;
    dct:type kind:dataset ;
    dct:publisher o:dares ;
    dct:contributor p:alice ;
    dcat:theme c:emploi ;
    dct:accessRights access:PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    dcat:keyword "emploi"@fr, "exemple" ;
    dcat:landingPage <https://ex.org/site/r1> ;
    foaf:page <https://ex.org/doc/r1> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    dcat:contactPoint <https://ex.org/resource/r1#contact> ;
    adms:identifier <https://ex.org/resource/r1#datagouv> ;
.
<https://ex.org/resource/r1#contact> a vcard:Kind ; vcard:fn "Équipe"@fr ; vcard:hasEmail <mailto:equipe@ex.org> .
<https://ex.org/resource/r1#datagouv> a adms:Identifier ;
    skos:notation "5e0a1b" ; dct:type idscheme:datagouv ; adms:schemaAgency "data.gouv.fr" .
"""

API = """
r:api1 a dcat:Resource, dcat:DataService ;
    dct:identifier "api1" ;
    dct:title "API Exemple"@fr ;
    dct:description "Une API d'exemple."@fr ;
    dct:type kind:api ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:RESTRICTED ;
    dct:modified "2024-05-01T08:30:00"^^xsd:dateTime ;
    dcat:landingPage <https://ex.org/site/api1> ;
    dcat:endpointURL <https://api.ex.org/v1> ;
    dcat:endpointDescription <https://api.ex.org/v1/openapi.json> ;
.
"""

DATASET = """
r:ds1 a dcat:Resource, dcat:Dataset ;
    dct:identifier "ds1" ;
    dct:title "Données d'exemple"@fr ;
    dct:description "Un jeu de données d'exemple."@fr ;
    dct:type kind:dataset ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    dcat:landingPage <https://ex.org/site/ds1> ;
    dcat:distribution <https://ex.org/resource/ds1#csv> ;
.
<https://ex.org/resource/ds1#csv> a dcat:Distribution ; dcat:downloadURL <https://ex.org/files/ds1.csv> .
"""

SOFTWARE = """
r:code1 a dcat:Resource, schema:SoftwareSourceCode, adms:Asset ;
    dct:identifier "code1" ;
    dct:title "Code d'exemple"@fr ;
    dct:description "Un logiciel d'exemple."@fr ;
    dct:type kind:source-code ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    dcat:landingPage <https://ex.org/site/code1> ;
    schema:codeRepository <https://github.com/ex/code1> ;
.
"""

AI = """
r:ai1 a dcat:Resource, adms:Asset ;
    dct:identifier "ai1" ;
    dct:title "Modèle d'exemple"@fr ;
    dct:description "Un modèle d'exemple."@fr ;
    dct:type kind:ai ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:NON_PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    foaf:page <https://ex.org/doc/ai1> ;
.
"""

CATALOG = """
r:cat1 a dcat:Resource, dcat:Catalog ;
    dct:identifier "cat1" ;
    dct:title "Catalogue d'exemple"@fr ;
    dct:description "Un catalogue d'exemple."@fr ;
    dct:type kind:catalogue ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    dcat:landingPage <https://ex.org/site/cat1> ;
    foaf:homepage <https://catalogue.ex.org> ;
.
"""

DOCUMENT = """
d:doc1 a foaf:Document ;
    dct:title "Documentation d'exemple"@fr, "Example documentation"@en ;
    dct:type kind:documentation ;
    dct:references r:r0, u:u0 ;
    dct:relation d:d0 ;
.
"""

# technical documentation is also a resource (dcat:Resource + foaf:Document)
DOCUMENTATION_RESOURCE = """
r:doc2 a dcat:Resource, foaf:Document ;
    dct:identifier "doc2" ;
    dct:title "Documentation technique"@fr ;
    dct:description "Comment réutiliser la ressource."@fr ;
    dct:type kind:documentation ;
    dct:publisher o:dares ;
    dcat:theme c:emploi ;
    dct:accessRights access:PUBLIC ;
    dct:modified "2024-05-01"^^xsd:date ;
    foaf:page <https://ex.org/doc/doc2> ;
    dct:references r:r0 ;
.
"""

ARTICLE = """
d:guide1 a foaf:Document, schema:Article ;
    dct:identifier "guide1" ;
    dct:title "Guide d'exemple"@fr ;
    dct:type kind:guide ;
    dct:description "Le chapeau du guide."@fr ;
    schema:text "Le corps du guide."@fr ;
    dct:references r:r0, u:u0 ;
    dct:relation d:d0 ;
.
"""

ORGANISATION = """
o:o1 a org:Organization, foaf:Organization, foaf:Agent ;
    foaf:name "Direction de l'exemple"@fr, "Example directorate"@en ;
    org:subOrganizationOf o:dares ;
    org:classification c:direction ;
    foaf:homepage <https://o1.ex.org> ;
    adms:identifier <https://ex.org/organisation/o1#siren>, <https://ex.org/organisation/o1#siret> ;
    dcat:contactPoint <https://ex.org/organisation/o1#contact> ;
.
<https://ex.org/organisation/o1#siren> a adms:Identifier ;
    skos:notation "110000001" ;
    dct:type idscheme:siren ;
    adms:schemaAgency "Insee" ;
.
<https://ex.org/organisation/o1#siret> a adms:Identifier ;
    skos:notation "11000000100017" ;
    dct:type idscheme:siret ;
    adms:schemaAgency "Insee" ;
.
<https://ex.org/organisation/o1#contact> a vcard:Kind ;
    vcard:fn "Secrétariat"@fr ;
    vcard:hasEmail <mailto:contact@o1.ex.org> ;
    vcard:hasURL <https://o1.ex.org/contact> ;
.
"""

PERSON = """
p:p1 a foaf:Person, foaf:Agent ;
    foaf:name "Camille Durand" ;
    foaf:mbox <mailto:camille@ex.org> ;
    foaf:homepage <https://camille.ex.org> ;
.
"""

MEMBERSHIP = """
m:m1 a org:Membership ;
    org:member p:alice ;
    org:organization o:dares ;
    org:role c:responsable ;
.
"""

USAGE = """
u:u1 a duv:Usage, prov:Activity ;
    duv:refersTo r:r0 ;
    dct:description "Calcul des aides à l'embauche"@fr, "Computing hiring grants"@en ;
    prov:wasAssociatedWith o:dares ;
    duv:hasUsageTool t:t0 ;
    dct:source d:d0 ;
    prov:startedAtTime "2021"^^xsd:gYear ;
    prov:endedAtTime "2024-01-31"^^xsd:date ;
    rsr:outcome "Gain de temps"@fr ;
.
"""

TOOL = """
t:t1 a duv:UsageTool, schema:WebApplication ;
    dct:title "Service d'exemple"@fr ;
    foaf:homepage <https://service.ex.org> ;
    dct:publisher o:dares ;
.
"""

FEEDBACK = """
f:f1 a duv:UserFeedback, duv:RatingFeedback, oa:Annotation ;
    oa:hasTarget u:u0 ;
    oa:bodyValue "Très utile pour notre service." ;
    duv:hasRating rating:4 ;
    dct:creator p:alice ;
    dct:created "2024-06-01"^^xsd:date ;
.
"""

CONCEPT = """
c:c1 a skos:Concept ;
    skos:prefLabel "Insertion"@fr, "Inclusion"@en ;
    skos:inScheme c:themes ;
.
"""


QUESTION = """
q:q1 a schema:Question ;
    schema:name "Qui utilise cette ressource pour suivre l'emploi ?"@fr ;
    schema:text "Nous cherchons des retours d'expérience."@fr ;
    schema:about r:r0, o:dares, c:emploi ;
    schema:author <https://ex.org/question/q1#auteur> ;
    schema:dateCreated "2026-05-01T10:00:00Z"^^xsd:dateTime ;
.
<https://ex.org/question/q1#auteur> a prov:Agent ; foaf:name "Camille D." .
"""

# an answer with the question it answers (itself valid)
ANSWER = (
    QUESTION
    + """
ans:a1 a schema:Answer ;
    schema:parentItem q:q1 ;
    schema:text "La Dares l'utilise pour ses tableaux de bord."@fr ;
    schema:citation r:r0, u:u0 ;
    schema:author p:alice ;
    schema:dateCreated "2026-05-02T09:00:00Z"^^xsd:dateTime ;
.
"""
)

CORRECTION = """
cor:c1 a rsr:Correction, prov:Entity ;
    rsr:corrects r:r0 ;
    rsr:overrides dct:title ;
    dct:description "Le titre comportait une faute."@fr ;
    dct:created "2026-05-03T08:00:00Z"^^xsd:dateTime ;
.
"""


def drop(ttl: str, start: str) -> str:
    """``ttl`` without the one line that starts with ``start`` (after indentation)."""
    lines = ttl.splitlines()
    kept = [line for line in lines if not line.strip().startswith(start)]
    assert len(kept) == len(lines) - 1, f"{start!r} must start exactly one line"
    return "\n".join(kept)


def swap(ttl: str, old: str, new: str) -> str:
    """``ttl`` with the one occurrence of ``old`` replaced by ``new``."""
    assert ttl.count(old) == 1, f"{old!r} must occur exactly once"
    return ttl.replace(old, new)


def also(ttl: str, extra: str) -> str:
    """``ttl`` with more triples."""
    return ttl + "\n" + extra + "\n"


PERSON_CONTACT = """
p:p1 dcat:contactPoint <https://ex.org/person/p1#contact> .
<https://ex.org/person/p1#contact> a vcard:Kind ; vcard:fn "Camille" ; vcard:hasURL <https://camille.ex.org/contact> .
"""

# --- Conforming examples: no violation and no warning -------------------------------------------------------

VALID: list[tuple[str, str, str]] = [
    ("ResourceShape", "full", RESOURCE),
    (
        "ResourceShape",
        "minimal",
        drop(drop(drop(drop(RESOURCE, "dct:contributor"), "dcat:keyword"), "dct:license"), "foaf:page"),
    ),
    ("ResourceShape", "datetime", swap(RESOURCE, '"2024-05-01"^^xsd:date', '"2024-05-01T10:00:00"^^xsd:dateTime')),
    ("ResourceShape", "page-only", drop(RESOURCE, "dcat:landingPage")),
    ("ResourceShape", "person-publisher", swap(RESOURCE, "dct:publisher o:dares", "dct:publisher p:alice")),
    ("DataServiceShape", "api", API),
    ("DataServiceShape", "endpoint-only", drop(API, "dcat:endpointDescription")),
    ("DataServiceShape", "description-only", drop(API, "dcat:endpointURL")),
    ("DatasetShape", "with-distribution", DATASET),
    ("DatasetShape", "no-distribution", drop(DATASET, "dcat:distribution")),
    ("SoftwareShape", "source-code", SOFTWARE),
    ("SoftwareShape", "ai-code", swap(SOFTWARE, "kind:source-code", "kind:ai")),
    ("AssetShape", "ai-model", AI),
    ("AssetShape", "source-code", SOFTWARE),
    ("CatalogShape", "catalogue", CATALOG),
    ("DocumentShape", "documentation", DOCUMENT),
    ("DocumentShape", "documentation-resource", DOCUMENTATION_RESOURCE),
    ("DocumentShape", "use-case", swap(DOCUMENT, "kind:documentation", "kind:use-case")),
    ("ArticleShape", "guide", ARTICLE),
    ("ArticleShape", "use-case", swap(ARTICLE, "kind:guide", "kind:use-case")),
    ("ArticleShape", "no-body", drop(ARTICLE, "schema:text")),
    ("OrganisationShape", "full", ORGANISATION),
    (
        "OrganisationShape",
        "bare",
        drop(drop(drop(drop(ORGANISATION, "org:sub"), "foaf:homepage"), "adms:identifier"), "dcat:contactPoint"),
    ),
    ("IdentifierShape", "siren-and-siret", ORGANISATION),
    (
        "IdentifierShape",
        "other-scheme",
        swap(swap(ORGANISATION, "idscheme:siret", "idscheme:annuaire"), '"11000000100017"', '"ab-12"'),
    ),
    ("SirenShape", "nine-digits", ORGANISATION),
    ("SiretShape", "fourteen-digits", ORGANISATION),
    ("ContactShape", "email-and-url", ORGANISATION),
    ("ContactShape", "email-only", drop(ORGANISATION, "vcard:hasURL")),
    ("ContactShape", "url-only", drop(ORGANISATION, "vcard:hasEmail")),
    ("PersonShape", "mbox-and-homepage", PERSON),
    ("PersonShape", "homepage-only", drop(PERSON, "foaf:mbox")),
    ("PersonShape", "contact-point-only", also(drop(drop(PERSON, "foaf:mbox"), "foaf:homepage"), PERSON_CONTACT)),
    ("MembershipShape", "membership", MEMBERSHIP),
    ("UsageShape", "full", USAGE),
    (
        "UsageShape",
        "minimal",
        drop(drop(drop(drop(drop(USAGE, "duv:has"), "dct:source"), "prov:started"), "prov:ended"), "rsr:"),
    ),
    ("UsageShape", "datetime-start", swap(USAGE, '"2021"^^xsd:gYear', '"2021-03-01T00:00:00"^^xsd:dateTime')),
    ("UsageToolShape", "tool", TOOL),
    ("UsageToolShape", "no-operator", drop(TOOL, "dct:publisher")),
    ("FeedbackShape", "on-usage", FEEDBACK),
    ("FeedbackShape", "on-resource", swap(FEEDBACK, "oa:hasTarget u:u0", "oa:hasTarget r:r0")),
    ("FeedbackShape", "text-only", drop(FEEDBACK, "duv:hasRating")),
    ("FeedbackShape", "rating-only", drop(FEEDBACK, "oa:bodyValue")),
    ("FeedbackShape", "datetime", swap(FEEDBACK, '"2024-06-01"^^xsd:date', '"2024-06-01T12:00:00"^^xsd:dateTime')),
    ("UsageShape", "contactable", also(USAGE, "u:u1 rsr:contactable true .")),
    ("QuestionShape", "full", QUESTION),
    ("QuestionShape", "minimal", drop(swap(QUESTION, "r:r0, o:dares, c:emploi", "r:r0"), "schema:text")),
    ("QuestionShape", "person-author", swap(QUESTION, "<https://ex.org/question/q1#auteur> ;", "p:alice ;")),
    ("QuestionShape", "answered", also(ANSWER, "q:q1 schema:acceptedAnswer ans:a1 .")),
    ("AnswerShape", "full", ANSWER),
    ("AnswerShape", "no-citation", drop(ANSWER, "schema:citation")),
    ("CorrectionShape", "correction", CORRECTION),
    ("CorrectionShape", "addition-only", drop(CORRECTION, "rsr:overrides")),
    ("ConceptShape", "concept", CONCEPT),
    ("ConceptShape", "plain-label", swap(CONCEPT, '"Insertion"@fr, "Inclusion"@en', '"Insertion"')),
]

# --- Violating examples: the exact results, (focus, path, severity), warnings included --------------------------

UNKNOWN = "<https://ex.org/unknown>"  # a node of no known type

INVALID: list[tuple[str, str, str, Expected]] = [
    # ResourceShape
    ("ResourceShape", "no-identifier", drop(RESOURCE, "dct:identifier"), [(R1, "dct:identifier", V)]),
    ("ResourceShape", "two-identifiers", swap(RESOURCE, '"r1" ;', '"r1", "r-1" ;'), [(R1, "dct:identifier", V)]),
    ("ResourceShape", "integer-identifier", swap(RESOURCE, '"r1" ;', "1 ;"), [(R1, "dct:identifier", V)]),
    ("ResourceShape", "no-title", drop(RESOURCE, "dct:title"), [(R1, "dct:title", V)]),
    ("ResourceShape", "untagged-title", swap(RESOURCE, '"Example base"@en', '"Example base"'), [(R1, "dct:title", V)]),
    (
        "ResourceShape",
        "two-french-titles",
        swap(RESOURCE, '"Example base"@en', '"Autre titre"@fr'),
        [(R1, "dct:title", V)],
    ),
    ("ResourceShape", "no-description", drop(RESOURCE, "dct:description"), [(R1, "dct:description", V)]),
    (
        "ResourceShape",
        "untagged-description",
        swap(RESOURCE, "d'exemple.\"@fr", "d'exemple.\""),
        [(R1, "dct:description", V)],
    ),
    ("ResourceShape", "no-kind", drop(RESOURCE, "dct:type"), [(R1, "dct:type", V)]),
    ("ResourceShape", "kind-not-in-scheme", swap(RESOURCE, "kind:dataset", "kind:guide"), [(R1, "dct:type", V)]),
    ("ResourceShape", "two-kinds", swap(RESOURCE, "kind:dataset", "kind:dataset, kind:api"), [(R1, "dct:type", V)]),
    ("ResourceShape", "no-publisher", drop(RESOURCE, "dct:publisher"), [(R1, "dct:publisher", V)]),
    (
        "ResourceShape",
        "unknown-publisher",
        swap(RESOURCE, "dct:publisher o:dares", f"dct:publisher {UNKNOWN}"),
        [(R1, "dct:publisher", V)],
    ),
    (
        "ResourceShape",
        "two-publishers",
        swap(RESOURCE, "dct:publisher o:dares", "dct:publisher o:dares, p:alice"),
        [(R1, "dct:publisher", V)],
    ),
    (
        "ResourceShape",
        "unknown-contributor",
        swap(RESOURCE, "dct:contributor p:alice", f"dct:contributor {UNKNOWN}"),
        [(R1, "dct:contributor", V)],
    ),
    (
        "ResourceShape",
        "theme-not-concept",
        swap(RESOURCE, "dcat:theme c:emploi", f"dcat:theme {UNKNOWN}"),
        [(R1, "dcat:theme", V)],
    ),
    ("ResourceShape", "no-theme", drop(RESOURCE, "dcat:theme"), [(R1, "dcat:theme", W)]),
    (
        "ResourceShape",
        "other-access-right",
        swap(RESOURCE, "access:PUBLIC", "access:OP_DATPRO"),
        [(R1, "dct:accessRights", V)],
    ),
    (
        "ResourceShape",
        "two-access-rights",
        swap(RESOURCE, "access:PUBLIC", "access:PUBLIC, access:RESTRICTED"),
        [(R1, "dct:accessRights", V)],
    ),
    ("ResourceShape", "no-access-right", drop(RESOURCE, "dct:accessRights"), [(R1, "dct:accessRights", W)]),
    (
        "ResourceShape",
        "string-modified",
        swap(RESOURCE, '"2024-05-01"^^xsd:date', '"mai 2024"'),
        [(R1, "dct:modified", V)],
    ),
    (
        "ResourceShape",
        "two-modified",
        swap(RESOURCE, '"2024-05-01"^^xsd:date', '"2024-05-01"^^xsd:date, "2024-06-01"^^xsd:date'),
        [(R1, "dct:modified", V)],
    ),
    ("ResourceShape", "no-modified", drop(RESOURCE, "dct:modified"), [(R1, "dct:modified", W)]),
    ("ResourceShape", "integer-keyword", swap(RESOURCE, '"exemple" ;', "42 ;"), [(R1, "dcat:keyword", V)]),
    (
        "ResourceShape",
        "literal-landing-page",
        swap(RESOURCE, "<https://ex.org/site/r1>", '"https://ex.org/site/r1"'),
        [(R1, "dcat:landingPage", V)],
    ),
    (
        "ResourceShape",
        "literal-page",
        swap(RESOURCE, "<https://ex.org/doc/r1>", '"https://ex.org/doc/r1"'),
        [(R1, "foaf:page", V)],
    ),
    (
        "ResourceShape",
        "no-page",
        drop(drop(RESOURCE, "dcat:landingPage"), "foaf:page"),
        [(R1, "dcat:landingPage|foaf:page", W)],
    ),
    (
        "ResourceShape",
        "literal-licence",
        swap(RESOURCE, "<https://www.etalab.gouv.fr/licence-ouverte-open-licence>", '"Licence Ouverte"'),
        [(R1, "dct:license", V)],
    ),
    (
        "ResourceShape",
        "contact-not-vcard",
        swap(RESOURCE, "dcat:contactPoint <https://ex.org/resource/r1#contact>", f"dcat:contactPoint {UNKNOWN}"),
        [(R1, "dcat:contactPoint", V)],
    ),
    (
        "ResourceShape",
        "literal-identifier",
        swap(RESOURCE, "adms:identifier <https://ex.org/resource/r1#datagouv>", 'adms:identifier "5e0a1b"'),
        [(R1, "adms:identifier", V)],
    ),
    ("ResourceShape", "blank-node", swap(RESOURCE, "r:r1 a", "_:r1 a"), [(BLANK, None, V)]),
    (
        "ResourceShape",
        "blank-node-no-identifier",
        swap(drop(RESOURCE, "dct:identifier"), "r:r1 a", "_:r1 a"),
        [(BLANK, None, V), (BLANK, "dct:identifier", V)],
    ),
    (
        "ResourceShape",
        "several-faults",
        swap(drop(RESOURCE, "dct:title"), "dct:publisher o:dares", f"dct:publisher {UNKNOWN}"),
        [(R1, "dct:publisher", V), (R1, "dct:title", V)],
    ),
    # DataServiceShape
    ("DataServiceShape", "kind-not-api", swap(API, "kind:api", "kind:dataset"), [(API1, "dct:type", V)]),
    (
        "DataServiceShape",
        "literal-endpoint",
        swap(API, "<https://api.ex.org/v1>", '"https://api.ex.org/v1"'),
        [(API1, "dcat:endpointURL", V)],
    ),
    (
        "DataServiceShape",
        "literal-description",
        swap(API, "<https://api.ex.org/v1/openapi.json>", '"openapi.json"'),
        [(API1, "dcat:endpointDescription", V)],
    ),
    (
        "DataServiceShape",
        "no-endpoint",
        drop(drop(API, "dcat:endpointURL"), "dcat:endpointDescription"),
        [(API1, "dcat:endpointDescription|dcat:endpointURL", W)],
    ),
    # DatasetShape
    ("DatasetShape", "kind-not-dataset", swap(DATASET, "kind:dataset", "kind:api"), [(DS1, "dct:type", V)]),
    (
        "DatasetShape",
        "distribution-untyped",
        swap(DATASET, "dcat:distribution <https://ex.org/resource/ds1#csv>", f"dcat:distribution {UNKNOWN}"),
        [(DS1, "dcat:distribution", V)],
    ),
    # SoftwareShape (the record is also an adms:Asset, so AssetShape reports the kind too)
    (
        "SoftwareShape",
        "kind-dataset",
        swap(SOFTWARE, "kind:source-code", "kind:dataset"),
        [(CODE1, "dct:type", V), (CODE1, "dct:type", V)],
    ),
    (
        "SoftwareShape",
        "kind-dataset-not-asset",
        swap(swap(SOFTWARE, "kind:source-code", "kind:dataset"), ", adms:Asset", ""),
        [(CODE1, "dct:type", V)],
    ),
    (
        "SoftwareShape",
        "literal-repository",
        swap(SOFTWARE, "<https://github.com/ex/code1>", '"github.com/ex/code1"'),
        [(CODE1, "schema:codeRepository", V)],
    ),
    ("SoftwareShape", "no-repository", drop(SOFTWARE, "schema:codeRepository"), [(CODE1, "schema:codeRepository", W)]),
    # AssetShape
    ("AssetShape", "kind-api", swap(AI, "kind:ai", "kind:api"), [(AI1, "dct:type", V)]),
    ("AssetShape", "kind-catalogue", swap(AI, "kind:ai", "kind:catalogue"), [(AI1, "dct:type", V)]),
    # CatalogShape
    ("CatalogShape", "kind-not-catalogue", swap(CATALOG, "kind:catalogue", "kind:dataset"), [(CAT1, "dct:type", V)]),
    (
        "CatalogShape",
        "two-homepages",
        swap(CATALOG, "<https://catalogue.ex.org>", "<https://catalogue.ex.org>, <https://cat.ex.org>"),
        [(CAT1, "foaf:homepage", V)],
    ),
    (
        "CatalogShape",
        "literal-homepage",
        swap(CATALOG, "<https://catalogue.ex.org>", '"https://catalogue.ex.org"'),
        [(CAT1, "foaf:homepage", V)],
    ),
    ("CatalogShape", "no-homepage", drop(CATALOG, "foaf:homepage"), [(CAT1, "foaf:homepage", W)]),
    # DocumentShape
    ("DocumentShape", "no-title", drop(DOCUMENT, "dct:title"), [(DOC1, "dct:title", V)]),
    (
        "DocumentShape",
        "untagged-title",
        swap(DOCUMENT, '"Example documentation"@en', '"Example documentation"'),
        [(DOC1, "dct:title", V)],
    ),
    ("DocumentShape", "no-kind", drop(DOCUMENT, "dct:type"), [(DOC1, "dct:type", V)]),
    ("DocumentShape", "kind-api", swap(DOCUMENT, "kind:documentation", "kind:api"), [(DOC1, "dct:type", V)]),
    (
        "DocumentShape",
        "two-kinds",
        swap(DOCUMENT, "kind:documentation", "kind:documentation, kind:guide"),
        [(DOC1, "dct:type", V)],
    ),
    (
        "DocumentShape",
        "references-unknown",
        swap(DOCUMENT, "r:r0, u:u0", f"r:r0, {UNKNOWN}"),
        [(DOC1, "dct:references", V)],
    ),
    (
        "DocumentShape",
        "relation-not-document",
        swap(DOCUMENT, "dct:relation d:d0", "dct:relation r:r0"),
        [(DOC1, "dct:relation", V)],
    ),
    ("DocumentShape", "blank-node", swap(DOCUMENT, "d:doc1 a", "_:doc1 a"), [(BLANK, None, V)]),
    # ArticleShape
    ("ArticleShape", "no-identifier", drop(ARTICLE, "dct:identifier"), [(GUIDE1, "dct:identifier", V)]),
    (
        "ArticleShape",
        "two-identifiers",
        swap(ARTICLE, '"guide1"', '"guide1", "guide-1"'),
        [(GUIDE1, "dct:identifier", V)],
    ),
    (
        "ArticleShape",
        "kind-documentation",
        swap(ARTICLE, "kind:guide", "kind:documentation"),
        [(GUIDE1, "dct:type", V)],
    ),
    (
        "ArticleShape",
        "kind-api",
        swap(ARTICLE, "kind:guide", "kind:api"),
        [(GUIDE1, "dct:type", V), (GUIDE1, "dct:type", V)],
    ),
    ("ArticleShape", "no-summary", drop(ARTICLE, "dct:description"), [(GUIDE1, "dct:description", W)]),
    (
        "ArticleShape",
        "two-bodies",
        swap(ARTICLE, '"Le corps du guide."@fr', '"Le corps du guide."@fr, "The body."@en'),
        [(GUIDE1, "schema:text", V)],
    ),
    # OrganisationShape
    ("OrganisationShape", "not-agent", swap(ORGANISATION, ", foaf:Agent ;", " ;"), [(O1, None, V)]),
    (
        "OrganisationShape",
        "blank-node",
        swap(drop(ORGANISATION, "adms:identifier"), "o:o1 a", "_:o1 a"),
        [(BLANK, None, V)],
    ),
    ("OrganisationShape", "no-name", drop(ORGANISATION, "foaf:name"), [(O1, "foaf:name", V)]),
    (
        "OrganisationShape",
        "untagged-name",
        swap(ORGANISATION, '"Example directorate"@en', '"Example directorate"'),
        [(O1, "foaf:name", V)],
    ),
    (
        "OrganisationShape",
        "two-french-names",
        swap(ORGANISATION, '"Example directorate"@en', '"DEX"@fr'),
        [(O1, "foaf:name", V)],
    ),
    (
        "OrganisationShape",
        "parent-unknown",
        swap(ORGANISATION, "org:subOrganizationOf o:dares", f"org:subOrganizationOf {UNKNOWN}"),
        [(O1, "org:subOrganizationOf", V)],
    ),
    (
        "OrganisationShape",
        "parent-person",
        swap(ORGANISATION, "org:subOrganizationOf o:dares", "org:subOrganizationOf p:alice"),
        [(O1, "org:subOrganizationOf", V)],
    ),
    (
        "OrganisationShape",
        "two-classifications",
        swap(ORGANISATION, "org:classification c:direction", "org:classification c:direction, c:ministere"),
        [(O1, "org:classification", V)],
    ),
    (
        "OrganisationShape",
        "classification-not-concept",
        swap(ORGANISATION, "org:classification c:direction", f"org:classification {UNKNOWN}"),
        [(O1, "org:classification", V)],
    ),
    (
        "OrganisationShape",
        "no-classification",
        drop(ORGANISATION, "org:classification"),
        [(O1, "org:classification", W)],
    ),
    (
        "OrganisationShape",
        "literal-homepage",
        swap(ORGANISATION, "foaf:homepage <https://o1.ex.org>", 'foaf:homepage "o1.ex.org"'),
        [(O1, "foaf:homepage", V)],
    ),
    (
        "OrganisationShape",
        "literal-identifier",
        swap(ORGANISATION, "<https://ex.org/organisation/o1#siren>, ", '"110000001", '),
        [(O1, "adms:identifier", V)],
    ),
    (
        "OrganisationShape",
        "contact-not-vcard",
        swap(
            ORGANISATION, "dcat:contactPoint <https://ex.org/organisation/o1#contact>", f"dcat:contactPoint {UNKNOWN}"
        ),
        [(O1, "dcat:contactPoint", V)],
    ),
    # IdentifierShape
    (
        "IdentifierShape",
        "no-notation",
        swap(ORGANISATION, '    skos:notation "110000001" ;\n', ""),
        [(SIREN, "skos:notation", V)],
    ),
    (
        "IdentifierShape",
        "two-notations",
        swap(ORGANISATION, '"110000001"', '"110000001", "110000002"'),
        [(SIREN, "skos:notation", V)],
    ),
    (
        "IdentifierShape",
        "no-scheme",
        swap(ORGANISATION, "    dct:type idscheme:siren ;\n", ""),
        [(SIREN, "dct:type", V)],
    ),
    (
        "IdentifierShape",
        "scheme-not-concept",
        swap(ORGANISATION, "idscheme:siren", "idscheme:unknown"),
        [(SIREN, "dct:type", V)],
    ),
    (
        "IdentifierShape",
        "two-schemes",
        swap(ORGANISATION, "dct:type idscheme:siren", "dct:type idscheme:siren, idscheme:annuaire"),
        [(SIREN, "dct:type", V)],
    ),
    (
        "IdentifierShape",
        "no-agency",
        swap(
            ORGANISATION,
            '    adms:schemaAgency "Insee" ;\n.\n<https://ex.org/organisation/o1#siret>',
            ".\n<https://ex.org/organisation/o1#siret>",
        ),
        [(SIREN, "adms:schemaAgency", W)],
    ),
    # SirenShape
    ("SirenShape", "spaces", swap(ORGANISATION, '"110000001"', '"110 000 001"'), [(SIREN, None, V)]),
    ("SirenShape", "eight-digits", swap(ORGANISATION, '"110000001"', '"11000000"'), [(SIREN, None, V)]),
    ("SirenShape", "siret-number", swap(ORGANISATION, '"110000001"', '"11000000100017"'), [(SIREN, None, V)]),
    # SiretShape
    ("SiretShape", "spaces", swap(ORGANISATION, '"11000000100017"', '"110 000 001 00017"'), [(SIRET, None, V)]),
    ("SiretShape", "siren-number", swap(ORGANISATION, '"11000000100017"', '"110000001"'), [(SIRET, None, V)]),
    # ContactShape
    (
        "ContactShape",
        "no-email-nor-url",
        drop(drop(ORGANISATION, "vcard:hasEmail"), "vcard:hasURL"),
        [(CONTACT, "vcard:hasEmail|vcard:hasURL", V)],
    ),
    (
        "ContactShape",
        "literal-email",
        swap(ORGANISATION, "<mailto:contact@o1.ex.org>", '"mailto:contact@o1.ex.org"'),
        [(CONTACT, "vcard:hasEmail", V)],
    ),
    (
        "ContactShape",
        "email-not-mailto",
        swap(ORGANISATION, "<mailto:contact@o1.ex.org>", "<https://o1.ex.org/mail>"),
        [(CONTACT, "vcard:hasEmail", V)],
    ),
    (
        "ContactShape",
        "literal-url",
        swap(ORGANISATION, "<https://o1.ex.org/contact>", '"https://o1.ex.org/contact"'),
        [(CONTACT, "vcard:hasURL", V)],
    ),
    ("ContactShape", "no-name", drop(ORGANISATION, "vcard:fn"), [(CONTACT, "vcard:fn", W)]),
    # PersonShape
    ("PersonShape", "not-agent", swap(PERSON, "foaf:Person, foaf:Agent", "foaf:Person"), [(P1, None, V)]),
    ("PersonShape", "blank-node", swap(PERSON, "p:p1 a", "_:p1 a"), [(BLANK, None, V)]),
    ("PersonShape", "no-name", drop(PERSON, "foaf:name"), [(P1, "foaf:name", V)]),
    (
        "PersonShape",
        "two-names",
        swap(PERSON, '"Camille Durand"', '"Camille Durand", "C. Durand"'),
        [(P1, "foaf:name", V)],
    ),
    (
        "PersonShape",
        "mbox-not-mailto",
        swap(PERSON, "<mailto:camille@ex.org>", "<https://ex.org/camille>"),
        [(P1, "foaf:mbox", V)],
    ),
    (
        "PersonShape",
        "literal-mbox",
        swap(PERSON, "<mailto:camille@ex.org>", '"mailto:camille@ex.org"'),
        [(P1, "foaf:mbox", V)],
    ),
    (
        "PersonShape",
        "unreachable",
        drop(drop(PERSON, "foaf:mbox"), "foaf:homepage"),
        [(P1, "foaf:mbox|foaf:homepage|dcat:contactPoint", W)],
    ),
    # MembershipShape
    ("MembershipShape", "no-member", drop(MEMBERSHIP, "org:member"), [(M1, "org:member", V)]),
    (
        "MembershipShape",
        "member-not-person",
        swap(MEMBERSHIP, "org:member p:alice", "org:member o:dares"),
        [(M1, "org:member", V)],
    ),
    ("MembershipShape", "no-organisation", drop(MEMBERSHIP, "org:organization"), [(M1, "org:organization", V)]),
    (
        "MembershipShape",
        "organisation-is-person",
        swap(MEMBERSHIP, "org:organization o:dares", "org:organization p:alice"),
        [(M1, "org:organization", V)],
    ),
    (
        "MembershipShape",
        "two-organisations",
        swap(MEMBERSHIP, "org:organization o:dares", "org:organization o:dares, o:o1") + ORGANISATION,
        [(M1, "org:organization", V)],
    ),
    ("MembershipShape", "no-role", drop(MEMBERSHIP, "org:role"), [(M1, "org:role", V)]),
    (
        "MembershipShape",
        "role-not-concept",
        swap(MEMBERSHIP, "org:role c:responsable", f"org:role {UNKNOWN}"),
        [(M1, "org:role", V)],
    ),
    # UsageShape
    ("UsageShape", "not-activity", swap(USAGE, "duv:Usage, prov:Activity", "duv:Usage"), [(U1, None, V)]),
    ("UsageShape", "blank-node", swap(USAGE, "u:u1 a", "_:u1 a"), [(BLANK, None, V)]),
    ("UsageShape", "no-resource", drop(USAGE, "duv:refersTo"), [(U1, "duv:refersTo", V)]),
    (
        "UsageShape",
        "resource-unknown",
        swap(USAGE, "duv:refersTo r:r0", f"duv:refersTo {UNKNOWN}"),
        [(U1, "duv:refersTo", V)],
    ),
    (
        "UsageShape",
        "two-resources",
        swap(USAGE, "duv:refersTo r:r0", "duv:refersTo r:r0, r:r1") + RESOURCE,
        [(U1, "duv:refersTo", V)],
    ),
    ("UsageShape", "no-description", drop(USAGE, "dct:description"), [(U1, "dct:description", V)]),
    (
        "UsageShape",
        "untagged-description",
        swap(USAGE, '"Computing hiring grants"@en', '"Computing hiring grants"'),
        [(U1, "dct:description", V)],
    ),
    (
        "UsageShape",
        "user-unknown",
        swap(USAGE, "prov:wasAssociatedWith o:dares", f"prov:wasAssociatedWith {UNKNOWN}"),
        [(U1, "prov:wasAssociatedWith", V)],
    ),
    ("UsageShape", "no-user", drop(USAGE, "prov:wasAssociatedWith"), [(U1, "prov:wasAssociatedWith", W)]),
    (
        "UsageShape",
        "no-user-tool-nor-source",
        drop(drop(drop(USAGE, "prov:wasAssociatedWith"), "duv:hasUsageTool"), "dct:source"),
        [(U1, "prov:wasAssociatedWith", W), (U1, "prov:wasAssociatedWith|duv:hasUsageTool|dct:source", V)],
    ),
    (
        "UsageShape",
        "tool-unknown",
        swap(USAGE, "duv:hasUsageTool t:t0", f"duv:hasUsageTool {UNKNOWN}"),
        [(U1, "duv:hasUsageTool", V)],
    ),
    ("UsageShape", "source-not-document", swap(USAGE, "dct:source d:d0", "dct:source r:r0"), [(U1, "dct:source", V)]),
    ("UsageShape", "string-start", swap(USAGE, '"2021"^^xsd:gYear', '"depuis 2021"'), [(U1, "prov:startedAtTime", V)]),
    (
        "UsageShape",
        "two-ends",
        swap(USAGE, '"2024-01-31"^^xsd:date', '"2024-01-31"^^xsd:date, "2024-02-29"^^xsd:date'),
        [(U1, "prov:endedAtTime", V)],
    ),
    ("UsageShape", "untagged-outcome", swap(USAGE, '"Gain de temps"@fr', '"Gain de temps"'), [(U1, "rsr:outcome", V)]),
    (
        "UsageShape",
        "two-french-outcomes",
        swap(USAGE, '"Gain de temps"@fr', '"Gain de temps"@fr, "Moins d\'erreurs"@fr'),
        [(U1, "rsr:outcome", V)],
    ),
    # UsageToolShape
    ("UsageToolShape", "blank-node", swap(TOOL, "t:t1 a", "_:t1 a"), [(BLANK, None, V)]),
    ("UsageToolShape", "no-title", drop(TOOL, "dct:title"), [(T1, "dct:title", V)]),
    (
        "UsageToolShape",
        "untagged-title",
        swap(TOOL, '"Service d\'exemple"@fr', '"Service d\'exemple"'),
        [(T1, "dct:title", V)],
    ),
    (
        "UsageToolShape",
        "literal-homepage",
        swap(TOOL, "<https://service.ex.org>", '"https://service.ex.org"'),
        [(T1, "foaf:homepage", V)],
    ),
    (
        "UsageToolShape",
        "two-homepages",
        swap(TOOL, "<https://service.ex.org>", "<https://service.ex.org>, <https://www.service.ex.org>"),
        [(T1, "foaf:homepage", V)],
    ),
    ("UsageToolShape", "no-homepage", drop(TOOL, "foaf:homepage"), [(T1, "foaf:homepage", W)]),
    (
        "UsageToolShape",
        "operator-unknown",
        swap(TOOL, "dct:publisher o:dares", f"dct:publisher {UNKNOWN}"),
        [(T1, "dct:publisher", V)],
    ),
    # FeedbackShape
    ("FeedbackShape", "not-annotation", swap(FEEDBACK, ", oa:Annotation", ""), [(F1, None, V)]),
    ("FeedbackShape", "blank-node", swap(FEEDBACK, "f:f1 a", "_:f1 a"), [(BLANK, None, V)]),
    ("FeedbackShape", "no-target", drop(FEEDBACK, "oa:hasTarget"), [(F1, "oa:hasTarget", V)]),
    (
        "FeedbackShape",
        "target-unknown",
        swap(FEEDBACK, "oa:hasTarget u:u0", f"oa:hasTarget {UNKNOWN}"),
        [(F1, "oa:hasTarget", V)],
    ),
    (
        "FeedbackShape",
        "two-targets",
        swap(FEEDBACK, "oa:hasTarget u:u0", "oa:hasTarget u:u0, r:r0"),
        [(F1, "oa:hasTarget", V)],
    ),
    (
        "FeedbackShape",
        "no-text-nor-rating",
        drop(drop(FEEDBACK, "oa:bodyValue"), "duv:hasRating"),
        [(F1, "oa:bodyValue|duv:hasRating", V)],
    ),
    ("FeedbackShape", "rating-out-of-scale", swap(FEEDBACK, "rating:4", "rating:6"), [(F1, "duv:hasRating", V)]),
    ("FeedbackShape", "two-ratings", swap(FEEDBACK, "rating:4", "rating:4, rating:5"), [(F1, "duv:hasRating", V)]),
    (
        "FeedbackShape",
        "author-unknown",
        swap(FEEDBACK, "dct:creator p:alice", f"dct:creator {UNKNOWN}"),
        [(F1, "dct:creator", V)],
    ),
    (
        "FeedbackShape",
        "two-authors",
        swap(FEEDBACK, "dct:creator p:alice", "dct:creator p:alice, o:dares"),
        [(F1, "dct:creator", V)],
    ),
    ("FeedbackShape", "no-author", drop(FEEDBACK, "dct:creator"), [(F1, "dct:creator", W)]),
    ("FeedbackShape", "string-date", swap(FEEDBACK, '"2024-06-01"^^xsd:date', '"juin 2024"'), [(F1, "dct:created", V)]),
    (
        "UsageShape",
        "contactable-as-text",
        also(USAGE, 'u:u1 rsr:contactable "oui" .'),
        [(U1, "rsr:contactable", V)],
    ),
    # QuestionShape
    ("QuestionShape", "blank-node", swap(QUESTION, "q:q1 a", "_:q1 a"), [(BLANK, None, V)]),
    ("QuestionShape", "no-title", drop(QUESTION, "schema:name"), [(Q1, "schema:name", V)]),
    (
        "QuestionShape",
        "short-title",
        swap(QUESTION, '"Qui utilise cette ressource pour suivre l\'emploi ?"@fr', '"Qui ?"@fr'),
        [(Q1, "schema:name", V)],
    ),
    (
        "QuestionShape",
        "untagged-title",
        swap(QUESTION, '"Qui utilise cette ressource pour suivre l\'emploi ?"@fr', '"Qui utilise cette ressource ?"'),
        [(Q1, "schema:name", V)],
    ),
    ("QuestionShape", "about-nothing", drop(QUESTION, "schema:about"), [(Q1, "schema:about", V)]),
    (
        "QuestionShape",
        "about-unknown",
        swap(QUESTION, "r:r0, o:dares, c:emploi", UNKNOWN),
        [(Q1, "schema:about", V)],
    ),
    ("QuestionShape", "no-author", drop(QUESTION, "schema:author"), [(Q1, "schema:author", V)]),
    (
        "QuestionShape",
        "nameless-author",
        swap(
            QUESTION,
            '<https://ex.org/question/q1#auteur> a prov:Agent ; foaf:name "Camille D." .',
            "<https://ex.org/question/q1#auteur> a prov:Agent .",
        ),
        [(Q1, "schema:author", V)],
    ),
    (
        "QuestionShape",
        "date-only",
        swap(QUESTION, '"2026-05-01T10:00:00Z"^^xsd:dateTime', '"2026-05-01"^^xsd:date'),
        [(Q1, "schema:dateCreated", V)],
    ),
    (
        "QuestionShape",
        "accepted-not-an-answer",
        also(QUESTION, "q:q1 schema:acceptedAnswer r:r0 ."),
        [(Q1, "schema:acceptedAnswer", V)],
    ),
    # AnswerShape
    ("AnswerShape", "no-question", drop(ANSWER, "schema:parentItem"), [(A1, "schema:parentItem", V)]),
    (
        "AnswerShape",
        "answers-a-resource",
        swap(ANSWER, "schema:parentItem q:q1", "schema:parentItem r:r0"),
        [(A1, "schema:parentItem", V)],
    ),
    (
        "AnswerShape",
        "no-text",
        swap(ANSWER, '    schema:text "La Dares l\'utilise pour ses tableaux de bord."@fr ;\n', ""),
        [(A1, "schema:text", V)],
    ),
    (
        "AnswerShape",
        "cites-an-organisation",
        swap(ANSWER, "schema:citation r:r0, u:u0", "schema:citation o:dares"),
        [(A1, "schema:citation", V)],
    ),
    (
        "AnswerShape",
        "two-authors",
        swap(ANSWER, "schema:author p:alice", "schema:author p:alice, <https://ex.org/question/q1#auteur>"),
        [(A1, "schema:author", V)],
    ),
    (
        "AnswerShape",
        "no-date",
        drop(ANSWER, 'schema:dateCreated "2026-05-02'),
        [(A1, "schema:dateCreated", V)],
    ),
    # CorrectionShape
    (
        "CorrectionShape",
        "not-entity",
        swap(CORRECTION, "rsr:Correction, prov:Entity", "rsr:Correction"),
        [(COR1, None, V)],
    ),
    ("CorrectionShape", "corrects-nothing", drop(CORRECTION, "rsr:corrects"), [(COR1, "rsr:corrects", V)]),
    (
        "CorrectionShape",
        "overrides-the-type",
        swap(CORRECTION, "rsr:overrides dct:title", "rsr:overrides rdf:type"),
        [(COR1, "rsr:overrides", V)],
    ),
    (
        "CorrectionShape",
        "overrides-text",
        swap(CORRECTION, "rsr:overrides dct:title", 'rsr:overrides "titre"'),
        [(COR1, "rsr:overrides", V)],
    ),
    ("CorrectionShape", "no-reason", drop(CORRECTION, "dct:description"), [(COR1, "dct:description", V)]),
    ("CorrectionShape", "no-date", drop(CORRECTION, "dct:created"), [(COR1, "dct:created", V)]),
    # ConceptShape
    ("ConceptShape", "no-label", drop(CONCEPT, "skos:prefLabel"), [(C1, "skos:prefLabel", V)]),
    (
        "ConceptShape",
        "two-french-labels",
        swap(CONCEPT, '"Inclusion"@en', '"Inclusion"@fr'),
        [(C1, "skos:prefLabel", V)],
    ),
    ("ConceptShape", "no-scheme", drop(CONCEPT, "skos:inScheme"), [(C1, "skos:inScheme", V)]),
    (
        "ConceptShape",
        "scheme-unknown",
        swap(CONCEPT, "skos:inScheme c:themes", f"skos:inScheme {UNKNOWN}"),
        [(C1, "skos:inScheme", V)],
    ),
    (
        "ConceptShape",
        "theme-of-a-resource",
        also(RESOURCE, 'c:emploi skos:prefLabel "Travail"@fr .'),
        [(EX + "concept/emploi", "skos:prefLabel", V)],
    ),
]


# --- Helpers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def validate(validator: Validator, ttl: str) -> Report:
    data = (PREFIXES + CONTEXT + ttl).encode()
    return validator.validate(parse_bytes(data, RdfFormat.TURTLE, source="test"))


def key(r: ValidationResult) -> tuple[str, str | None, str]:
    return (r.focus if "://" in r.focus else BLANK, r.path, r.severity)


def results(report: Report) -> Expected:
    return sorted((key(r) for r in report.results), key=str)


def node_shapes() -> set[str]:
    g = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    return {str(s).rsplit("#", 1)[1] for s in g.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)}


# --- Tests --------------------------------------------------------------------------------------------------


def test_context_is_valid(validator: Validator) -> None:
    assert results(validate(validator, "")) == []


def test_every_node_shape_has_valid_and_invalid_examples() -> None:
    shapes = node_shapes()
    assert len(shapes) == 22
    assert {shape for shape, _, _ in VALID} == shapes
    assert {shape for shape, _, _, _ in INVALID} == shapes


@pytest.mark.parametrize(("shape", "ttl"), [pytest.param(s, t, id=f"{s}-{n}") for s, n, t in VALID])
def test_valid(validator: Validator, shape: str, ttl: str) -> None:
    report = validate(validator, ttl)
    assert report.conforms
    assert results(report) == []


@pytest.mark.parametrize(("shape", "ttl", "expected"), [pytest.param(s, t, e, id=f"{s}-{n}") for s, n, t, e in INVALID])
def test_invalid(validator: Validator, shape: str, ttl: str, expected: Expected) -> None:
    report = validate(validator, ttl)
    assert results(report) == sorted(expected, key=str)
    assert report.conforms == all(severity == W for _, _, severity in expected)
    # the shape under test is one of those reporting (property shapes are named "NodeShape/path")
    assert shape in {r.shape.split("/", 1)[0] for r in report.results}
    # every result speaks French and English
    for r in report.results:
        assert set(r.message) == {"fr", "en"}, r
        assert r.message["fr"] and r.message["en"]


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        pytest.param(drop(USAGE, "prov:wasAssociatedWith"), (U1, "prov:wasAssociatedWith"), id="usage-without-user"),
        pytest.param(drop(RESOURCE, "dcat:theme"), (R1, "dcat:theme"), id="resource-without-theme"),
        pytest.param(
            drop(drop(API, "dcat:endpointURL"), "dcat:endpointDescription"),
            (API1, "dcat:endpointDescription|dcat:endpointURL"),
            id="api-without-endpoint",
        ),
        pytest.param(
            drop(ORGANISATION, "org:classification"), (O1, "org:classification"), id="organisation-without-type"
        ),
        pytest.param(drop(FEEDBACK, "dct:creator"), (F1, "dct:creator"), id="feedback-without-author"),
        pytest.param(
            drop(drop(PERSON, "foaf:mbox"), "foaf:homepage"),
            (P1, "foaf:mbox|foaf:homepage|dcat:contactPoint"),
            id="person-unreachable",
        ),
    ],
)
def test_missing_recommended_property_is_a_warning(validator: Validator, ttl: str, expected: tuple[str, str]) -> None:
    report = validate(validator, ttl)
    assert report.conforms
    assert report.violations == []
    assert [(w.focus, w.path, w.severity) for w in report.warnings] == [(*expected, W)]


def test_usage_without_user_warns_in_both_languages(validator: Validator) -> None:
    report = validate(validator, drop(USAGE, "prov:wasAssociatedWith"))
    [warning] = report.results
    assert warning.severity == "Warning"
    assert warning.shape == "UsageShape/prov:wasAssociatedWith"
    assert warning.message == {
        "fr": "Un usage devrait dire qui utilise la ressource (prov:wasAssociatedWith).",
        "en": "A usage should say who uses the resource (prov:wasAssociatedWith).",
    }


def test_property_violation_message_in_french_and_english(validator: Validator) -> None:
    report = validate(validator, swap(RESOURCE, "dct:publisher o:dares", f"dct:publisher {UNKNOWN}"))
    [violation] = report.violations
    assert (violation.focus, violation.path, violation.severity) == (R1, "dct:publisher", "Violation")
    assert violation.shape == "ResourceShape/dct:publisher"
    assert violation.value == "https://ex.org/unknown"
    assert violation.message["fr"] == (
        "Une ressource a un et un seul producteur, une organisation ou une personne connue (dct:publisher)."
    )
    assert (
        violation.message["en"]
        == "A resource has exactly one publisher, a known organisation or person (dct:publisher)."
    )


def test_node_violation_message_in_french_and_english(validator: Validator) -> None:
    report = validate(validator, swap(ORGANISATION, '"110000001"', '"110 000 001"'))
    [violation] = report.violations
    assert (violation.focus, violation.path, violation.shape) == (SIREN, None, "SirenShape")
    assert violation.message == {
        "fr": "Un SIREN s'écrit avec 9 chiffres, sans espace (skos:notation).",
        "en": "A SIREN is 9 digits, without spaces (skos:notation).",
    }
    assert violation.value == SIREN  # a node-level constraint reports the focus node itself as the value


def test_rating_out_of_scale_reports_the_value(validator: Validator) -> None:
    report = validate(validator, swap(FEEDBACK, "rating:4", "rating:6"))
    [violation] = report.violations
    assert violation.value == "https://ressourcerie.fabrique.social.gouv.fr/def/rating/6"
    assert violation.message["en"] == "A rating is a level 1 to 5 of the rating scheme (duv:hasRating)."
    assert (
        violation.message["fr"]
        == "Une appréciation est un niveau de 1 à 5 du schéma des appréciations (duv:hasRating)."
    )


def test_a_rating_typed_only_as_rating_feedback_is_checked(validator: Validator) -> None:
    ttl = """f:f2 a duv:RatingFeedback ; duv:hasRating rating:9 ."""
    assert (F1.replace("f1", "f2"), "duv:hasRating", V) in results(validate(validator, ttl))
