"""Domain errors: a rule of the service was broken. Each carries a message a person can act on.

`fields` names the field(s) at fault, each with a LIST of messages, always (a service may give one
message as a string; it is stored as a list of one), so pages, forms and the API read every
error the same way. For "invalid input on these fields" use `InvalidInput.on_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FieldMessages = Mapping[str, str | Sequence[str]]


def as_lists(fields: FieldMessages) -> dict[str, list[str]]:
    """{field: [message, ...]} from messages given as strings or lists of strings."""
    return {
        name: [messages] if isinstance(messages, str) else [str(m) for m in messages]
        for name, messages in fields.items()
    }


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, fields: FieldMessages | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, list[str]] = as_lists(fields or {})


class InvalidInput(DomainError):
    """The input breaks a rule; `fields` names the field(s) at fault."""

    code = "validation_error"
    http_status = 400

    @classmethod
    def on_fields(cls, fields: FieldMessages, message: str | None = None) -> InvalidInput:
        """Invalid input on these fields; the message (for the page's summary or the API's
        `message`) is the first field's first message unless one is given."""
        normalised = as_lists(fields)
        assert normalised, "name at least one field"
        first = next(iter(normalised.values()))
        return cls(
            message or (first[0] if first else "Check the highlighted fields."), fields=normalised
        )


class WrongState(DomainError):
    """The object is not in a state that allows this action (409 in the API)."""

    code = "wrong_state"
    http_status = 409


class NotAllowed(DomainError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"
    http_status = 403
