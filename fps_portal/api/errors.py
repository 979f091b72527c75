"""One error shape for the whole API:

{"error": {"code": "validation_error", "message": "...", "fields": {"name": ["..."]}}}

`fields` maps each field (or query parameter) to a list of messages, always: a nested field is
named by its path (`decisions.0.verdict`), so a client reads every error the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fps_portal.errors import DomainError
from fps_portal.request_context import current_request_id

API_PREFIX = "/api/"
NON_FIELD = "non_field_errors"


def field_messages(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Any error detail (DRF's nested dicts and lists, or a service's strings) as
    {field path: [message, ...]}."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            for path, messages in field_messages(value, f"{prefix}{key}.").items():
                out.setdefault(path, []).extend(messages)
        return out
    name = prefix.rstrip(".") or NON_FIELD
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in detail):
            return {name: [str(item) for item in detail]} if detail else {}
        out = {}
        for index, item in enumerate(detail):
            nested = field_messages(item, f"{prefix}{index}.")
            for path, messages in nested.items():
                out.setdefault(path, []).extend(messages)
        return out
    return {name: [str(detail)]}


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": field_messages(fields or {})}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("validation_error", "Check the highlighted fields.", exc.detail)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = error_body(str(code), str(exc.detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Token realm="api", Bearer realm="api"'
    return response


# The project's handlers for what Django answers itself (no route, a bad request, an unhandled
# exception): under /api/ the error shape in JSON, elsewhere the page.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("bad_request", "The request could not be read."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        message = "You do not have permission to perform this action."
        return JsonResponse(error_body("permission_denied", message), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this after it has logged the exception (with its traceback) and sent the
    `got_request_exception` signal, so answering here hides nothing from the operators; the
    caller is told only that it failed, and the request's reference to quote."""
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    reference = current_request_id()
    message = "Something went wrong on our side; nothing you sent was at fault."
    if reference:
        message += f" If it happens again, quote reference {reference}."
    return JsonResponse(error_body("server_error", message), status=500)
