"""Forms for the lead authority's onboarding pages: the purchasing system, its lots and windows,
evaluation, moderation, clarification questions and membership changes.

They parse and label; the services hold the rules. Error messages name the setting and the
requirement, because an evaluation page holds one question per requirement per setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fps_portal.date_input import DateInputField
from fps_portal.text import too_long
from fps_portal.web.reasons import ReasonForm, reason_field
from providers.models import (
    WINDOW_REASON_LIMIT,
    CheckResult,
    PurchasingSystemKind,
    RequirementResult,
    Verdict,
)
from providers.services.evaluation import requirement_in_sentence
from providers.views.onboarding.form_fields import (
    ServiceCheckedCharField,
    ServiceCheckedChoiceField,
    ServiceCheckedDateField,
    datetime_field,
)


class PurchasingSystemForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the name of the purchasing system.",
            **too_long("The name", 200),
        },
    )
    kind = forms.ChoiceField(
        label="Kind of purchasing system",
        choices=PurchasingSystemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of purchasing system."},
    )
    term_start = DateInputField(label="Term starts", subject="the date the term starts")
    term_end = DateInputField(label="Term ends", subject="the date the term ends")
    direct_award_allowed = forms.BooleanField(
        label="Direct award is allowed in exceptional urgency", required=False
    )
    admits_by_windows = forms.BooleanField(
        label="Admits providers in evaluation windows",
        required=False,
        help_text="A Dynamic Purchasing System admits on a rolling basis instead.",
    )


class LotForm(forms.Form):
    code = forms.CharField(
        label="Lot code",
        max_length=20,
        error_messages={"required": "Enter the lot code, like 5.", **too_long("The lot code", 20)},
    )
    name = forms.CharField(
        label="Lot name",
        max_length=200,
        error_messages={"required": "Enter the lot name.", **too_long("The lot name", 200)},
    )
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = DateInputField(label="Starts on", subject="the date the lot starts")
    is_residential = forms.BooleanField(label="Residential placements", required=False)


class WindowForm(forms.Form):
    name = forms.CharField(
        label="Window name",
        max_length=200,
        help_text="For example, Round 6 (2027).",
        error_messages={
            "required": "Enter the window name, like Round 6 (2027).",
            **too_long("The window name", 200),
        },
    )
    opens_at = datetime_field("Opens at", when="the window opens")
    closes_at = datetime_field("Closes at", when="the window closes")
    evaluation_deadline = datetime_field(
        "Evaluation deadline",
        when="of the evaluation deadline",
        hint="Clarifications and outcomes are due by then.",
    )


def window_reason_field(label: str, *, required: str) -> forms.CharField:
    """The reason every correction of a window asks for: providers and the audit log read it."""
    return reason_field(
        label,
        required=required,
        max_length=WINDOW_REASON_LIMIT,
        help_text="Providers are told this reason, and it is kept in the audit log.",
        too_long_as="The reason",
    )


class WindowRescheduleForm(WindowForm):
    """The scheduling form again, with the window's current values, and why it changes."""

    reason = window_reason_field(
        "Why are you changing the window?", required="Give the reason for the change."
    )


class WindowCorrectionForm(ReasonForm):
    """Confirming a cancellation, an early opening or an early close: only the reason, worded
    for each (`label=`, `required=`)."""

    reason = window_reason_field("Reason", required="Give the reason.")


