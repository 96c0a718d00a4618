"""Questions and answers for people: the page of a question (its answers, the form to answer, the asker's "accept"
button, the moderators' "make it a usage" link), /questions (open and answered questions by theme), what the
question and answer forms show of what they are about, and accepting an answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import Literal, NamedNode
from starlette.concurrency import run_in_threadpool

from graph import features
from graph.choices import Choice
from graph.community import actions
from graph.errors import BadRequest
from graph.namespaces import PROV, SCHEMA
from graph.web.context import Context, context
from graph.web.contrib import forms
from graph.web.contrib.desk import Desk, limit, options, page_token, session_moderator, signed_in, state
from graph.web.pages._view import Link, Own, date_fr, href_of, lang_of
from graph.web.render import Alternate, render
from graph.web.urls import UnknownIri, Urls

LABEL = "schema:name|dct:title|foaf:name|skos:prefLabel"
ANSWERS = f"""
SELECT ?q ?a ?text ?created ?author ?authorName ?cited ?citedLabel WHERE {{
  ?a schema:parentItem ?q ; schema:text ?text .
  OPTIONAL {{ ?a schema:dateCreated ?created }}
  OPTIONAL {{ ?a schema:author ?author . OPTIONAL {{ ?author foaf:name ?authorName }} }}
  OPTIONAL {{ ?a schema:citation ?cited . OPTIONAL {{ ?cited {LABEL}|dct:description ?citedLabel }} }}
}}
"""
ABOUT = f"""
SELECT ?q ?x ?label ?author ?authorName WHERE {{
  OPTIONAL {{ ?q schema:about ?x . OPTIONAL {{ ?x {LABEL} ?label }} }}
  OPTIONAL {{ ?q schema:author ?author . OPTIONAL {{ ?author foaf:name ?authorName }} }}
}}
"""
CITABLE = f"""
SELECT ?q ?x ?label ?kind WHERE {{
  {{ ?q schema:about ?x . ?x a dcat:Resource . OPTIONAL {{ ?x {LABEL} ?label }} BIND("resource" AS ?kind) }}
  UNION {{ ?q schema:about ?r . ?r a dcat:Resource . ?x duv:refersTo ?r ; dct:description ?label .
           BIND("usage" AS ?kind) }}
}}
"""
LIST = """
SELECT ?q ?title ?created ?accepted ?a WHERE {
  ?q a schema:Question ; schema:name ?title .
  OPTIONAL { ?q schema:dateCreated ?created }
  OPTIONAL { ?q schema:acceptedAnswer ?accepted }
  OPTIONAL { ?a schema:parentItem ?q }
}
"""
THEMES_OF = """
SELECT DISTINCT ?q ?theme WHERE {
  ?q a schema:Question ; schema:about ?x .
  { ?x a skos:Concept . BIND(?x AS ?theme) } UNION { ?x dcat:theme ?theme }
}
"""
ABOUT_RECORD = """
SELECT ?target ?q ?title ?created ?accepted ?a WHERE {
  ?q schema:about ?target ; a schema:Question ; schema:name ?title .
  OPTIONAL { ?q schema:dateCreated ?created }
  OPTIONAL { ?q schema:acceptedAnswer ?accepted }
  OPTIONAL { ?a schema:parentItem ?q }
}
"""


def _best(values: list[Literal]) -> Literal | None:
    rank = {"fr": 0, None: 1, "en": 2}
    return min(values, key=lambda v: (rank.get(v.language, 3), v.value)) if values else None


# --- a question's page --------------------------------------------------------------------------------------------


@dataclass
class AnswerItem:
    iri: str
    anchor: str
    text: Link
    author: Link | None
    date: str | None
    cites: list[Link]
    accepted: bool = False


@dataclass
class QuestionView:
    iri: str
    title: Link
    text: Link | None
    about: list[Link]
    author: Link | None
    date: str | None
    answers: list[AnswerItem]
    accepted: str | None
    can_accept: bool
    moderator: bool
    answer_form: dict[str, Any] | None = None
    accept_csrf: str = ""
    provenance: list[str] = field(default_factory=list)


def asker_account(d: Desk, own: Own) -> str | None:
    """The account that asked the question (from the submission it was published from), never published."""
    for source in own.iris(PROV.wasDerivedFrom):
        sid = source.rsplit("/", 1)[-1]
        sub = d.submissions.get(sid)
        if sub is not None and sub.account:
            return sub.account
    return None


def build(request: Request, ctx: Context, iri: NamedNode, own: Own) -> QuestionView:
    d = state(request)
    title, text = own.literal(SCHEMA.name), own.literal(SCHEMA.text)
    about_rows = ctx.store.select(ABOUT, {"q": iri}).dicts()
    about: dict[str, list[Literal]] = {}
    author: Link | None = None
    for r in about_rows:
        x, label = r.get("x"), r.get("label")
        if isinstance(x, NamedNode):
            about.setdefault(x.value, []).extend([label] if isinstance(label, Literal) else [])
        if isinstance(r.get("author"), NamedNode) and author is None:
            name = r.get("authorName")
            author = Link(
                name.value if isinstance(name, Literal) else "Anonyme", _person_href(request, ctx, r["author"])
            )
    answers: dict[str, AnswerItem] = {}
    for r in ctx.store.select(ANSWERS, {"q": iri}).dicts():
        a = r["a"]
        assert isinstance(a, NamedNode)
        item = answers.get(a.value)
        if item is None:
            t = r["text"]
            assert isinstance(t, Literal)
            name, who = r.get("authorName"), r.get("author")
            item = answers[a.value] = AnswerItem(
                a.value,
                "reponse-" + a.value.rsplit("/", 1)[-1],
                Link(t.value, None, lang_of(t)),
                Link(name.value, _person_href(request, ctx, who)) if isinstance(name, Literal) else None,
                date_fr(r["created"]) if isinstance(r.get("created"), Literal) else None,  # type: ignore[arg-type]
                [],
            )
        cited, label = r.get("cited"), r.get("citedLabel")
        if isinstance(cited, NamedNode) and all(c.href != href_of(request, ctx, cited.value) for c in item.cites):
            item.cites.append(
                Link(label.value if isinstance(label, Literal) else cited.value, href_of(request, ctx, cited.value))
            )
    accepted = own.iris(SCHEMA.acceptedAnswer)
    for item in answers.values():
        item.accepted = item.iri in accepted
    ordered = sorted(answers.values(), key=lambda a: (not a.accepted, a.date or "", a.iri))
    account = signed_in(request, d)
    asker = asker_account(d, own)
    view = QuestionView(
        iri=iri.value,
        title=Link(title.value if title else iri.value, None, lang_of(title)),
        text=Link(text.value, None, lang_of(text)) if text else None,
        about=sorted(
            (Link((_best(ls) or Literal(x)).value, href_of(request, ctx, x)) for x, ls in about.items()),
            key=lambda link: link.text.lower(),
        ),
        author=author,
        date=date_fr(own.literal(SCHEMA.dateCreated)),
        answers=ordered,
        accepted=accepted[0] if accepted else None,
        can_accept=account is not None and asker is not None and account.sub == asker,
        moderator=session_moderator(request, d) is not None,
    )
    if view.can_accept:
        view.accept_csrf = page_token(request, d, "accept")
    settings = ctx.settings
    open_to = account is not None or settings.anonymous_contributions
    if features.enabled(settings, "contributions") and features.enabled(settings, "questions") and open_to:
        view.answer_form = {
            "csrf": page_token(request, d, "answer"),
            "honeypot": forms.HONEYPOT,
            "cites": citable(ctx, iri),
            "account": account,
        }
    return view


def _person_href(request: Request, ctx: Context, node: object) -> str | None:
    """A person record's page; an author's own #auteur node leads nowhere."""
    if isinstance(node, NamedNode) and "#" not in node.value:
        return href_of(request, ctx, node.value)
    return None


