"""A named cast for the referral tests: Sefton places a child; provider M is an active member
with an approved setting on the lot; provider S is suspended (never invited); provider U's offer
on the lot was never approved (never invited); Knowsley is another authority."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, SeniorPosition, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Lot, MembershipState, Setting
from referrals.models import (
    Child,
    CriterionCategory,
    CriterionKind,
    PriceScoring,
    Referral,
    Route,
)
from referrals.services.referral_criteria import CriterionInput, criteria_replace, scale_set
from referrals.services.referrals import ReferralInput, referral_create
from tests.factories import authority, person
from tests.providers.factories import FpsMembershipFactory, LotFactory, SettingLotFactory
from tests.referrals.factories import ChildFactory


def actor(user: User) -> Actor:
    found = actor_for_user(user)
    assert found is not None
    return found


def senior(organisation: Organisation, position: str) -> User:
    user = person(Role.SENIOR_MANAGER, organisation)
    user.memberships.update(senior_position=position)
    return user


@dataclass
class Cast:
    sefton: Organisation
    commissioner: User  # Sefton's placements officer
    director: User  # Sefton's Director of Children's Services: authorises
    csw_manager: User  # Sefton's CSW service manager: a senior manager who may not authorise
    other_commissioner: User  # Knowsley's
    lot: Lot
    member: Organisation  # provider M, active, approved on the lot
    member_user: User
    member_setting: Setting
    suspended: Organisation  # provider S
    unapproved: Organisation  # provider U
    child: Child


def build_cast() -> Cast:
    sefton = authority("Sefton")
    lot = LotFactory()
    offer = SettingLotFactory(lot=lot, weekly_price=Decimal("3100.00"))
    member = offer.setting.provider
    FpsMembershipFactory(provider=member, purchasing_system=lot.purchasing_system)
    suspended_offer = SettingLotFactory(lot=lot)
    FpsMembershipFactory(
        provider=suspended_offer.setting.provider,
        purchasing_system=lot.purchasing_system,
        state=MembershipState.SUSPENDED,
    )
    unapproved_offer = SettingLotFactory(lot=lot, approved_at=None)
    FpsMembershipFactory(
        provider=unapproved_offer.setting.provider, purchasing_system=lot.purchasing_system
    )
    return Cast(
        sefton=sefton,
        commissioner=person(Role.COMMISSIONER, sefton),
        director=senior(sefton, SeniorPosition.DCS),
        csw_manager=senior(sefton, SeniorPosition.CSW_SERVICE_MANAGER),
        other_commissioner=person(Role.COMMISSIONER, authority("Knowsley")),
        lot=lot,
        member=member,
        member_user=person(Role.PROVIDER_USER, member),
        member_setting=offer.setting,
        suspended=suspended_offer.setting.provider,
        unapproved=unapproved_offer.setting.provider,
        child=ChildFactory(
            authority=sefton,
            date_of_birth=datetime.date(2013, 12, 31),
            home_postcode="L20 3NJ",
        ),
    )


def details(cast: Cast, **changes: object) -> ReferralInput:
    values: dict[str, object] = {
        "child_id": cast.child.pk,
        "route": Route.OPEN_COMPETITION,
        "lot_id": cast.lot.pk,
        "start_date": timezone.localdate() + datetime.timedelta(days=30),
        "primary_need_code": "ASD",
        "outcomes_sought": "Attend full time; make two friends.",
        "provider_summary": "Finds large groups hard; thrives with routine.",
        "referrer_name": "Rita Referrer",
        "referrer_email": "rita.referrer@sefton.example",
    }
    values.update(changes)
    return ReferralInput(**values)  # type: ignore[arg-type]


def ready_referral(cast: Cast, **changes: object) -> Referral:
    """A draft with everything a provider needs: criteria totalling 100 and a described scale."""
    by = actor(cast.commissioner)
    referral = referral_create(actor=by, data=details(cast, **changes))
    criteria_replace(
        actor=by,
        referral=referral,
        criteria=[
            CriterionInput(CriterionKind.PASS_FAIL, CriterionCategory.QUALITY, "Good or better"),
            CriterionInput(CriterionKind.SCORED, CriterionCategory.BEST_MATCH, "Match", weight=70),
            CriterionInput(CriterionKind.SCORED, CriterionCategory.PRICE, "Price", weight=30),
        ],
    )
    scale_set(
        actor=by,
        referral=referral,
        scale_max=3,
        price_scoring=PriceScoring.FORMULA,
        descriptors={0: "Not met", 1: "Partly", 2: "Met", 3: "Exceeded"},
    )
    referral.refresh_from_db()
    return referral
