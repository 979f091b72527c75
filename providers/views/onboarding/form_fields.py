"""Building blocks of the onboarding forms: fields whose emptiness the service judges, and the
wording helpers that make error messages name what is at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.date_input import DateInputField, DateTimeInputField
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


class ServiceCheckedDateField(DateInputField):
    """A GOV.UK date input, not marked optional, whose emptiness the service judges (as
    `EmptinessCheckedByService`); a date half typed is still the form's to refuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        if not any(str(part or "").strip() for part in value or []):
            return None
        return super().clean(value)


class ServiceCheckedFileField(EmptinessCheckedByService, forms.FileField):
    pass


class ServiceCheckedModelChoiceField(EmptinessCheckedByService, forms.ModelChoiceField[Setting]):
    """A choice of one of the provider's settings (evidence names one only for some kinds)."""


def datetime_field(label: str, *, when: str, hint: str = "") -> DateTimeInputField:
    """A date (GOV.UK date input) and time of day whose messages read as a sentence: `when`
    completes "the date and time …", like "the window opens" or "of the evaluation deadline"."""
    return DateTimeInputField(label=label, help_text=hint, when=when)
