"""Forms of the variation pages. They read the boxes; the services say what is wrong (their
messages go on the fields), so a page and the API answer bad input alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from contracts.services.variations import (
    EFFECTIVE_MISSING,
    END_DATE_MISSING,
    REASON_MISSING,
    SUMMARY_MISSING,
)
from contracts.terms import FUNDING_STREAMS, FundingShare, ServiceLine, Terms
from fps_portal.date_input import DateInputField
from fps_portal.web.reasons import reason_field

SERVICE_ROWS = 6
PROVISION_TYPES = [
    ("education", "Education"),
    ("residential_care", "Residential care"),
    ("health_and_therapies", "Health and therapies"),
]
#: Where a service's message about a part of the terms goes on this form.
FIELD_FOR = {
    "provision": "types",
    "services": "service_0_name",
    "funding": "funding_education_funder",
}
MONEY_INVALID = "Enter an amount in pounds, like 3250 or 3250.50."
PERCENT_INVALID = "Enter the percentage as a number, like 3.5."


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": MONEY_INVALID,
            "max_digits": MONEY_INVALID,
            "max_decimal_places": MONEY_INVALID,
            "max_whole_digits": MONEY_INVALID,
        },
        **kwargs,
    )


def _effective_field() -> DateInputField:
    return DateInputField(
        label="Date it takes effect",
        subject="the date the variation takes effect",
        help_text="For example, 1 4 2027",
        error_messages={"required": EFFECTIVE_MISSING},
    )


def _reason() -> forms.CharField:
    return reason_field(
        "Reason for the variation",
        required=REASON_MISSING,
        max_length=4000,
        help_text="Both parties read this, and it is kept with the version of the agreement.",
    )


class UpliftForm(forms.Form):
    percent = forms.DecimalField(
        label="Uplift as a percentage",
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text="More than 0 and no more than 50. Leave empty if you give a new weekly fee.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": PERCENT_INVALID,
            "max_digits": PERCENT_INVALID,
            "max_decimal_places": PERCENT_INVALID,
            "max_whole_digits": PERCENT_INVALID,
        },
    )
    new_weekly_fee = _money(
        "Or a new weekly core fee",
        help_text="In pounds. Leave empty if you give a percentage.",
    )
    effective_from = _effective_field()
    reason = _reason()


class EndDateForm(forms.Form):
    new_end_date = DateInputField(
        label="New end date",
        subject="the new end date",
        help_text="For example, 31 7 2029",
        error_messages={"required": END_DATE_MISSING},
    )
    reason = _reason()


class ProvisionForm(forms.Form):
    """The provision as it will be: the types, weeks and words, each additional service (a row
    left empty is dropped; emptying a row removes the service), and who pays."""

    types = forms.MultipleChoiceField(
        label="Types of provision",
        choices=PROVISION_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weeks_per_year = forms.IntegerField(
        label="Weeks of provision a year",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the weeks of provision a year.",
            "invalid": "Weeks per year must be a whole number between 1 and 52.",
        },
    )
    description = forms.CharField(
        label="What the provider will deliver",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        error_messages={"required": "Enter what the provider will deliver for the child."},
    )
    summary = forms.CharField(
        label="What changes",
        help_text="In a sentence or two, for the variation record: the services added, "
        "removed or changed.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": SUMMARY_MISSING},
    )
    effective_from = _effective_field()
    reason = _reason()

    def __init__(self, *args: Any, terms: Terms, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        provision = terms.provision
        initial.setdefault(
            "types", [name for name, _ in PROVISION_TYPES if getattr(provision, name)]
        )
        initial.setdefault("weeks_per_year", provision.weeks_per_year)
        initial.setdefault("description", provision.description)
        super().__init__(*args, **kwargs)
        lines = list(terms.services)
        for i in range(max(SERVICE_ROWS, len(lines) + 2)):
            line = lines[i] if i < len(lines) else None
            n = i + 1
            self.fields[f"service_{i}_name"] = forms.CharField(
                label=f"Service {n}: name", required=False, max_length=200
            )
            self.fields[f"service_{i}_unit"] = forms.CharField(
                label=f"Service {n}: unit", required=False, max_length=40
            )
            self.fields[f"service_{i}_rate"] = _money(f"Service {n}: rate per unit")
            self.fields[f"service_{i}_quantity"] = forms.DecimalField(
                label=f"Service {n}: units a week",
                required=False,
                max_digits=8,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={"invalid": "Enter the units a week as a number, like 2 or 1.5."},
            )
            if line is not None and not self.is_bound:
                self.initial.update(
                    {
                        f"service_{i}_name": line.name,
                        f"service_{i}_unit": line.unit,
                        f"service_{i}_rate": line.rate,
                        f"service_{i}_quantity": line.quantity,
                    }
                )
        self.service_count = max(SERVICE_ROWS, len(lines) + 2)
        shares = {share.stream: share for share in terms.funding}
        for stream, label in FUNDING_STREAMS.items():
            share = shares.get(stream)
            self.fields[f"funding_{stream}_funder"] = forms.CharField(
                label=f"{label}: funder", required=False, max_length=200
            )
            self.fields[f"funding_{stream}_percent"] = forms.DecimalField(
                label=f"{label}: share (%)",
                required=False,
                max_digits=5,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={"invalid": PERCENT_INVALID},
            )
            if share is not None and not self.is_bound:
                self.initial[f"funding_{stream}_funder"] = share.funder
                self.initial[f"funding_{stream}_percent"] = share.percent

    def service_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"service_{i}_{part}"] for part in ("name", "unit", "rate", "quantity")]
            for i in range(self.service_count)
        ]

    def funding_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"funding_{stream}_funder"], self[f"funding_{stream}_percent"]]
            for stream in FUNDING_STREAMS
        ]

    def services(self) -> tuple[ServiceLine, ...]:
        data = self.cleaned_data
        lines = []
        for i in range(self.service_count):
            name = (data.get(f"service_{i}_name") or "").strip()
            unit = (data.get(f"service_{i}_unit") or "").strip()
            rate = data.get(f"service_{i}_rate")
            quantity = data.get(f"service_{i}_quantity")
            if not (name or unit or rate is not None or quantity is not None):
                continue
            lines.append(
                ServiceLine(
                    name, unit, rate if rate is not None else Decimal("0"), quantity or Decimal(0)
                )
            )
        return tuple(lines)

    def funding(self) -> tuple[FundingShare, ...]:
        data = self.cleaned_data
        shares = []
        for stream in FUNDING_STREAMS:
            funder = (data.get(f"funding_{stream}_funder") or "").strip()
            percent = data.get(f"funding_{stream}_percent")
            if funder or percent is not None:
                shares.append(FundingShare(stream, funder, percent or Decimal("0")))
        return tuple(shares)


class VariationReasonForm(forms.Form):
    """Why a variation is refused or withdrawn (the service says when it is missing, after it
    has checked who may)."""

    reason = reason_field("Reason", max_length=4000)

    def __init__(self, *args: Any, label: str, required: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required
