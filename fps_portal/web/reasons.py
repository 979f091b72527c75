"""The reason a person gives for a change others read (the audit log, a provider, a colleague):
one field and one form for every page that asks why."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.text import too_long


def reason_field(
    label: str = "Reason",
    *,
    required: str | None = "Enter the reason.",
    max_length: int | None = 500,
    rows: int = 3,
    help_text: str = "",
    too_long_as: str | None = None,
) -> forms.CharField:
    """A reason box. `required` is the message when it is left empty (None: it may be, or the
    service decides); over `max_length`, "<too_long_as> must be N characters or fewer." (by
    default the label without its question mark, as the form renderer words it)."""
    errors = {"required": required} if required is not None else {}
    if max_length is not None:
        errors |= too_long(too_long_as or label.rstrip("?:").strip(), max_length)
    return forms.CharField(
        label=label,
        required=required is not None,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages=errors,
    )


class ReasonForm(forms.Form):
    """A page that asks only why. A page that asks it its own way declares `reason =
    reason_field(...)` in a subclass; `label=` and `required=` word it for one page."""

    reason = reason_field()

    def __init__(
        self, *args: Any, label: str | None = None, required: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if label is not None:
            field.label = label
        if required is not None:
            field.error_messages["required"] = required
