"""Forms of the provider's invitation and response pages. Fields are optional where a draft may
leave them empty: the service says what a submission still lacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from providers.models import AdditionalService, Setting
from referrals.models import Criterion, DeclineReason
from referrals.services.invitations import NOTE_LIMIT, REASON_MISSING
from referrals.services.questions import ANSWER_MISSING as QUESTION_ANSWER_MISSING
from referrals.services.questions import LIMIT, QUESTION_MISSING
from referrals.services.response_parts import SERVICE_QUANTITY_INVALID
from referrals.services.responses import PRICE_INVALID, TEXT_LIMIT

TEXTAREA = forms.Textarea(attrs={"rows": 5})


def _too_long(what: str, limit: int) -> dict[str, str]:
    return {"max_length": f"{what} must be {limit:,} characters or fewer."}


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you declining?",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": REASON_MISSING, "invalid_choice": REASON_MISSING},
    )
    note = forms.CharField(
        label="In your own words",
        help_text="Required for 'Other'. The authority reads it.",
        required=False,
        max_length=NOTE_LIMIT,
        widget=TEXTAREA,
        error_messages=_too_long("Your reason", NOTE_LIMIT),
    )


class StartResponseForm(forms.Form):
    setting = forms.ChoiceField(
        label="Which setting are you proposing?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the setting you are proposing.",
            "invalid_choice": "Select one of your settings approved on this lot.",
        },
    )

    def __init__(self, *args: Any, settings: list[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["setting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(s.pk), s.name) for s in settings]
        self._settings = {str(s.pk): s for s in settings}

    def clean_setting(self) -> Setting:
        return self._settings[self.cleaned_data["setting"]]


class QuestionForm(OnceOnlyForm):
    question = forms.CharField(
        label="Your question",
        help_text="The authority answers every invited provider, without saying who asked.",
        max_length=LIMIT,
        widget=TEXTAREA,
        error_messages={"required": QUESTION_MISSING, **_too_long("Your question", LIMIT)},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        help_text="Every invited provider is told the question and this answer; not who asked.",
        max_length=LIMIT,
        widget=TEXTAREA,
        error_messages={"required": QUESTION_ANSWER_MISSING, **_too_long("The answer", LIMIT)},
    )


def answer_field_name(criterion: Criterion) -> str:
    return f"answer_{criterion.pk}"


class ResponseForm(forms.Form):
    """The draft's fields and an answer per criterion (added in __init__)."""

    use_required_attribute = False

    weekly_price = forms.DecimalField(
        label="Weekly price for the core offer (£)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": PRICE_INVALID,
            "min_value": PRICE_INVALID,
            "max_digits": PRICE_INVALID,
            "max_decimal_places": PRICE_INVALID,
            "max_whole_digits": PRICE_INVALID,
        },
    )
    price_difference_reason = forms.CharField(
        label="Why your price differs from your indicative price",
        help_text="Required when the weekly price is not your approved indicative price.",
        required=False,
        max_length=TEXT_LIMIT,
        widget=TEXTAREA,
        error_messages=_too_long("The reason", TEXT_LIMIT),
    )
    proposed_start_date = DateInputField(
        label="Proposed start date",
        subject="the proposed start date",
        required=False,
    )
    how_needs_met = forms.CharField(
        label="How you will meet the child's needs",
        required=False,
        max_length=TEXT_LIMIT,
        widget=TEXTAREA,
        error_messages=_too_long("This", TEXT_LIMIT),
    )
    how_outcomes_met = forms.CharField(
        label="How you will achieve the outcomes sought",
        required=False,
        max_length=TEXT_LIMIT,
        widget=TEXTAREA,
        error_messages=_too_long("This", TEXT_LIMIT),
    )
    inspection_judgement = forms.CharField(
        label="Current inspection judgement",
        help_text="Pre-filled from the setting's record. Correct it if it is out of date.",
        required=False,
        max_length=200,
        error_messages=_too_long("The judgement", 200),
    )
    inspection_date = DateInputField(
        label="Date of the last inspection or review",
        subject="the date of the last inspection",
        required=False,
    )
    inspection_confirmed = forms.BooleanField(
        label="I confirm the inspection judgement and its date are current",
        required=False,
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[answer_field_name(criterion)] = forms.CharField(
                label=f"{criterion.title} ({criterion.get_kind_display().lower()}"
                f"{f', weight {criterion.weight}' if criterion.weight else ''})",
                help_text=criterion.guidance,
                required=False,
                max_length=TEXT_LIMIT,
                widget=TEXTAREA,
                error_messages=_too_long("Your answer", TEXT_LIMIT),
            )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[answer_field_name(c)] for c in self.criteria]

    def field_for(self, service_name: str) -> str:
        """The form's field for a service's field name (`answers.<id>` is `answer_<id>`)."""
        if service_name.startswith("answers."):
            return f"answer_{service_name.split('.', 1)[1]}"
        return service_name


class ServiceForm(OnceOnlyForm):
    """An additional service: one from the setting's price list, or a new one."""

    use_required_attribute = False

    price_list_item = forms.ChoiceField(
        label="Service",
        required=False,
        error_messages={"invalid_choice": "Select a service from this setting's price list."},
    )
    name = forms.CharField(label="New service's name", required=False, max_length=200)
    unit = forms.CharField(
        label="Charged per",
        help_text="For example, hour or session.",
        required=False,
        max_length=40,
    )
    rate = forms.DecimalField(
        label="Rate (£)",
        required=False,
        max_digits=10,
        decimal_places=2,
        error_messages={"invalid": "The rate must be an amount of money, like 35.00."},
    )
    quantity = forms.DecimalField(
        label="Quantity a week",
        help_text="For example, 2 for two hours a week.",
        required=False,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "invalid": SERVICE_QUANTITY_INVALID,
            "max_digits": SERVICE_QUANTITY_INVALID,
            "max_decimal_places": SERVICE_QUANTITY_INVALID,
            "max_whole_digits": SERVICE_QUANTITY_INVALID,
        },
    )

    def __init__(self, *args: Any, price_list: list[AdditionalService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {str(s.pk): s for s in price_list}
        field = self.fields["price_list_item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "A new service (enter it below)")] + [
            (str(s.pk), f"{s.name}: £{s.rate} per {s.unit}") for s in price_list
        ]

    def chosen(self) -> AdditionalService | None:
        return self.items.get(self.cleaned_data.get("price_list_item") or "")


class AttachmentForm(OnceOnlyForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    file = forms.FileField(
        label="File",
        help_text="A PDF, DOCX, PNG or JPEG.",
        required=False,
    )
