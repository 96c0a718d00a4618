"""Moderation: a pending submission is published (validated again, with its provenance) or rejected.

Approval writes into the contributions graph in one transaction of the writer (``graph.writer``), checked
against the store as it is at that moment (no other write lands between the check and the write); a proposal that no longer conforms is refused with the report and nothing changes. A record
IRI taken since the submission is given a new one; a new organisation or service that someone published
meanwhile under the same name is the one used. The provenance published with each record:

    <record> prov:wasDerivedFrom <base>contribution/<id> ; prov:wasGeneratedBy <main#publication> ;
        prov:wasAttributedTo <main#contributeur> .
    <main#publication> a prov:Activity ; rdfs:label "Contribution <id> publiée après modération"@fr ;
        prov:used <base>contribution/<id> ; prov:endedAtTime <decision> ; prov:wasAssociatedWith <main#moderation> .
    <main#contributeur> a prov:Agent ; foaf:name "<contributor's name>" .   (never the e-mail address)
    <main#moderation> a prov:Agent ; foaf:name "<moderator's name>" .
    <base>contribution/<id> a prov:Entity ; dct:identifier "<id>" ; prov:generatedAtTime <submitted> .
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from graph.community import curation
from graph.community.questions import usage_provenance
from graph.errors import RessourcerieError
from graph.iris import Iris
from graph.namespaces import DCT, FOAF, PROV, RDF, RDFS, XSD
from graph.rdf import root_of
from graph.store.base import Store
from graph.submissions import APPROVED, PENDING, REJECTED, Submission, SubmissionStore, now
from graph.text import norm
from graph.validation import Report
from graph.writer import Writer

REUSABLE = ("organisation", "service")  # kinds of record reused when one of the same name exists
# the named graph each form publishes into (corrections: the curation graph, see graph.community.curation)
GRAPHS = {
    "resource": "contributions",
    "usage": "contributions",
    "uses": "contributions",
    "question": "questions",
    "answer": "questions",
}


class UnknownSubmission(RessourcerieError):
    status = 404


class AlreadyDecided(RessourcerieError):
    status = 409


class MissingReason(RessourcerieError):
    status = 400


@dataclass
class Decision:
    submission: Submission
    report: Report


class Moderation:
    def __init__(self, submissions: SubmissionStore, writer: Writer, iris: Iris) -> None:
        self.submissions = submissions
        self.writer = writer
        self.iris = iris
        self._lock = threading.Lock()  # decisions, one at a time (taken before the writer's lock, never after)
        self._store: Store = writer.store  # reads: under the writer's lock during an approval

    def get(self, sid: str) -> Submission:
        sub = self.submissions.get(sid)
        if sub is None:
            raise UnknownSubmission(f"no submission {sid!r}")
        return sub

    def pending(self, offset: int = 0, limit: int | None = None) -> tuple[list[Submission], int]:
        """A page of the pending submissions, oldest first, and how many are pending in all."""
        ids = self.submissions.ids()
        chosen = ids[offset : offset + limit if limit is not None else None]
        return [s for s in (self.submissions.get(i) for i in chosen) if s is not None], len(ids)

    def graph_of(self, sub: Submission) -> NamedNode:
        if sub.form == "correction":
            return curation.graph(self.iris)
        return self.iris.graph(GRAPHS.get(sub.form, "contributions"))

    def check(self, sub: Submission) -> Report:
        """The submission's report against the store as it is now (what approving it would meet)."""
        if sub.form == "correction":
            return self.writer.check_graphs(self._curated(sub, "—"))
        statements, _roots = self.prepare(sub, "—")
        return self.writer.check_add({self.graph_of(sub): statements})

    def _curated(self, sub: Submission, moderator: str) -> dict[NamedNode, list[Triple]]:
        """The curation graph as it would be with this correction published."""
        g = curation.graph(self.iris)
        held = [q.triple for q in self._store.quads(None, None, None, g)]
        published = [*sub.statements, *self.provenance(sub, sub.record, [sub.record], moderator)]
        return {g: curation.applied(held, published)}

    def approve(self, sid: str, moderator: str) -> Decision:
        with self._lock:
            sub = self.get(sid)
            if sub.status != PENDING:
                raise AlreadyDecided(f"submission {sid} was already {sub.status}")
            with self.writer.transaction(f"approval {sub.form}") as tx:
                done = self._published(sub)
                if done:  # published before a failure to record the decision: record it now
                    return Decision(self.submissions.decide(sub, APPROVED, moderator, None, done), Report())
                if sub.form == "correction":  # the curation graph, with the new values in place of the old
                    result = tx.replace_graphs(self._curated(sub, moderator))
                    return Decision(
                        self.submissions.decide(sub, APPROVED, moderator, None, [sub.record]), result.report
                    )
                statements, roots = self.prepare(sub, moderator)
                result = tx.add({self.graph_of(sub): statements})  # raises ValidationFailed
                return Decision(self.submissions.decide(sub, APPROVED, moderator, None, roots), result.report)

    def edit(
        self, sid: str, values: dict[str, object], record: NamedNode, statements: list[Triple], moderator: str
    ) -> Submission:
        """A pending submission changed by a moderator before deciding (checked by the caller like a new one)."""
        with self._lock:
            sub = self.get(sid)
            if sub.status != PENDING:
                raise AlreadyDecided(f"submission {sid} was already {sub.status}")
            return self.submissions.edit(sub, values, record, statements, moderator)

    def usage_from_answer(
        self, answer: NamedNode, usage: NamedNode, statements: list[Triple], moderator: str
    ) -> Report:
        """Publish a usage documented by an answer, in one write: the usage (in the contributions graph) derived
        from the answer, and the answer citing it (in the questions graph)."""
        with self._lock, self.writer.transaction("answer to usage") as tx:
            if next(tx.store.quads(answer, RDF.type, None, None), None) is None:
                raise UnknownSubmission(f"no published answer <{answer.value}>")
            own, cited = usage_provenance(usage, answer, moderator)
            result = tx.add({self.iris.contributions_graph: [*statements, *own], self.iris.graph("questions"): cited})
            return result.report

    def reject(self, sid: str, moderator: str, reason: str) -> Decision:
        if not reason.strip():
            raise MissingReason("a rejection needs a reason (reason), told to the contributor")
        with self._lock:
            sub = self.get(sid)
            if sub.status != PENDING:
                raise AlreadyDecided(f"submission {sid} was already {sub.status}")
            return Decision(self.submissions.decide(sub, REJECTED, moderator, reason.strip(), []), Report())

    # --- the statements published ------------------------------------------------------------------------------

    def prepare(self, sub: Submission, moderator: str) -> tuple[list[Triple], list[NamedNode]]:
        """The submission's statements with IRIs free in the store now, plus their provenance; the records."""
        renames: dict[str, str] = {}
        dropped: set[str] = set()
        roots = list(dict.fromkeys(root_of(t.subject) for t in sub.statements))  # type: ignore[arg-type]
        taken: set[str] = set()
        for root in roots:
            if not self._exists(root):
                taken.add(root.value)
                continue
            kind = root.value[len(self.iris.base) :].split("/", 1)[0]
            same = self._same_name(root, sub.statements) if kind in REUSABLE else None
            if same is not None:
                renames[root.value] = same.value
                dropped.add(root.value)
                continue
            n = 2
            while (candidate := f"{root.value}-{n}") in taken or self._exists(NamedNode(candidate)):
                n += 1
            renames[root.value] = candidate
            taken.add(candidate)
        out = [
            _renamed(t, renames)
            for t in sub.statements
            if root_of(t.subject).value not in dropped  # type: ignore[arg-type]
        ]
        main = NamedNode(renames.get(sub.record.value, sub.record.value))
        published = [NamedNode(renames.get(r.value, r.value)) for r in roots if r.value not in dropped]
        return out + self.provenance(sub, main, published, moderator), published

    def provenance(self, sub: Submission, main: NamedNode, records: list[NamedNode], moderator: str) -> list[Triple]:
        c = self.submissions.node(sub.id)
        activity = NamedNode(f"{main.value}#publication")
        contributor = NamedNode(f"{main.value}#contributeur")
        moderation = NamedNode(f"{main.value}#moderation")
        out = [
            Triple(c, RDF.type, PROV.Entity),
            Triple(c, DCT.identifier, Literal(sub.id)),
            Triple(c, PROV.generatedAtTime, Literal(sub.submitted_at, datatype=XSD.dateTime)),
            Triple(c, PROV.wasAttributedTo, contributor),
            Triple(activity, RDF.type, PROV.Activity),
            Triple(activity, RDFS.label, Literal(f"Contribution {sub.id} publiée après modération", language="fr")),
            Triple(activity, PROV.used, c),
            Triple(activity, PROV.endedAtTime, now()),
            Triple(activity, PROV.wasAssociatedWith, moderation),
            Triple(contributor, RDF.type, PROV.Agent),
            Triple(contributor, FOAF.name, Literal(sub.contributor_name)),
            Triple(contributor, RDFS.label, Literal(f"Proposé par {sub.contributor_name}", language="fr")),
            Triple(moderation, RDF.type, PROV.Agent),
            Triple(moderation, FOAF.name, Literal(moderator)),
            Triple(moderation, RDFS.label, Literal(f"Publié par {moderator}", language="fr")),
        ]
        for record in records:
            out += [
                Triple(record, PROV.wasDerivedFrom, c),
                Triple(record, PROV.wasGeneratedBy, activity),
                Triple(record, PROV.wasAttributedTo, contributor),
            ]
        return out

    def _exists(self, node: NamedNode) -> bool:
        return next(self._store.quads(node, None, None, None), None) is not None

    def _same_name(self, root: NamedNode, statements: list[Triple]) -> NamedNode | None:
        """The existing record at this IRI when it has the proposed record's name."""
        names = {
            norm(t.object.value)
            for t in statements
            if t.subject == root and t.predicate in (FOAF.name, DCT.title) and isinstance(t.object, Literal)
        }
        held = {
            norm(q.object.value)
            for p in (FOAF.name, DCT.title)
            for q in self._store.quads(root, p, None, None)
            if isinstance(q.object, Literal)
        }
        return root if names & held else None

    def _published(self, sub: Submission) -> list[NamedNode]:
        c = self.submissions.node(sub.id)
        return sorted(
            {
                q.subject
                for q in self._store.quads(None, PROV.wasDerivedFrom, c, None)
                if isinstance(q.subject, NamedNode)
            },
            key=lambda n: n.value,
        )


def _renamed(t: Triple, renames: dict[str, str]) -> Triple:
    if not renames:
        return t

    def move(term: NamedNode) -> NamedNode:
        root = root_of(term).value
        return NamedNode(renames[root] + term.value[len(root) :]) if root in renames else term

    s, o = t.subject, t.object
    if isinstance(s, NamedNode):
        s = move(s)
        if t.predicate == DCT.identifier and s != t.subject and isinstance(o, Literal):
            o = Literal(s.value.rsplit("/", 1)[-1])
    if isinstance(o, NamedNode):
        o = move(o)
    return Triple(s, t.predicate, o)