def citable(ctx: Context, question: NamedNode) -> list[Choice]:
    """What an answer may cite: the resources the question is about and their usages."""
    out: dict[str, Choice] = {}
    for r in ctx.store.select(CITABLE, {"q": question}).dicts():
        x, label, kind = r.get("x"), r.get("label"), r.get("kind")
        if isinstance(x, NamedNode) and x.value not in out:
            text = label.value if isinstance(label, Literal) else x.value
            prefix = "Usage : " if isinstance(kind, Literal) and kind.value == "usage" else ""
            out[x.value] = Choice(x.value, f"{prefix}{text}"[:160])
    return sorted(out.values(), key=lambda c: (c.label.startswith("Usage"), c.label.lower()))


def context_of(ctx: Context, form: str, values: dict[str, str]) -> dict[str, Any]:
    """What a form shows of what it is about: the question answered, the resource used."""
    if form == "answer" and values.get("question"):
        try:
            q = NamedNode(values["question"])
        except ValueError:
            return {}
        names = [t.object for t in (x.triple for x in ctx.store.quads(q, SCHEMA.name, None, None))]
        title = _best([n for n in names if isinstance(n, Literal)])
        return {"question": title.value if title else q.value, "cites": citable(ctx, q)}
    if form in ("uses", "question") and values.get("resource"):
        opts = options(ctx)
        label = next((c.label for c in opts.resources if c.value == values["resource"]), None)
        return {"resource": label} if label else {}
    return {}


# --- questions on the pages of what they are about, and /questions ------------------------------------------------


@dataclass
class QuestionItem:
    iri: str
    title: str
    href: str | None
    date: str | None
    answers: int
    answered: bool


