"""Following changes: the Atom feeds of the change journal (/changes.atom for the whole site, ?about=IRI for a
record and what hangs on it) and the "Suivre" page of a record (its feed, and e-mail notifications for people
signed in, where the instance sends e-mail)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import NamedNode
from starlette.concurrency import run_in_threadpool

from graph import features
from graph.community import feeds
from graph.errors import BadRequest
from graph.web.context import context
from graph.web.contrib import forms
from graph.web.contrib.desk import keep_browser, limit, page_token, signed_in, state
from graph.web.render import render
from graph.web.urls import UnknownIri, Urls

FEED_TYPE = "application/atom+xml"
ENTRIES = 50


def _about(request: Request) -> NamedNode | None:
    value = request.query_params.get("about", "")
    if not value:
        return None
    try:
        return NamedNode(value)
    except ValueError:
        raise BadRequest(f"about must be the IRI of a record, not {value[:80]!r}") from None


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path[len(request.scope.get("root_path", "").rstrip("/")) :]


async def changes(request: Request) -> Response:
    """GET /changes.atom[?about=IRI]: the latest changes, as Atom."""
    ctx = context(request)
    features.require(ctx.settings, "feeds")
    d = state(request)
    target = _about(request)
    urls = Urls.of(request)

    def read() -> bytes:
        if target is None:
            entries = d.journal.entries(None, ENTRIES)
            title, page = f"{ctx.settings.site_name} : les changements", urls.path("/")
        else:
            titles = d.journal.titles([target.value])
            if target.value not in titles and next(ctx.store.quads(target, None, None, None), None) is None:
                raise UnknownIri(f"nothing is known about <{target.value}>")
            entries = d.journal.entries(d.journal.related(target), ENTRIES)
            title = f"{ctx.settings.site_name} : les changements de « {titles.get(target.value, target.value)} »"
            page = urls.record(target.value) or urls.path("/")
        info = feeds.FeedInfo(
            id=f"{ctx.settings.base_iri}changes" + (f"?about={target.value}" if target else ""),
            title=title,
            self_url=str(request.url),
            page_url=_absolute(request, page),
            author=ctx.settings.site_operator,
            subtitle="Ce qui a été publié, corrigé ou moissonné, le plus récent d'abord.",
        )

        def href(iri: str) -> str:
            local = urls.record(iri)
            return _absolute(request, local) if local else iri

        return feeds.atom(info, entries, href, f"{ctx.settings.base_iri}changes#")

    body = await run_in_threadpool(read)
    return Response(body, media_type=FEED_TYPE, headers={"Cache-Control": "max-age=60"})


async def follow_page(request: Request) -> Response:
    """GET /follow?about=IRI: how to follow a record (its feed; e-mail when signed in)."""
    ctx = context(request)
    features.require(ctx.settings, "feeds")
    d = state(request)
    target = _about(request)
    if target is None:
        raise BadRequest("about is the IRI of the record to follow")
    titles = await run_in_threadpool(d.journal.titles, [target.value])
    if target.value not in titles:
        raise UnknownIri(f"nothing is known about <{target.value}>")
    account = signed_in(request, d)
    urls = Urls.of(request)
    page = {
        "iri": target.value,
        "title": titles[target.value],
        "href": urls.record(target.value),
        "feed": urls.path("/changes.atom", about=target.value),
        "account": account,
        "following": account is not None and d.accounts.follows_target(account.sub, target.value),
        "accounts": d.oidc is not None,
        "mail": d.outbox.enabled,
        "csrf": page_token(request, d, "follow"),
        "login": urls.path("/login", back=urls.path("/follow", about=target.value)),
        "done": request.query_params.get("done", ""),
    }
    response = render(request, "follow.html", page=page)
    keep_browser(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


async def follow_post(request: Request) -> Response:
    """POST /follow (about, action=follow|unfollow): a signed-in person follows a record by e-mail, or stops."""
    ctx = context(request)
    features.require(ctx.settings, "feeds")
    d = state(request)
    limit(request, d)
    posted = await forms.read_form(request)
    values = {**posted.values, **posted.extra}
    if not d.signer.csrf_valid(values.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "follow"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    account = signed_in(request, d)
    if account is None:
        raise BadRequest("connectez-vous pour suivre une fiche par courriel")
    try:
        target = NamedNode(values.get("about", ""))
    except ValueError:
        raise BadRequest("about is the IRI of the record to follow") from None
    if values.get("action") == "unfollow":
        d.accounts.unfollow(account.sub, target.value)
        done = "unfollowed"
    else:
        if next(ctx.store.quads(target, None, None, None), None) is None:
            raise UnknownIri(f"nothing is known about <{target.value}>")
        d.accounts.follow(account.sub, target.value)
        done = "followed"
    return RedirectResponse(Urls.of(request).path("/follow", about=target.value, done=done), status_code=303)
