"""Reporting an error, proposing a correction: /contribute/correction?record=IRI shows the record's correctable
values as the site shows them now; what the person changes is the proposal, a diff against that description
(``graph.community.curation``), validated by the shapes as if applied to the curation graph, and kept as pending
for the moderators, who see it as a before/after and publish it into the curation graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode, Triple
from starlette.concurrency import run_in_threadpool

from graph.community import curation
from graph.community.accounts import Account
from graph.namespaces import DCT, FOAF, PREFIXES, SCHEMA
from graph.proposals import FieldErrors, message
from graph.validation import Report
from graph.web.context import Context, context
from graph.web.contrib import forms, proposing
from graph.web.contrib.blocks import curated
from graph.web.contrib.desk import Desk, desk, limit, may_contribute, options, signed_in
from graph.web.contrib.signing import browser_id, set_browser_id
from graph.web.pages._view import Own, href_of
from graph.web.ratelimit import client_of
from graph.web.render import render
from graph.web.urls import UnknownIri, Urls

FORM = "correction"


@dataclass
class Built:
    record: NamedNode
    title: str
    fields: list[curation.Field]
    now: dict[str, list[Any]]
    correction: curation.Correction
    node: NamedNode
    statements: list[Triple]
    report: Report
    errors: FieldErrors


def curie(iri: str) -> str:
    """The form a report gives a path in: 'dct:title'."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def record_of(ctx: Context, value: str) -> tuple[NamedNode, Own]:
    try:
        record = NamedNode(value)
    except ValueError:
        raise UnknownIri(f"no record {value!r}") from None
    own = Own(record, curated(ctx, ctx.store.describe(record)))
    if not own.types():
        raise UnknownIri(f"nothing is known about <{record.value}>")
    if not curation.correctable({NamedNode(t) for t in own.types()}):
        raise UnknownIri(f"<{record.value}> is not corrected through this form")
    return record, own


def fields_of(own: Own) -> list[curation.Field]:
    return curation.fields_for({NamedNode(t) for t in own.types()})


def current_values(ctx: Context, record: NamedNode) -> tuple[Own, list[curation.Field], dict[str, list[Any]]]:
    quads = curated(ctx, ctx.store.describe(record))
    own = Own(record, quads)
    fields = fields_of(own)
    return own, fields, curation.current(quads, record, fields)


def title_of(own: Own) -> str:
    return (
        own.text(DCT.title)
        or own.text(FOAF.name)
        or own.text(SCHEMA.name)
        or own.text(DCT.description)
        or own.iri.value
    )


def build(ctx: Context, d: Desk, posted: forms.Posted, node: NamedNode | None = None) -> Built:
    """The correction the posted values make to the record now, validated as if published."""
    record, _own = record_of(ctx, posted.values.get("record", ""))
    own, fields, now = current_values(ctx, record)
    typed = {f.name: posted.values.get(f.name, curation.shown(f, now.get(f.name, []))) for f in fields}
    correction = curation.propose(record, fields, now, typed)
    node = node or ctx.iris.record("correction", d.submissions.new_id())
    statements = curation.statements(correction, node, posted.values.get("reason", ""))
    graph = curation.graph(ctx.iris)
    held = [q.triple for q in ctx.store.quads(None, None, None, graph)]
    report = ctx.writer.check_graphs({graph: curation.applied(held, statements)})
    errors = forms.check_person(FORM, posted)
    for field_name, messages in correction.errors.items():
        for m in messages:
            errors.add(field_name, m)
    by_path = {curie(f.predicate.value): f.name for f in fields}
    for r in report.violations:
        name: str | None = by_path.get(r.path or "") if r.focus == record.value else None
        if r.focus == node.value and r.path == "dct:description":
            if not posted.values.get("reason", "").strip():
                continue  # said below, in plain words
            name = "reason"
        errors.add(name, message(r))
    if not correction.changes:
        errors.add(None, "Vous n'avez rien changé : modifiez au moins une valeur, ou complétez-en une qui manque.")
    if not posted.values.get("reason", "").strip():
        errors.add("reason", "Dites en une phrase ce qui est faux ou manquant.")
    if posted.extra.get(forms.HONEYPOT):
        errors.add(None, "Le champ « Ne pas remplir » doit rester vide : l'envoi a été refusé.")
    return Built(record, title_of(own), fields, now, correction, node, statements, report, errors)


