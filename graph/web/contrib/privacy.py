"""/personal-data: what the instance does with personal data, written from its configuration (which features are on,
whether e-mail is sent, how long sessions last, the operator)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from graph import features
from graph.web.context import context
from graph.web.render import render


async def personal_data(request: Request) -> Response:
    settings = context(request).settings
    page = {
        "operator": settings.site_operator,
        "accounts": features.enabled(settings, "accounts"),
        "contributions": features.enabled(settings, "contributions"),
        "questions": features.enabled(settings, "questions"),
        "anonymous": settings.anonymous_contributions,
        "mail": bool(settings.smtp_host),
        "moderators_told": bool(settings.smtp_host and settings.moderation_email_list),
        "session_hours": settings.session_hours,
        "window_minutes": round(settings.rate_limit_window / 60),
        "posts": settings.rate_limit_posts,
        "scopes": settings.oidc_scopes.split(),
    }
    return render(request, "personal_data.html", page=page)
