"""One error shape: JSON errors share one body (in English, for programs), HTML errors render one template, in
French, for people: a title for the status, a sentence saying what happened and what to do, and, where it
helps to correct a request, the technical detail, folded and marked as English."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    BadRequest,
    FeatureDisabled,
    HarvestError,
    MethodNotAllowed,
    PayloadTooLarge,
    QueryParameterError,
    QuerySyntaxError,
    RessourcerieError,
    SourceTimeout,
    StoreError,
    UnknownQuery,
    UnsupportedFormat,
    UnsupportedMediaType,
    ValidationFailed,
)
from graph.moderation import UnknownSubmission
from graph.store.queries import AnswerTooLarge, QueryTimeout
from graph.web.auth import Forbidden, Unauthorized
from graph.web.conneg import NotAcceptable, UnknownFormat, parse_accept
from graph.web.render import render
from graph.web.urls import UnknownIri

log = logging.getLogger("ressourcerie.web")

TITLES = {
    400: "Demande incorrecte",
    401: "Identification nécessaire",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action non permise à cette adresse",
    406: "Format non disponible",
    409: "Déjà traité",
    410: "Fiche retirée",
    413: "Envoi trop volumineux",
    415: "Type de contenu non pris en charge",
    422: "Données refusées",
    429: "Trop d'envois",
    500: "Erreur inattendue",
    502: "Source extérieure injoignable",
    503: "Service momentanément indisponible",
    504: "Délai dépassé",
}
# what a person is told, by the error raised (the first class that matches); {path} is the address asked for
SAID: list[tuple[type[Exception], str]] = [
    (UnknownIri, "Aucune fiche n'existe à l'adresse {path}. Elle a pu être retirée, ou l'adresse est mal saisie."),
    (UnknownQuery, "Aucune requête nommée ne porte ce nom. La liste des requêtes disponibles vous attend."),
    (UnknownSubmission, "Aucune contribution ne porte ce numéro."),
    (FeatureDisabled, "Cette fonction n'est pas ouverte sur ce site."),
    (Unauthorized, "Cette action demande d'être identifié ou identifiée, avec le jeton qui y donne droit."),
    (Forbidden, "Cette action n'est pas permise sur ce site."),
    (NotAcceptable, "Ce contenu n'existe pas dans le format demandé."),
    (UnknownFormat, "Ce format n'est pas proposé pour ce contenu."),
    (UnsupportedFormat, "Ce format n'est pas pris en charge."),
    (UnsupportedMediaType, "Le type du contenu envoyé n'est pas pris en charge ici."),
    (PayloadTooLarge, "Ce qui a été envoyé dépasse la taille permise."),
    (MethodNotAllowed, "Cette adresse ne s'utilise pas ainsi."),
    (ValidationFailed, "Les données envoyées ne respectent pas les règles du graphe : rien n'a été enregistré."),
    (QuerySyntaxError, "La requête SPARQL contient une erreur de syntaxe."),
    (QueryParameterError, "Un paramètre de la requête n'est pas valide."),
    (QueryTimeout, "La requête a pris trop de temps et a été arrêtée. Essayez une requête plus restreinte."),
    (AnswerTooLarge, "La réponse dépasse la taille permise. Essayez une requête plus restreinte."),
    (StoreError, "Les données ne sont pas accessibles pour le moment. Réessayez dans quelques instants."),
    (SourceTimeout, "Une source extérieure n'a pas répondu à temps."),
    (HarvestError, "Une source extérieure n'a pas pu être lue."),
    (BadRequest, "Un paramètre de l'adresse n'est pas valide."),
]
BY_STATUS = {
    400: "Un paramètre de l'adresse n'est pas valide.",
    401: "Cette action demande d'être identifié ou identifiée.",
    403: "Cette action n'est pas permise sur ce site.",
    404: "Cette page n'existe pas. Elle a pu être déplacée, ou l'adresse est mal saisie.",
    405: "Cette adresse ne s'utilise pas ainsi.",
    406: "Ce contenu n'existe pas dans le format demandé.",
    409: "Cette demande a déjà été traitée.",
    410: "Cette fiche n'est pas présentée sur ce site.",
    413: "Ce qui a été envoyé dépasse la taille permise.",
    415: "Le type du contenu envoyé n'est pas pris en charge ici.",
    422: "Les données envoyées ont été refusées : rien n'a été enregistré.",
    429: "Trop de demandes depuis votre poste : réessayez dans quelques minutes.",
    500: "Une erreur inattendue s'est produite. Elle a été consignée et sera examinée.",
    502: "Une source extérieure n'a pas pu être lue.",
    503: "Le service est très sollicité ou momentanément indisponible. Réessayez dans quelques instants.",
    504: "Une source extérieure n'a pas répondu à temps.",
}
# statuses, and errors, whose technical detail helps a person correct the request
DETAILED = {400, 406, 413, 415, 422}
DETAILED_ERRORS = (QueryTimeout, AnswerTooLarge)


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    said: str
    detail: str | None  # the technical detail, in English
    queries: bool = False  # a link to the named queries helps


def wants_html(request: Request) -> bool:
    for media, q in parse_accept(request.headers.get("accept")):
        if q > 0 and media in ("text/html", "application/xhtml+xml"):
            return True
        if q > 0 and media != "*/*":
            return False
    return False


def said(status: int, error: Exception | None, path: str) -> str:
    """The sentence a person reads: by the error raised, else by the status."""
    if isinstance(error, RessourcerieError) and error.french:
        return error.french  # the error's own words for a person (a wait, a curation's reason, a parameter)
    for cls, sentence in SAID:
        if isinstance(error, cls) and not (cls is BadRequest and status != 400):
            return sentence.format(path=path)
    return BY_STATUS.get(status, BY_STATUS[500 if status >= 500 else 400])


def error_response(
    request: Request, status: int, detail: str, extra: dict | None = None, error: Exception | None = None
) -> Response:
    headers = {"Vary": "Accept"}
    if wants_html(request):
        page = ErrorPage(
            status,
            TITLES.get(status, TITLES[500 if status >= 500 else 400]),
            said(status, error, request.url.path),
            detail if detail and (status in DETAILED or isinstance(error, DETAILED_ERRORS)) else None,
            isinstance(error, UnknownQuery),
        )
        return render(request, "error.html", status=status, headers=headers, page=page)
    content = {"ok": False, "status": status, "error": HTTPStatus(status).phrase, "detail": detail, **(extra or {})}
    return JSONResponse(content, status_code=status, headers=headers)


async def on_ressourcerie_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RessourcerieError)
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    extra = None
    if isinstance(exc, ValidationFailed):
        if any(m == "text/turtle" and q > 0 for m, q in parse_accept(request.headers.get("accept"))):
            return Response(exc.report.turtle(), status_code=422, media_type="text/turtle")
        extra = {"report": exc.report.as_json()}
    response = error_response(request, exc.status, exc.message, extra, error=exc)
    response.headers.update(exc.headers)
    offered = getattr(exc, "offered", None)
    if offered:
        response.headers["Accept"] = ", ".join(offered)
    return response


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    response = error_response(request, exc.status_code, detail)
    for k, v in (exc.headers or {}).items():
        response.headers[k] = v
    return response


async def on_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
    return error_response(request, 400, "; ".join(parts))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal error; it has been logged")
