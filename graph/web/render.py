"""Rendering the people's pages: every template gets the instance (`site`: name, look, navigation following
the feature switches) and the machine-readable twins of the page, also sent as `Link` headers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from graph import features
from graph.config import Settings
from graph.model.licences import licence_name
from graph.web import assets
from graph.web._templates import templates
from graph.web.urls import Urls


@dataclass(frozen=True)
class Alternate:
    """A machine-readable twin of a page: `<link rel="alternate">` in the page and a `Link` header."""

    href: str
    media_type: str
    label: str


def site(settings: Settings, url: Callable[[str], str] = str) -> dict[str, Any]:
    """What every page shows of the instance. The navigation follows the feature switches."""
    nav = [("/", "Accueil"), ("/search", "Rechercher")]
    if features.enabled(settings, "map"):
        nav.append(("/network", "Réseau des usages"))
    if features.enabled(settings, "workbench"):
        nav.append(("/queries", "Requêtes"))
    if features.enabled(settings, "questions"):
        nav.append(("/questions", "Questions"))
    if features.enabled(settings, "contributions"):
        nav.append(("/contribute", "Contribuer"))
    nav.append(("/governance", "Gouvernance"))
    nav = [(url(path), label) for path, label in nav]
    # the pages every public site links from its footer; the RGAA wants the compliance in the link's text
    legal = [
        (url("/mentions-legales"), "Mentions légales"),
        (url("/accessibilite"), f"Accessibilité : {settings.accessibility_status}"),
        (url("/donnees-personnelles"), "Données personnelles"),
    ]
    return {
        "name": settings.site_name,
        "tagline": settings.site_tagline,
        "operator": settings.site_operator,
        "logo_url": settings.logo_url,
        "primary_colour": settings.primary_colour,
        "content_licence": settings.content_licence,
        "content_licence_name": licence_name(settings.content_licence),
        "features": {
            **{name: features.enabled(settings, name) for name in features.FEATURES},
            "updates": settings.updates,
        },
        "nav": nav,
        "legal": legal,
        "dsfr": assets.installed("/assets/dsfr"),
    }


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    alternates: Sequence[Alternate] = (),
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    urls = Urls.of(request)
    body = (
        templates()
        .get_template(template)
        .render(
            site=site(urls.ctx.settings, urls.path),
            path=request.url.path,
            alternates=list(alternates),
            url=urls.path,
            urls=urls,
            **values,
        )
    )
    all_headers = {"Vary": "Accept", **(headers or {})}
    if alternates and "Link" not in all_headers:
        all_headers["Link"] = ", ".join(
            f'<{a.href}>; rel="alternate"; type="{a.media_type}"; title="{a.label}"' for a in alternates
        )
    return HTMLResponse(body, status_code=status, headers=all_headers)
