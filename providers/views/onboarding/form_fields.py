"""Building blocks of the onboarding forms: fields whose emptiness the service judges, and the
wording helpers that make error messages name what is at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.text import possessive
from providers.models import Requirement, RequirementResult, Setting


class OnboardingForm(forms.Form):
    """A form that may reword a service's message for one of its fields.

    Services know the rule but not the page: "Enter the weekly price" is right for every price
    box, and so repeats on a page of them. `service_message` lets the form say which box.
    """

    def service_message(self, name: str, message: str) -> str:
        return message


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


def too_long(what: str, limit: int) -> dict[str, str]:
    """The GOV.UK wording for a value over `limit` characters, as a Django error message."""
    return {"max_length": f"{what} must be {limit} characters or fewer."}


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


# Requirement names that are a document's title, so keep their capitals mid-sentence.
_TITLES = frozenset({Requirement.STATEMENT_OF_PURPOSE})


def requirement_in_sentence(result: RequirementResult) -> str:
    """The requirement as it reads mid-sentence, with its setting when it has one:
    "Northshore Lodge's Statement of Purpose", "Northshore Lodge's DfE registration",
    "employer's liability insurance"."""
    name = result.get_requirement_display()
    first_word = name.split()[0]
    # An acronym ("DfE") has capitals after its first letter and keeps them.
    if result.requirement not in _TITLES and first_word[1:] == first_word[1:].lower():
        name = name[0].lower() + name[1:]
    if result.setting is not None:
        return f"{possessive(result.setting.name)} {name}"
    return name
