"""From posted values to a pending submission, for every kind of proposal: a resource, a usage, "I use it too" (a
usage in one step, from a resource page), a question, an answer. The proposal is built as RDF in our model,
checked by the shapes against the store as it is (as if published into its graph), and kept as pending in the
private submissions store when it conforms, with the account of the person signed in (if any) and the keyed
fingerprint of the client; the moderators are told by e-mail where the instance sends some."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from graph import proposals
from graph.community import questions
from graph.community.accounts import Account
from graph.community.spam import fingerprint
from graph.moderation import GRAPHS
from graph.namespaces import RSR, XSD
from graph.proposals import FieldErrors, Proposal, map_report
from graph.submissions import Submission
from graph.validation import Report
from graph.web.context import Context
from graph.web.contrib import forms
from graph.web.contrib.desk import MAX_PENDING, Desk, QueueFull, options

TITLES = {
    "resource": "Proposer une ressource",
    "usage": "Documenter un usage",
    "uses": "J'utilise aussi cette ressource",
    "question": "Poser une question",
    "answer": "Répondre à une question",
    "correction": "Signaler une erreur, proposer une correction",
}
KINDS = {
    "resource": "Ressource",
    "usage": "Usage",
    "uses": "Usage",
    "question": "Question",
    "answer": "Réponse",
    "correction": "Correction",
}
YES = ("on", "true", "1", "oui", "yes")


@dataclass
class Outcome:
    proposal: Proposal
    errors: FieldErrors
    report: Report
    submission: Submission | None = None


def exists_in(ctx: Context):  # type: ignore[no-untyped-def]
    def exists(node: NamedNode) -> bool:
        return next(ctx.store.quads(node, None, None, None), None) is not None

    return exists


def with_account(posted: forms.Posted, account: Account | None) -> None:
    """A signed-in person contributes under their account's address, and the name they show unless they typed one."""
    if account is not None:
        posted.values["contributor_email"] = account.email
        if not posted.values.get("contributor_name"):
            posted.values["contributor_name"] = account.display_name


def build(ctx: Context, form: str, posted: forms.Posted, account: Account | None) -> Proposal:
    values = posted.values
    opts = options(ctx)
    exists = exists_in(ctx)
    person = account.person if account is not None else None
    if form == "resource":
        return proposals.resource(values, posted.themes, ctx.iris, opts, exists)
    if form in ("usage", "uses"):
        proposal = proposals.usage(values, ctx.iris, opts, exists)
        if form == "uses" and values.get("contactable", "").lower() in YES:
            proposal.statements.append(Triple(proposal.record, RSR.contactable, Literal("true", datatype=XSD.boolean)))
        return proposal
    if form == "question":
        about = [v for v in (values.get("resource", ""), values.get("organisation", "")) if v] + posted.themes
        named = {**values, "author_name": values.get("contributor_name", "")}
        return questions.question(named, about, ctx.iris, opts, exists, person)
    if form == "answer":
        named = {**values, "author_name": values.get("contributor_name", "")}
        return questions.answer(named, posted.cites, ctx.iris, opts, exists, person)
    raise ValueError(f"no proposal form {form!r}")


def check(ctx: Context, d: Desk, form: str, posted: forms.Posted, account: Account | None, client: str) -> Outcome:
    """Build the proposal, validate it as if published, and keep it as pending when it conforms."""
    with_account(posted, account)
    errors = forms.check_person(form, posted)
    proposal = build(ctx, form, posted, account)
    report = ctx.writer.check_add({ctx.iris.graph(GRAPHS[form]): proposal.statements})
    errors = forms.merge(errors, map_report(report, proposal))
    if form == "question" and not any(
        (posted.values.get("resource"), posted.values.get("organisation"), posted.themes)
    ):
        errors.add("resource", "Choisissez au moins une ressource, une organisation ou un thème.")
    if posted.extra.get(forms.HONEYPOT):
        errors.add(None, "Le champ « Ne pas remplir » doit rester vide : l'envoi a été refusé.")
    if errors:
        return Outcome(proposal, errors, report)
    kept: dict[str, object] = {k: v for k, v in posted.values.items() if not k.startswith("contributor_")}
    if posted.themes:
        kept["themes"] = posted.themes
    if posted.cites:
        kept["cites"] = posted.cites
    sub = keep(ctx, d, form, kept, proposal.record, proposal.statements, posted.values, account, client)
    return Outcome(proposal, errors, report, sub)


def keep(
    ctx: Context,
    d: Desk,
    form: str,
    kept: dict[str, object],
    record: NamedNode,
    statements: list[Triple],
    values: dict[str, str],
    account: Account | None,
    client: str,
) -> Submission:
    """Keep a conforming proposal as pending, and tell the moderators."""
    if d.submissions.count() >= MAX_PENDING:
        raise QueueFull("the moderation queue is full; please try again later")
    sub = d.submissions.create(
        form,
        kept,
        record,
        statements,
        values["contributor_name"],
        values["contributor_email"],
        account=account.sub if account is not None else None,
        client=fingerprint(d.signer.key, client),
    )
    d.tell_moderators(ctx.settings, f"{KINDS.get(form, 'Une contribution')} « {title_of(sub)[:80]} »", sub.id)
    return sub


def title_of(sub: Submission) -> str:
    v = sub.values
    if sub.form == "correction":
        return f"{v.get('record_title') or v.get('record', '')} : {v.get('reason', '')}"[:200]
    return str(v.get("title") or v.get("purpose") or v.get("text") or v.get("reason") or sub.record.value)[:200]
