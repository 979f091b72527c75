"""The forms that record an inspection judgement, in two steps that work without JavaScript:
the framework first (`FrameworkChoiceForm`, sent by GET), then a form with only that framework's
areas, each offering only the values it publishes (`JudgementForm`). A thin shell over
`judgement_problems` and `judgement_record`, so one submission shows every error while the rules
stay in the service."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from fps_portal.actors import Actor
from fps_portal.date_input import DateInputField
from fps_portal.errors import DomainError
from fps_portal.text import too_long
from fps_portal.web.pages import add_problems
from providers.inspections.frameworks import FRAMEWORK_SPEC, Area, Framework, Remit
from providers.inspections.models import JudgementSource
from providers.inspections.services import (
    FRAMEWORK_MISSING,
    REMIT_MISSING,
    JudgementData,
    judgement_problems,
)
from providers.models import Setting


def _grade_field(name: str) -> str:
    """The form field of a service field name: "grades.<area>" is "grade_<area>"."""
    return f"grade_{name.removeprefix('grades.')}" if name.startswith("grades.") else name


FRAMEWORK_QUESTION = "Which framework was the inspection under?"


def _framework_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FRAMEWORK_QUESTION,
        choices=Framework.choices,
        widget=forms.RadioSelect,
        error_messages={"required": FRAMEWORK_MISSING, "invalid_choice": FRAMEWORK_MISSING},
    )


class FrameworkChoiceForm(forms.Form):
    """The first step: which framework, so the next step shows only its areas and values."""

    framework = _framework_field()


def _grade_choice(area: Area, framework: str) -> forms.ChoiceField:
    """A select offering exactly the values the area's scale publishes, with their meaning.

    Required where the framework requires the area (the service's own message, so the page and
    the API say the same); the others are marked optional by the `govuk` tag."""
    scale = area.scale
    return forms.ChoiceField(
        label=area.label,
        choices=[
            ("", "Select a grade" if area.required else "Not graded in this report"),
            *((v, scale.describe(v)) for v in scale.values),
        ],
        required=area.required,
        error_messages={
            "required": f"{area.label} is required.",
            "invalid_choice": (
                f"Select a grade {Framework(framework).label} publishes for {area.label}."
            ),
        },
    )


class JudgementForm(forms.Form):
    """The chosen framework's areas only, each a choice of the values it publishes.

    The framework comes from the data sent (a hidden field, from the first step) or from
    `initial`; `chosen_framework` is it when known. Sent with no known framework (only a
    hand-made request can), the form asks for the framework as radios beside the other fields,
    so one submission still shows every error.
    """

    framework = _framework_field()
    remit = forms.ChoiceField(
        label="What the inspection covered",
        choices=[("", "The framework's usual remit"), *Remit.choices],
        required=False,
        error_messages={"invalid_choice": REMIT_MISSING},
    )
    inspection_number = forms.CharField(
        label="Inspection number",
        required=False,
        max_length=30,
        error_messages=too_long("The inspection number", 30),
    )
    inspection_start_date = DateInputField(
        label="Inspection start date",
        subject="the inspection start date",
        error_messages={"required": "Enter the date the inspection started."},
    )
    publication_date = DateInputField(
        label="Publication date", required=False, subject="the publication date"
    )
    category_of_concern = forms.CharField(
        label="Category of concern",
        required=False,
        max_length=10,
        help_text="SM, RSI, SWK or NTI; blank if none.",
        error_messages={"max_length": "Enter SM, RSI, SWK or NTI, or leave it blank."},
    )
    relates_to_current_urn = forms.BooleanField(
        label="The inspection was of this setting under its current URN",
        required=False,
        initial=True,
    )
    source_reference = forms.CharField(
        label="Report link or file name",
        required=False,
        max_length=200,
        error_messages=too_long("The report link or file name", 200),
    )

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        setting: Setting,
        source: str = JudgementSource.MANUAL,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.setting, self.source = actor, setting, source
        raw = self.data.get("framework") if self.is_bound else self.initial.get("framework")
        self.chosen_framework = raw if raw in FRAMEWORK_SPEC else None
        for area in FRAMEWORK_SPEC.get(self.chosen_framework or "", ()):
            self.fields[f"grade_{area.key}"] = _grade_choice(area, self.chosen_framework or "")

    def grade_fields(self) -> list[forms.BoundField]:
        """The chosen framework's areas, in the order its reports publish them."""
        return [self[name] for name in self.fields if name.startswith("grade_")]

    def framework_label(self) -> str:
        return Framework(self.chosen_framework).label if self.chosen_framework else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        problems = judgement_problems(
            actor=self.actor,
            setting=self.setting,
            data=self.to_data(),
            unreadable=set(self.errors),
        )
        add_problems(self, problems, field_for=_grade_field)
        return self.cleaned_data

    def grades(self) -> dict[str, str]:
        framework = self.cleaned_data.get("framework") or ""
        keys = [a.key for a in FRAMEWORK_SPEC.get(framework, ())]
        return {
            k: v.strip() for k in keys if (v := self.cleaned_data.get(f"grade_{k}") or "").strip()
        }

    def to_data(self) -> JudgementData:
        """The service's arguments. Placeholders stand in for fields that could not be read;
        `clean` tells the service which those are."""
        d = self.cleaned_data
        return JudgementData(
            framework=d.get("framework", ""),
            remit=d.get("remit") or "",
            inspection_number=d.get("inspection_number") or "",
            inspection_start_date=d.get("inspection_start_date") or datetime.date.min,
            publication_date=d.get("publication_date"),
            grades=self.grades(),
            category_of_concern=d.get("category_of_concern") or "",
            relates_to_current_urn=d.get("relates_to_current_urn", False),
            source=self.source,
            source_reference=d.get("source_reference") or "",
        )

    def add_service_error(self, exc: DomainError) -> None:
        """The service's refusal at the fields it names (a grade at its own field)."""
        if exc.fields:
            add_problems(self, exc.fields, field_for=_grade_field)
        else:
            self.add_error(None, exc.message)
