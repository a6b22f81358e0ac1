"""RFC 9457 problem details, in French, for every error the API returns."""

import json
import math

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MEDIA_TYPE = "application/problem+json"

# status -> (the type's slug, its title, what it means)
PROBLEM_TYPES = {
    400: (
        "requete-invalide",
        "Requête invalide",
        "Un paramètre ou le corps de la requête ne va pas.",
    ),
    401: (
        "authentification-requise",
        "Authentification requise",
        "Aucun jeton valide ni session : envoyez « Authorization: Token <jeton> ».",
    ),
    403: ("acces-refuse", "Accès refusé", "Votre rôle ne permet pas cette opération."),
    404: ("introuvable", "Ressource introuvable", "Rien n'existe à cette adresse pour vous."),
    405: (
        "methode-non-autorisee",
        "Méthode non autorisée",
        "Cette adresse n'accepte pas cette méthode HTTP ; l'en-tête Allow dit lesquelles.",
    ),
    406: ("format-non-disponible", "Format non disponible", "Cette API ne répond qu'en JSON."),
    415: (
        "type-de-contenu-refuse",
        "Type de contenu non pris en charge",
        "Le corps des requêtes doit être du JSON (application/json).",
    ),
    429: (
        "trop-de-requetes",
        "Trop de requêtes",
        "Le quota de requêtes de ce jeton est atteint ; l'en-tête Retry-After dit quand reprendre.",
    ),
    503: (
        "service-indisponible",
        "Service indisponible",
        "Le moteur de recherche ne répond pas ou son index se reconstruit : réessayez bientôt.",
    ),
}
VALIDATION_DETAIL = "Certains paramètres ne sont pas valides : voir « errors »."


def type_url(request: HttpRequest, status: int) -> str:
    slug = PROBLEM_TYPES.get(status, PROBLEM_TYPES[400])[0]
    return request.build_absolute_uri(reverse("api:problem-type", args=[slug]))


def problem(request: HttpRequest, status: int, detail: str, **extra) -> dict:
    """Return the problem details of one error at this request."""
    title = PROBLEM_TYPES.get(status, (None, "Erreur", None))[1]
    return {
        "type": type_url(request, status),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        **extra,
    }


def retry_after(exc: exceptions.Throttled) -> int:
    """Whole seconds to wait, never 0 (DRF's own header rounds 0.4 s down to 0)."""
    return max(1, math.ceil(exc.wait or 0))


def _detail(exc: exceptions.APIException, request) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            "Authentification requise : envoyez l'en-tête « Authorization: Token <jeton> » "
            "(jetons créés sur « Mon compte ») ou connectez-vous."
        )
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        return (
            "Vérification CSRF échouée : une requête de session qui modifie des données doit "
            "porter l'en-tête X-CSRFToken (ou utilisez un jeton)."
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"La méthode {request.method} n'est pas acceptée à cette adresse."
    if isinstance(exc, exceptions.Throttled):
        return f"Trop de requêtes pour ce jeton : réessayez dans {retry_after(exc)} s."
    if isinstance(exc, exceptions.ParseError):
        return "Le corps de la requête n'est pas du JSON valide."
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return (
            f"Type de contenu « {request.content_type} » non pris en charge : envoyez du JSON "
            "(application/json)."
        )
    if isinstance(exc, exceptions.NotAcceptable):
        return "Cette API ne répond qu'en JSON (Accept: application/json)."
    if str(exc.detail) == str(exc.default_detail):
        return PROBLEM_TYPES.get(exc.status_code, (None, None, str(exc.detail)))[2]
    return str(exc.detail)


def exception_handler(exc, context) -> Response | None:
    """DRF's handler, answering in problem details (application/problem+json)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = problem(request, 400, VALIDATION_DETAIL, errors=errors)
    else:
        body = problem(request, response.status_code, _detail(exc, request))
    if isinstance(exc, exceptions.Throttled):
        response["Retry-After"] = str(retry_after(exc))
    response.data = body
    response.content_type = MEDIA_TYPE
    return response


def problem_response(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    body = json.dumps(problem(request, status, detail), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=MEDIA_TYPE)


@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer an address the API does not have."""
    return problem_response(request, 404, PROBLEM_TYPES[404][2])


@login_not_required
def problem_type(request: HttpRequest, slug: str) -> HttpResponse:
    """Describe one problem type, at the address its `type` gives."""
    for status, (known, title, meaning) in PROBLEM_TYPES.items():
        if known == slug:
            body = {"type": request.build_absolute_uri(), "title": title, "status": status}
            body["description"] = meaning
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), content_type="application/json"
            )
    return problem_response(request, 404, "Ce type de problème n'existe pas.")