def _items(request: Request, ctx: Context, rows: list[dict[str, Any]]) -> list[QuestionItem]:
    by: dict[str, dict[str, Any]] = {}
    for r in rows:
        q = r["q"]
        if not isinstance(q, NamedNode):
            continue
        held = by.setdefault(q.value, {"titles": [], "answers": set(), "accepted": False, "created": None})
        if isinstance(r.get("title"), Literal):
            held["titles"].append(r["title"])
        if isinstance(r.get("a"), NamedNode):
            held["answers"].add(r["a"].value)
        held["accepted"] = held["accepted"] or r.get("accepted") is not None
        held["created"] = held["created"] or r.get("created")
    items = [
        QuestionItem(
            q,
            (_best(h["titles"]) or Literal(q)).value,
            href_of(request, ctx, q),
            date_fr(h["created"]),
            len(h["answers"]),
            h["accepted"],
        )
        for q, h in by.items()
    ]
    return items


def about(request: Request, ctx: Context, target: NamedNode) -> list[QuestionItem]:
    """The questions about a record, newest first."""
    rows = ctx.store.select(ABOUT_RECORD, {"target": target}).dicts()
    items = _items(request, ctx, rows)
    created = {r["q"].value: r.get("created") for r in rows if isinstance(r.get("q"), NamedNode) and r["q"] is not None}
    return sorted(items, key=lambda i: str(created.get(i.iri) or ""), reverse=True)


async def questions_page(request: Request) -> Response:
    """GET /questions: open and answered questions by theme; ?status=open|answered; ?theme=IRI."""
    ctx = context(request)
    features.require(ctx.settings, "questions")
    status = request.query_params.get("status", "")
    if status not in ("", "open", "answered"):
        raise BadRequest("status is open or answered")
    theme = request.query_params.get("theme", "")

    def read() -> dict[str, Any]:
        rows = ctx.store.select(LIST).dicts()
        created = {str(r["q"].value): str(r.get("created") or "") for r in rows if isinstance(r.get("q"), NamedNode)}  # type: ignore[union-attr]
        items = sorted(_items(request, ctx, rows), key=lambda i: created.get(i.iri, ""), reverse=True)
        themes_of: dict[str, set[str]] = {}
        for q, t in ctx.store.select(THEMES_OF).rows:
            if isinstance(q, NamedNode) and isinstance(t, NamedNode):
                themes_of.setdefault(q.value, set()).add(t.value)
        labels = {c.value: c.label for c in options(ctx).themes}
        shown = [i for i in items if not status or (status == "answered") == i.answered]
        if theme:
            shown = [i for i in shown if theme in themes_of.get(i.iri, set())]
        groups: dict[str, list[QuestionItem]] = {}
        for item in shown:
            named = sorted(labels[t] for t in themes_of.get(item.iri, set()) if t in labels) or ["Sans thème"]
            for label in named:
                groups.setdefault(label, []).append(item)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] == "Sans thème", kv[0].lower()))
        return {
            "groups": ordered,
            "total": len(items),
            "open": sum(not i.answered for i in items),
            "answered": sum(i.answered for i in items),
            "shown": len(shown),
            "status": status,
            "theme": theme,
            "themes": [
                (c.value, c.label) for c in options(ctx).themes if any(c.value in ts for ts in themes_of.values())
            ],
        }

    page = await run_in_threadpool(read)
    alternates = []
    if features.enabled(ctx.settings, "feeds"):
        alternates.append(
            Alternate(Urls.of(request).path("/changes.atom"), "application/atom+xml", "Les changements (Atom)")
        )
    return render(request, "questions.html", page=page, alternates=alternates)


# --- accepting an answer ------------------------------------------------------------------------------------------


async def accept(request: Request) -> Response:
    """POST /questions/accept (question, answer): the asker, signed in, marks the accepted answer."""
    ctx = context(request)
    d = state(request)
    features.require(ctx.settings, "questions")
    limit(request, d)
    data = await forms.read_form(request)
    values = {**data.values, **data.extra}
    browser = request.cookies.get("rsr_csrf", "")
    if not d.signer.csrf_valid(values.get("csrf", ""), browser, "accept"):
        raise BadRequest("le formulaire a expiré : rechargez la page de la question et recommencez")
    account = signed_in(request, d)
    try:
        question, answer = NamedNode(values.get("question", "")), NamedNode(values.get("answer", ""))
    except ValueError:
        raise BadRequest("question and answer are IRIs") from None
    own = Own(question, ctx.store.describe(question))
    if not own.types():
        raise UnknownIri(f"no question <{question.value}>")
    if account is None or asker_account(d, own) != account.sub:
        raise BadRequest("seule la personne qui a posé la question, connectée, peut accepter une réponse")
    await run_in_threadpool(actions.accept_answer, ctx.writer, ctx.iris, question, answer, account.display_name)
    target = (Urls.of(request).record(question.value) or Urls.of(request).path("/questions")) + "#reponse-acceptee"
    return RedirectResponse(target, status_code=303)
