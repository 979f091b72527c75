"""The terms of a large-set agreement (`contracts.terms.Terms`, every item of seed 001 §3.11), made
from the award and its organisations already read, with no query per agreement: the same
document the services draw up (`contracts.services.draft_terms.initial_terms`), completed as a
commissioner completes it (legal names and addresses, contacts, signatories)."""

from __future__ import annotations

from decimal import Decimal

from contracts.services.draft_terms import DEFAULT_NOTICE_WEEKS, party
from contracts.terms import (
    CARE_PLAN,
    DEFAULT_PAYMENT_TERMS,
    DEFAULT_PURPOSES,
    STANDARD_DOCUMENTS,
    Contact,
    FundingShare,
    PartyDetails,
    Provision,
    Signatory,
    Terms,
)
from fps_portal.accounts.models import Organisation
from referrals.models import Award, Route
from referrals.models.child import LOOKED_AFTER


def _completed(details: PartyDetails, fallback_address: str) -> PartyDetails:
    """The legal name and address the commissioner fills in where the organisation has none."""
    return PartyDetails(
        details.role,
        details.name,
        details.legal_name or details.name,
        details.address or fallback_address,
        details.postcode,
        details.registrations,
    )


class TermsMaker:
    """`maker(award, order_number)`: the completed terms of the award's agreement; each party's
    details are worked out once per organisation."""

    def __init__(self, organisations: dict[int, Organisation]) -> None:
        self.organisations = organisations
        self.parties: dict[int, PartyDetails] = {}

    def _party(self, organisation_id: int | None, role: str, name: str) -> PartyDetails:
        if organisation_id is None:
            return PartyDetails(role, name, name, f"{name}, address on the Order", "")
        if organisation_id not in self.parties:
            organisation = self.organisations[organisation_id]
            self.parties[organisation_id] = _completed(
                party(organisation, role=role), f"{organisation.name}, North West England"
            )
        return self.parties[organisation_id]

    def __call__(self, award: Award, order_number: str) -> Terms:
        referral = award.referral
        child, lot, setting = referral.child, referral.lot, award.setting
        authority = self._party(referral.authority_id, "authority", referral.authority.name)
        provider = self._party(award.provider_id, "provider", "Spot purchase provider")
        setting_name = setting.name if setting is not None else f"{provider.name} (spot purchase)"
        looked_after = child is not None and child.legal_status in LOOKED_AFTER
        contacts = [Contact("Provider's contact", "Placements Manager", "office@provider.example")]
        if child is not None:
            contacts.insert(
                0, Contact("SEND caseworker", child.caseworker_name, child.caseworker_email)
            )
            if looked_after:
                contacts += [
                    Contact("Social worker", child.social_worker_name, child.social_worker_email),
                    Contact("Independent Reviewing Officer", child.iro_name, child.iro_email),
                ]
        return Terms(
            order_number=order_number,
            reference=f"{order_number}-IPA",
            under_fps_agreement=referral.route != Route.SPOT_PURCHASE,
            route=referral.get_route_display(),
            child_name=f"{child.given_name} {child.family_name}" if child else "",
            child_date_of_birth=child.date_of_birth.isoformat() if child else "",
            case_number=child.case_number if child else "",
            places=referral.places,
            authority=authority,
            provider=provider,
            provision=Provision(
                education=True,
                residential_care=lot.is_residential,
                health_and_therapies=False,
                weeks_per_year=award.weeks_per_year,
                setting_name=setting_name,
                setting_urn=(setting.urn or "") if setting is not None else "",
                description=referral.outcomes_sought or "The provision in the EHC plan.",
            ),
            purposes=dict(DEFAULT_PURPOSES),
            start_date=award.start_date,
            end_date=award.end_date,
            notice_weeks=DEFAULT_NOTICE_WEEKS,
            contacts=tuple(contacts),
            core_weekly_fee=award.agreed_weekly_price,
            services=(),
            payment_terms=DEFAULT_PAYMENT_TERMS,
            invoicing=f"Invoices to {authority.name} quoting the Order number.",
            child_costs=(),
            funding=(FundingShare("education", f"{authority.name} (education)", Decimal("100")),),
            documents=STANDARD_DOCUMENTS + ((CARE_PLAN,) if looked_after else ()),
            signatories=(
                Signatory("authority", f"Head of Service, {authority.name}", "Head of Service"),
                Signatory("provider", f"Business Manager, {provider.name}", "Business Manager"),
            ),
        )
