"""The contribution forms: their fields (label, hint, size limit), reading a posted form or JSON body, and
the checks that are about the person rather than the record (name, e-mail address, sizes, honeypot)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import Request

from graph.community import curation
from graph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from graph.limits import load_json
from graph.proposals import FieldErrors
from graph.web.context import context

MAX_FORM_BYTES = 64_000
HONEYPOT = "site_internet"
FORM_TYPE = "application/x-www-form-urlencoded"
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str = ""
    limit: int = 300
    required: bool = False


RESOURCE_FIELDS = [
    Field("title", "Titre", "Le nom sous lequel la ressource est connue, par exemple « API Sirene ».", 200, True),
    Field("kind", "Nature", "", 40, True),
    Field("tagline", "Résumé en une phrase", "Ce que la ressource permet, en une phrase.", 300),
    Field("description", "Description", "À quoi elle sert, pour qui, ce qu'elle contient.", 5000, True),
    Field("producer", "Producteur", "L'organisation qui produit et maintient la ressource.", 300, True),
    Field("producer_name", "Nom de l'organisation à ajouter", "Si elle n'est pas dans la liste.", 200),
    Field("producer_type", "Catégorie de cette organisation", "", 300),
    Field("producer_homepage", "Site de cette organisation", "Adresse commençant par https://", 500),
    Field("themes", "Thèmes", "Un ou plusieurs.", 2000),
    Field("keywords", "Mots-clés", "Séparés par des virgules.", 500),
    Field("landing_page", "Page de présentation", "Adresse commençant par https://", 500),
    Field("documentation", "Documentation", "Adresse de la documentation (technique pour une API).", 500),
    Field("endpoint", "Adresse d'accès de l'API", "Pour une API seulement : son URL de base.", 500),
    Field("code_repository", "Dépôt de code", "Pour du code source ou de l'IA : l'adresse du dépôt.", 500),
    Field("access", "Conditions d'accès", "", 40),
    Field("licence", "Licence", "", 500),
    Field("licence_other", "Adresse d'une autre licence", "Si la licence n'est pas dans la liste.", 500),
    Field("contact_email", "Adresse de contact de la ressource", "Publiée sur la fiche.", 254),
]
USAGE_FIELDS = [
    Field("resource", "Ressource utilisée", "", 500, True),
    Field("organisation", "Organisation qui l'utilise", "", 500, True),
    Field("organisation_name", "Nom de l'organisation à ajouter", "Si elle n'est pas dans la liste.", 200),
    Field("organisation_type", "Catégorie de cette organisation", "", 300),
    Field("organisation_homepage", "Site de cette organisation", "Adresse commençant par https://", 500),
    Field("service_name", "Service par lequel elle est utilisée", "Facultatif : le nom du service numérique.", 200),
    Field("service_url", "Adresse de ce service", "Facultatif, commençant par https://", 500),
    Field("purpose", "Pour quoi faire", "Ce que l'organisation fait avec la ressource.", 3000, True),
    Field("result", "Résultat, bénéfice", "Ce que cela a changé : temps gagné, démarches simplifiées…", 3000),
    Field("since", "Depuis", "Année (2021) ou date (2021-03-15), facultatif.", 10),
    Field("rating", "Appréciation", "", 10),
]
CONTRIBUTOR_FIELDS = [
    Field("contributor_name", "Votre nom", "Publié avec la contribution si elle est acceptée.", 120, True),
    Field(
        "contributor_email",
        "Votre adresse électronique",
        "Jamais publiée : pour vous joindre sur la contribution.",
        254,
        True,
    ),
]
QUESTION_FIELDS = [
    Field(
        "title",
        "Votre question",
        "En une phrase, par exemple « Qui utilise l'API Sirene pour contrôler des établissements ? »",
        300,
        True,
    ),
    Field("details", "Précisions", "Le contexte, ce que vous avez déjà trouvé (facultatif).", 5000),
    Field("resource", "Ressource concernée", "", 500),
    Field("organisation", "Organisation concernée", "", 500),
    Field("themes", "Thèmes", "Au moins une ressource, une organisation ou un thème.", 2000),
]
ANSWER_FIELDS = [
    Field("question", "Question", "", 500, True),
    Field("text", "Votre réponse", "Ce que vous savez, ce que votre service fait, avec quels résultats.", 5000, True),
    Field("cites", "Ressources et usages cités", "Facultatif : ceux dont parle votre réponse.", 5000),
]
USES_FIELDS = [
    Field("resource", "Ressource utilisée", "", 500, True),
    Field("organisation", "Votre organisation", "", 500, True),
    Field("organisation_name", "Nom de l'organisation à ajouter", "Si elle n'est pas dans la liste.", 200),
    Field(
        "purpose",
        "Pour quoi faire",
        "Ce que votre organisation fait avec la ressource, en quelques phrases.",
        3000,
        True,
    ),
    Field(
        "contactable",
        "J'accepte d'être contacté·e par d'autres agents au sujet de cet usage",
        "Le site relaie leurs messages par courriel ; votre adresse n'est jamais publiée.",
        10,
    ),
]
CORRECTION_FIELDS = [
    Field("record", "Fiche", "", 500, True),
    Field(
        "reason",
        "Ce qui est faux ou manquant",
        "En une ou deux phrases : ce sera publié avec la correction.",
        1000,
        True,
    ),
    *(
        Field(f.name, f.label, f.hint, f.limit)
        for f in [*curation.RESOURCE_FIELDS, *curation.ORGANISATION_FIELDS, *curation.USAGE_FIELDS]
        if f.name not in {"purpose", "result"}
    ),
]
FORMS = {
    "resource": RESOURCE_FIELDS + CONTRIBUTOR_FIELDS,
    "usage": USAGE_FIELDS + CONTRIBUTOR_FIELDS,
    "uses": USES_FIELDS + CONTRIBUTOR_FIELDS,
    "question": QUESTION_FIELDS + CONTRIBUTOR_FIELDS,
    "answer": ANSWER_FIELDS + CONTRIBUTOR_FIELDS,
    "correction": [
        *CORRECTION_FIELDS,
        Field("purpose", "Pour quoi faire", "", 5000),
        Field("result", "Résultat, bénéfice", "", 5000),
        *CONTRIBUTOR_FIELDS,
    ],
}
LABELS: dict[str, str] = {}  # the first form's label of a name (resource and usage first, as before)
for _fields in FORMS.values():
    for _f in _fields:
        LABELS.setdefault(_f.name, _f.label)


def labels(form: str) -> dict[str, str]:
    return {f.name: f.label for f in FORMS[form]}


LISTS = ("themes", "cites")  # fields that may be given several times


@dataclass
class Posted:
    values: dict[str, str]
    themes: list[str]
    extra: dict[str, str]  # csrf token, honeypot
    cites: list[str] = field(default_factory=list)


async def read_form(request: Request) -> Posted:
    """A posted HTML form (application/x-www-form-urlencoded), within the size limit."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != FORM_TYPE:
        raise UnsupportedMediaType(f"send the form as {FORM_TYPE}")
    body = await _body(request)
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {name: [] for name in LISTS}
    for k, v in pairs:
        if k in lists:
            lists[k].append(v)
        else:
            values[k] = v.replace("\r\n", "\n").strip()
    extra = {k: values.pop(k, "") for k in ("csrf", HONEYPOT)}
    return Posted(values, lists["themes"], extra, lists["cites"])


