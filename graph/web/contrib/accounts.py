"""Signing in with ProConnect, and what a signed-in person can see and do about their data:

- /login (to the provider, with state, nonce and PKCE in a signed cookie), /login/callback (the ID token checked,
  the account created or refreshed, a session opened), /logout (the session closed, then the provider's logout);
- /account: what the site keeps about them; the name they show; with their consent, a person record (name,
  membership of the organisation their SIRET names, role, whether they may be contacted), which they can correct
  or remove; deleting the account;
- /account/contributions ("Mes contributions"): what they sent, pending, published or rejected with the reason,
  questions and answers included, and what they follow.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import Literal, NamedNode
from starlette.concurrency import run_in_threadpool

from graph import features
from graph.choices import Choice
from graph.community import actions, people
from graph.community.accounts import Account
from graph.community.oidc import Pending, SignInFailed
from graph.errors import BadRequest
from graph.namespaces import FOAF, RSR
from graph.web.context import context
from graph.web.contrib import forms
from graph.web.contrib.contribute import STATUS_LABELS, french_time
from graph.web.contrib.desk import Desk, keep_browser, limit, page_token, signed_in, state
from graph.web.contrib.proposing import KINDS, title_of
from graph.web.contrib.signing import ACCOUNT_COOKIE, SIGNIN_COOKIE, SIGNIN_SECONDS, set_signed_cookie
from graph.web.render import render
from graph.web.urls import Urls

ROLES = "SELECT ?scheme ?c ?label WHERE { ?c skos:inScheme ?scheme ; skos:prefLabel ?label }"


def _desk(request: Request) -> Desk:
    features.require(context(request).settings, "accounts")
    return state(request)


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path[len(request.scope.get("root_path", "").rstrip("/")) :]


def _back(value: str, default: str) -> str:
    """A local path to return to (never another site)."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else default


def redirect_uri(request: Request) -> str:
    settings = context(request).settings
    return settings.oidc_redirect_uri or _absolute(request, Urls.of(request).path("/login/callback"))


def require_account(request: Request, d: Desk) -> Account | RedirectResponse:
    account = signed_in(request, d)
    if account is None:
        urls = Urls.of(request)
        return RedirectResponse(urls.path("/login", back=request.url.path), status_code=303)
    return account


# --- signing in and out -------------------------------------------------------------------------------------------


