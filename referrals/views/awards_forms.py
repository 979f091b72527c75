"""Forms of the evaluation and award pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from fps_portal.accounts.models import User
from fps_portal.date_input import DateInputField
from referrals.models import Criterion, CriterionKind, Referral, ResponseService, Route
from referrals.selectors.ranking import is_formula_priced
from referrals.services.award_decisions import REJECTION_REASON_MISSING
from referrals.services.awards import REASONS_MISSING, ServiceLine
from referrals.services.evaluation import (
    NOTE_MISSING,
    PASS_FAIL_MISSING,
    REASON_MISSING,
    SCORE_MISSING,
    score_out_of_range,
)
from referrals.services.referral_outcomes import NO_SUITABLE_REASON_MISSING, ROUTE_MISSING
from referrals.services.risk import APPROACH_MISSING, VISIT_MISSING

MAX_SERVICE_ROWS = 20
PRICE_INVALID = "Enter the price in pounds, like 3250 or 3250.50."


class MarksForm(forms.Form):
    """One response's marks: for each criterion marked by hand, pass/fail and reason or a score
    and note. Formula-priced criteria are computed, so they have no fields."""

    def __init__(self, *args: Any, referral: Referral, criteria: list[Criterion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if not is_formula_priced(referral, c)]
        for c in self.criteria:
            if c.kind == CriterionKind.PASS_FAIL:
                self.fields[f"passed_{c.pk}"] = forms.TypedChoiceField(
                    label=f"Does it pass “{c.title}”?",
                    choices=[("yes", "Pass"), ("no", "Fail")],
                    coerce=lambda v: v == "yes",
                    widget=forms.RadioSelect,
                    error_messages={"required": PASS_FAIL_MISSING},
                )
                self.fields[f"note_{c.pk}"] = forms.CharField(
                    label=f"Reason for “{c.title}”",
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": REASON_MISSING},
                )
            else:
                message = score_out_of_range(referral.scale_max)
                self.fields[f"score_{c.pk}"] = forms.IntegerField(
                    label=f"Score for “{c.title}” (0 to {referral.scale_max}, weight {c.weight})",
                    min_value=0,
                    max_value=referral.scale_max,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    error_messages={
                        "required": SCORE_MISSING,
                        "invalid": message,
                        "min_value": message,
                        "max_value": message,
                    },
                )
                self.fields[f"note_{c.pk}"] = forms.CharField(
                    label=f"Note for “{c.title}”",
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": NOTE_MISSING},
                )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        out = []
        for c in self.criteria:
            first = f"passed_{c.pk}" if c.kind == CriterionKind.PASS_FAIL else f"score_{c.pk}"
            out.append((c, self[first], self[f"note_{c.pk}"]))
        return out


def _money(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the agreed weekly price.",
            "invalid": PRICE_INVALID,
            "max_digits": PRICE_INVALID,
            "max_decimal_places": PRICE_INVALID,
            "min_value": PRICE_INVALID,
        },
    )


class AwardForm(forms.Form):
    reasons = forms.CharField(
        label="Reasons for the award",
        help_text="Why this response is the best value for the child. Unsuccessful providers "
        "are told these words, so do not name the child.",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": REASONS_MISSING},
    )
    agreed_weekly_price = _money("Agreed weekly price")
    price_negotiation_note = forms.CharField(
        label="Why the agreed price differs from the bid",
        help_text="Needed only when you negotiated a price other than the bid.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start_date = DateInputField(label="Start date", subject="the start date")
    end_date = DateInputField(label="End date", subject="the end date", required=False)
    parental_preference_reason = forms.CharField(
        label="Why the award differs from the parents' preference",
        help_text="Needed when the parents or carers prefer another setting.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approver = forms.TypedChoiceField(
        label="Approver",
        help_text="Needed when the award's annual value is above your authority's threshold.",
        required=False,
        coerce=int,
        empty_value=None,
    )
    service_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        approvers: list[User],
        services: list[ResponseService] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.approvers = {u.pk: u for u in approvers}
        self.fields["approver"].choices = [("", "No approver needed")] + [  # type: ignore[attr-defined]
            (u.pk, u.full_name or u.email) for u in approvers
        ]
        if self.is_bound:
            try:
                count = int(self.data.get("service_rows") or 0)
            except ValueError:
                count = 0
            count = max(0, min(count, MAX_SERVICE_ROWS))
        else:
            services = services or []
            count = len(services) + 1
            for index, line in enumerate(services):
                self.initial[f"service_{index}_name"] = line.name
                self.initial[f"service_{index}_unit"] = line.unit
                self.initial[f"service_{index}_rate"] = line.rate
                self.initial[f"service_{index}_quantity"] = line.quantity
            self.initial["service_rows"] = count
        self.service_count = count
        for index in range(count):
            n = index + 1
            self.fields[f"service_{index}_name"] = forms.CharField(
                label=f"Service {n}: name", required=False, max_length=200
            )
            self.fields[f"service_{index}_unit"] = forms.CharField(
                label=f"Service {n}: unit", required=False, max_length=40
            )
            self.fields[f"service_{index}_rate"] = forms.DecimalField(
                label=f"Service {n}: rate (£)",
                required=False,
                max_digits=10,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={"invalid": "Enter the rate in pounds, like 35 or 35.50."},
            )
            self.fields[f"service_{index}_quantity"] = forms.DecimalField(
                label=f"Service {n}: quantity a week",
                required=False,
                max_digits=8,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={"invalid": "Enter the quantity as a number, like 2 or 2.5."},
            )

    def service_rows_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"service_{i}_{part}"] for part in ("name", "unit", "rate", "quantity")]
            for i in range(self.service_count)
        ]

    def services(self) -> list[tuple[int, ServiceLine]]:
        """(row, line) for each row with anything in it; a blank row is ignored."""
        lines = []
        for i in range(self.service_count):
            values = [
                self.cleaned_data.get(f"service_{i}_{p}")
                for p in ("name", "unit", "rate", "quantity")
            ]
            if not any(v not in (None, "") for v in values):
                continue
            name, unit, rate, quantity = values
            # A missing rate or quantity is the service's to refuse, by row and field.
            line = ServiceLine(
                name=name or "",
                unit=unit or "",
                rate=rate,  # type: ignore[arg-type]
                quantity=quantity,  # type: ignore[arg-type]
            )
            lines.append((i, line))
        return lines

    def approver_user(self) -> User | None:
        pk = self.cleaned_data.get("approver")
        return self.approvers.get(pk) if pk else None


class NoSuitableProviderForm(forms.Form):
    reason = forms.CharField(
        label="Why no response is suitable",
        help_text="Every invitee is told these words, so do not name the child.",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": NO_SUITABLE_REASON_MISSING},
    )


class RerunForm(forms.Form):
    route = forms.ChoiceField(
        label="Which route should the new referral take?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ROUTE_MISSING, "invalid_choice": ROUTE_MISSING},
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [c for c in Route.choices if c[0] != current]  # type: ignore[attr-defined]


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you approve this award?",
        choices=[("approve", "Yes, approve it"), ("reject", "No, reject it")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you approve the award.",
            "invalid_choice": "Select whether you approve the award.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Required to reject: the commissioner is told it.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", REJECTION_REASON_MISSING)
        return data


class RiskDocumentsForm(forms.Form):
    inspection_summary = forms.FileField(
        label="The provider's summary of the inspection requirements",
        help_text="PDF, DOCX, PNG or JPEG.",
        error_messages={"required": "Select the inspection summary."},
    )
    action_plan = forms.FileField(
        label="The provider's action plan",
        help_text="PDF, DOCX, PNG or JPEG.",
        error_messages={"required": "Select the action plan."},
    )


class RiskApproachForm(forms.Form):
    risk_approach = forms.CharField(
        label="Risk management approach",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": APPROACH_MISSING},
    )
    quality_visit_planned_on = DateInputField(
        label="Planned quality visit",
        subject="the date of the planned quality visit",
        error_messages={"required": VISIT_MISSING},
    )


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label="I agree the risk management approach, including the planned quality visit",
        error_messages={"required": "Confirm that you agree the risk management approach."},
    )
