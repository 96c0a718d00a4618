"""Moderation: the page for browsers (/moderation, login with the token, signed session cookie) and the
API for tools (/api/moderation/..., bearer token). Both page through every pending submission, oldest first, with
its validation against the store as it is and its spam signals, and approve (publish, with provenance) or reject
(with a reason). A correction is shown as a before/after. A moderator may edit a pending submission before
deciding (/moderation/{id}/edit), and make a usage of a published answer in one step (/moderation/answer-usage)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pyoxigraph import Literal, NamedNode, RdfFormat
from starlette.concurrency import run_in_threadpool

from graph import features, proposals
from graph.community import spam
from graph.errors import BadRequest, ValidationFailed
from graph.limits import load_json
from graph.moderation import GRAPHS, Decision
from graph.namespaces import SCHEMA
from graph.proposals import FieldErrors, Proposal, map_report, roles_for
from graph.rdf import serialize_triples
from graph.submissions import Submission
from graph.web.auth import token_matches
from graph.web.context import Context, context
from graph.web.contrib import corrections, forms, proposing
from graph.web.contrib.contribute import STATUS_LABELS, _href, describe_values, french_time, status_json
from graph.web.contrib.desk import (
    DEFAULT_MODERATOR,
    Desk,
    bearer_moderator,
    desk,
    limit,
    options,
    require_open,
    session_moderator,
)
from graph.web.contrib.proposing import TITLES, title_of
from graph.web.contrib.questions_view import context_of
from graph.web.contrib.signing import SESSION_COOKIE, browser_id, set_browser_id, set_session
from graph.web.pages._paging import page_number
from graph.web.render import Alternate, render
from graph.web.urls import UnknownIri, Urls

PAGE_SIZE = 20  # submissions per moderation page
API_PAGE_SIZE = 100  # submissions per API page, by default (per_page: 1 to API_MAX)
API_MAX = 500


def _entry(ctx: Context, urls: Urls, d: Desk, sub: Submission, others: list[Submission]) -> dict[str, object]:
    """A submission as the moderators see it: answers (or the before/after of a correction), statements, the
    report against the store now, and the spam signals."""
    report = d.moderation.check(sub)
    roles = roles_for(sub.form, sub.record, sub.statements, ctx.iris.base)
    mapped = map_report(report, Proposal(sub.record, sub.statements, roles))
    sent = d.submissions.sent_since(sub.client, spam.hour_ago()) if sub.client else 0
    changes = sub.values.get("changes") if sub.form == "correction" else None
    labels = forms.labels(sub.form) if sub.form in forms.FORMS else {}
    return {
        "sub": sub,
        "title": title_of(sub),
        "kind": TITLES.get(sub.form, sub.form),
        "answers": describe_values(sub, options(ctx)) if changes is None else [],
        "changes": [
            (labels.get(name, name), before, after)
            for name, (before, after) in (changes.items() if isinstance(changes, dict) else [])
        ],
        "corrected": _href(urls, str(sub.values.get("record", ""))) if changes is not None else None,
        "turtle": serialize_triples(sub.statements, RdfFormat.TURTLE).decode(),
        "report": report,
        "violations": [(forms.LABELS.get(f or "", ""), m) for f, ms in mapped.by_field.items() for m in ms]
        + [("", m) for m in mapped.general],
        "warnings": [r.message.get("fr") or r.text("fr") for r in report.warnings],
        "record": _href(urls, sub.record.value),
        "submitted": french_time(sub.submitted_at),
        "signals": spam.signals(sub, others, sent, features.enabled(ctx.settings, "accounts")),
        "graph": "curation" if sub.form == "correction" else GRAPHS.get(sub.form, "contributions"),
    }


def _listing(request: Request, ctx: Context, d: Desk, number: int) -> dict[str, Any]:
    """One page of pending submissions with what the moderators see of each, and the paging."""
    subs, total = d.moderation.pending((number - 1) * PAGE_SIZE, PAGE_SIZE)
    urls = Urls.of(request)
    pages = max(1, -(-total // PAGE_SIZE))
    return {
        "entries": [_entry(ctx, urls, d, s, subs) for s in subs],
        "total": total,
        "number": number,
        "pages": pages,
        "first": (number - 1) * PAGE_SIZE + 1 if subs else 0,
        "last": (number - 1) * PAGE_SIZE + len(subs),
        "prev": urls.path("/moderation", page=str(number - 1)) if number > 1 else None,
        "next": urls.path("/moderation", page=str(number + 1)) if number < pages else None,
    }


# --- pages -------------------------------------------------------------------------------------------------------


async def page(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    require_open(ctx.settings)
    moderator = session_moderator(request, d)
    browser, new = browser_id(request)
    if moderator is None:
        response = render(
            request, "moderation_login.html", page={"csrf": d.signer.csrf_token(browser, "login"), "error": None}
        )
    else:
        number = page_number(request.query_params.get("page"))
        listing = await run_in_threadpool(_listing, request, ctx, d, number)
        done = request.query_params.get("done")
        sid = request.query_params.get("id", "")
        flash = None
        if done in ("approved", "rejected", "edited", "usage") and (done == "usage" or d.submissions.get(sid)):
            label = {"edited": "modifiée, toujours en attente", "usage": "usage publié"}.get(done) or STATUS_LABELS[
                done
            ]
            flash = {"id": sid, "status": label, "done": done}
        values = {
            "moderator": moderator,
            **listing,
            "csrf": d.signer.csrf_token(browser, "moderation"),
            "flash": flash,
            "refused": None,
        }
        alternates = [
            Alternate(
                Urls.of(request).path("/api/moderation/submissions"),
                "application/json",
                "Contributions en attente (JSON)",
            )
        ]
        response = render(request, "moderation.html", page=values, alternates=alternates)
    if new:
        set_browser_id(request, response, browser)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form(request: Request) -> dict[str, str]:
    posted = await forms.read_form(request)
    return {**posted.values, **posted.extra}


async def login(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    require_open(ctx.settings)
    limit(request, d)  # token guesses count against the client's allowance
    data = await _form(request)
    browser = request.cookies.get("rsr_csrf", "")
    error = None
    if not d.signer.csrf_valid(data.get("csrf", ""), browser, "login"):
        error = "Le formulaire a expiré : saisissez de nouveau le jeton."
    elif not token_matches(ctx.settings.moderation_token_sha256, data.get("token", "")):
        error = "Ce jeton n'est pas celui des modérateurs."
    if error:
        browser, new = browser_id(request)
        values = {"csrf": d.signer.csrf_token(browser, "login"), "error": error, "name": data.get("name", "")}
        response = render(request, "moderation_login.html", status=401, page=values)
        if new:
            set_browser_id(request, response, browser)
        return response
    name = data.get("name", "").strip()[:120] or DEFAULT_MODERATOR
    redirect = RedirectResponse(Urls.of(request).path("/moderation"), status_code=303)
    set_session(request, redirect, d.signer.session(name))
    return redirect


async def logout(request: Request) -> Response:
    desk(request)
    response = RedirectResponse(Urls.of(request).path("/moderation"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def approve_form(request: Request, sid: str) -> Response:
    return await _decide_form(request, sid, "approve")


async def reject_form(request: Request, sid: str) -> Response:
    return await _decide_form(request, sid, "reject")


def _moderator_or_login(request: Request, d: Desk) -> str | RedirectResponse:
    require_open(context(request).settings)
    moderator = session_moderator(request, d)
    if moderator is None:
        return RedirectResponse(Urls.of(request).path("/moderation"), status_code=303)
    return moderator


async def _decide_form(request: Request, sid: str, action: str) -> Response:
    d = desk(request)
    ctx = context(request)
    moderator = _moderator_or_login(request, d)
    if isinstance(moderator, RedirectResponse):
        return moderator
    data = await _form(request)
    if not d.signer.csrf_valid(data.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "moderation"):
        raise BadRequest("the moderation form has expired: reload the moderation page and try again")
    try:
        decision = await run_in_threadpool(_decide, d, sid, action, moderator, data.get("reason", ""))
    except ValidationFailed as e:
        return await _refused(request, ctx, d, sid, moderator, e)
    return RedirectResponse(
        Urls.of(request).path("/moderation", done=decision.submission.status, id=sid), status_code=303
    )


async def _refused(request: Request, ctx: Context, d: Desk, sid: str, moderator: str, e: ValidationFailed) -> Response:
    """The moderation page again, with the report that stopped the approval."""
    browser, _new = browser_id(request)
    listing = await run_in_threadpool(_listing, request, ctx, d, 1)
    values = {
        "moderator": moderator,
        **listing,
        "csrf": d.signer.csrf_token(browser, "moderation"),
        "flash": None,
        "refused": {
            "id": sid,
            "results": [(r.path or "", r.message.get("fr") or r.text("fr")) for r in e.report.violations],
        },
    }
    return render(request, "moderation.html", status=422, page=values)


def _decide(d: Desk, sid: str, action: str, moderator: str, reason: str) -> Decision:
    if action == "approve":
        decision = d.moderation.approve(sid, moderator)
        sub = decision.submission
        if sub.form == "question" and sub.account and sub.published:  # the asker follows their question
            d.accounts.follow(sub.account, sub.published[0].value)
        return decision
    return d.moderation.reject(sid, moderator, reason)


# --- editing a pending submission ----------------------------------------------------------------------------------


def _posted_of(sub: Submission) -> forms.Posted:
    values = {k: str(v) for k, v in sub.values.items() if isinstance(v, str)}
    held_themes, held_cites = sub.values.get("themes"), sub.values.get("cites")
    themes = [str(t) for t in held_themes] if isinstance(held_themes, list) else []
    cites = [str(c) for c in held_cites] if isinstance(held_cites, list) else []
    values["contributor_name"], values["contributor_email"] = sub.contributor_name, sub.contributor_email or "x@x.fr"
    return forms.Posted(values, themes, {}, cites)


async def edit_page(request: Request, sid: str) -> Response:
    d = desk(request)
    moderator = _moderator_or_login(request, d)
    if isinstance(moderator, RedirectResponse):
        return moderator
    sub = d.submissions.get(sid)
    if sub is None or sub.status != "pending":
        raise UnknownIri(f"no pending contribution {sid!r}")
    return await _edit_form(request, d, sub, _posted_of(sub), FieldErrors(), 200)


async def _edit_form(
    request: Request, d: Desk, sub: Submission, posted: forms.Posted, errors: FieldErrors, status: int
) -> Response:
    ctx = context(request)
    action = Urls.of(request).path(f"/moderation/{sub.id}/edit")
    browser, new = browser_id(request)
    if sub.form == "correction":
        record, _ = await run_in_threadpool(corrections.record_of, ctx, str(sub.values.get("record", "")))
        own, fields, now = await run_in_threadpool(corrections.current_values, ctx, record)
        response = await corrections.render_form(
            request, d, record, own, fields, now, posted, errors, status, action=action, editing=True
        )
        return response
    page = {
        "form": sub.form,
        "title": f"Modifier : {TITLES[sub.form]}",
        "account": None,
        "about": await run_in_threadpool(context_of, ctx, sub.form, posted.values),
        "fields": {f.name: f for f in forms.FORMS[sub.form]},
        "data": posted.values,
        "themes": posted.themes,
        "cites": posted.cites,
        "errors": errors,
        "options": await run_in_threadpool(options, ctx),
        "csrf": d.signer.csrf_token(browser, sub.form),
        "honeypot": forms.HONEYPOT,
        "expired": False,
        "labels": forms.labels(sub.form),
        "action": action,
        "editing": sub.id,
    }
    response = render(request, f"contribute_{sub.form}.html", status=status, page=page)
    if new:
        set_browser_id(request, response, browser)
    return response


async def edit_post(request: Request, sid: str) -> Response:
    d = desk(request)
    ctx = context(request)
    moderator = _moderator_or_login(request, d)
    if isinstance(moderator, RedirectResponse):
        return moderator
    sub = d.submissions.get(sid)
    if sub is None or sub.status != "pending":
        raise UnknownIri(f"no pending contribution {sid!r}")
    posted = await forms.read_form(request)
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), sub.form):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    posted.values["contributor_name"] = sub.contributor_name
    posted.values["contributor_email"] = sub.contributor_email or "adresse.effacee@example.invalid"
    account = d.accounts.get(sub.account) if sub.account else None

    def rebuild() -> tuple[FieldErrors, dict[str, object], NamedNode, list[Any]]:
        if sub.form == "correction":
            built = corrections.build(ctx, d, posted, node=sub.record)
            return built.errors, corrections.kept_values(built, posted), built.node, built.statements
        errors = forms.check_person(sub.form, posted)
        proposal = proposing.build(ctx, sub.form, posted, account)
        report = ctx.writer.check_add({ctx.iris.graph(GRAPHS[sub.form]): proposal.statements})
        errors = forms.merge(errors, map_report(report, proposal))
        kept: dict[str, object] = {k: v for k, v in posted.values.items() if not k.startswith("contributor_")}
        if posted.themes:
            kept["themes"] = posted.themes
        if posted.cites:
            kept["cites"] = posted.cites
        return errors, kept, proposal.record, proposal.statements

    errors, kept, record, statements = await run_in_threadpool(rebuild)
    if errors:
        return await _edit_form(request, d, sub, posted, errors, 400)
    await run_in_threadpool(d.moderation.edit, sid, kept, record, statements, moderator)
    return RedirectResponse(Urls.of(request).path("/moderation", done="edited", id=sid), status_code=303)


# --- a usage made of an answer -------------------------------------------------------------------------------------

USAGE_FIELDS = ("resource", "organisation", "organisation_name", "purpose", "since")


def _answer(ctx: Context, value: str) -> tuple[NamedNode, NamedNode, str]:
    """(answer, its question, its text) of a published answer."""
    try:
        answer = NamedNode(value)
    except ValueError:
        raise BadRequest("answer is the IRI of a published answer") from None
    questions = [q.object for q in ctx.store.quads(answer, SCHEMA.parentItem, None, None)]
    texts = [q.object for q in ctx.store.quads(answer, SCHEMA.text, None, None) if isinstance(q.object, Literal)]
    if not questions or not isinstance(questions[0], NamedNode):
        raise UnknownIri(f"no published answer <{answer.value}>")
    return answer, questions[0], texts[0].value if texts else ""


async def answer_usage_page(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    moderator = _moderator_or_login(request, d)
    if isinstance(moderator, RedirectResponse):
        return moderator
    answer, question, text = await run_in_threadpool(_answer, ctx, request.query_params.get("answer", ""))
    values = {"purpose": text[:3000], "answer": answer.value}
    return await _answer_usage_form(request, d, answer, question, values, FieldErrors(), 200)


async def _answer_usage_form(
    request: Request,
    d: Desk,
    answer: NamedNode,
    question: NamedNode,
    values: dict[str, str],
    errors: FieldErrors,
    status: int,
) -> Response:
    ctx = context(request)
    browser, new = browser_id(request)
    about = await run_in_threadpool(context_of, ctx, "answer", {"question": question.value})
    fields = {f.name: f for f in forms.USAGE_FIELDS if f.name in USAGE_FIELDS}
    page = {
        "answer": answer.value,
        "question": {"title": about.get("question", question.value), "href": Urls.of(request).record(question.value)},
        "resources": [c for c in about.get("cites", []) if not c.label.startswith("Usage")],
        "fields": fields,
        "data": values,
        "errors": errors,
        "labels": {k: f.label for k, f in fields.items()},
        "options": await run_in_threadpool(options, ctx),
        "csrf": d.signer.csrf_token(browser, "answer-usage"),
    }
    response = render(request, "moderation_answer_usage.html", status=status, page=page)
    if new:
        set_browser_id(request, response, browser)
    return response


async def answer_usage_post(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    moderator = _moderator_or_login(request, d)
    if isinstance(moderator, RedirectResponse):
        return moderator
    posted = await forms.read_form(request)
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "answer-usage"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    answer, question, _text = await run_in_threadpool(_answer, ctx, posted.values.get("answer", ""))
    values = {k: v for k, v in posted.values.items() if k in USAGE_FIELDS}

    def publish() -> FieldErrors:
        proposal = proposals.usage(values, ctx.iris, options(ctx), proposing.exists_in(ctx))
        report = ctx.writer.check_add({ctx.iris.contributions_graph: proposal.statements})
        errors = map_report(report, proposal)
        if not errors:
            d.moderation.usage_from_answer(answer, proposal.record, proposal.statements, moderator)
        return errors

    try:
        errors = await run_in_threadpool(publish)
    except ValidationFailed as e:
        errors = FieldErrors()
        for r in e.report.violations:
            errors.add(None, proposals.message(r))
    if errors:
        return await _answer_usage_form(request, d, answer, question, {**values, "answer": answer.value}, errors, 400)
    target = Urls.of(request).record(question.value) or Urls.of(request).path("/moderation", done="usage")
    return RedirectResponse(target, status_code=303)


# --- API ------------------------------------------------------------------------------------------------------------


async def api_list(request: Request) -> Response:
    d = desk(request)
    bearer_moderator(request)
    status = request.query_params.get("status", "pending")
    if status not in ("pending", "approved", "rejected", "all"):
        raise BadRequest("status is one of pending, approved, rejected, all")
    number = page_number(request.query_params.get("page"))
    raw = request.query_params.get("per_page", str(API_PAGE_SIZE))
    if not raw.isdigit() or not 1 <= int(raw) <= API_MAX:
        raise BadRequest(f"per_page is a number from 1 to {API_MAX}")
    per_page = int(raw)

    def listing() -> tuple[list[dict[str, object]], int]:
        ids = d.submissions.ids(None if status == "all" else status)
        out = []
        for sid in ids[(number - 1) * per_page : number * per_page]:
            sub = d.submissions.get(sid)
            if sub is None:
                continue
            item = status_json(Urls.of(request), sub)
            item.update(
                {
                    "contributor": {"name": sub.contributor_name, "email": sub.contributor_email},
                    "values": sub.values,
                    "record": sub.record.value,
                    "statements": serialize_triples(sub.statements, RdfFormat.N_TRIPLES).decode(),
                }
            )
            if sub.status == "pending":
                item["report"] = d.moderation.check(sub).as_json()
                sent = d.submissions.sent_since(sub.client, spam.hour_ago()) if sub.client else 0
                item["signals"] = spam.signals(sub, [], sent, d.oidc is not None)
            if sub.moderator:
                item["moderator"] = sub.moderator
            if sub.edited_by:
                item["edited_by"] = sub.edited_by
            out.append(item)
        return out, len(ids)

    items, total = await run_in_threadpool(listing)
    urls = Urls.of(request)
    more = number * per_page < total
    body: dict[str, object] = {
        "ok": True,
        "status": status,
        "total": total,
        "page": number,
        "per_page": per_page,
        "count": len(items),
        "submissions": items,
    }
    if more:
        body["next"] = urls.path(
            "/api/moderation/submissions", status=status, page=str(number + 1), per_page=str(per_page)
        )
    if number > 1:
        body["prev"] = urls.path(
            "/api/moderation/submissions", status=status, page=str(number - 1), per_page=str(per_page)
        )
    return JSONResponse(body)


async def api_approve(request: Request, sid: str) -> Response:
    return await _api_decide(request, sid, "approve")


async def api_reject(request: Request, sid: str) -> Response:
    return await _api_decide(request, sid, "reject")


async def _api_decide(request: Request, sid: str, action: str) -> Response:
    d = desk(request)
    bearer_moderator(request)
    body = await request.body()
    data: dict[str, object] = {}
    if body.strip():
        try:
            loaded = load_json(body, context(request).settings.max_nesting_depth)
        except ValueError as e:
            raise BadRequest(f"the body is not JSON: {e}") from None
        if not isinstance(loaded, dict):
            raise BadRequest('the body must be a JSON object: {"moderator": ..., "reason": ...}')
        data = loaded
    moderator = str(data.get("moderator") or DEFAULT_MODERATOR).strip()[:120]
    decision = await run_in_threadpool(_decide, d, sid, action, moderator, str(data.get("reason") or ""))
    body_out = status_json(Urls.of(request), decision.submission)
    body_out["moderator"] = moderator
    return JSONResponse(body_out)
