"""The placements list's filters, shared by the page and its export (the same fields, the same
messages): status, setting, ending within a number of days, and whether a variation is
proposed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from contracts.models import AgreementState
from contracts.selectors.placements import MAX_ENDING_WITHIN, PlacementFilters

ENDING_WITHIN_INVALID = (
    f"Ending within must be a whole number of days from 1 to {MAX_ENDING_WITHIN:,}, like 30 or 90."
)
SETTING_INVALID = "Select one of the settings of your placements."
FORMAT_INVALID = "Choose CSV or XLSX for the download."
YES_NO = {"yes": True, "no": False}


class PlacementFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *AgreementState.choices]
    )
    setting = forms.TypedChoiceField(
        label="Setting",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": SETTING_INVALID},
    )
    ending_within = forms.IntegerField(
        label="Ending within (days)",
        help_text="Placements that end from today to this many days ahead, for example 30 or 90.",
        required=False,
        min_value=1,
        max_value=MAX_ENDING_WITHIN,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": ENDING_WITHIN_INVALID,
            "min_value": ENDING_WITHIN_INVALID,
            "max_value": ENDING_WITHIN_INVALID,
        },
    )
    variation_pending = forms.ChoiceField(
        label="Variation proposed",
        required=False,
        choices=[
            ("", "With or without"),
            ("yes", "A variation awaits signatures"),
            ("no", "No variation proposed"),
        ],
    )

    def __init__(self, *args: Any, settings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = [("", "Any setting"), *settings]  # type: ignore[attr-defined]

    def filters(self) -> PlacementFilters:
        """The filters of a valid form (call `is_valid()` first)."""
        data = self.cleaned_data
        return PlacementFilters(
            state=data.get("state") or "",
            setting_id=data.get("setting"),
            ending_within=data.get("ending_within"),
            variation_pending=YES_NO.get(data.get("variation_pending") or ""),
        )

    def query_without_page(self) -> str:
        """The filters as they were sent, for the pagination and download links."""
        if not isinstance(self.data, QueryDict):
            return ""
        query = self.data.copy()
        for name in ("page", "format"):
            query.pop(name, None)
        return str(query.urlencode())
