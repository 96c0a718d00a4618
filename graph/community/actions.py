"""The writes people make themselves, each one transaction of the writer: accepting an answer to their question,
publishing, changing or removing their person record."""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from graph.community import people, questions
from graph.errors import BadRequest
from graph.iris import Iris
from graph.namespaces import RDF, SCHEMA
from graph.store.base import Store
from graph.validation import Report
from graph.writer import Writer


def _graph(store: Store, g: NamedNode) -> list[Triple]:
    return [q.triple for q in store.quads(None, None, None, g)]


def accept_answer(writer: Writer, iris: Iris, question: NamedNode, answer: NamedNode, asker: str) -> Report:
    """Mark ``answer`` as the accepted answer of ``question`` (replacing one accepted before)."""
    g = questions.graph(iris)
    with writer.transaction("accepted answer") as tx:
        parent = [q.object for q in tx.store.quads(answer, SCHEMA.parentItem, None, None)]
        if question not in parent or next(tx.store.quads(answer, RDF.type, SCHEMA.Answer, None), None) is None:
            raise BadRequest(f"<{answer.value}> is not a published answer to <{question.value}>")
        before = [q.triple for q in tx.store.quads(question, SCHEMA.acceptedAnswer, None, g)]
        if not before:
            return tx.add({g: questions.acceptance(question, answer, asker)}).report
        activity = NamedNode(f"{question.value}#acceptation")
        kept = [t for t in _graph(tx.store, g) if t not in before and t.subject != activity]
        return tx.replace_graphs({g: [*kept, *questions.acceptance(question, answer, asker)]}).report


def publish_person(writer: Writer, iris: Iris, person: NamedNode, statements: list[Triple]) -> Report:
    """Publish (or replace) a person record in the people graph."""
    g = people.graph(iris)
    with writer.transaction("person record") as tx:
        kept = people.without(_graph(tx.store, g), person)
        return tx.replace_graphs({g: [*kept, *statements]}).report


def remove_person(writer: Writer, iris: Iris, person: NamedNode) -> Report:
    """Remove a person record and every mention of the person, in one write (see ``people.without``)."""
    gp, gq = people.graph(iris), questions.graph(iris)
    with writer.transaction("person record removed") as tx:
        contents = {gp: people.without(_graph(tx.store, gp), person), gq: people.without(_graph(tx.store, gq), person)}
        return tx.replace_graphs(contents).report