async def read_json(request: Request) -> Posted:
    """A JSON object with the form's fields; ``themes`` a list (or a comma-separated string)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise UnsupportedMediaType("send the contribution as application/json")
    body = await _body(request)
    try:
        data = load_json(body or b"{}", context(request).settings.max_nesting_depth)
    except ValueError as e:
        raise BadRequest(f"the body is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object of fields")
    cites = data.pop("cites", [])
    if isinstance(cites, str):
        cites = [c.strip() for c in cites.split(",") if c.strip()]
    if not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        raise BadRequest("cites must be a list of IRIs")
    themes = data.pop("themes", [])
    if isinstance(themes, str):
        themes = [t.strip() for t in themes.split(",") if t.strip()]
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise BadRequest("themes must be a list of theme IRIs")
    keywords = data.get("keywords")
    if isinstance(keywords, list):
        data["keywords"] = ", ".join(str(k) for k in keywords)
    values: dict[str, str] = {}
    for k, v in data.items():
        if v is None:
            continue
        if not isinstance(v, str | int):
            raise BadRequest(f"field {k!r} must be a string")
        values[k] = str(v).strip()
    extra = {HONEYPOT: values.pop(HONEYPOT, "")}
    return Posted(values, themes, extra, cites)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise PayloadTooLarge(f"a contribution is at most {MAX_FORM_BYTES} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(f"a contribution is at most {MAX_FORM_BYTES} bytes")
    return body


def check_person(form: str, posted: Posted) -> FieldErrors:
    """What the shapes do not check: sizes, unknown fields, the contributor's name and address."""
    errors = FieldErrors()
    fields = {f.name: f for f in FORMS[form]}
    for name, value in posted.values.items():
        f = fields.get(name)
        if f is None:
            errors.add(None, f"Champ inconnu : « {name[:40]} ».")
        elif len(value) > f.limit:
            errors.add(name, f"Ce champ compte {len(value)} caractères ; il en admet au plus {f.limit}.")
    if "cites" not in fields and posted.cites:
        errors.add(None, "Champ inconnu : « cites ».")
    elif "cites" in fields and (len(posted.cites) > 50 or sum(map(len, posted.cites)) > fields["cites"].limit):
        errors.add("cites", "Trop de citations : une vingtaine au plus.")
    if "themes" not in fields and posted.themes:
        errors.add(None, "Champ inconnu : « themes ».")
    elif "themes" in fields and (len(posted.themes) > 50 or sum(map(len, posted.themes)) > fields["themes"].limit):
        errors.add("themes", "Trop de thèmes choisis : une dizaine au plus.")
    if not posted.values.get("contributor_name"):
        errors.add("contributor_name", "Indiquez votre nom : seul lui sera publié avec la contribution.")
    address = posted.values.get("contributor_email", "")
    if not address:
        errors.add("contributor_email", "Indiquez votre adresse électronique, pour que l'équipe puisse vous répondre.")
    elif not _EMAIL.match(address):
        errors.add(
            "contributor_email", "Cette adresse électronique n'est pas valide (exemple : prenom.nom@example.gouv.fr)."
        )
    return errors


def merge(a: FieldErrors, b: FieldErrors) -> FieldErrors:
    for name, messages in b.by_field.items():
        for m in messages:
            a.add(name, m)
    for m in b.general:
        a.add(None, m)
    return a
