"""The QA visit pages' forms. Every field is optional here and checked by the service, so one
attempt shows every problem at its field (the services name the same fields)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from quality.models import AreaRating, VisitArea, VisitKind, VisitTrigger
from quality.services.visits import AreaFinding


def _textarea(label: str, *, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        max_length=5000,
        required=False,
    )


def _months(today: datetime.date, ahead: int = 12) -> list[tuple[str, str]]:
    out = []
    year, month = today.year, today.month
    for _ in range(ahead):
        out.append((f"{year:04d}-{month:02d}", datetime.date(year, month, 1).strftime("%B %Y")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class PlanVisitForm(OnceOnlyForm):
    use_required_attribute = False

    setting = forms.ChoiceField(label="Setting", required=False)
    kind = forms.ChoiceField(
        label="Type of visit",
        widget=forms.RadioSelect,
        choices=VisitKind.choices,
        required=False,
    )
    planned_month = forms.ChoiceField(label="Month planned", required=False)
    trigger = forms.ChoiceField(
        label="A responsive visit answers",
        widget=forms.RadioSelect,
        choices=[c for c in VisitTrigger.choices if c[0]],
        required=False,
        help_text="Responsive visits only.",
    )
    trigger_alert = forms.ChoiceField(
        label="The rating alert", required=False, help_text="For a visit after a rating alert."
    )
    trigger_note = _textarea(
        "What the visit answers",
        rows=3,
        help_text="For a visit after a concern or a rating: what happened.",
    )

    def __init__(
        self,
        *args: Any,
        settings: list[tuple[int, str]],
        alerts: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choose("setting", [("", "Select a setting"), *settings])
        self._choose(
            "planned_month",
            [
                ("", "Select a month"),
                *_months(timezone.localdate()),
            ],
        )
        self._choose("trigger_alert", [("", "None"), *alerts])

    def _choose(self, name: str, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def planned(self) -> datetime.date | None:
        value = self.cleaned_data.get("planned_month") or ""
        try:
            year, month = (int(part) for part in value.split("-"))
            return datetime.date(year, month, 1)
        except ValueError:
            return None

    def number(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) or ""
        return int(value) if value.isdigit() else None


class ScheduleForm(forms.Form):
    use_required_attribute = False

    visit_date = DateInputField(label="Date of the visit", required=False)
    visitors = _textarea(
        "Visitors", rows=3, help_text="Who is visiting, one a line, with their role."
    )


class CancelForm(forms.Form):
    use_required_attribute = False

    reason = _textarea("Why is the visit cancelled?", rows=3)


class ResponseForm(forms.Form):
    use_required_attribute = False

    response = _textarea(
        "Your response on the report's factual accuracy",
        rows=6,
        help_text="Say what is factually wrong and what is right. You can answer once.",
    )


RATING_CHOICES = AreaRating.choices
OVERALL_CHOICES = [c for c in AreaRating.choices if c[0] != AreaRating.NOT_ASSESSED]


class CompleteVisitForm(forms.Form):
    """The visit's record and report: one rating and findings per area (seed 000)."""

    use_required_attribute = False

    visit_date = DateInputField(label="Date of the visit", required=False)
    visitors = _textarea("Visitors", rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area, label in VisitArea.choices:
            self.fields[f"{area}_rating"] = forms.ChoiceField(
                label=f"{label}: rating",
                widget=forms.RadioSelect,
                choices=RATING_CHOICES,
                required=False,
            )
            self.fields[f"{area}_findings"] = _textarea(f"{label}: findings", rows=3)
        self.fields["overall_rating"] = forms.ChoiceField(
            label="Overall rating",
            widget=forms.RadioSelect,
            choices=OVERALL_CHOICES,
            required=False,
        )
        self.fields["main_findings"] = _textarea(
            "Main findings",
            rows=4,
            help_text="Shared with every authority in the region: never name or describe a child.",
        )
        self.fields["children_views"] = _textarea(
            "The children's views",
            rows=4,
            help_text="Seen only by your authority: not by the provider, not by other authorities.",
        )
        self.fields["recommendations"] = _textarea("Recommendations", rows=4)

    def area_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"{a}_rating"], self[f"{a}_findings"]) for a, label in VisitArea.choices
        ]

    def findings(self) -> dict[str, AreaFinding]:
        data = self.cleaned_data
        return {
            area: AreaFinding(data.get(f"{area}_rating") or "", data.get(f"{area}_findings") or "")
            for area in VisitArea.values
            if data.get(f"{area}_rating")
        }
