"""Pending contributions, kept apart from published data.

Submissions live in their own store (``submissions_path``), never in the public one: the public store's
default graph is the union of its named graphs (and a remote store's ``/sparql`` is its server's union), so
anything written there, the contributors' e-mail addresses included, would be readable by anyone. Each
submission is one named graph ``<base>graph/submission/<id>`` holding the proposed records' statements,
exactly as they would be published, and the submission's status record ``<base>contribution/<id>``:

    <base>contribution/<id> a rsr:Contribution, prov:Entity ;
        dct:identifier "<id>" ; rsr:form "resource" | "usage" ; rsr:status "pending" | "approved" | "rejected" ;
        rsr:proposes <the main record> ; rsr:formData "{...}"^^rdf:JSON ;
        prov:generatedAtTime <submitted at> ; prov:wasAttributedTo <#contributor> .
    <#contributor> a prov:Agent ; foaf:name "..." ; foaf:mbox <mailto:...> .
    <#decision> a prov:Activity ; prov:used <base>contribution/<id> ; prov:endedAtTime <when> ;  (once decided)
        prov:wasAssociatedWith <#moderator> ; prov:generated <published records> ; rdfs:comment "<reason>" .
    <#moderator> a prov:Agent ; foaf:name "..." .

A decision replaces the submission's graph in one step.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from graph.config import Settings
from graph.iris import Iris
from graph.namespaces import DCT, FOAF, PROV, RDF, RDFS, RSR, XSD
from graph.rdf import Term, root_of
from graph.store.embedded import EmbeddedStore

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
FORMS = ("resource", "usage", "uses", "question", "answer", "correction")
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or copied by hand
ID_LENGTH = 10

LIST = """
SELECT ?c ?at ?status WHERE { ?c a rsr:Contribution ; rsr:status ?status ; prov:generatedAtTime ?at }
ORDER BY ?at ?c
"""
BY_ACCOUNT = """
SELECT ?c ?at ?account WHERE { ?c a rsr:Contribution ; rsr:account ?account ; prov:generatedAtTime ?at }
ORDER BY DESC(?at) ?c
"""
BY_CLIENT = """
SELECT ?client ?since (COUNT(?c) AS ?n) WHERE {
  ?c a rsr:Contribution ; rsr:client ?client ; prov:generatedAtTime ?at . FILTER(?at >= ?since)
} GROUP BY ?client ?since
"""


def now() -> Literal:
    """The time now, to the millisecond (submissions sent within one second keep their order)."""
    return Literal(datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"), datatype=XSD.dateTime)


def valid_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in _ALPHABET for c in text)


@dataclass
class Submission:
    id: str
    form: str
    status: str
    submitted_at: str
    contributor_name: str
    contributor_email: str
    values: dict[str, object]
    record: NamedNode
    statements: list[Triple] = field(default_factory=list)
    moderator: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    published: list[NamedNode] = field(default_factory=list)
    account: str | None = None  # the signed-in person's account (ProConnect subject), never published
    client: str | None = None  # the keyed fingerprint of the sender's address, for spam signals
    edited_by: str | None = None  # the moderator who edited it while pending


class SubmissionStore:
    """The private store of submissions: create, read, list, decide. Opened on first use, so that a service
    nobody contributes to never opens it."""

    def __init__(self, location: str, iris: Iris) -> None:
        self.location = location
        self.iris = iris
        self._store: EmbeddedStore | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, iris: Iris) -> SubmissionStore:
        return cls(settings.submissions_location, iris)

    @property
    def store(self) -> EmbeddedStore:
        with self._lock:
            if self._store is None:
                self._store = EmbeddedStore(self.location)
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # --- names ------------------------------------------------------------------------------------------------

    def node(self, sid: str) -> NamedNode:
        return NamedNode(f"{self.iris.base}contribution/{sid}")

    def graph(self, sid: str) -> NamedNode:
        return self.iris.graph(f"submission/{sid}")

    def new_id(self) -> str:
        while True:
            sid = "".join(secrets.choice(_ALPHABET) for _ in range(ID_LENGTH))
            if next(self.store.quads(None, None, None, self.graph(sid)), None) is None:
                return sid

    # --- writing ----------------------------------------------------------------------------------------------

    def create(
        self,
        form: str,
        values: dict[str, object],
        record: NamedNode,
        statements: list[Triple],
        contributor_name: str,
        contributor_email: str,
        account: str | None = None,
        client: str | None = None,
    ) -> Submission:
        sid = self.new_id()
        sub = Submission(
            sid, form, PENDING, now().value, contributor_name, contributor_email, values, record, statements
        )
        sub.account, sub.client = account, client
        self.store.replace_graphs({self.graph(sid): [*statements, *self._status(sub)]})
        return sub

    def edit(
        self, sub: Submission, values: dict[str, object], record: NamedNode, statements: list[Triple], editor: str
    ) -> Submission:
        """A pending submission as a moderator changed it: new answers and statements, still pending."""
        sub.values, sub.record, sub.statements, sub.edited_by = values, record, statements, editor
        self.store.replace_graphs({self.graph(sub.id): [*statements, *self._status(sub)]})
        return sub

    def forget_contributor(self, sub: Submission) -> Submission:
        """The contributor's address and account erased (their account was deleted); the rest kept."""
        sub.contributor_email, sub.account = "", None
        self.store.replace_graphs({self.graph(sub.id): [*sub.statements, *self._status(sub)]})
        return sub

    def decide(
        self, sub: Submission, status: str, moderator: str, reason: str | None, published: list[NamedNode]
    ) -> Submission:
        sub.status, sub.moderator, sub.reason, sub.published = status, moderator, reason, published
        sub.decided_at = now().value
        self.store.replace_graphs({self.graph(sub.id): [*sub.statements, *self._status(sub)]})
        return sub

    def _status(self, sub: Submission) -> list[Triple]:
        c = self.node(sub.id)
        who = NamedNode(f"{c.value}#contributor")
        out = [
            Triple(c, RDF.type, RSR.Contribution),
            Triple(c, RDF.type, PROV.Entity),
            Triple(c, DCT.identifier, Literal(sub.id)),
            Triple(c, RSR.form, Literal(sub.form)),
            Triple(c, RSR.status, Literal(sub.status)),
            Triple(c, RSR.proposes, sub.record),
            Triple(c, RSR.formData, Literal(json.dumps(sub.values, ensure_ascii=False), datatype=RDF.JSON)),
            Triple(c, PROV.generatedAtTime, Literal(sub.submitted_at, datatype=XSD.dateTime)),
            Triple(c, PROV.wasAttributedTo, who),
            Triple(who, RDF.type, PROV.Agent),
            Triple(who, FOAF.name, Literal(sub.contributor_name)),
        ]
        if sub.contributor_email:
            try:
                out.append(Triple(who, FOAF.mbox, NamedNode(f"mailto:{sub.contributor_email}")))
            except ValueError:
                out.append(Triple(who, FOAF.mbox, Literal(sub.contributor_email)))
        if sub.account:
            out.append(Triple(c, RSR.account, Literal(sub.account)))
        if sub.client:
            out.append(Triple(c, RSR.client, Literal(sub.client)))
        if sub.edited_by:
            out.append(Triple(c, RSR.editedBy, Literal(sub.edited_by)))
        if sub.status != PENDING and sub.decided_at:
            decision = NamedNode(f"{c.value}#decision")
            moderator = NamedNode(f"{c.value}#moderator")
            out += [
                Triple(decision, RDF.type, PROV.Activity),
                Triple(decision, PROV.used, c),
                Triple(
                    decision, RDFS.label, Literal("publiée" if sub.status == APPROVED else "refusée", language="fr")
                ),
                Triple(decision, PROV.endedAtTime, Literal(sub.decided_at, datatype=XSD.dateTime)),
                Triple(decision, PROV.wasAssociatedWith, moderator),
                Triple(moderator, RDF.type, PROV.Agent),
                Triple(moderator, FOAF.name, Literal(sub.moderator or "")),
            ]
            if sub.reason:
                out.append(Triple(decision, RDFS.comment, Literal(sub.reason, language="fr")))
            out += [Triple(decision, PROV.generated, iri) for iri in sub.published]
        return out

    # --- reading ----------------------------------------------------------------------------------------------

    def get(self, sid: str) -> Submission | None:
        if not valid_id(sid):
            return None
        quads = list(self.store.quads(None, None, None, self.graph(sid)))
        if not quads:
            return None
        c = self.node(sid)
        status = [q.triple for q in quads if root_of(q.subject) == c]  # type: ignore[arg-type]
        statements = [q.triple for q in quads if root_of(q.subject) != c]  # type: ignore[arg-type]

        def one(s: NamedNode, p: NamedNode) -> str | None:
            found = [
                t.object.value for t in status if t.subject == s and t.predicate == p and isinstance(t.object, Term)
            ]
            return found[0] if found else None

        decision = NamedNode(f"{c.value}#decision")
        mbox = one(NamedNode(f"{c.value}#contributor"), FOAF.mbox) or ""
        return Submission(
            id=sid,
            form=one(c, RSR.form) or "",
            status=one(c, RSR.status) or PENDING,
            submitted_at=one(c, PROV.generatedAtTime) or "",
            contributor_name=one(NamedNode(f"{c.value}#contributor"), FOAF.name) or "",
            contributor_email=mbox.removeprefix("mailto:"),
            values=json.loads(one(c, RSR.formData) or "{}"),
            record=NamedNode(one(c, RSR.proposes) or c.value),
            statements=statements,
            moderator=one(NamedNode(f"{c.value}#moderator"), FOAF.name),
            decided_at=one(decision, PROV.endedAtTime),
            reason=one(decision, RDFS.comment),
            published=[t.object for t in status if t.subject == decision and t.predicate == PROV.generated],  # type: ignore[misc]
            account=one(c, RSR.account),
            client=one(c, RSR.client),
            edited_by=one(c, RSR.editedBy),
        )

    def ids(self, status: str | None = PENDING) -> list[str]:
        """Submission ids, oldest first; only those with ``status`` unless it is None."""
        rows = self.store.select(LIST, {"status": Literal(status)} if status else None).rows
        return [r[0].value.rsplit("/", 1)[-1] for r in rows if isinstance(r[0], NamedNode)]

    def count(self, status: str = PENDING) -> int:
        return len(self.ids(status))

    def of_account(self, account: str) -> list[Submission]:
        """The submissions sent from an account, newest first."""
        rows = self.store.select(BY_ACCOUNT, {"account": Literal(account)}).rows
        subs = [self.get(r[0].value.rsplit("/", 1)[-1]) for r in rows if isinstance(r[0], NamedNode)]
        return [s for s in subs if s is not None]

    def sent_since(self, client: str, since: str) -> int:
        """How many submissions came from this client since a time (ISO 8601)."""
        bindings = {"client": Literal(client), "since": Literal(since, datatype=XSD.dateTime)}
        rows = self.store.select(BY_CLIENT, bindings).rows
        return int(rows[0][2].value) if rows and isinstance(rows[0][2], Literal) else 0