def kept_values(built: Built, posted: forms.Posted) -> dict[str, object]:
    """What the submission keeps of the form: the record, the reason, each change as (before, after) in words."""
    return {
        "record": built.record.value,
        "reason": posted.values.get("reason", ""),
        "record_title": built.title,
        "changes": {
            c.field.name: [
                [curation.describe_term(v) for v in c.before],
                [curation.describe_term(v) for v in c.after],
            ]
            for c in built.correction.changes
        },
        **{f.name: posted.values[f.name] for f in built.fields if f.name in posted.values},
    }


# --- the pages ------------------------------------------------------------------------------------------------------


async def form(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    may_contribute(request, d)
    record_value = request.query_params.get("record", "")

    def read() -> tuple[NamedNode, Own, list[curation.Field], dict[str, list[Any]]]:
        record, _ = record_of(ctx, record_value)
        own, fields, now = current_values(ctx, record)
        return record, own, fields, now

    record, own, fields, now = await run_in_threadpool(read)
    values = {f.name: curation.shown(f, now.get(f.name, [])) for f in fields}
    values["record"] = record.value
    account = signed_in(request, d)
    if account is not None:
        values["contributor_name"] = account.display_name
    return await render_form(request, d, record, own, fields, now, forms.Posted(values, [], {}), FieldErrors(), 200)


async def render_form(
    request: Request,
    d: Desk,
    record: NamedNode,
    own: Own,
    fields: list[curation.Field],
    now: dict[str, list[Any]],
    posted: forms.Posted,
    errors: FieldErrors,
    status: int,
    action: str | None = None,
    editing: bool = False,
) -> Response:
    ctx = context(request)
    browser, new = browser_id(request)
    opts = await run_in_threadpool(options, ctx)
    page = {
        "form": FORM,
        "title": proposing.TITLES[FORM],
        "record": {"iri": record.value, "title": title_of(own), "href": href_of(request, ctx, record.value)},
        "correctable": [
            {
                "field": f,
                "now": [curation.describe_term(v) for v in now.get(f.name, [])],
                "locked": f.fill_only and bool(now.get(f.name)),
            }
            for f in fields
        ],
        "fields": {f.name: f for f in forms.FORMS[FORM]},
        "data": posted.values,
        "themes": [],
        "errors": errors,
        "options": opts,
        "csrf": d.signer.csrf_token(browser, FORM),
        "honeypot": forms.HONEYPOT,
        "expired": False,
        "labels": forms.labels(FORM),
        "account": signed_in(request, d),
        "action": action,
        "editing": editing,
    }
    response = render(request, "contribute_correction.html", status=status, page=page)
    if new:
        set_browser_id(request, response, browser)
    return response


async def post(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    limit(request, d)
    account: Account | None = may_contribute(request, d)
    posted = await forms.read_form(request)
    proposing.with_account(posted, account)
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), FORM):
        errors = FieldErrors()
        errors.add(None, "Le formulaire a expiré : vérifiez vos réponses, puis envoyez-le de nouveau.")
        return await _again(request, d, posted, errors, 403)
    built = await run_in_threadpool(build, ctx, d, posted)
    if built.errors:
        return await _again(request, d, posted, built.errors, 400)
    sub = await run_in_threadpool(
        proposing.keep,
        ctx,
        d,
        FORM,
        kept_values(built, posted),
        built.node,
        built.statements,
        posted.values,
        account,
        client_of(request),
    )
    return RedirectResponse(Urls.of(request).path(f"/contribute/submission/{sub.id}", new="1"), status_code=303)


async def _again(request: Request, d: Desk, posted: forms.Posted, errors: FieldErrors, status: int) -> Response:
    ctx = context(request)
    record, _ = await run_in_threadpool(record_of, ctx, posted.values.get("record", ""))
    own, fields, now = await run_in_threadpool(current_values, ctx, record)
    return await render_form(request, d, record, own, fields, now, posted, errors, status)
