"""The improvement plans' forms. The services check every rule (a reason, a due date today or
later, the evidence), so one attempt shows every problem; the forms only read the boxes."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from fps_portal.web.reasons import reason_field
from quality.models import ActionOwner, PlanOrigin
from quality.services.improvement_plans import ORIGIN_MISSING, OWNER_MISSING

#: The page's list for each origin kind held on the portal: (field name, label). Adding an
#: origin adds its line here too (its choices come from the view's ORIGIN_CHOICES).
ORIGIN_SELECTS: dict[str, tuple[str, str]] = {
    PlanOrigin.ALERT: ("origin_alert", "If a rating alert: which one"),
    PlanOrigin.SIGNOFF: ("origin_award", "If the RI/Inadequate sign-off: which award"),
    PlanOrigin.VISIT: ("origin_visit", "If a QA visit: which one"),
    PlanOrigin.CONCERN: ("origin_concern", "If a concern: which one"),
}
STEP_MISSING = "Select what you are doing."


def _text(label: str, *, rows: int = 4, help_text: str = "", max_length: int = 4000) -> Any:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer."},
    )


class PlanForm(OnceOnlyForm):
    use_required_attribute = False

    origin = forms.ChoiceField(
        label="What caused the plan?",
        choices=PlanOrigin.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ORIGIN_MISSING, "invalid_choice": ORIGIN_MISSING},
    )
    setting = forms.ChoiceField(
        label="Setting",
        required=False,
        help_text="Needed when nothing on the portal caused the plan; otherwise the setting is "
        "the alert's or the award's.",
    )
    origin_reason = _text("If something else: what", rows=3)
    title = forms.CharField(
        label="Title of the plan",
        max_length=200,
        required=False,
        error_messages={"max_length": "The title must be 200 characters or fewer."},
    )
    cause = _text(
        "What the plan is to put right",
        help_text="The provider reads this. Do not name a child.",
    )

    def __init__(
        self,
        *args: Any,
        settings: list[tuple[int, str]],
        origins: dict[str, list[tuple[int, str]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        setting = self.fields["setting"]
        assert isinstance(setting, forms.ChoiceField)
        setting.choices = [("", "Select a setting"), *settings]
        for kind, (name, label) in ORIGIN_SELECTS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "None"), *origins.get(kind, [])],
            )
        self.order_fields(
            ["origin", *(name for name, _ in ORIGIN_SELECTS.values()), "origin_reason", "setting"]
        )

    def origin_id(self) -> int | None:
        kind = self.cleaned_data.get("origin")
        if kind not in ORIGIN_SELECTS:
            return None
        chosen = self.cleaned_data.get(ORIGIN_SELECTS[kind][0])
        return int(chosen) if chosen else None


class ActionForm(OnceOnlyForm):
    use_required_attribute = False

    description = _text("What is to be done")
    owner = forms.ChoiceField(
        label="Who owns the action?",
        choices=ActionOwner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": OWNER_MISSING, "invalid_choice": OWNER_MISSING},
    )
    due_on = DateInputField(label="Due date", required=False, subject="the date the action is due")


class ActionStepForm(forms.Form):
    """One step on an action: the choices are those the actor may take now (mark done, accept,
    reopen, comment); the text is the evidence, the reason or the comment."""

    use_required_attribute = False

    step = forms.ChoiceField(
        label="What are you doing?",
        widget=forms.RadioSelect,
        error_messages={"required": STEP_MISSING, "invalid_choice": STEP_MISSING},
    )
    text = _text(
        "Evidence, reason or comment",
        help_text="To mark it done: what was done and where it shows. To reopen: why. "
        "Do not name a child.",
    )
    evidence_file = forms.FileField(
        label="Evidence document (optional)",
        required=False,
        help_text="Only when marking it done. PDF, DOCX, PNG or JPEG.",
    )
    due_on = DateInputField(
        label="New due date (optional)",
        required=False,
        help_text="Only when reopening.",
        subject="the new due date",
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = self.fields["step"]
        assert isinstance(step, forms.ChoiceField)
        step.choices = steps
        if not any(value == "completed" for value, _ in steps):
            del self.fields["evidence_file"]
        if not any(value == "reopen" for value, _ in steps):
            del self.fields["due_on"]


class PlanReopenForm(forms.Form):
    reason = reason_field("Why is the plan reopened?", required=None, max_length=2000)