class EvaluationForm(forms.Form):
    """A pass/fail and reason per requirement result.

    The service checks every answer at once (a verdict for each requirement; a reason where one
    is needed) and its messages name only the requirement, so this form leaves the checking to
    it and names the setting in each message. Above the fields, the page shows what the
    provider sent (`context_template`).
    """

    use_required_attribute = False  # a reason is needed only in some cases
    context_template = "providers/onboarding/_application_material.html"

    def __init__(
        self,
        *args: Any,
        results: Sequence[RequirementResult],
        initial_decisions: Mapping[int, tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.results = results
        for result in results:
            key = f"result_{result.pk}"
            verdict, reason = initial_decisions.get(result.pk, ("", ""))
            where = f" – {result.setting.name}" if result.setting is not None else ""
            self.fields[key] = ServiceCheckedChoiceField(
                label=f"{result.get_requirement_display()}{where}",
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                initial=verdict,
                help_text=f"Automatic check: {result.get_automatic_result_display()}. "
                f"{result.automatic_reason}",
            )
            self.fields[f"{key}_reason"] = ServiceCheckedCharField(
                label="Reason",
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=reason,
                help_text=_reason_hint(result),
            )

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (
                self.cleaned_data.get(f"result_{r.pk}") or "",
                self.cleaned_data.get(f"result_{r.pk}_reason") or "",
            )
            for r in self.results
        }


def _reason_hint(result: RequirementResult) -> str:
    # The service wants a reason for a fail, for a check it could not decide, and for
    # disagreeing with the check; the hint says which of those can apply here.
    if result.automatic_result == CheckResult.PASS:
        return "Needed if you choose fail."
    if result.automatic_result == CheckResult.FAIL:
        return "Needed whichever you choose, because the automatic check failed it."
    return "Needed whichever you choose, because the automatic check could not decide."


class ModerationForm(forms.Form):
    """The outcome's reason and, where the evaluators disagree, each final result and why.

    Every field is needed, so the form asks for them all at once. Each disputed result's hint
    shows the evaluators' decisions, so the moderator need not open another page.
    """

    reason = reason_field(
        "Reason for the outcome",
        required="Give the reason for the outcome.",
        max_length=None,
        rows=4,
        help_text="This is shown to the provider with the outcome.",
    )

    def __init__(self, *args: Any, disputed: Sequence[RequirementResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `disputed` comes with its decisions prefetched, in the order made (moderation_view).
        self.disputed = disputed
        for result in disputed:
            pk = result.pk
            where = f" – {result.setting.name}" if result.setting is not None else ""
            thing = requirement_in_sentence(result)
            self.fields[f"resolve_{pk}"] = forms.ChoiceField(
                label=f"Final result: {result.get_requirement_display()}{where}",
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                help_text=_decisions_hint(result),
                error_messages={"required": f"Select pass or fail for {thing}."},
            )
            self.fields[f"resolve_{pk}_reason"] = forms.CharField(
                label="Reason for the final result",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"Give the reason for the final result on {thing}."},
            )

    def resolutions(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (
                self.cleaned_data.get(f"resolve_{r.pk}") or "",
                self.cleaned_data.get(f"resolve_{r.pk}_reason") or "",
            )
            for r in self.disputed
        }


def _decisions_hint(result: RequirementResult) -> SafeString:
    """The automatic check and each evaluator's verdict and reason, escaped, as a list."""
    decisions = format_html_join(
        "",
        "<li>{}: {}{}</li>",
        (
            (d.evaluator, d.get_verdict_display(), f" – {d.reason}" if d.reason else "")
            for d in result.decisions.all()
        ),
    )
    return format_html(
        "Automatic check: {}. {}"
        '<span class="govuk-!-display-block govuk-!-margin-top-2">The evaluators decided:</span>'
        '<ul class="govuk-list govuk-list--bullet govuk-hint govuk-!-margin-bottom-0">{}</ul>',
        result.get_automatic_result_display(),
        result.automatic_reason,
        decisions,
    )


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label="Question for the provider",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the question for the provider."},
    )
    due_at = datetime_field("Answer due by", when="the answer is due")


MEMBERSHIP_ACTION_LABELS = {
    "suspend": "Suspend",
    "reinstate": "Reinstate",
    "remove": "Remove from the FPS",
    "withdraw": "Record the provider's withdrawal",
}
REMOVAL_NOT_CONFIRMED = "Confirm that you want to remove the provider from the FPS."


class MembershipChangeForm(forms.Form):
    """The changes `allowed` from the membership's state (`membership_actions_allowed`).

    Only those are drawn, but every action is accepted as input: one not allowed goes on to the
    service, whose refusal (409, with its reason) is what the page shows, the same as when the
    state changed between loading the page and sending it.
    """

    use_required_attribute = False  # the review date is needed only for a suspension
    context_template = "providers/onboarding/_membership_change_warning.html"

    action = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        choices=list(MEMBERSHIP_ACTION_LABELS.items()),
        error_messages={"required": "Select what you want to do."},
    )
    # Left to the service with the review date, so one attempt shows both problems.
    reason = ServiceCheckedCharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The provider is told this reason.",
    )
    review_on = ServiceCheckedDateField(
        label="Review date", help_text="Needed for a suspension.", subject="the review date"
    )
    confirm_removal = forms.BooleanField(
        label="Yes, remove the provider from the FPS. I understand this cannot be undone",
        required=False,
        help_text="Needed to remove the provider.",
    )

    def __init__(self, *args: Any, allowed: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = list(allowed)
        self.offers_removal = "remove" in self.allowed
        action = self.fields["action"]
        assert isinstance(action.widget, forms.RadioSelect)
        # The widget's choices, not the field's: see the class docstring.
        action.widget.choices = [(name, MEMBERSHIP_ACTION_LABELS[name]) for name in self.allowed]
        if not self.offers_removal:
            del self.fields["confirm_removal"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.offers_removal
            and cleaned.get("action") == "remove"
            and not cleaned.get("confirm_removal")
        ):
            self.add_error("confirm_removal", REMOVAL_NOT_CONFIRMED)
        # A service argument only, not one `membership_change` takes.
        cleaned.pop("confirm_removal", None)
        return cleaned
