"""Building blocks of the onboarding forms: fields whose emptiness the service judges, and the
wording helpers that make error messages name what is at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from providers.models import Setting


class EmptinessCheckedByService(forms.Field):
    """A field that is not optional but whose emptiness the service judges.

    `required` is set so the GOV.UK field tag does not label it "(optional)"; an empty value
    still passes the form. Used where a value is needed only in some cases (insurance details,
    the price of a lot a setting offers), which only the service knows, and where the service
    reports every missing answer at once: if the form stopped first, the person would see the
    form's problems, fix them, and only then see the service's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        super().validate(value)


class ServiceCheckedCharField(EmptinessCheckedByService, forms.CharField):
    pass


class ServiceCheckedChoiceField(EmptinessCheckedByService, forms.ChoiceField):
    pass


class ServiceCheckedDecimalField(EmptinessCheckedByService, forms.DecimalField):
    pass


class ServiceCheckedDateField(EmptinessCheckedByService, forms.DateField):
    pass


class ServiceCheckedFileField(EmptinessCheckedByService, forms.FileField):
    pass


class ServiceCheckedModelChoiceField(EmptinessCheckedByService, forms.ModelChoiceField[Setting]):
    """A choice of one of the provider's settings (evidence names one only for some kinds)."""


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"
    format = "%Y-%m-%dT%H:%M"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs=attrs, format=self.format)


def datetime_field(label: str, *, when: str, hint: str = "") -> forms.DateTimeField:
    """A date and time field whose messages read as a sentence: `when` completes "the date and
    time …", like "the window opens" or "of the evaluation deadline"."""
    return forms.DateTimeField(
        label=label,
        help_text=hint,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": f"Enter the date and time {when}.",
            "invalid": f"The date and time {when} must be a real date and time.",
        },
    )
