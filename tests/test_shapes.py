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
