"""Questions and answers as RDF, on schema.org: what a person asks about resources, organisations or themes, the
answers others give (citing resources and usages), the answer the asker accepts, and the usage a moderator makes
of an answer that documents one. Built from form values as proposals are (``graph.proposals``): what is not what
the model wants stays as typed, for the shapes to refuse with their French message next to the field.

    <base>question/<slug> a schema:Question ;
        schema:name "Qui utilise l'API Sirene pour contrôler des établissements ?"@fr ;
        schema:text "..."@fr ;                            (optional)
        schema:about <resource>, <organisation>, <theme> ;
        schema:dateCreated "..."^^xsd:dateTime ;
        schema:author <person> | <question/<slug>#auteur> ;
        schema:acceptedAnswer <answer> .                  (once the asker accepts one)
    <question/<slug>#auteur> a prov:Agent ; foaf:name "<the name the person chose to show>" .
    <base>answer/<slug> a schema:Answer ; schema:parentItem <question> ; schema:text "..."@fr ;
        schema:citation <resource>, <usage> ; schema:dateCreated ... ; schema:author ... .

Published questions and answers live in the named graph ``graph/questions``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from graph.choices import Options
from graph.iris import Iris
from graph.namespaces import FOAF, PROV, RDF, RDFS, SCHEMA, XSD
from graph.proposals import Builder, Exists, Proposal, fr, term
from graph.submissions import now


def graph(iris: Iris) -> NamedNode:
    return iris.graph("questions")


def _author(b: Builder, node: NamedNode, name: str, person: str | None) -> NamedNode | None:
    """The author: the person record when there is one, else the node's own #auteur agent with the name shown."""
    if person:
        return NamedNode(person)
    if not name.strip():
        return None
    agent = NamedNode(f"{node.value}#auteur")
    b.add(agent, RDF.type, PROV.Agent)
    b.add(agent, FOAF.name, Literal(name.strip()))
    b.add(agent, RDFS.label, Literal(f"Posée par {name.strip()}", language="fr"))
    return agent


def question(
    values: dict[str, str], about: Iterable[str], iris: Iris, options: Options, exists: Exists, person: str | None
) -> Proposal:
    b = Builder(iris, options, exists)
    title = values.get("title", "").strip()
    node = b.mint("question", title[:80] or "question")
    roles = {node.value: "question", f"{node.value}#auteur": "author"}
    b.add(node, RDF.type, SCHEMA.Question)
    b.add(node, SCHEMA.name, fr(title))
    b.add(node, SCHEMA.text, fr(values.get("details", "")))
    for target in dict.fromkeys(about):
        b.add(node, SCHEMA.about, term(target))
    b.add(node, SCHEMA.dateCreated, now())
    b.add(node, SCHEMA.author, _author(b, node, values.get("author_name", ""), person))
    return Proposal(node, b.out, roles)


def answer(
    values: dict[str, str], cites: Iterable[str], iris: Iris, options: Options, exists: Exists, person: str | None
) -> Proposal:
    b = Builder(iris, options, exists)
    asked = term(values.get("question", ""))
    slug = asked.value.rsplit("/", 1)[-1] if isinstance(asked, NamedNode) else "reponse"
    node = b.mint("answer", f"{slug}-reponse"[:90])
    roles = {node.value: "answer", f"{node.value}#auteur": "author"}
    b.add(node, RDF.type, SCHEMA.Answer)
    b.add(node, SCHEMA.parentItem, asked)
    b.add(node, SCHEMA.text, fr(values.get("text", "")))
    for cited in dict.fromkeys(cites):
        b.add(node, SCHEMA.citation, term(cited))
    b.add(node, SCHEMA.dateCreated, now())
    b.add(node, SCHEMA.author, _author(b, node, values.get("author_name", ""), person))
    return Proposal(node, b.out, roles)


def acceptance(question: NamedNode, accepted: NamedNode, asker: str) -> list[Triple]:
    """What accepting an answer adds to the question: the link, and when and by whom (provenance)."""
    activity = NamedNode(f"{question.value}#acceptation")
    return [
        Triple(question, SCHEMA.acceptedAnswer, accepted),
        Triple(activity, RDF.type, PROV.Activity),
        Triple(activity, RDFS.label, Literal(f"Réponse acceptée par {asker}", language="fr")),
        Triple(activity, PROV.used, accepted),
        Triple(activity, PROV.endedAtTime, now()),
    ]


def usage_provenance(usage: NamedNode, answer_iri: NamedNode, moderator: str) -> tuple[list[Triple], list[Triple]]:
    """The links between a usage made from an answer and the answer: the usage's provenance (in its graph) and the
    answer's citation of the usage (in the questions graph)."""
    activity = NamedNode(f"{usage.value}#publication")
    return [
        Triple(usage, PROV.wasDerivedFrom, answer_iri),
        Triple(usage, PROV.wasGeneratedBy, activity),
        Triple(activity, RDF.type, PROV.Activity),
        Triple(activity, RDFS.label, Literal("Usage créé à partir d'une réponse, après modération", language="fr")),
        Triple(activity, PROV.used, answer_iri),
        Triple(activity, PROV.endedAtTime, Literal(now().value, datatype=XSD.dateTime)),
        Triple(activity, PROV.wasAssociatedWith, NamedNode(f"{usage.value}#moderation")),
        Triple(NamedNode(f"{usage.value}#moderation"), RDF.type, PROV.Agent),
        Triple(NamedNode(f"{usage.value}#moderation"), FOAF.name, Literal(moderator)),
    ], [Triple(answer_iri, SCHEMA.citation, usage)]
