"""The OpenAPI schema documents the one error shape on every operation.

Every operation can answer 400 (bad input or an unknown parameter), 401, 403, 404 (a missing
object, another organisation's, or a stale cursor), 409 (a wrong state) and 429 (throttled),
and one that takes a body 415 (a media type it does not read); each in
`{"error": {"code", "message", "fields"}}`. The fuzzing gate (tests/api/test_fuzzing.py) holds
every answer to this.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_RESPONSES = {
    "400": "The input or a query parameter is invalid; `fields` names each one at fault.",
    "401": "No credentials, or a token that is not valid.",
    "403": "This role or organisation may not do this.",
    "404": "No such object, or it belongs to another organisation (the two look the same).",
    "409": "The object is not in a state that allows this.",
    "429": "Too many requests; try again later.",
}

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error the API answers has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "e.g. validation_error, not_found."},
                "message": {"type": "string", "description": "What went wrong, for a person."},
                "fields": {
                    "type": "object",
                    "description": "Each field (or parameter) at fault, with its messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}


class ErrorDocumentingSchema(AutoSchema):
    """drf-spectacular's schema, with the error responses added to every operation."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        content = {"application/json": {"schema": component.ref}}
        errors = dict(ERROR_RESPONSES)
        if self.method in BODY_METHODS:
            errors["415"] = "The body is in a media type this operation does not read."
        for code, description in sorted(errors.items()):
            responses.setdefault(code, {"description": description, "content": content})
        return responses
