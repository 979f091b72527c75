"""The first draft of an IPA's terms, from the award, the referral, the child's record and the two
organisations, so the commissioner completes rather than retypes it. The agreed price is the
award's negotiated one, not the bid (B11)."""

from __future__ import annotations

from decimal import Decimal

from contracts.models import Agreement, Order
from contracts.terms import (
    CARE_PLAN,
    DEFAULT_PAYMENT_TERMS,
    DEFAULT_PURPOSES,
    STANDARD_DOCUMENTS,
    Contact,
    FundingShare,
    PartyDetails,
    Provision,
    Registration,
    ServiceLine,
    Signatory,
    Terms,
)
from fps_portal.accounts.models import Organisation
from fps_portal.scoping import dangerously_unscoped
from referrals.models import Award, AwardService, Child, ParentCarer
from referrals.models.child import LOOKED_AFTER

DEFAULT_NOTICE_WEEKS = 12


def party(organisation: Organisation | None, *, role: str, fallback_name: str = "") -> PartyDetails:
    if organisation is None:
        return PartyDetails(role=role, name=fallback_name, legal_name="", address="", postcode="")
    registrations = tuple(
        Registration(label, number)
        for label, number in (
            ("Companies House number", organisation.companies_house_number),
            ("Charity number", organisation.charity_number),
            ("ONS code", organisation.ons_code),
        )
        if number
    )
    return PartyDetails(
        role=role,
        name=organisation.name,
        legal_name=organisation.legal_name or organisation.name,
        address=organisation.address,
        postcode=organisation.postcode,
        registrations=registrations,
    )


def _contacts(child: Child | None, provider: Organisation | None) -> tuple[Contact, ...]:
    contacts: list[Contact] = []
    if child is not None:
        contacts.append(Contact("SEND caseworker", child.caseworker_name, child.caseworker_email))
    contacts.append(
        Contact(
            "Provider's contact",
            "",
            provider.contact_email if provider else "",
            provider.contact_phone if provider else "",
        )
    )
    if child is not None:
        for carer in dangerously_unscoped(ParentCarer).filter(child=child).order_by("id"):
            contacts.append(
                Contact(
                    f"Parent or carer ({carer.relationship})", carer.name, carer.email, carer.phone
                )
            )
        if child.social_worker_name:
            contacts.append(
                Contact("Social worker", child.social_worker_name, child.social_worker_email)
            )
        if child.iro_name:
            contacts.append(
                Contact("Independent Reviewing Officer", child.iro_name, child.iro_email)
            )
    return tuple(contacts)


def _invoicing(authority: Organisation) -> str:
    if authority.contact_email:
        return (
            f"Invoices to {authority.name} by e-mail to {authority.contact_email}, quoting the "
            "Order number."
        )
    return ""


def _what_is_delivered(award: Award) -> str:
    """The provider's own account of how it meets the needs (its response), else the outcomes
    the authority sought: the commissioner edits it before issue."""
    response = award.response
    promised = response.how_needs_met.strip() if response is not None else ""
    return promised or award.referral.outcomes_sought


def initial_terms(*, order: Order, agreement: Agreement, award: Award) -> Terms:
    referral = award.referral
    child = agreement.child
    lot = referral.lot
    looked_after = child is not None and child.legal_status in LOOKED_AFTER
    documents = STANDARD_DOCUMENTS + ((CARE_PLAN,) if looked_after else ())
    authority = party(referral.authority, role="authority")
    services = tuple(
        ServiceLine(line.name, line.unit, line.rate, line.quantity)
        for line in dangerously_unscoped(AwardService).filter(award=award).order_by("id")
    )
    setting = award.setting
    return Terms(
        order_number=order.number,
        reference=agreement.reference,
        under_fps_agreement=order.under_fps_agreement,
        route=referral.get_route_display(),
        child_name=f"{child.given_name} {child.family_name}" if child else "",
        child_date_of_birth=child.date_of_birth.isoformat() if child else "",
        case_number=child.case_number if child else "",
        places=order.places,
        authority=authority,
        provider=party(award.provider, role="provider", fallback_name=order.provider_name),
        provision=Provision(
            education=True,
            residential_care=lot.is_residential,
            health_and_therapies=bool(services),
            weeks_per_year=award.weeks_per_year,
            setting_name=order.setting_name,
            setting_urn=(setting.urn or "") if setting else "",
            description=_what_is_delivered(award),
        ),
        purposes=dict(DEFAULT_PURPOSES),
        start_date=award.start_date,
        end_date=award.end_date,
        notice_weeks=DEFAULT_NOTICE_WEEKS,
        contacts=_contacts(child, award.provider),
        core_weekly_fee=award.agreed_weekly_price,
        services=services,
        payment_terms=DEFAULT_PAYMENT_TERMS,
        invoicing=_invoicing(referral.authority),
        child_costs=(),
        funding=(
            FundingShare("education", f"{referral.authority.name} (education)", Decimal("100")),
        ),
        documents=documents,
        signatories=(
            Signatory("authority", "", ""),
            Signatory("provider", "", ""),
        ),
    )
