"""Forms of the regional uplift pages."""

from __future__ import annotations

from typing import Any

from django import forms

from contracts.services.uplifts import EFFECTIVE_MISSING, REASON_MISSING, TITLE_MISSING
from contracts.views.variations_forms import PERCENT_INVALID
from fps_portal.date_input import DateInputField
from fps_portal.web.reasons import reason_field
from providers.models import PurchasingSystem


class PublishUpliftForm(forms.Form):
    purchasing_system = forms.ModelChoiceField(
        label="Purchasing system",
        # Empty until __init__ sets it from the actor's scoped choices: a field declared on
        # the class has no actor yet, and an empty queryset reads nothing.
        queryset=PurchasingSystem.objects.none(),
        error_messages={"required": "Select the purchasing system the uplift is for."},
    )
    title = forms.CharField(
        label="Title",
        help_text="For example, Annual uplift 2027 to 2028.",
        max_length=200,
        error_messages={"required": TITLE_MISSING},
    )
    percent = forms.DecimalField(
        label="Uplift as a percentage",
        help_text="More than 0 and no more than 50.",
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the uplift as a percentage.",
            "invalid": PERCENT_INVALID,
            "max_digits": PERCENT_INVALID,
            "max_decimal_places": PERCENT_INVALID,
            "max_whole_digits": PERCENT_INVALID,
        },
    )
    effective_from = DateInputField(
        label="Date it takes effect",
        subject="the date the uplift takes effect",
        help_text="For example, 1 4 2027",
        error_messages={"required": EFFECTIVE_MISSING},
    )
    reason = reason_field(
        "Reason for the uplift",
        required=REASON_MISSING,
        max_length=4000,
        help_text="Providers and authorities read this, and each variation carries it.",
    )

    def __init__(self, *args: Any, systems: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purchasing_system"]
        field.queryset = systems  # type: ignore[attr-defined]
        only = list(systems[:2])
        if len(only) == 1:
            field.initial = only[0].pk


class ApplyUpliftForm(forms.Form):
    agreements = forms.MultipleChoiceField(
        label="Agreements to apply the uplift to",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreements"]
        field.choices = choices  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = (
            "One of the agreements selected can no longer take the uplift: select again."
        )
