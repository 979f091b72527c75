"""The drafting forms of an IPA, one per part of the terms (parties and purposes; provision,
dates and the provider's contact; costs and payments; funding and documents; signatories). Each
reads its initial values from the draft's terms (`initial_from`) and gives the changed terms back
(`apply`); `draft_update` writes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from contracts.terms import (
    CARE_PLAN,
    CHILD_COST_PERIODS,
    FUNDING_STREAMS,
    ChildCost,
    Contact,
    FundingShare,
    PartyDetails,
    Provision,
    Registration,
    ServiceLine,
    Terms,
    funding_problem,
)
from contracts.views.drafting_rows import RowSet, RowsForm
from fps_portal.accounts.models import User
from fps_portal.date_input import DateInputField
from fps_portal.phones import PhoneNumberError, normalise_phone, phone_for_display

PROVIDER_CONTACT = "Provider's contact"


def _text(label: str, *, max_length: int = 200, required: bool = False, **kw: Any) -> forms.Field:
    return forms.CharField(label=label, max_length=max_length, required=required, **kw)


def _area(label: str, *, rows: int = 3, max_length: int = 4000, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


def _decimal(label: str, invalid: str, *, places: int = 2, digits: int = 10) -> forms.Field:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=digits,
        decimal_places=places,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": invalid,
            "min_value": f"{label.split(': ')[-1].capitalize()} must be 0 or more.",
            "max_decimal_places": f"{invalid[:-1]}, with at most {places} decimal places.",
        },
    )


def _registrations_text(party: PartyDetails) -> str:
    return "\n".join(f"{r.label}: {r.number}" for r in party.registrations)


def _registrations(text: str) -> tuple[Registration, ...] | None:
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, colon, number = line.partition(":")
        if not colon or not label.strip() or not number.strip():
            return None
        found.append(Registration(label.strip(), number.strip()))
    return tuple(found)


REGISTRATION_HINT = (
    "One a line, the register then the number, for example: Companies House number: 01234567"
)
REGISTRATION_INVALID = "Write each registration as the register, a colon, then the number."


class PartiesForm(forms.Form):
    authority_legal_name = _text(
        "The authority's legal name",
        required=True,
        error_messages={"required": "Enter the authority's legal name."},
    )
    authority_address = _area("The authority's address", rows=3, max_length=500)
    authority_postcode = _text("The authority's postcode", max_length=10)
    authority_registrations = _area(
        "The authority's registration numbers", help_text=REGISTRATION_HINT, max_length=1000
    )
    provider_legal_name = _text(
        "The provider's legal name",
        required=True,
        error_messages={"required": "Enter the provider's legal name."},
    )
    provider_address = _area("The provider's address", rows=3, max_length=500)
    provider_postcode = _text("The provider's postcode", max_length=10)
    provider_registrations = _area(
        "The provider's registration numbers", help_text=REGISTRATION_HINT, max_length=1000
    )
    purpose_authority = _area("The purposes of the placing authority", rows=5)
    purpose_provider = _area("The purposes of the provider", rows=5)

    @staticmethod
    def initial_from(terms: Terms, **_: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for party in terms.parties:
            out[f"{party.role}_legal_name"] = party.legal_name
            out[f"{party.role}_address"] = party.address
            out[f"{party.role}_postcode"] = party.postcode
            out[f"{party.role}_registrations"] = _registrations_text(party)
        out["purpose_authority"] = terms.purposes.get("authority", "")
        out["purpose_provider"] = terms.purposes.get("provider", "")
        return out

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for role in ("authority", "provider"):
            name = f"{role}_registrations"
            if name in cleaned and _registrations(cleaned[name]) is None:
                self.add_error(name, REGISTRATION_INVALID)
        return cleaned

    def apply(self, terms: Terms) -> Terms:
        data = self.cleaned_data
        parties = {}
        for party in terms.parties:
            parties[party.role] = PartyDetails(
                role=party.role,
                name=party.name,
                legal_name=data[f"{party.role}_legal_name"].strip(),
                address=data[f"{party.role}_address"].strip(),
                postcode=data[f"{party.role}_postcode"].strip().upper(),
                registrations=_registrations(data[f"{party.role}_registrations"]) or (),
            )
        return terms.with_changes(
            authority=parties["authority"],
            provider=parties["provider"],
            purposes={
                **terms.purposes,
                "authority": data["purpose_authority"].strip(),
                "provider": data["purpose_provider"].strip(),
            },
        )


PROVISION_TYPES = (
    ("education", "Education"),
    ("residential_care", "Residential care"),
    ("health_and_therapies", "Health and therapies"),
)


class ProvisionForm(forms.Form):
    types = forms.MultipleChoiceField(
        label="Types of provision",
        choices=PROVISION_TYPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that the placement provides.",
    )
    weeks_per_year = forms.IntegerField(
        label="Weeks of provision a year",
        min_value=1,
        max_value=52,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the weeks of provision a year.",
            "invalid": "Weeks of provision a year must be a whole number, like 38 or 52.",
            "min_value": "Weeks of provision a year must be between 1 and 52.",
            "max_value": "Weeks of provision a year must be between 1 and 52.",
        },
    )
    description = _area("What the provider will deliver", rows=6, max_length=8000)
    start_date = DateInputField(label="Start date", subject="the start date")
    end_date = DateInputField(
        label="End date",
        subject="the end date",
        required=False,
        help_text="Leave it empty for a placement without a planned end.",
    )
    notice_weeks = forms.IntegerField(
        label="Notice period in weeks",
        min_value=0,
        max_value=104,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the notice period in weeks.",
            "invalid": "The notice period must be a whole number of weeks, like 12.",
            "min_value": "The notice period must be between 0 and 104 weeks.",
            "max_value": "The notice period must be between 0 and 104 weeks.",
        },
    )
    contact_name = _text("The provider's key contact: name")
    contact_email = forms.EmailField(
        label="The provider's key contact: email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com."
        },
    )
    contact_phone = _text("The provider's key contact: phone number", max_length=30)

    @staticmethod
    def initial_from(terms: Terms, **_: Any) -> dict[str, Any]:
        contact = next((c for c in terms.contacts if c.role == PROVIDER_CONTACT), None)
        provision = terms.provision
        return {
            "types": [name for name, _ in PROVISION_TYPES if getattr(provision, name)],
            "weeks_per_year": provision.weeks_per_year,
            "description": provision.description,
            "start_date": terms.start_date,
            "end_date": terms.end_date,
            "notice_weeks": terms.notice_weeks,
            "contact_name": contact.name if contact else "",
            "contact_email": contact.email if contact else "",
            "contact_phone": phone_for_display(contact.phone) if contact and contact.phone else "",
        }

    def clean_contact_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data.get("contact_phone", ""))
        except PhoneNumberError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return cleaned

    def apply(self, terms: Terms) -> Terms:
        data = self.cleaned_data
        chosen = set(data["types"])
        contact = Contact(
            PROVIDER_CONTACT,
            data["contact_name"].strip(),
            data["contact_email"].strip(),
            data["contact_phone"],
        )
        contacts = tuple(contact if c.role == PROVIDER_CONTACT else c for c in terms.contacts)
        if all(c.role != PROVIDER_CONTACT for c in terms.contacts):
            contacts = (*contacts, contact)
        return terms.with_changes(
            provision=Provision(
                education="education" in chosen,
                residential_care="residential_care" in chosen,
                health_and_therapies="health_and_therapies" in chosen,
                weeks_per_year=data["weeks_per_year"],
                setting_name=terms.provision.setting_name,
                setting_urn=terms.provision.setting_urn,
                description=data["description"].strip(),
            ),
            start_date=data["start_date"],
            end_date=data["end_date"],
            notice_weeks=data["notice_weeks"],
            contacts=contacts,
        )


SERVICES = RowSet(
    "service",
    "service",
    (
        ("name", "the name", lambda p: _text(f"{p}name")),
        ("unit", "the unit", lambda p: _text(f"{p}unit", max_length=40)),
        ("rate", "the rate", lambda p: _decimal(f"{p}rate (£)", "Enter the rate in pounds.")),
        (
            "quantity",
            "the quantity a week",
            lambda p: _decimal(f"{p}quantity a week", "Enter the quantity a week as a number."),
        ),
    ),
)
CHILD_COSTS = RowSet(
    "cost",
    "cost for the child",
    (
        ("item", "what the cost is", lambda p: _text(f"{p}item")),
        ("amount", "the amount", lambda p: _decimal(f"{p}amount (£)", "Enter the amount.")),
        (
            "period",
            "how often it is paid",
            lambda p: forms.ChoiceField(
                label=f"{p}how often",
                required=False,
                choices=[("", "Choose"), *list(CHILD_COST_PERIODS.items())],
            ),
        ),
        ("paid_by", "who pays it", lambda p: _text(f"{p}paid by")),
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
    payment_terms = _area("Payment terms", rows=4)
    invoicing = _area("Invoicing", rows=3, help_text="Where and how the provider sends invoices.")

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
        ("funder", "the funder", lambda p: _text(f"{p}funder")),
        (
            "percent",
            "the percentage",
            lambda p: _decimal(f"{p}percentage", "Enter the percentage as a number.", digits=5),
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


class SignatoriesForm(forms.Form):
    authority_signatory = forms.TypedChoiceField(
        label="Who signs for the authority",
        help_text="Only this person can countersign the agreement.",
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who signs for the authority."},
    )
    authority_position = _text(
        "The position the authority's signatory signs in", help_text="For example, Head of SEND."
    )
    provider_name = _text("The provider's signatory: full name")
    provider_position = _text(
        "The position the provider's signatory signs in", help_text="For example, Headteacher."
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority_signatory"].choices = [  # type: ignore[attr-defined]
            (u.pk, u.full_name or u.email) for u in candidates
        ]

    @staticmethod
    def initial_from(terms: Terms, *, signatory_id: int | None = None, **_: Any) -> dict[str, Any]:
        authority = terms.signatory("authority")
        provider = terms.signatory("provider")
        return {
            "authority_signatory": signatory_id,
            "authority_position": authority.position if authority else "",
            "provider_name": provider.name if provider else "",
            "provider_position": provider.position if provider else "",
        }
