"""Which page a record gets: resources, organisations, people, usages, guides and stories (articles), online
services and themes have their own template; any other node (vocabulary terms, other documents) keeps the
generic page of linked.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import NamedNode

from graph.namespaces import DCAT, DUV, FOAF, ORG, SCHEMA
from graph.web.context import Context
from graph.web.contrib import blocks, questions_view
from graph.web.contrib.desk import keep_browser
from graph.web.pages import (
    document_page,
    organisation_page,
    person_page,
    resource_page,
    service_page,
    themes,
    usage_page,
)
from graph.web.pages._view import Own, record_alternates, sparql_href
from graph.web.render import render

Builder = Callable[[Request, Context, NamedNode, Own], Any]

# (class, template, builder, breadcrumb label of the section); the first class a record has wins
KINDS: list[tuple[str, str, Builder, str]] = [
    (DCAT.Resource.value, "resource.html", resource_page.build, "Ressources"),
    (ORG.Organization.value, "organisation.html", organisation_page.build, "Organisations"),
    (FOAF.Person.value, "person.html", person_page.build, "Personnes"),
    (DUV.Usage.value, "usage.html", usage_page.build, "Usages"),
    (SCHEMA.Article.value, "article.html", document_page.build, "Guides et retours d'expérience"),
    (DUV.UsageTool.value, "service.html", service_page.build, "Services en ligne"),
    (SCHEMA.WebApplication.value, "service.html", service_page.build, "Services en ligne"),
    (SCHEMA.Question.value, "question.html", questions_view.build, "Questions"),
]


def render_record(
    request: Request, ctx: Context, iri: NamedNode, own: Own, page: str | None, headers: dict[str, str]
) -> Response | None:
    """The record's own page, or None when it has none (the caller shows the generic page).
    ``page`` is the record's path on this service (without extension), None when it is not served there."""
    types = own.types()
    chosen: tuple[str, Builder, str] | None = None
    for cls, template, builder, section in KINDS:
        if cls in types:
            chosen = (template, builder, section)
            break
    if chosen is None and themes.is_theme(ctx, own):
        chosen = ("theme.html", themes.build, "Thèmes")
    if chosen is None:
        return None
    template, builder, section = chosen
    view = builder(request, ctx, iri, own)
    community = blocks.community(request, ctx, iri, types)  # follow, correct, questions, contacts
    alternates = (record_alternates(page) if page else []) + community.alternates()
    values = {"view": view, "section": section, "sparql": sparql_href(request, iri.value), "record_iri": iri.value}
    response = render(request, template, alternates=alternates, headers=headers, community=community, **values)
    keep_browser(request, response)
    return response
