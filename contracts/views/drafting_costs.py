"""The drafting forms with rows: costs and payments (additional services, costs for the child)
and funding (who pays what, adding up to 100%) with the contract documents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from contracts.terms import (
    CARE_PLAN,
    CHILD_COST_PERIODS,
    FUNDING_STREAMS,
    ChildCost,
    FundingShare,
    ServiceLine,
    Terms,
    funding_problem,
)
from contracts.views.drafting_fields import amount_field, area_field, text_field
from contracts.views.drafting_rows import RowSet, RowsForm

SERVICES = RowSet(
    "service",
    "service",
    (
        ("name", "the name", lambda p: text_field(f"{p}name")),
        ("unit", "the unit", lambda p: text_field(f"{p}unit", max_length=40)),
        ("rate", "the rate", lambda p: amount_field(f"{p}rate (£)", "Enter the rate in pounds.")),
        (
            "quantity",
            "the quantity a week",
            lambda p: amount_field(f"{p}quantity a week", "Enter the quantity a week as a number."),
        ),
    ),
)
CHILD_COSTS = RowSet(
    "cost",
    "cost for the child",
    (
        ("item", "what the cost is", lambda p: text_field(f"{p}item")),
        ("amount", "the amount", lambda p: amount_field(f"{p}amount (£)", "Enter the amount.")),
        (
            "period",
            "how often it is paid",
            lambda p: forms.ChoiceField(
                label=f"{p}how often",
                required=False,
                choices=[("", "Choose"), *list(CHILD_COST_PERIODS.items())],
            ),
        ),
        ("paid_by", "who pays it", lambda p: text_field(f"{p}paid by")),
    ),
)


class CostsForm(RowsForm):
    row_sets = (SERVICES, CHILD_COSTS)
    core_weekly_fee = forms.DecimalField(
        label="Agreed weekly core fee (£)",
        help_text="The price agreed at award (the negotiated price, not necessarily the bid).",
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the agreed weekly core fee.",
            "invalid": "Enter the weekly core fee in pounds, like 3250 or 3250.50.",
            "min_value": "The weekly core fee must be more than £0.",
            "max_decimal_places": "Enter the weekly core fee in pounds and pence.",
        },
    )
    payment_terms = area_field("Payment terms", rows=4)
    invoicing = area_field(
        "Invoicing", rows=3, help_text="Where and how the provider sends invoices."
    )

    @staticmethod
    def initial_from(terms: Terms, **_: Any) -> dict[str, Any]:
        return {
            "core_weekly_fee": terms.core_weekly_fee,
            "payment_terms": terms.payment_terms,
            "invoicing": terms.invoicing,
        }

    @staticmethod
    def rows_from(terms: Terms) -> dict[str, list[dict[str, Any]]]:
        return {
            "service": [
                {"name": s.name, "unit": s.unit, "rate": s.rate, "quantity": s.quantity}
                for s in terms.services
            ],
            "cost": [
                {"item": c.item, "amount": c.amount, "period": c.period, "paid_by": c.paid_by}
                for c in terms.child_costs
            ],
        }

    def apply(self, terms: Terms) -> Terms:
        data = self.cleaned_data
        return terms.with_changes(
            core_weekly_fee=data["core_weekly_fee"],
            services=tuple(
                ServiceLine(r["name"].strip(), r["unit"].strip(), r["rate"], r["quantity"])
                for r in self.rows_of("service")
            ),
            payment_terms=data["payment_terms"].strip(),
            invoicing=data["invoicing"].strip(),
            child_costs=tuple(
                ChildCost(r["item"].strip(), r["amount"], r["period"], r["paid_by"].strip())
                for r in self.rows_of("cost")
            ),
        )


FUNDING = RowSet(
    "share",
    "funding share",
    (
        (
            "stream",
            "the stream",
            lambda p: forms.ChoiceField(
                label=f"{p}stream",
                required=False,
                choices=[("", "Choose"), *list(FUNDING_STREAMS.items())],
            ),
        ),
        ("funder", "the funder", lambda p: text_field(f"{p}funder")),
        (
            "percent",
            "the percentage",
            lambda p: amount_field(f"{p}percentage", "Enter the percentage as a number.", digits=5),
        ),
    ),
)


class FundingForm(RowsForm):
    row_sets = (FUNDING,)
    care_plan = forms.BooleanField(
        label="The care plan is one of the contract documents",
        required=False,
        help_text="For a looked-after child or young person with a care plan.",
    )

    @staticmethod
    def initial_from(terms: Terms, **_: Any) -> dict[str, Any]:
        return {"care_plan": CARE_PLAN in terms.documents}

    @staticmethod
    def rows_from(terms: Terms) -> dict[str, list[dict[str, Any]]]:
        return {
            "share": [
                {"stream": f.stream, "funder": f.funder, "percent": f.percent}
                for f in terms.funding
            ]
        }

    def shares(self) -> tuple[FundingShare, ...]:
        return tuple(
            FundingShare(r["stream"], r["funder"].strip(), r["percent"])
            for r in self.rows_of("share")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            problem = funding_problem(self.shares())
            if problem:
                self.add_error("share_0_percent" if self.row_counts["share"] else None, problem)
        return cleaned

    def apply(self, terms: Terms) -> Terms:
        documents = tuple(d for d in terms.documents if d != CARE_PLAN)
        if self.cleaned_data["care_plan"]:
            documents = (*documents, CARE_PLAN)
        return terms.with_changes(funding=self.shares(), documents=documents)