async def login(request: Request) -> Response:
    d = _desk(request)
    assert d.oidc is not None
    urls = Urls.of(request)
    back = _back(request.query_params.get("back", ""), urls.path("/account"))
    url, pending = await run_in_threadpool(d.oidc.begin, redirect_uri(request), back)
    response = RedirectResponse(url, status_code=303)
    set_signed_cookie(
        request, response, SIGNIN_COOKIE, d.signer.signed(pending.dump(), "signin", SIGNIN_SECONDS), SIGNIN_SECONDS
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def callback(request: Request) -> Response:
    d = _desk(request)
    assert d.oidc is not None
    ctx = context(request)
    params = request.query_params
    pending = Pending.load(d.signer.unsigned(request.cookies.get(SIGNIN_COOKIE, ""), "signin") or "")
    try:
        if params.get("error"):
            raise SignInFailed(
                f"the provider refused the sign-in: {params.get('error')} {params.get('error_description', '')}"
            )
        identity = await run_in_threadpool(
            d.oidc.finish, params.get("code", ""), params.get("state", ""), redirect_uri(request), pending
        )
        if not identity.claims.get("email"):
            raise SignInFailed("the provider gave no e-mail address (the 'email' scope is needed)")
    except SignInFailed as e:
        page = {"error": e.message, "login": Urls.of(request).path("/login")}
        failed = render(request, "login_failed.html", status=400, page=page)
        failed.delete_cookie(SIGNIN_COOKIE, path="/")
        return failed
    account = await run_in_threadpool(d.accounts.signed_in, identity.claims)
    seconds = ctx.settings.session_hours * 3600
    session = await run_in_threadpool(d.accounts.open_session, account.sub, identity.id_token, seconds)
    first = account.created == account.seen
    back = Urls.of(request).path("/account", welcome="1") if first else (pending.back if pending else "/")
    response = RedirectResponse(back, status_code=303)
    set_signed_cookie(request, response, ACCOUNT_COOKIE, d.signer.signed(session.id, "account", seconds), seconds)
    response.delete_cookie(SIGNIN_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    d = _desk(request)
    assert d.oidc is not None
    posted = await forms.read_form(request)
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "logout"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    sid = d.signer.unsigned(request.cookies.get(ACCOUNT_COOKIE, ""), "account")
    session = d.accounts.session(sid) if sid else None
    urls = Urls.of(request)
    target = urls.path("/logout/done")
    if session is not None:
        d.accounts.close_session(session.id)
        try:
            provider = await run_in_threadpool(
                d.oidc.logout_url, session.id_token, _absolute(request, target), secrets.token_urlsafe(16)
            )
        except SignInFailed:
            provider = None  # the provider cannot be reached: signed out here all the same
        target = provider or target
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(ACCOUNT_COOKIE, path="/")
    return response


async def logged_out(request: Request) -> Response:
    _desk(request)
    return render(request, "logged_out.html", page={})


# --- the account ----------------------------------------------------------------------------------------------------


def roles(ctx: Any) -> list[Choice]:
    rows = ctx.store.select(ROLES, {"scheme": NamedNode(RSR + "role")}).rows
    best: dict[str, str] = {}
    for _scheme, c, label in rows:
        if isinstance(c, NamedNode) and isinstance(label, Literal) and (c.value not in best or label.language == "fr"):
            best[c.value] = label.value
    return sorted((Choice(k, v) for k, v in best.items()), key=lambda c: c.label.lower())


def person_role(ctx: Any, person: str) -> str:
    rows = ctx.store.select(
        "SELECT ?p ?role WHERE { ?m org:member ?p ; org:role ?role }", {"p": NamedNode(person)}
    ).rows
    return rows[0][1].value if rows and isinstance(rows[0][1], NamedNode) else ""


async def account_page(request: Request) -> Response:
    d = _desk(request)
    ctx = context(request)
    held = require_account(request, d)
    if isinstance(held, RedirectResponse):
        return held
    account = held

    def read() -> dict[str, Any]:
        org = people.organisation_of(ctx.store, account.siret) if account.siret else None
        names = [q.object for q in ctx.store.quads(org, FOAF.name, None, None)] if org else []
        org_name = next((n.value for n in names if isinstance(n, Literal)), None)
        return {
            "organisation": {
                "iri": org.value,
                "name": org_name or org.value,
                "href": Urls.of(request).record(org.value),
            }
            if org
            else None,
            "roles": roles(ctx),
            "role": person_role(ctx, account.person) if account.person else "",
            "person_href": Urls.of(request).record(account.person) if account.person else None,
        }

    page = await run_in_threadpool(read)
    page.update(
        {
            "account": account,
            "csrf": page_token(request, d, "account"),
            "logout_csrf": page_token(request, d, "logout"),
            "welcome": request.query_params.get("welcome") == "1",
            "done": request.query_params.get("done", ""),
            "mail": d.outbox.enabled,
        }
    )
    response = render(request, "account.html", page=page)
    keep_browser(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


async def account_post(request: Request) -> Response:
    """POST /account: the name shown, contact, and (with consent) the person record published or updated or removed."""
    d = _desk(request)
    ctx = context(request)
    limit(request, d)
    held = require_account(request, d)
    if isinstance(held, RedirectResponse):
        return held
    account = held
    posted = await forms.read_form(request)
    values = {**posted.values, **posted.extra}
    if not d.signer.csrf_valid(values.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "account"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    shown = values.get("shown_name", "").strip()[:120]
    contactable = values.get("contactable", "") in ("oui", "on", "true")
    consent = values.get("consent", "") in ("oui", "on", "true")
    d.accounts.update(account.sub, shown_name=shown, contactable=contactable)
    account = d.accounts.get(account.sub) or account

    def write() -> str:
        if consent:
            org = people.organisation_of(ctx.store, account.siret) if account.siret else None
            role_value = values.get("role", "")
            role = NamedNode(role_value) if role_value.startswith(RSR + "role/") else None

            def exists(node: NamedNode) -> bool:
                return next(ctx.store.quads(node, None, None, None), None) is not None

            person = (
                NamedNode(account.person)
                if account.person
                else people.new_iri(ctx.iris, account.full_name or account.display_name, exists)
            )
            name = account.full_name or account.display_name
            actions.publish_person(ctx.writer, ctx.iris, person, people.record(person, name, org, role, contactable))
            d.accounts.set_person(account.sub, person.value)
            return "published"
        if account.person:
            actions.remove_person(ctx.writer, ctx.iris, NamedNode(account.person))
            d.journal.forget(account.person)
            d.accounts.set_person(account.sub, None)
            return "removed"
        return "saved"

    done = await run_in_threadpool(write)
    return RedirectResponse(Urls.of(request).path("/account", done=done), status_code=303)


async def account_delete(request: Request) -> Response:
    """POST /account/delete: the person record removed, then the account, its sessions and follows, its address
    erased from the submissions it sent."""
    d = _desk(request)
    ctx = context(request)
    limit(request, d)
    held = require_account(request, d)
    if isinstance(held, RedirectResponse):
        return held
    account = held
    posted = await forms.read_form(request)
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "account"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")

    def erase() -> None:
        if account.person:
            actions.remove_person(ctx.writer, ctx.iris, NamedNode(account.person))
            d.journal.forget(account.person)
        for sub in d.submissions.of_account(account.sub):
            d.submissions.forget_contributor(sub)
        d.outbox.forget(account.email)
        d.accounts.delete(account.sub)

    await run_in_threadpool(erase)
    response = RedirectResponse(Urls.of(request).path("/logout/done", deleted="1"), status_code=303)
    response.delete_cookie(ACCOUNT_COOKIE, path="/")
    return response


async def my_contributions(request: Request) -> Response:
    """GET /account/contributions: "Mes contributions"."""
    d = _desk(request)
    held = require_account(request, d)
    if isinstance(held, RedirectResponse):
        return held
    account = held
    urls = Urls.of(request)

    def read() -> dict[str, Any]:
        items = []
        for sub in d.submissions.of_account(account.sub):
            items.append(
                {
                    "id": sub.id,
                    "kind": KINDS.get(sub.form, sub.form),
                    "form": sub.form,
                    "title": title_of(sub),
                    "status": sub.status,
                    "status_label": STATUS_LABELS.get(sub.status, sub.status),
                    "submitted": french_time(sub.submitted_at),
                    "decided": french_time(sub.decided_at),
                    "reason": sub.reason,
                    "records": [(urls.record(r.value) or r.value) for r in sub.published],
                    "page": urls.path(f"/contribute/submission/{sub.id}"),
                }
            )
        follows = d.accounts.follows(account.sub)
        titles = d.journal.titles(follows)
        return {
            "entries": items,
            "counts": {s: sum(1 for i in items if i["status"] == s) for s in ("pending", "approved", "rejected")},
            "follows": [
                {"title": titles.get(f, f), "href": urls.record(f), "follow": urls.path("/follow", about=f)}
                for f in follows
            ],
        }

    page = await run_in_threadpool(read)
    page["account"] = account
    response = render(request, "my_contributions.html", page=page)
    response.headers["Cache-Control"] = "no-store"
    return response
