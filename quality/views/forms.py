"""The re-check and expiry pages' forms. Rules the services check (a reason to return, the
new evidence's details) are left to them, so one attempt shows every problem."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from fps_portal.web.decisions import DecisionForm
from quality.models import ItemReview, ProposalState
from quality.services.expiry import LAPSE_DECISION_MISSING
from quality.services.rechecks import REVIEW_MISSING
from quality.services.suspension_proposals import PROPOSAL_DECISION_MISSING

ANSWER_MISSING = "Select whether this evidence is still current or has changed."
CHANGED_ONLY = "Only if it has changed."
MONTHS = [
    ("", "Each member's anniversary of joining"),
    *[
        (str(n), name)
        for n, name in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            start=1,
        )
    ],
]


class NewEvidenceFields(OnceOnlyForm):
    """The new document's details; `evidence_add` checks them (insurance needs its insurer,
    cover and expiry date)."""

    use_required_attribute = False

    title = forms.CharField(label="Title of the new document", max_length=200, required=False)
    reference = forms.CharField(label="Reference or policy number", max_length=100, required=False)
    insurer = forms.CharField(
        label="Insurer", max_length=200, required=False, help_text="Insurance only."
    )
    cover_amount = forms.DecimalField(
        label="Cover in pounds",
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="Insurance only. For example, 5000000.",
        error_messages={"invalid": "Enter the cover as a number of pounds, like 5000000."},
    )
    valid_until = DateInputField(
        label="Valid until", required=False, subject="the date the new evidence expires"
    )
    file = forms.FileField(
        label="Upload the new document", required=False, help_text="PDF, DOCX, PNG or JPEG."
    )


class RecheckAnswerForm(NewEvidenceFields):
    """The provider's answer to one item: still current, or changed (with the new document)."""

    answer = forms.ChoiceField(
        label="Is this evidence still current?",
        widget=forms.RadioSelect,
        choices=[
            ("confirmed", "Yes, it is still current"),
            ("changed", "No, it has changed: upload the new document below"),
        ],
        error_messages={"required": ANSWER_MISSING, "invalid_choice": ANSWER_MISSING},
    )
    field_order = ["answer", "title", "reference", "insurer", "cover_amount", "valid_until", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "reference", "insurer", "cover_amount", "valid_until", "file"):
            field = self.fields[name]
            field.help_text = f"{CHANGED_ONLY} {field.help_text}".strip()


class RenewalForm(NewEvidenceFields):
    """The renewal of an expired item."""


class ItemReviewForm(DecisionForm):
    outcome_label = "Do you accept this item?"
    outcome_choices = [
        (ItemReview.ACCEPTED, "Yes, accept it"),
        (ItemReview.RETURNED, "No, return it to the provider with a reason"),
    ]
    outcome_missing = REVIEW_MISSING
    reason_help = "Required to return it: the provider is told it."


class LapseDecisionForm(DecisionForm):
    outcome_label = "Do you accept the renewal?"
    outcome_choices = [
        ("accept", "Yes, accept it: commissioners no longer see the evidence as expired"),
        ("return", "No, return it to the provider with a reason"),
    ]
    outcome_missing = LAPSE_DECISION_MISSING
    reason_help = "Required to return it: the provider is told it."


class ProposalDecisionForm(DecisionForm):
    outcome_label = "Do you suspend the membership?"
    outcome_choices = [
        (ProposalState.SUSPENDED, "Yes, suspend it until the review date"),
        (ProposalState.NOT_SUSPENDED, "No, do not suspend it"),
    ]
    outcome_missing = PROPOSAL_DECISION_MISSING
    reason_help = "Required: the provider is told the reason for a suspension."

    review_on = DateInputField(
        label="Review date",
        required=False,
        help_text="Needed to suspend: when the suspension will be reviewed.",
        subject="the review date",
    )


class RecheckCalendarForm(forms.Form):
    month = forms.ChoiceField(
        label="When do re-checks open?",
        choices=MONTHS,
        required=False,
        widget=forms.RadioSelect,
        help_text="A chosen month opens every member's re-check on its first day (members of "
        "fewer than six months wait a year); re-checks already open keep their due dates.",
    )
