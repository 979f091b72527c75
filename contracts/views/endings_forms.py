"""The form of the end of a placement. The service checks the dates and what each kind needs."""

from __future__ import annotations

from typing import Any

from django import forms

from contracts.models import BreakdownReason, EndKind, EndRequestedBy
from contracts.services.endings import (
    DETAILS_MISSING,
    LAST_DAY_MISSING,
    NOTICE_MISSING,
    REQUESTED_BY_MISSING,
)
from fps_portal.date_input import DateInputField
from providers.models import Setting


class PlacementEndForm(forms.Form):
    kind = forms.ChoiceField(
        label="How does the placement end?",
        choices=EndKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the placement ends."},
    )
    reason = forms.ChoiceField(
        label="Reason for the breakdown",
        choices=[("", "Select a reason"), *BreakdownReason.choices],
        required=False,
        help_text="Only for a breakdown (an unplanned end).",
    )
    move_to_setting = forms.ModelChoiceField(
        label="Setting on the FPS the child or young person moves to",
        # Empty until __init__ sets it from the actor's scoped choices: a field declared on
        # the class has no actor yet, and an empty queryset reads nothing.
        queryset=Setting.objects.none(),
        required=False,
        empty_label="Not a setting on the FPS",
        help_text="Only for a move.",
    )
    move_to_name = forms.CharField(
        label="Or the name of the setting they move to",
        max_length=200,
        required=False,
    )
    requested_by = forms.ChoiceField(
        label="Who asked for the placement to end?",
        choices=EndRequestedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": REQUESTED_BY_MISSING},
    )
    details = forms.CharField(
        label="What happened and what was agreed",
        help_text="Both parties read this. For a breakdown, what led to it.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        error_messages={"required": DETAILS_MISSING},
    )
    notice_given_on = DateInputField(
        label="Date notice was given",
        subject="the date notice was given",
        help_text="For example, 3 9 2027",
        error_messages={"required": NOTICE_MISSING},
    )
    last_day = DateInputField(
        label="Last day of the placement",
        subject="the last day of the placement",
        help_text="The placement ends after this day.",
        error_messages={"required": LAST_DAY_MISSING},
    )

    def __init__(self, *args: Any, settings: Any, provider: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to_setting"].queryset = settings  # type: ignore[attr-defined]
        if provider:
            # A provider gives notice: a planned end or a breakdown, asked for by the provider.
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in EndKind.choices if value != EndKind.MOVE
            ]
            for name in ("move_to_setting", "move_to_name", "requested_by"):
                del self.fields[name]
