"""The drafting forms of an IPA, one per part of the terms (parties and purposes; provision,
dates and the provider's contact; costs and payments; funding and documents; signatories). Each
reads its initial values from the draft's terms (`initial_from`) and gives the changed terms back
(`apply`); `draft_update` writes them."""

from __future__ import annotations

from typing import Any

from django import forms

from contracts.terms import (
    Contact,
    PartyDetails,
    Provision,
    Registration,
    Terms,
)
from contracts.views.drafting_fields import area_field, text_field
from fps_portal.accounts.models import User
from fps_portal.date_input import DateInputField
from fps_portal.phones import PhoneNumberError, normalise_phone, phone_for_display

PROVIDER_CONTACT = "Provider's contact"


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
    authority_legal_name = text_field(
        "The authority's legal name",
        required=True,
        error_messages={"required": "Enter the authority's legal name."},
    )
    authority_address = area_field("The authority's address", rows=3, max_length=500)
    authority_postcode = text_field("The authority's postcode", max_length=10)
    authority_registrations = area_field(
        "The authority's registration numbers", help_text=REGISTRATION_HINT, max_length=1000
    )
    provider_legal_name = text_field(
        "The provider's legal name",
        required=True,
        error_messages={"required": "Enter the provider's legal name."},
    )
    provider_address = area_field("The provider's address", rows=3, max_length=500)
    provider_postcode = text_field("The provider's postcode", max_length=10)
    provider_registrations = area_field(
        "The provider's registration numbers", help_text=REGISTRATION_HINT, max_length=1000
    )
    purpose_authority = area_field("The purposes of the placing authority", rows=5)
    purpose_provider = area_field("The purposes of the provider", rows=5)

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
    description = area_field("What the provider will deliver", rows=6, max_length=8000)
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
    contact_name = text_field("The provider's key contact: name")
    contact_email = forms.EmailField(
        label="The provider's key contact: email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com."
        },
    )
    contact_phone = text_field("The provider's key contact: phone number", max_length=30)

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


class SignatoriesForm(forms.Form):
    authority_signatory = forms.TypedChoiceField(
        label="Who signs for the authority",
        help_text="Only this person can countersign the agreement.",
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who signs for the authority."},
    )
    authority_position = text_field(
        "The position the authority's signatory signs in", help_text="For example, Head of SEND."
    )
    provider_name = text_field("The provider's signatory: full name")
    provider_position = text_field(
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
