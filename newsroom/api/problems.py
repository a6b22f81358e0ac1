"""RFC 9457 problem details, in French, for every error the API returns."""

import json
import math

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MEDIA_TYPE = "application/problem+json"

# status -> (the type's slug, its title, what it means)
PROBLEM_TYPES = {
    400: (
        "requete-invalide",
        gettext_lazy("Invalid request"),
        gettext_lazy("A parameter or the request's body is wrong."),
    ),
    401: (
        "authentification-requise",
        gettext_lazy("Authentication required"),
        gettext_lazy("No valid token nor session: send « Authorization: Token <token> »."),
    ),
    403: (
        "acces-refuse",
        gettext_lazy("Access denied"),
        gettext_lazy("Your role does not allow this operation."),
    ),
    404: (
        "introuvable",
        gettext_lazy("Resource not found"),
        gettext_lazy("Nothing exists at this address for you."),
    ),
    405: (
        "methode-non-autorisee",
        gettext_lazy("Method not allowed"),
        gettext_lazy("This address does not accept this HTTP method; the Allow header says which."),
    ),
    406: (
        "format-non-disponible",
        gettext_lazy("Format not available"),
        gettext_lazy("This API only answers in JSON."),
    ),
    415: (
        "type-de-contenu-refuse",
        gettext_lazy("Unsupported content type"),
        gettext_lazy("The requests' body must be JSON (application/json)."),
    ),
    429: (
        "trop-de-requetes",
        gettext_lazy("Too many requests"),
        gettext_lazy(
            "This token's request quota is reached; the Retry-After header says when to resume."
        ),
    ),
    503: (
        "service-indisponible",
        gettext_lazy("Service unavailable"),
        gettext_lazy(
            "The search engine does not answer or its index is being rebuilt: try again soon."
        ),
    ),
}
VALIDATION_DETAIL = gettext_lazy("Some parameters are not valid: see « errors ».")


def type_url(request: HttpRequest, status: int) -> str:
    slug = PROBLEM_TYPES.get(status, PROBLEM_TYPES[400])[0]
    return request.build_absolute_uri(reverse("api:problem-type", args=[slug]))


def problem(request: HttpRequest, status: int, detail: str, **extra) -> dict:
    """Return the problem details of one error at this request."""
    title = PROBLEM_TYPES.get(status, (None, gettext_lazy("Error"), None))[1]
    return {
        "type": type_url(request, status),
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "instance": request.get_full_path(),
        **extra,
    }


def retry_after(exc: exceptions.Throttled) -> int:
    """Whole seconds to wait, never 0 (DRF's own header rounds 0.4 s down to 0)."""
    return max(1, math.ceil(exc.wait or 0))


def _detail(exc: exceptions.APIException, request) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return gettext(
            "Authentication required: send the header « Authorization: Token <token> » "
            "(tokens created on « My account ») or sign in."
        )
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        return gettext(
            "CSRF check failed: a session request that changes data must carry the "
            "X-CSRFToken header (or use a token)."
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return gettext("The %(method)s method is not accepted at this address.") % {
            "method": request.method
        }
    if isinstance(exc, exceptions.Throttled):
        return gettext("Too many requests for this token: try again in %(seconds)d s.") % {
            "seconds": retry_after(exc)
        }
    if isinstance(exc, exceptions.ParseError):
        return gettext("The request's body is not valid JSON.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return gettext("Content type « %(type)s » not supported: send JSON (application/json).") % {
            "type": request.content_type
        }
    if isinstance(exc, exceptions.NotAcceptable):
        return gettext("This API only answers in JSON (Accept: application/json).")
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
            body = {"type": request.build_absolute_uri(), "title": str(title), "status": status}
            body["description"] = str(meaning)
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), content_type="application/json"
            )
    return problem_response(request, 404, gettext("This problem type does not exist."))
