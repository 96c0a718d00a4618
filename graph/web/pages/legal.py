"""The pages every French public site must have, written from the instance's settings: the legal notice
(/mentions-legales), the accessibility statement (/accessibilite, on the RGAA's model) and the personal-data
page (/donnees-personnelles: the forms collect contributors' names and e-mail addresses). What the settings
leave empty is said to be missing, never made up; what the software itself does (cookies, what is published,
what the moderators see) is stated from the code."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import Literal

from graph import features
from graph.namespaces import XSD
from graph.web.context import context
from graph.web.contrib.signing import (
    ACCOUNT_COOKIE,
    CSRF_COOKIE,
    CSRF_SECONDS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    SIGNIN_COOKIE,
)
from graph.web.pages._view import date_fr
from graph.web.pages.governance import licences
from graph.web.render import render
from graph.web.urls import Urls

RGAA = "4.1.2"


def _common(request: Request) -> dict[str, object]:
    settings = context(request).settings
    statement = settings.accessibility_statement_date
    return {
        "s": settings,
        "site_url": str(request.base_url),
        "contact": settings.contact_email.strip() or None,
        "statement_date": date_fr(Literal(statement, datatype=XSD.date)) if statement else None,
        "licences": licences(settings),
        "contributions": features.enabled(settings, "contributions"),
        "rgaa": RGAA,
        "csrf_cookie": CSRF_COOKIE,
        "csrf_hours": CSRF_SECONDS // 3600,
        "session_cookie": SESSION_COOKIE,
        "session_hours": SESSION_SECONDS // 3600,
    }


async def legal_notice(request: Request) -> Response:
    """GET /mentions-legales."""
    return render(request, "legal_notice.html", page=_common(request))


async def accessibility(request: Request) -> Response:
    """GET /accessibilite: the accessibility statement."""
    return render(request, "legal_accessibility.html", page=_common(request))


async def personal_data(request: Request) -> Response:
    """GET /donnees-personnelles: what the forms, the accounts, the e-mail queue and the abuse limits keep, from
    the features this instance has on."""
    settings = context(request).settings
    page = _common(request) | {
        "accounts": features.enabled(settings, "accounts"),
        "questions": features.enabled(settings, "questions"),
        "anonymous": settings.anonymous_contributions,
        "mail": bool(settings.smtp_host),
        "moderators_told": bool(settings.smtp_host and settings.moderation_email_list),
        "account_hours": settings.session_hours,
        "window_minutes": round(settings.rate_limit_window / 60),
        "posts": settings.rate_limit_posts,
        "scopes": settings.oidc_scopes.split(),
        "account_cookie": ACCOUNT_COOKIE,
        "signin_cookie": SIGNIN_COOKIE,
    }
    return render(request, "legal_personal_data.html", page=page)


async def personal_data_elsewhere(request: Request) -> Response:
    """GET /personal-data: the page's English address, sent on to the French one."""
    return RedirectResponse(Urls.of(request).path("/donnees-personnelles"), status_code=308)
