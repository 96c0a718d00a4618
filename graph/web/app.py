"""The FastAPI application. Routing is the table ROUTES: (path, methods, handler)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from anyio import CapacityLimiter
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph import __version__, features
from graph.config import Settings
from graph.errors import RessourcerieError
from graph.harvest.schedule import Scheduler
from graph.web import assets, errors, operations, pagethreads
from graph.web.context import Context
from graph.web.contrib import (
    accounts,
    contact,
    contribute,
    corrections,
    following,
    moderation,
    questions_view,
)
from graph.web.contrib.desk import Desk
from graph.web.fastpath import DirectRoute
from graph.web.middleware import ServiceMiddleware
from graph.web.pages import apidocs, governance, harvests, home, legal, linked, namedqueries, network, search, themes
from graph.web.protocol import catalog, descriptions, gsp, sparql

ROUTES: list[tuple[str, list[str], Callable[..., Any], str]] = [
    ("/", ["GET", "HEAD"], home.home, "Home page: what the service holds, where to go"),
    ("/healthz", ["GET", "HEAD"], operations.healthz, "Liveness: the process answers"),
    ("/readyz", ["GET", "HEAD"], operations.readyz, "Readiness: store, query workers and search index"),
    ("/metrics", ["GET"], operations.prometheus, "Prometheus metrics"),
    (
        "/sparql",
        ["GET", "POST", "HEAD"],
        sparql.sparql_endpoint,
        "SPARQL 1.1 Protocol: query, update, service description",
    ),
    ("/.well-known/void", ["GET", "HEAD"], descriptions.void, "VoID description of the dataset"),
    ("/.well-known/void.{ext}", ["GET", "HEAD"], descriptions.void, "VoID description, in the format of the extension"),
    ("/dumps/ressourcerie.nq.gz", ["GET", "HEAD"], descriptions.dump, "The whole store as a gzip file of N-Quads"),
    ("/id/{path:path}", ["GET", "HEAD"], linked.record_id, "303 mode: a record IRI, redirected to /doc/..."),
    ("/doc/{path:path}", ["GET", "HEAD"], linked.record_doc, "303 mode: the description of a record"),
    ("/store", ["GET", "HEAD", "PUT", "POST", "DELETE"], gsp.graph_store, "Graph Store: ?graph=IRI or ?default"),
    ("/store/{path:path}", ["GET", "HEAD", "PUT", "POST", "DELETE"], gsp.graph_store, "Graph Store: graph by URL"),
    ("/contribute", ["GET", "HEAD"], contribute.index, "What can be contributed, and the rules"),
    ("/contribute/resource", ["GET", "HEAD"], contribute.resource_form, "Form: propose a resource"),
    ("/contribute/resource", ["POST"], contribute.resource_post, "Form: propose a resource (sent)"),
    ("/contribute/usage", ["GET", "HEAD"], contribute.usage_form, "Form: document a usage"),
    ("/contribute/usage", ["POST"], contribute.usage_post, "Form: document a usage (sent)"),
    ("/contribute/correction", ["GET", "HEAD"], corrections.form, "Form: report an error, propose a correction"),
    ("/contribute/correction", ["POST"], corrections.post, "Form: propose a correction (sent)"),
    (
        "/contribute/{form}",
        ["GET", "HEAD"],
        contribute.form_page,
        "Form: 'I use it too' (uses), ask a question (question), answer one (answer)",
    ),
    ("/contribute/{form}", ["POST"], contribute.form_post, "Form: uses, question or answer (sent)"),
    ("/contribute/submission/{sid}", ["GET", "HEAD"], contribute.submission_page, "A contribution's status"),
    ("/api/contributions/resource", ["POST"], contribute.api_resource, "Propose a resource (JSON)"),
    ("/api/contributions/usage", ["POST"], contribute.api_usage, "Document a usage (JSON)"),
    ("/api/contributions/{form}", ["POST"], contribute.api_post, "Declare a usage, ask or answer a question (JSON)"),
    ("/api/contributions/{sid}", ["GET", "HEAD"], contribute.api_status, "A contribution's status (JSON)"),
    (
        "/questions",
        ["GET", "HEAD"],
        questions_view.questions_page,
        "Questions and answers, open and answered, by theme",
    ),
    ("/questions/accept", ["POST"], questions_view.accept, "The asker accepts an answer to their question"),
    ("/changes.atom", ["GET", "HEAD"], following.changes, "Atom feed of the changes (?about=IRI: of one record)"),
    ("/follow", ["GET", "HEAD"], following.follow_page, "How to follow a record: its feed, e-mail when signed in"),
    ("/follow", ["POST"], following.follow_post, "Follow a record by e-mail, or stop (signed in)"),
    ("/contact", ["GET", "HEAD"], contact.contact_page, "Write to a user who agreed to be contacted (relayed)"),
    ("/contact", ["POST"], contact.contact_post, "Write to a user who agreed to be contacted (sent)"),
    ("/personal-data", ["GET", "HEAD"], legal.personal_data_elsewhere, "The personal-data page's English address"),
    ("/login", ["GET"], accounts.login, "Sign in with ProConnect (OpenID Connect)"),
    ("/login/callback", ["GET"], accounts.callback, "Back from ProConnect: the ID token checked, a session opened"),
    ("/logout", ["POST"], accounts.logout, "Sign out (here, then at ProConnect)"),
    ("/logout/done", ["GET", "HEAD"], accounts.logged_out, "Signed out"),
    ("/account", ["GET", "HEAD"], accounts.account_page, "My account: what is kept, my person record, my choices"),
    ("/account", ["POST"], accounts.account_post, "My account: save my choices (person record with consent)"),
    ("/account/delete", ["POST"], accounts.account_delete, "Delete my account and my person record"),
    ("/account/contributions", ["GET", "HEAD"], accounts.my_contributions, "My contributions, questions, follows"),
    ("/moderation", ["GET", "HEAD"], moderation.page, "Moderation: login, then the pending contributions, paged"),
    ("/moderation/login", ["POST"], moderation.login, "Moderation: exchange the token for a session"),
    ("/moderation/logout", ["POST"], moderation.logout, "Moderation: end the session"),
    ("/moderation/answer-usage", ["GET", "HEAD"], moderation.answer_usage_page, "Moderation: a usage from an answer"),
    ("/moderation/answer-usage", ["POST"], moderation.answer_usage_post, "Moderation: publish a usage from an answer"),
    ("/moderation/{sid}/approve", ["POST"], moderation.approve_form, "Moderation: publish a contribution"),
    ("/moderation/{sid}/reject", ["POST"], moderation.reject_form, "Moderation: reject a contribution"),
    ("/moderation/{sid}/edit", ["GET", "HEAD"], moderation.edit_page, "Moderation: edit a pending contribution"),
    ("/moderation/{sid}/edit", ["POST"], moderation.edit_post, "Moderation: edit a pending contribution (sent)"),
    ("/api/moderation/submissions", ["GET"], moderation.api_list, "Moderation: contributions (bearer token)"),
    (
        "/api/moderation/submissions/{sid}/approve",
        ["POST"],
        moderation.api_approve,
        "Moderation: publish a contribution (bearer token)",
    ),
    (
        "/api/moderation/submissions/{sid}/reject",
        ["POST"],
        moderation.api_reject,
        "Moderation: reject a contribution with a reason (bearer token)",
    ),
    ("/governance", ["GET", "HEAD"], governance.governance, "Governance: scope, moderation, licences, sources"),
    ("/mentions-legales", ["GET", "HEAD"], legal.legal_notice, "Legal notice, from the instance's settings"),
    ("/accessibilite", ["GET", "HEAD"], legal.accessibility, "Accessibility statement (RGAA), from the settings"),
    ("/donnees-personnelles", ["GET", "HEAD"], legal.personal_data, "Personal data and cookies, from the settings"),
    (
        "/docs",
        ["GET", "HEAD"],
        apidocs.docs,
        "This API's OpenAPI description in Swagger UI, from the service's own assets",
    ),
    ("/themes", ["GET", "HEAD"], themes.themes, "The themes of the instance with their resource counts (HTML, JSON)"),
    ("/themes/{notation}", ["GET", "HEAD"], linked.theme_by_notation, "The page of a theme, by its notation"),
    ("/network", ["GET", "HEAD"], network.network_page, "Map of the usage network (HTML), filtered by GET"),
    ("/network.{ext}", ["GET", "HEAD"], network.network_twin, "The usage network as JSON (cytoscape), SVG or CSV"),
    ("/queries", ["GET", "HEAD"], namedqueries.query_list, "The named queries (HTML, or JSON by Accept)"),
    (
        "/queries/{name}",
        ["GET", "HEAD"],
        namedqueries.query_page,
        "A named query: form and results (HTML); /queries/{name}.csv or .json for the results",
    ),
    ("/catalog", ["GET", "HEAD"], catalog.catalog, "DCAT-AP 3 catalogue of every resource, paged (Hydra)"),
    ("/catalog.{ext}", ["GET", "HEAD"], catalog.catalog_ext, "DCAT-AP 3 catalogue, in the format of the extension"),
    ("/catalog/context.jsonld", ["GET", "HEAD"], catalog.jsonld_context, "JSON-LD context of the DCAT-AP feed"),
    ("/catalog/software", ["GET", "HEAD"], catalog.software, "ADMS-AP catalogue of software and AI models, paged"),
    (
        "/catalog/software.{ext}",
        ["GET", "HEAD"],
        catalog.software_ext,
        "ADMS-AP catalogue of software, in the format of the extension",
    ),
    ("/harvests", ["GET", "HEAD"], harvests.harvests_page, "The harvested sources: last runs, schedule (HTML, JSON)"),
    ("/harvests.{ext}", ["GET", "HEAD"], harvests.harvests_page, "The harvested sources, in JSON (/harvests.json)"),
    ("/search", ["GET", "HEAD"], search.search_page, "Full-text search of the records, with facets (HTML, JSON, CSV)"),
    ("/search.{ext}", ["GET", "HEAD"], search.search_page, "Full-text search, in the format of the extension"),
    # the catch-all record route stays last
    ("/{kind}/{rest:path}", ["GET", "HEAD"], linked.record, "A record or a vocabulary term (RDF or HTML)"),
]


def create_app(
    settings: Settings, ctx: Context | None = None, *, schedule: bool = False, reader: bool = False
) -> FastAPI:
    """The service; with ``schedule`` (``ressourcerie serve``), the sources ``harvest_schedule`` names are
    harvested again in the background, through the context's writer (``graph.harvest.schedule``). ``reader``:
    the app of a process serving pages beside the writing one (``graph/web/readers.py``), which sends no e-mail."""
    context = ctx or Context.open(settings)
    scheduler = Scheduler.of(context.writer, settings) if schedule and features.enabled(settings, "harvest") else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await context.runner.start()
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            await context.runner.close()
            app.state.desk.close()
            context.search.checkpoint(context.store)

    app = FastAPI(
        title="Ressourcerie",
        version=__version__,
        description="Linked-data knowledge graph of the digital commons of French public administrations.",
        lifespan=lifespan,
        docs_url=None,  # /docs is ours (graph/web/pages/apidocs.py): FastAPI's loads its viewer from a CDN
        redoc_url=None,
    )
    app.state.context = context
    app.state.scheduler = scheduler
    app.state.desk = Desk.open(settings, context, sends=not reader)
    assets.mount(app)  # before the routes: the catch-all record route would take /static/...
    pages_pool = CapacityLimiter(pagethreads.threads(settings.page_threads))
    for path, methods, handler, summary in ROUTES:
        shown = not path.startswith("/sparql")
        if set(methods) <= {"GET", "HEAD"}:  # sync readers render in the pages' own threads
            handler = pagethreads.in_pool(handler, pages_pool)
        for method in methods:  # one route per method: one OpenAPI operation each, HEAD left out
            name = re.sub(r"\W+", "_", f"{method}_{path}").strip("_").lower()
            app.add_api_route(
                path,
                handler,
                methods=[method],
                summary=summary,
                operation_id=name,
                include_in_schema=shown and method != "HEAD",
            )
    sparql_route = next(r for r in app.routes if getattr(r, "path", None) == "/sparql")
    # innermost of the service's middlewares: queries to /sparql skip the router and dependency solving
    app.add_middleware(
        DirectRoute,
        path="/sparql",
        methods=frozenset(("GET", "POST")),
        handler=sparql.sparql_endpoint,
        route=sparql_route,
    )
    app.add_exception_handler(RessourcerieError, errors.on_ressourcerie_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http_error)
    app.add_exception_handler(RequestValidationError, errors.on_request_validation)
    app.add_exception_handler(Exception, errors.on_unexpected)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "HEAD", "OPTIONS"], allow_headers=["Accept"]
        )
    app.add_middleware(ServiceMiddleware, settings=settings)  # outermost: request ids, metrics, security headers
    return app
