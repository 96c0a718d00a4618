"""What the community adds to every record page, as one value (``community``) for the small blocks of
``_community.html``: follow it (its Atom feed, and e-mail for people signed in), report an error or propose a
correction, the questions about it (and ask one), and on a resource page "I use it too" and whom to contact among
its users who agreed to be. The feed is also a ``<link rel="alternate" type="application/atom+xml">``."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from pyoxigraph import Literal, NamedNode, Quad

from graph import features
from graph.community import curation
from graph.namespaces import DCAT, ORG, SKOS
from graph.web.context import Context
from graph.web.contrib.desk import signed_in, state
from graph.web.contrib.questions_view import QuestionItem, about
from graph.web.pages._view import Link, href_of
from graph.web.render import Alternate
from graph.web.urls import Urls

FEED_TYPE = "application/atom+xml"
CONTACTS = """
SELECT ?r ?u ?purpose ?user ?userName ?page WHERE {
  ?u duv:refersTo ?r ; rsr:contactable true .
  OPTIONAL { ?u dct:description ?purpose }
  OPTIONAL {
    ?u prov:wasAssociatedWith ?user . OPTIONAL { ?user foaf:name ?userName }
    OPTIONAL { ?user dcat:contactPoint/vcard:hasURL ?page }
  }
}
"""


@dataclass
class Contact:
    who: Link
    purpose: str
    usage: str | None
    relay: str | None  # the contact form, where the instance sends e-mail
    page: str | None  # the organisation's own public contact page


@dataclass
class Community:
    iri: str
    feed: str | None = None
    follow: str | None = None
    following: bool = False
    correct: str | None = None
    uses: str | None = None
    ask: str | None = None
    questions: list[QuestionItem] | None = None
    contacts: list[Contact] = field(default_factory=list)
    is_resource: bool = False

    def alternates(self) -> list[Alternate]:
        return [Alternate(self.feed, FEED_TYPE, "Les changements de cette fiche (Atom)")] if self.feed else []


def curated(ctx: Context, quads: list[Quad]) -> list[Quad]:
    """A record's quads as the site shows them: the values a correction overrides set aside (see curation)."""
    graph = curation.graph(ctx.iris)
    overrides = ctx.cached("curation-overrides", lambda: curation.overrides_of(ctx.store, graph))
    return curation.curated(quads, overrides, graph)


def community(request: Request, ctx: Context, iri: NamedNode, types: set[str]) -> Community:
    urls = Urls.of(request)
    settings = ctx.settings
    d = state(request)
    nodes = {NamedNode(t) for t in types}
    c = Community(iri.value, is_resource=DCAT.Resource in nodes)
    if features.enabled(settings, "feeds"):
        c.feed = urls.path("/changes.atom", about=iri.value)
        c.follow = urls.path("/follow", about=iri.value)
        account = signed_in(request, d)
        c.following = account is not None and d.accounts.follows_target(account.sub, iri.value)
    contributions = features.enabled(settings, "contributions")
    if contributions and curation.correctable(nodes):
        c.correct = urls.path("/contribute/correction", record=iri.value)
    if contributions and c.is_resource:
        c.uses = urls.path("/contribute/uses", resource=iri.value)
    if features.enabled(settings, "questions") and (
        c.is_resource or ORG.Organization in nodes or SKOS.Concept in nodes
    ):
        c.questions = about(request, ctx, iri)
        if contributions:
            key = "resource" if c.is_resource else "organisation" if ORG.Organization in nodes else "themes"
            c.ask = urls.path("/contribute/question", **{key: iri.value})
    if c.is_resource:
        c.contacts = contacts(request, ctx, iri, relay=d.outbox.enabled)
    return c


def contacts(request: Request, ctx: Context, resource: NamedNode, relay: bool) -> list[Contact]:
    """The users of a resource who agreed to be contacted, each with the way to reach them without an address."""
    urls = Urls.of(request)
    out: dict[str, Contact] = {}
    for r in ctx.store.select(CONTACTS, {"r": resource}).dicts():
        u = r["u"]
        if not isinstance(u, NamedNode) or u.value in out:
            continue
        user, name, purpose, page = r.get("user"), r.get("userName"), r.get("purpose"), r.get("page")
        who = Link(
            name.value if isinstance(name, Literal) else "Utilisateur non nommé",
            href_of(request, ctx, user.value) if isinstance(user, NamedNode) else None,
        )
        out[u.value] = Contact(
            who,
            purpose.value if isinstance(purpose, Literal) else "",
            href_of(request, ctx, u.value),
            urls.path("/contact", about=u.value) if relay else None,
            page.value if isinstance(page, NamedNode) else None,
        )
    return sorted(out.values(), key=lambda c: c.who.text.lower())
