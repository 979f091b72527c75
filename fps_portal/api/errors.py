"""One error shape for the whole API:

{"error": {"code": "validation_error", "message": "...", "fields": {"name": ["..."]}}}
"""

from __future__ import annotations

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


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in detail]
    return [str(detail)]


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


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
        detail = exc.detail
        fields = (
            _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        )
        response.data = error_body("validation_error", "Check the highlighted fields.", fields)
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = error_body(str(code), str(exc.detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The project's handler500: under /api/ the one error shape in JSON, elsewhere the page.

    Django calls it after it has logged the exception (with its traceback) and sent the
    `got_request_exception` signal, so answering here hides nothing from the operators; the
    caller is told only that it failed, and the request's reference to quote.
    """
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request, *args, **kwargs)
    reference = current_request_id()
    message = "Something went wrong on our side; nothing you sent was at fault."
    if reference:
        message += f" If it happens again, quote reference {reference}."
    return JsonResponse(error_body("server_error", message), status=500)
