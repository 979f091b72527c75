"""Domain errors: a rule of the service was broken. Each carries a message a person can act on."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(DomainError):
    """The input breaks a rule; `fields` names the field(s) at fault."""

    code = "validation_error"
    http_status = 400


class WrongState(DomainError):
    """The object is not in a state that allows this action (409 in the API)."""

    code = "wrong_state"
    http_status = 409


class NotAllowed(DomainError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"
    http_status = 403
