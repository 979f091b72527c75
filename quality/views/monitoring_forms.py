"""The monitoring return's forms. The figures form holds text boxes only: the service reads and
checks every figure (a negative count, attendance over 100%), so the page and the API refuse
the same things with the same words, on the field."""

from __future__ import annotations

from typing import Any

from django import forms

from quality.models import (
    PLACEMENT_COUNTS,
    SETTING_COUNTS,
    MonitoringRating,
    OutcomeProgress,
    PlacementReturn,
    ProgressRating,
    ReviewDecision,
    SettingReturn,
    figure_label,
)
from quality.services.monitoring import DECISION_MISSING, figure_key


def _number(label: str, value: object, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        initial="" if value is None else str(value),
        help_text=hint,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-4", "spellcheck": "false"}
        ),
    )


class FiguresForm(forms.Form):
    """One field per figure, named as the service's keys (`figure_key`)."""

    use_required_attribute = False

    def __init__(
        self,
        *args: Any,
        settings: list[SettingReturn],
        placements: list[PlacementReturn],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # What the page draws, in order: each setting's fields, each placement's and its
        # outcomes' (names here; `groups()` gives the bound fields).
        self.setting_groups: list[tuple[SettingReturn, list[str]]] = []
        self.placement_groups: list[
            tuple[PlacementReturn, list[str], list[tuple[OutcomeProgress, list[str]]]]
        ] = []
        for row in settings:
            names = []
            for field in SETTING_COUNTS:
                name = figure_key("s", row.pk, field)
                label = figure_label(SettingReturn, field)
                self.fields[name] = _number(f"{label} at {row.setting.name}", getattr(row, field))
                names.append(name)
            self.setting_groups.append((row, names))
        for placement in placements:
            names = []
            name = figure_key("p", placement.pk, "attendance_percent")
            self.fields[name] = _number(
                f"Attendance (%) of {placement.agreement.reference}",
                placement.attendance_percent,
                hint="The percentage of possible sessions attended, like 94.5.",
            )
            self.fields[name].widget.attrs["inputmode"] = "decimal"
            names.append(name)
            for field in PLACEMENT_COUNTS:
                name = figure_key("p", placement.pk, field)
                label = figure_label(PlacementReturn, field)
                self.fields[name] = _number(
                    f"{label} of {placement.agreement.reference}", getattr(placement, field)
                )
                names.append(name)
            outcomes = []
            for outcome in placement.outcomes.all():
                rating, progress = (figure_key("o", outcome.pk, f) for f in ("rating", "progress"))
                outcomes.append((outcome, [rating, progress]))
                self.fields[rating] = forms.ChoiceField(
                    label=f"Progress towards outcome {outcome.position + 1}",
                    choices=ProgressRating.choices,
                    required=False,
                    initial=outcome.rating,
                    widget=forms.RadioSelect,
                    # The service says what is wrong: a value not offered is its message too.
                    error_messages={"invalid_choice": "Select the progress made"},
                )
                self.fields[progress] = forms.CharField(
                    label=f"What progress was made towards outcome {outcome.position + 1}",
                    required=False,
                    initial=outcome.progress,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.placement_groups.append((placement, names, outcomes))

    def groups(self) -> dict[str, Any]:
        """The bound fields by group, for the template."""
        return {
            "settings": [(row, [self[n] for n in names]) for row, names in self.setting_groups],
            "placements": [
                (p, [self[n] for n in names], [(o, [self[n] for n in ns]) for o, ns in outcomes])
                for p, names, outcomes in self.placement_groups
            ],
        }

    def figures(self) -> dict[str, Any]:
        """What was typed, as the service takes it (the form checks nothing itself)."""
        return {name: self.data.get(name, "") for name in self.fields}


class ReviewForm(forms.Form):
    """The QA officer's review: rate the return, or return it for correction with a reason."""

    use_required_attribute = False

    decision = forms.ChoiceField(
        label="What is your review of this return?",
        widget=forms.RadioSelect,
        choices=[
            (ReviewDecision.RATED, "Rate it"),
            (ReviewDecision.RETURNED, "Return it to the provider for correction"),
        ],
        error_messages={"required": DECISION_MISSING, "invalid_choice": DECISION_MISSING},
    )
    rating = forms.ChoiceField(
        label="Rating",
        required=False,
        choices=[("", "Select a rating"), *MonitoringRating.choices],
        help_text="Needed to rate it.",
    )
    comments = forms.CharField(
        label="Comments, or what the provider must correct",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required to return it: the provider is told it. Other authorities never see it.",
    )
