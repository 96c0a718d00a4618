"""Person records of signed-in people, published only with their consent, in the named graph ``graph/people``:

    <base>person/<slug> a foaf:Person, foaf:Agent ; foaf:name "Camille Durand" ;
        rsr:contactable true ;                                   (when they agree to be contacted through the site)
        prov:wasGeneratedBy <person/<slug>#publication> .
    <person/<slug>#membre> a org:Membership ; org:member <person> ; org:organization <organisation> ;
        org:role <role> .                                        (when their SIRET names a known organisation)
    <person/<slug>#publication> a prov:Activity ; rdfs:label "..."@fr ; prov:endedAtTime ... .

The least is kept: a name, an organisation, a role, and whether they may be contacted (their address is never
published: messages are relayed). The organisation is the one whose SIRET (or SIREN, its first 9 digits) the
provider gives, among the organisations the graph knows; none is invented. Removing the record removes every
triple that names the person: their record and its # nodes, and their authorship of questions and answers, which
passes to an anonymous author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pyoxigraph import Literal, NamedNode, Triple

from graph.iris import Iris, slugify
from graph.namespaces import FOAF, ORG, PROV, RDF, RDFS, ROLE, RSR, SCHEMA, XSD
from graph.rdf import root_of
from graph.store.base import Store
from graph.submissions import now

ANONYMOUS = "Contributeur ou contributrice anonyme"

_BY_IDENTIFIER = """
SELECT ?org ?n ?siret ?siren WHERE {
  { ?id skos:notation ?siret . BIND(?siret AS ?n) } UNION { ?id skos:notation ?siren . BIND(?siren AS ?n) }
  ?org a org:Organization ; adms:identifier ?id .
}
"""


def graph(iris: Iris) -> NamedNode:
    return iris.graph("people")


def organisation_of(store: Store, siret: str) -> NamedNode | None:
    """The known organisation a SIRET names: by the SIRET itself, else by its SIREN."""
    digits = "".join(c for c in siret if c.isdigit())
    if len(digits) != 14:
        return None
    rows = store.select(_BY_IDENTIFIER, {"siret": Literal(digits), "siren": Literal(digits[:9])}).rows
    found = {r[1].value: r[0] for r in rows if isinstance(r[0], NamedNode) and isinstance(r[1], Literal)}
    return found.get(digits) or found.get(digits[:9])


def new_iri(iris: Iris, name: str, exists: Callable[[NamedNode], bool]) -> NamedNode:
    """A person IRI from the name, not used yet."""
    base = slugify(name)[:60].strip("-") or "personne"
    node, n = iris.person(base), 1
    while exists(node):
        n += 1
        node = iris.person(f"{base}-{n}")
    return node


def record(
    person: NamedNode, name: str, organisation: NamedNode | None, role: NamedNode | None, contactable: bool
) -> list[Triple]:
    """The person record, as published in ``graph/people``."""
    activity = NamedNode(f"{person.value}#publication")
    out = [
        Triple(person, RDF.type, FOAF.Person),
        Triple(person, RDF.type, FOAF.Agent),
        Triple(person, FOAF.name, Literal(name)),
        Triple(person, PROV.wasGeneratedBy, activity),
        Triple(activity, RDF.type, PROV.Activity),
        Triple(
            activity,
            RDFS.label,
            Literal("Fiche publiée à la demande de la personne, connectée avec ProConnect", language="fr"),
        ),
        Triple(activity, PROV.endedAtTime, now()),
    ]
    if contactable:
        out.append(Triple(person, RSR.contactable, Literal("true", datatype=XSD.boolean)))
    if organisation is not None:
        membership = NamedNode(f"{person.value}#membre")
        out += [
            Triple(membership, RDF.type, ORG.Membership),
            Triple(membership, ORG.member, person),
            Triple(membership, ORG.organization, organisation),
            Triple(membership, ORG.role, role or ROLE.membre),
        ]
    return out


def without(triples: Iterable[Triple], person: NamedNode) -> list[Triple]:
    """A graph's triples with every mention of the person gone: their record (and its # nodes) dropped, their
    authorship of a question or answer given to an anonymous author of that question or answer."""
    out: list[Triple] = []
    for t in triples:
        if isinstance(t.subject, NamedNode) and root_of(t.subject) == person:
            continue
        if t.object == person:
            if t.predicate == SCHEMA.author and isinstance(t.subject, NamedNode):
                agent = NamedNode(f"{t.subject.value}#auteur")
                out += [
                    Triple(t.subject, SCHEMA.author, agent),
                    Triple(agent, RDF.type, PROV.Agent),
                    Triple(agent, FOAF.name, Literal(ANONYMOUS)),
                ]
            continue
        out.append(t)
    return list(dict.fromkeys(out))
