"""Moderation: the page for browsers (/moderation, login with the token, signed session cookie) and the
API for tools (/api/moderation/..., bearer token). Both list pending submissions with their validation
against the store as it is, and approve (publish, with provenance) or reject (with a reason)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pyoxigraph import RdfFormat
from starlette.concurrency import run_in_threadpool

from graph.errors import BadRequest, ValidationFailed
from graph.limits import load_json
from graph.moderation import Decision
from graph.proposals import Proposal, map_report, roles_for
from graph.rdf import serialize_triples
from graph.submissions import Submission
from graph.web.auth import token_matches
from graph.web.context import Context, context
from graph.web.contrib import forms
from graph.web.contrib.contribute import STATUS_LABELS, TITLES, _href, _title, describe_values, french_time, status_json
from graph.web.contrib.desk import (
    DEFAULT_MODERATOR,
    Desk,
    bearer_moderator,
    desk,
    options,
    require_open,
    session_moderator,
)
from graph.web.contrib.signing import SESSION_COOKIE, browser_id, set_browser_id, set_session
from graph.web.render import Alternate, render
from graph.web.urls import Urls

LIST_LIMIT = 100


def _entry(ctx: Context, urls: Urls, d: Desk, sub: Submission) -> dict[str, object]:
    """A submission as the moderators see it: answers, statements, and the report against the store now."""
    report = d.moderation.check(sub)
    roles = roles_for(sub.form, sub.record, sub.statements, ctx.iris.base)
    mapped = map_report(report, Proposal(sub.record, sub.statements, roles))
    return {
        "sub": sub,
        "title": _title(sub),
        "kind": TITLES.get(sub.form, sub.form),
        "answers": describe_values(sub, options(ctx)),
        "turtle": serialize_triples(sub.statements, RdfFormat.TURTLE).decode(),
        "report": report,
        "violations": [(forms.LABELS.get(f or "", ""), m) for f, ms in mapped.by_field.items() for m in ms]
        + [("", m) for m in mapped.general],
        "warnings": [r.message.get("fr") or r.text("fr") for r in report.warnings],
        "record": _href(urls, sub.record.value),
        "submitted": french_time(sub.submitted_at),
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
        entries = await run_in_threadpool(
            lambda: [_entry(ctx, Urls.of(request), d, s) for s in d.moderation.pending()[:LIST_LIMIT]]
        )
        done = request.query_params.get("done")
        sid = request.query_params.get("id", "")
        flash = None
        if done in ("approved", "rejected") and d.submissions.get(sid) is not None:
            flash = {"id": sid, "status": STATUS_LABELS[done], "done": done}
        values = {
            "moderator": moderator,
            "entries": entries,
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


async def _decide_form(request: Request, sid: str, action: str) -> Response:
    d = desk(request)
    ctx = context(request)
    require_open(ctx.settings)
    moderator = session_moderator(request, d)
    if moderator is None:
        return RedirectResponse(Urls.of(request).path("/moderation"), status_code=303)
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
    entries = await run_in_threadpool(
        lambda: [_entry(ctx, Urls.of(request), d, s) for s in d.moderation.pending()[:LIST_LIMIT]]
    )
    values = {
        "moderator": moderator,
        "entries": entries,
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
        return d.moderation.approve(sid, moderator)
    return d.moderation.reject(sid, moderator, reason)


# --- API ------------------------------------------------------------------------------------------------------------


async def api_list(request: Request) -> Response:
    d = desk(request)
    bearer_moderator(request)
    status = request.query_params.get("status", "pending")
    if status not in ("pending", "approved", "rejected", "all"):
        raise BadRequest("status is one of pending, approved, rejected, all")

    def listing() -> list[dict[str, object]]:
        subs = [d.submissions.get(i) for i in d.submissions.ids(None if status == "all" else status)]
        out = []
        for sub in subs[:LIST_LIMIT]:
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
            if sub.moderator:
                item["moderator"] = sub.moderator
            out.append(item)
        return out

    items = await run_in_threadpool(listing)
    return JSONResponse({"ok": True, "status": status, "count": len(items), "submissions": items})


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
