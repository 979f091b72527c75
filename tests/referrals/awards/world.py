"""A closed competition ready to evaluate, as rows (the provider side is written elsewhere):
two member providers each with a submitted response, a pass/fail criterion and two scored
criteria (best match 60, price 40 by formula), the child's parent preferring provider B's
setting, and the authority's people by role and senior post."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, SeniorPosition, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import Setting, SettingLot
from referrals.models import (
    AuthorityPlacementRules,
    Award,
    Criterion,
    CriterionCategory,
    CriterionKind,
    Invitation,
    ParentCarer,
    Referral,
    ReferralState,
    Response,
    ResponseService,
)
from tests.factories import MembershipFactory, UserFactory, person
from tests.providers.factories import FpsMembershipFactory, SettingLotFactory
from tests.referrals.factories import (
    CriterionFactory,
    InvitationFactory,
    SubmittedResponseFactory,
    published_competition,
)


def senior(authority: Organisation, position: str) -> User:
    user = UserFactory()
    MembershipFactory(
        user=user, organisation=authority, role=Role.SENIOR_MANAGER, senior_position=position
    )
    return user


def as_actor(user: User) -> Actor:
    actor = actor_for_user(user)
    assert actor is not None
    return actor


@dataclass
class Evaluation:
    commissioner: User
    authority: Organisation
    referral: Referral
    safeguarding: Criterion  # pass/fail
    best_match: Criterion  # scored, weight 60
    price: Criterion  # scored by formula, weight 40
    provider_a: Organisation
    provider_a_user: User
    setting_a: Setting
    invitation_a: Invitation
    response_a: Response  # £3,250 a week
    provider_b: Organisation
    provider_b_user: User
    setting_b: Setting
    invitation_b: Invitation
    response_b: Response  # £3,000 a week, the parents' preference
    head_of_service: User
    csw_manager: User
    commissioning_manager: User

    @property
    def actor(self) -> Actor:
        return as_actor(self.commissioner)


def closed_competition(*, state: str = ReferralState.CLOSED) -> Evaluation:
    world = published_competition()
    referral = world.referral
    best_match = referral.criteria.get()
    best_match.weight = 60
    best_match.title = "Best match to her needs"
    best_match.save()
    price = CriterionFactory(
        referral=referral,
        category=CriterionCategory.PRICE,
        title="Price",
        weight=40,
        position=2,
    )
    safeguarding = CriterionFactory(
        referral=referral,
        kind=CriterionKind.PASS_FAIL,
        category=CriterionCategory.OWN,
        title="Safeguarding policy in place",
        weight=0,
        position=0,
    )
    response_a: Response = SubmittedResponseFactory(  # type: ignore[assignment]
        invitation=world.invitation, setting=world.setting, weekly_price=Decimal("3250.00")
    )
    ResponseService.objects.create(
        response=response_a, name="Speech therapy", unit="hour", rate=Decimal("60"), quantity=2
    )
    offer_b: SettingLot = SettingLotFactory(  # type: ignore[assignment]
        lot=world.lot, weekly_price=Decimal("3100.00")
    )
    provider_b = offer_b.setting.provider
    FpsMembershipFactory(provider=provider_b, purchasing_system=world.lot.purchasing_system)
    invitation_b = InvitationFactory(referral=referral, provider=provider_b, state="responded")
    response_b: Response = SubmittedResponseFactory(  # type: ignore[assignment]
        invitation=invitation_b,
        setting=offer_b.setting,
        weekly_price=Decimal("3000.00"),
        indicative_price=Decimal("3100.00"),
        price_difference_reason="A place in an existing group.",
    )
    Invitation.objects.filter(pk=world.invitation.pk).update(state="responded")
    ParentCarer.objects.create(
        child=world.child,
        name="Pat Parent",
        relationship="mother",
        preferred_setting=offer_b.setting,
    )
    Referral.objects.filter(pk=referral.pk).update(
        state=state,
        closed_at=timezone.now(),
        response_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    referral.refresh_from_db()
    return Evaluation(
        commissioner=world.commissioner,
        authority=world.authority,
        referral=referral,
        safeguarding=safeguarding,
        best_match=best_match,
        price=price,
        provider_a=world.provider,
        provider_a_user=world.provider_user,
        setting_a=world.setting,
        invitation_a=world.invitation,
        response_a=response_a,
        provider_b=provider_b,
        provider_b_user=person(Role.PROVIDER_USER, provider_b),
        setting_b=offer_b.setting,
        invitation_b=invitation_b,
        response_b=response_b,
        head_of_service=senior(world.authority, SeniorPosition.HEAD_OF_CHILDRENS_SERVICES),
        csw_manager=senior(world.authority, SeniorPosition.CSW_SERVICE_MANAGER),
        commissioning_manager=senior(world.authority, SeniorPosition.COMMISSIONING_SERVICE_MANAGER),
    )


def mark_all(
    world: Evaluation, *, a_score: int = 4, b_score: int = 3, b_passes: bool = True
) -> None:
    """Both responses fully marked through the service."""
    from referrals.services.evaluation import mark_record

    for response, score, passes in (
        (world.response_a, a_score, True),
        (world.response_b, b_score, b_passes),
    ):
        mark_record(
            actor=world.actor,
            response=response,
            criterion=world.safeguarding,
            passed=passes,
            note="Policy seen." if passes else "No safeguarding policy.",
        )
        mark_record(
            actor=world.actor,
            response=response,
            criterion=world.best_match,
            score=score,
            note="Strong on sensory needs.",
        )


def awarded(world: Evaluation, *, approver: User | None = None) -> Award:
    """The world's referral awarded to A through the service (fully marked first); with an
    approver named, above a threshold of £1, it waits for that approver."""
    from referrals.services.awards import award_propose

    mark_all(world)
    if approver is not None:
        AuthorityPlacementRules.objects.get_or_create(
            authority=world.authority,
            defaults={"reference_prefix": "SEF", "award_approval_threshold": Decimal(1)},
        )
    return award_propose(
        actor=world.actor,
        response=world.response_a,
        reasons="The best value for the child: therapy on site.",
        agreed_weekly_price=world.response_a.weekly_price,
        start_date=world.referral.start_date,
        parental_preference_reason="The preferred school has no sensory room.",
        approver=approver,
    )
