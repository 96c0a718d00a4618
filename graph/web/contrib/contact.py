"""Whom to contact: the form that relays a message by e-mail to a user of a resource who agreed to be contacted
(a usage marked ``rsr:contactable``, its address kept in the private submission it came from) or to a person whose
record says so (the address of their account). The address is never shown: the message goes through the outbox,
with the sender's address as Reply-To. Counted against the sender's allowance, with CSRF and honeypot."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import Literal, NamedNode
from starlette.concurrency import run_in_threadpool

from graph.community.mail import Mail
from graph.errors import BadRequest
from graph.namespaces import DCT, FOAF, PROV, RSR
from graph.web.context import Context, context
from graph.web.contrib import forms
from graph.web.contrib.desk import Desk, desk, keep_browser, limit, page_token, signed_in
from graph.web.render import render
from graph.web.urls import UnknownIri, Urls

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}$")
MAX_MESSAGE = 3000


def recipient(ctx: Context, d: Desk, target: NamedNode) -> tuple[str, str] | None:
    """(address, what is contacted) for a contactable usage or person, else None."""
    yes = [
        q.object.value for q in ctx.store.quads(target, RSR.contactable, None, None) if isinstance(q.object, Literal)
    ]
    if not yes or yes[0] not in ("true", "1"):
        return None
    account = d.accounts.by_person(target.value)
    if account is not None and account.contactable and account.email:
        return account.email, account.display_name
    for q in ctx.store.quads(target, PROV.wasDerivedFrom, None, None):
        if not isinstance(q.object, NamedNode):
            continue
        sub = d.submissions.get(q.object.value.rsplit("/", 1)[-1])
        if (
            sub is not None
            and sub.contributor_email
            and str(sub.values.get("contactable", "")).lower() in ("oui", "on", "true", "1")
        ):
            purposes = [
                x.object.value
                for x in ctx.store.quads(target, DCT.description, None, None)
                if isinstance(x.object, Literal)
            ]
            return sub.contributor_email, f"l'usage « {purposes[0][:80] if purposes else target.value} »"
    return None


def _target(request: Request) -> NamedNode:
    try:
        return NamedNode(request.query_params.get("about", ""))
    except ValueError:
        raise BadRequest("about is the IRI of a usage or a person") from None


async def contact_page(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    target = _target(request)
    found = await run_in_threadpool(recipient, ctx, d, target)
    if found is None or not d.outbox.enabled:
        raise UnknownIri("no one can be contacted about this record through this site")
    account = signed_in(request, d)
    names = [q.object.value for q in ctx.store.quads(target, FOAF.name, None, None) if isinstance(q.object, Literal)]
    page = {
        "about": target.value,
        "what": names[0] if names else found[1],
        "href": Urls.of(request).record(target.value),
        "csrf": page_token(request, d, "contact"),
        "honeypot": forms.HONEYPOT,
        "data": {"name": account.display_name if account else "", "email": account.email if account else ""},
        "errors": {},
        "sent": request.query_params.get("sent") == "1",
    }
    response = render(request, "contact.html", page=page)
    keep_browser(request, response)
    return response


async def contact_post(request: Request) -> Response:
    d = desk(request)
    ctx = context(request)
    limit(request, d)
    posted = await forms.read_form(request)
    values = posted.values
    if not d.signer.csrf_valid(posted.extra.get("csrf", ""), request.cookies.get("rsr_csrf", ""), "contact"):
        raise BadRequest("le formulaire a expiré : rechargez la page et recommencez")
    try:
        target = NamedNode(values.get("about", ""))
    except ValueError:
        raise BadRequest("about is the IRI of a usage or a person") from None
    found = await run_in_threadpool(recipient, ctx, d, target)
    if found is None or not d.outbox.enabled:
        raise UnknownIri("no one can be contacted about this record through this site")
    errors: dict[str, str] = {}
    name, email, message = values.get("name", "")[:120], values.get("email", ""), values.get("message", "")
    if not name:
        errors["name"] = "Indiquez votre nom."
    if not EMAIL.match(email):
        errors["email"] = "Indiquez une adresse électronique valide, pour que l'on puisse vous répondre."
    if not message.strip() or len(message) > MAX_MESSAGE:
        errors["message"] = f"Écrivez votre message (de 1 à {MAX_MESSAGE} caractères)."
    if posted.extra.get(forms.HONEYPOT):
        errors["message"] = "Le champ « Ne pas remplir » doit rester vide : l'envoi a été refusé."
    if errors:
        page = {
            "about": target.value,
            "what": found[1],
            "href": Urls.of(request).record(target.value),
            "csrf": page_token(request, d, "contact"),
            "honeypot": forms.HONEYPOT,
            "data": {"name": name, "email": email, "message": message},
            "errors": errors,
            "sent": False,
        }
        response = render(request, "contact.html", status=400, page=page)
        keep_browser(request, response)
        return response
    site = ctx.settings.site_name
    body = (
        f"Bonjour,\n\n{name} ({email}) vous écrit depuis {site}, au sujet de {found[1]} :\n{target.value}\n\n"
        f"{message}\n\n---\nVous recevez ce message parce que vous avez accepté d'être contacté·e au sujet de cet usage "
        f"ou de votre fiche. Répondez directement à ce courriel pour lui répondre. Votre adresse ne lui a pas été "
        f"communiquée."
    )
    d.outbox.put(Mail(found[0], f"[{site}] Message de {name}", body, reply_to=email))
    return RedirectResponse(Urls.of(request).path("/contact", about=target.value, sent="1"), status_code=303)
