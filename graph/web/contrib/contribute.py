"""Contributions: the forms (/contribute, /contribute/resource, /contribute/usage, /contribute/uses,
/contribute/question, /contribute/answer) and their JSON API (/api/contributions/...). A proposal is built as RDF
in our model, checked by the shapes against the store as it is, and kept as pending in the private submissions
store (``proposing``); the errors go back next to their fields. Every post counts against its client's allowance
(429 beyond)."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from graph import features, proposals
from graph.choices import Options
from graph.community import people
from graph.model.licences import licence_name
from graph.proposals import FieldErrors, map_report
from graph.submissions import Submission
from graph.web.context import context
from graph.web.contrib import forms, proposing
from graph.web.contrib.desk import desk, limit, may_contribute, options, signed_in
from graph.web.contrib.proposing import TITLES, title_of
from graph.web.contrib.questions_view import context_of
from graph.web.contrib.signing import browser_id, set_browser_id
from graph.web.errors import error_response
from graph.web.ratelimit import client_of
from graph.web.render import Alternate, render
from graph.web.urls import UnknownIri, Urls

STATUS_LABELS = {"pending": "En attente de modération", "approved": "Publiée", "rejected": "Refusée"}
FORM_NAMES = ("resource", "usage", "uses", "question", "answer")


# --- pages ------------------------------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    page = {"pending": await run_in_threadpool(d.submissions.count), "scope": ctx.settings.scope}
    return render(request, "contribute.html", page=page)


async def resource_form(request: Request) -> Response:
    return await _form_page(request, "resource")


async def usage_form(request: Request) -> Response:
    return await _form_page(request, "usage")


async def form_page(request: Request, form: str) -> Response:
    """GET /contribute/{form} for the other forms (uses, question, answer)."""
    if form not in FORM_NAMES:
        raise UnknownIri(f"no contribution form {form!r}")
    return await _form_page(request, form)


async def form_post(request: Request, form: str) -> Response:
    if form not in FORM_NAMES:
        raise UnknownIri(f"no contribution form {form!r}")
    return await _post(request, form)


def _require_feature(request: Request, form: str) -> None:
    if form in ("question", "answer"):
        features.require(context(request).settings, "questions")


async def _form_page(request: Request, form: str) -> Response:
    d = desk(request)
    _require_feature(request, form)
    may_contribute(request, d)
    values = {k: v for k, v in request.query_params.items() if k in forms.LABELS and len(v) < 500}
    themes = request.query_params.getlist("themes")
    account = signed_in(request, d)
    if account is not None:
        values.setdefault("contributor_name", account.display_name)
        if form in ("usage", "uses") and account.siret and "organisation" not in values:
            org = await run_in_threadpool(people.organisation_of, context(request).store, account.siret)
            if org is not None:
                values["organisation"] = org.value
    return await _render_form(request, form, forms.Posted(values, themes, {}), FieldErrors(), status=200)


async def _render_form(
    request: Request, form: str, posted: forms.Posted, errors: FieldErrors, status: int, expired: bool = False
) -> Response:
    d = desk(request)
    ctx = context(request)
    opts: Options = await run_in_threadpool(options, ctx)
    browser, new = browser_id(request)
    order = [f.name for f in forms.FORMS[form]]
    errors.by_field = dict(sorted(errors.by_field.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))
    account = signed_in(request, d)
    page = {
        "form": form,
        "title": TITLES[form],
        "account": account,
        "about": await run_in_threadpool(context_of, ctx, form, posted.values),
        "fields": {f.name: f for f in forms.FORMS[form]},
        "data": posted.values,
        "themes": posted.themes,
        "cites": posted.cites,
        "errors": errors,
        "options": opts,
        "csrf": d.signer.csrf_token(browser, form),
        "honeypot": forms.HONEYPOT,
        "expired": expired,
        "labels": forms.labels(form),
    }
    response = render(request, f"contribute_{form}.html", status=status, page=page)
    if new:
        set_browser_id(request, response, browser)
    return response


async def resource_post(request: Request) -> Response:
    return await _post(request, "resource")


async def usage_post(request: Request) -> Response:
    return await _post(request, "usage")


async def _post(request: Request, form: str) -> Response:
    d = desk(request)
    ctx = context(request)
    _require_feature(request, form)
    limit(request, d)
    account = may_contribute(request, d)
    posted = await forms.read_form(request)
    browser = request.cookies.get("rsr_csrf", "")
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), browser, form):
        errors = FieldErrors()
        errors.add(
            None,
            "Le formulaire a expiré ou n'a pas été ouvert depuis ce site : vérifiez vos réponses, "
            "puis envoyez-le de nouveau.",
        )
        return await _render_form(request, form, posted, errors, status=403, expired=True)
    outcome = await run_in_threadpool(proposing.check, ctx, d, form, posted, account, client_of(request))
    if outcome.submission is None:
        return await _render_form(request, form, posted, outcome.errors, status=400)
    return RedirectResponse(
        Urls.of(request).path(f"/contribute/submission/{outcome.submission.id}", new="1"), status_code=303
    )


async def submission_page(request: Request, sid: str) -> Response:
    d = desk(request)
    sub = await run_in_threadpool(d.submissions.get, sid)
    if sub is None:
        raise UnknownIri(f"no contribution has the number {sid!r}")
    page = {
        "sub": sub,
        "status_label": STATUS_LABELS.get(sub.status, sub.status),
        "title": title_of(sub),
        "kind": TITLES.get(sub.form, sub.form),
        "new": request.query_params.get("new") == "1",
        "submitted": french_time(sub.submitted_at),
        "decided": french_time(sub.decided_at),
        "records": [_href(Urls.of(request), r.value) for r in sub.published],
    }
    alternates = [Alternate(Urls.of(request).path(f"/api/contributions/{sid}"), "application/json", "Suivi en JSON")]
    return render(request, "contribution_status.html", page=page, alternates=alternates)


# --- JSON API -----------------------------------------------------------------------------------------------------


async def api_resource(request: Request) -> Response:
    return await _api_post(request, "resource")


async def api_usage(request: Request) -> Response:
    return await _api_post(request, "usage")


async def api_post(request: Request, form: str) -> Response:
    """POST /api/contributions/{form} for the other forms (uses, question, answer)."""
    if form not in FORM_NAMES:
        raise UnknownIri(f"no contribution form {form!r}")
    return await _api_post(request, form)


async def _api_post(request: Request, form: str) -> Response:
    d = desk(request)
    ctx = context(request)
    _require_feature(request, form)
    limit(request, d)
    account = may_contribute(request, d)
    posted = await forms.read_json(request)
    outcome = await run_in_threadpool(proposing.check, ctx, d, form, posted, account, client_of(request))
    if outcome.submission is None:
        n = len(outcome.errors.general) + sum(map(len, outcome.errors.by_field.values()))
        detail = f"the contribution was not accepted: {n} problem{'s' if n != 1 else ''}; nothing was kept"
        extra = {**outcome.errors.as_json(), "report": outcome.report.as_json()}
        return error_response(request, 422, detail, extra)
    sub = outcome.submission
    urls = Urls.of(request)
    body = status_json(urls, sub)
    body["warnings"] = {
        **map_report(outcome.report, outcome.proposal, "Warning").as_json(),
    }
    return JSONResponse(body, status_code=201, headers={"Location": status_url(urls, sub.id)})


async def api_status(request: Request, sid: str) -> Response:
    d = desk(request)
    sub = await run_in_threadpool(d.submissions.get, sid)
    if sub is None:
        raise UnknownIri(f"no contribution has the number {sid!r}")
    return JSONResponse(status_json(Urls.of(request), sub))


def status_json(urls: Urls, sub: Submission) -> dict[str, object]:
    """What anyone holding the number may know: never the contributor's name or address before publication."""
    body: dict[str, object] = {
        "ok": True,
        "id": sub.id,
        "form": sub.form,
        "status": sub.status,
        "submitted_at": sub.submitted_at,
        "url": status_url(urls, sub.id),
        "page": urls.path(f"/contribute/submission/{sub.id}"),
    }
    if sub.status != "pending":
        body["decided_at"] = sub.decided_at
    if sub.status == "rejected":
        body["reason"] = sub.reason
    if sub.published:
        body["records"] = [r.value for r in sub.published]
    return body


def status_url(urls: Urls, sid: str) -> str:
    return urls.path(f"/api/contributions/{sid}")


def french_time(iso: str | None) -> str:
    """'2026-11-28T16:13:25Z' -> '28/11/2026 à 16:13 (UTC)'."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.strftime("%d/%m/%Y à %H:%M (UTC)")


def _href(urls: Urls, iri: str) -> str:
    return urls.record(iri) or iri


def describe_values(sub: Submission, opts: Options) -> list[tuple[str, str]]:
    """The submission's answers as (label, text) for the moderators, choices shown by their labels."""
    names = {c.value: c.label for group in (opts.organisations, opts.resources, opts.themes) for c in group}
    names.update({c.value: c.label for c in (*opts.kinds, *opts.access, *opts.organisation_types, *opts.ratings)})
    out = []
    for f in forms.FORMS.get(sub.form, []):
        raw = sub.values.get(f.name)
        if not raw:
            continue
        items = raw if isinstance(raw, list) else [str(raw)]
        shown = [licence_name(x) if f.name == "licence" else names.get(x, x) for x in items]
        out.append((f.label, ", ".join("Autre (voir ci-dessous)" if s == proposals.OTHER else s for s in shown)))
    return out
