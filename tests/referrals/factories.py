"""Factories for children, referrals, invitations, responses and awards (rows, not services:
each service's own tests go through the service)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, User
from providers.models import Lot, PrimaryNeed, Setting
from referrals.models import (
    Award,
    AwardState,
    Child,
    ChildGender,
    Criterion,
    CriterionKind,
    Invitation,
    LegalStatus,
    Referral,
    ReferralState,
    Response,
    ResponseState,
    Route,
)
from tests.factories import ProviderOrganisationFactory, authority, person
from tests.providers.factories import FpsMembershipFactory, LotFactory, SettingLotFactory


def primary_need(code: str = "ASD") -> PrimaryNeed:
    """One of the primary needs loaded by migration."""
    return PrimaryNeed.objects.get(code=code)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    authority = factory.LazyFunction(lambda: authority("Sefton"))
    # Distinctive names, so a privacy test can look for them in everything a role reaches.
    given_name = factory.Sequence(lambda n: f"Zephyrine{n}")
    family_name = factory.Sequence(lambda n: f"Quillfeather{n}")
    date_of_birth = datetime.date(2014, 3, 17)
    case_number = factory.Sequence(lambda n: f"ICS-77{n:05d}")
    gender = ChildGender.FEMALE
    legal_status = LegalStatus.EHCP_ONLY
    caseworker_name = "Casey Worker"
    caseworker_email = "casey.worker@sefton.example"
    primary_need = factory.LazyFunction(primary_need)
    home_postcode = "L20 3NJ"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A draft open competition for one child on a new lot."""

    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    authority = factory.SelfAttribute("child.authority")
    lot = factory.SubFactory(LotFactory)
    purchasing_system = factory.SelfAttribute("lot.purchasing_system")
    reference = factory.Sequence(lambda n: f"SEF-2026-{n:04d}")
    route = Route.OPEN_COMPETITION
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    primary_need = factory.SelfAttribute("child.primary_need")
    provider_summary = "A girl of 12 with autism who finds large groups hard."


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    referral = factory.SubFactory(ReferralFactory)
    kind = CriterionKind.SCORED
    category = "best_match"
    title = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 100


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    referral = factory.SubFactory(ReferralFactory)
    provider = factory.SubFactory(ProviderOrganisationFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    invitation = factory.SubFactory(InvitationFactory)
    setting = factory.LazyAttribute(
        lambda o: (
            SettingLotFactory(
                setting__provider=o.invitation.provider, lot=o.invitation.referral.lot
            ).setting
        )
    )
    weekly_price = Decimal("3250.00")
    indicative_price = Decimal("3250.00")
    proposed_start_date = factory.LazyAttribute(lambda o: o.invitation.referral.start_date)
    how_needs_met = "Small classes, a speech and language therapist on site."
    how_outcomes_met = "Termly reviews against each outcome."
    inspection_judgement = "Good"
    inspection_date = datetime.date(2024, 5, 1)
    inspection_confirmed = True


class SubmittedResponseFactory(ResponseFactory):
    state = ResponseState.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    response = factory.SubFactory(SubmittedResponseFactory)
    referral = factory.SelfAttribute("response.invitation.referral")
    provider = factory.SelfAttribute("response.invitation.provider")
    setting = factory.SelfAttribute("response.setting")
    state = AwardState.COMPLETE
    reasons = "The best match for her needs, close to home."
    agreed_weekly_price = Decimal("3250.00")
    start_date = factory.SelfAttribute("referral.start_date")
    completed_at = factory.LazyFunction(timezone.now)


@dataclass
class Competition:
    """An open competition, published, with one invited member provider."""

    commissioner: User
    authority: Organisation
    child: Child
    referral: Referral
    lot: Lot
    provider: Organisation
    provider_user: User
    setting: Setting
    invitation: Invitation


def published_competition(**referral_fields: object) -> Competition:
    """A published open competition as rows: a member provider with an approved price on the
    lot, a Sefton child, the referral open until a week from now, and its invitation."""
    sefton = authority("Sefton")
    commissioner = person(Role.COMMISSIONER, sefton)
    offer = SettingLotFactory(weekly_price=Decimal("3250.00"))
    provider = offer.setting.provider
    FpsMembershipFactory(provider=provider, purchasing_system=offer.lot.purchasing_system)
    referral = ReferralFactory(
        child__authority=sefton,
        lot=offer.lot,
        state=ReferralState.OPEN,
        published_at=timezone.now(),
        response_deadline=timezone.now() + datetime.timedelta(days=7),
        shown_age_years=12,
        shown_gender=ChildGender.FEMALE,
        shown_postcode_district="L20",
        created_by=commissioner,
        **referral_fields,
    )
    CriterionFactory(referral=referral)
    invitation = InvitationFactory(referral=referral, provider=provider)
    return Competition(
        commissioner=commissioner,
        authority=sefton,
        child=referral.child,
        referral=referral,
        lot=offer.lot,
        provider=provider,
        provider_user=person(Role.PROVIDER_USER, provider),
        setting=offer.setting,
        invitation=invitation,
    )
