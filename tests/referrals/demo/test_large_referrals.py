"""The large data set's referrals (`build_large_demo`, demo/large_referrals.py) at a small scale:
the counts asked for, every state, each state's stamps, invitations only to members on the lot,
and nothing built twice."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from demo.large import build_large_demo
from demo.large_referrals import LARGE_CASE_PREFIX, build_large_referrals, reference_prefix
from fps_portal.accounts.models import Organisation
from providers.models import FpsMembership, MembershipState, SettingLot
from referrals.models import (
    AuthorisationState,
    Award,
    AwardState,
    Child,
    Invitation,
    InvitationState,
    Outcome,
    Referral,
    ReferralState,
    Response,
    ResponseState,
    RiskApproval,
    Route,
    RouteCase,
)

pytestmark = pytest.mark.django_db

#: Referrals in the small build: enough for every state at the full build's proportions.
SCALE = 2500


@pytest.fixture
def made() -> dict[str, int]:
    build_large_demo(providers=40, settings=120, seed=11)
    return build_large_referrals(referrals=SCALE, years=10, seed=11)


def test_the_counts_asked_for_references_children_and_built_once(made: dict[str, int]) -> None:
    """One build serves every check (it takes seconds): counts, references, made-up children,
    and a second call that builds nothing."""
    referrals = Referral.objects.all()
    assert made["referrals"] == referrals.count() == SCALE
    assert referrals.values("authority").distinct().count() == 24
    assert made["invitations"] == Invitation.objects.count()
    assert made["responses"] == Response.objects.count()
    # About four invitations a referral and 1.2 responses a referral, as at full scale
    # (200,000 and 60,000 for 50,000).
    assert 3.3 <= made["invitations"] / SCALE <= 4.7
    assert 0.9 <= made["responses"] / SCALE <= 1.5
    large_children = Child.objects.filter(case_number__startswith=LARGE_CASE_PREFIX)
    assert made["children"] == large_children.count()
    assert made["criteria"] == 3 * SCALE
    first, last = referrals.order_by("created_at")[0], referrals.order_by("-created_at")[0]
    assert (last.created_at - first.created_at).days > 9 * 365
    assert set(referrals.values_list("state", flat=True)) == set(ReferralState.values)
    assert set(referrals.values_list("route", flat=True)) == set(Route.values)
    assert referrals.filter(kind="block", child__isnull=True).exists()
    for referral in Referral.objects.select_related("authority")[:300]:
        prefix = reference_prefix(referral.authority.name)
        assert referral.reference.startswith(f"{prefix}-{referral.created_at.year}-")
    per_authority = Referral.objects.values("authority", "reference").annotate(n=Count("id"))
    assert not per_authority.filter(n__gt=1).exists()
    assert reference_prefix("St. Helens") == "STH" and reference_prefix("Sefton") == "SEF"
    children = Child.objects.filter(case_number__startswith=LARGE_CASE_PREFIX)
    assert not children.exclude(family_name="Large-Example")
    assert not children.exclude(given_name__startswith="Child ")
    # Provider-visible: the summary and snapshot, never the name or case number.
    for referral in Referral.objects.filter(child__isnull=False).select_related("child")[:300]:
        assert referral.child.case_number not in referral.provider_summary
        assert referral.child.given_name not in referral.provider_summary
    before = Referral.objects.count()
    assert build_large_referrals(referrals=SCALE, years=10, seed=11) == {"referrals": 0}
    assert Referral.objects.count() == before
    assert Organisation.objects.filter(placement_rules__isnull=False).count() == 24


def test_each_state_carries_its_stamps_and_the_invitations_cohere(made: dict[str, int]) -> None:
    referrals = Referral.objects.all()
    competitions = referrals.filter(
        route__in=[Route.OPEN_COMPETITION, Route.PRESELECTED_COMPETITION]
    )
    now = timezone.now()
    unpublished = [ReferralState.DRAFT, ReferralState.RETURNED]
    assert not competitions.exclude(state__in=unpublished).filter(published_at__isnull=True)
    assert not competitions.filter(state__in=unpublished, published_at__isnull=False)
    assert not competitions.filter(state=ReferralState.OPEN, response_deadline__lte=now)
    decided = [ReferralState.CLOSED, ReferralState.AWARDED, ReferralState.NO_SUITABLE_PROVIDER]
    assert not competitions.filter(state__in=decided, closed_at__isnull=True)
    assert not competitions.filter(state__in=decided, response_deadline__gt=now)
    assert not referrals.filter(state=ReferralState.RETURNED, return_reason="")
    assert not referrals.filter(state=ReferralState.WITHDRAWN, withdrawn_at__isnull=True)
    assert not referrals.filter(
        state=ReferralState.NO_SUITABLE_PROVIDER, no_suitable_provider_reason=""
    )
    # Awarded: exactly one complete award each, and the awarded provider was invited or authorised.
    awarded = referrals.filter(state=ReferralState.AWARDED)
    assert awarded.count() == Award.objects.filter(state=AwardState.COMPLETE).count()
    assert not awarded.annotate(n=Count("awards")).exclude(n=1)
    assert not awarded.filter(awarded_at__isnull=True)
    for award in Award.objects.select_related("response__invitation", "referral")[:400]:
        if award.response is not None:
            assert award.response.state == ResponseState.SUBMITTED
            assert award.provider_id == award.response.invitation.provider_id
            assert award.response.invitation.outcome == Outcome.AWARDED
        else:
            assert award.referral.route_case.state == AuthorisationState.AUTHORISED
    # A concern or fail winner went through every sign-off.
    risky = Award.objects.filter(band_at_award__in=["concern", "fail"])
    assert risky.count() == RiskApproval.objects.count()
    assert not RiskApproval.objects.filter(
        Q(csw_manager_signed_at__isnull=True)
        | Q(commissioning_manager_signed_at__isnull=True)
        | Q(alerted_at__isnull=True)
    )
    # Direct awards and spot purchases: a case; awaiting ones wait, and never invite anyone.
    routed = referrals.filter(route__in=[Route.DIRECT_AWARD, Route.SPOT_PURCHASE])
    assert not routed.filter(invitations__isnull=False)
    assert not routed.filter(state=ReferralState.AWAITING_AUTHORISATION).exclude(
        route_case__state=AuthorisationState.AWAITING
    )
    assert RouteCase.objects.filter(referral__route=Route.DIRECT_AWARD, provider__isnull=False)
    assert not Invitation.objects.filter(referral__state__in=["draft", "returned"]).exists()
    assert not Invitation.objects.filter(
        referral__state__in=["closed", "awarded", "no_suitable_provider"],
        state=InvitationState.INVITED,
    )
    assert not Invitation.objects.filter(referral__state="withdrawn").exclude(state="withdrawn")
    responded = Invitation.objects.filter(state=InvitationState.RESPONDED)
    assert not responded.exclude(responses__state=ResponseState.SUBMITTED)
    assert not Invitation.objects.filter(state=InvitationState.DECLINED, decline_reason="")
    assert not Invitation.objects.exclude(outcome="").filter(outcome_notified_at__isnull=True)
    # Drafts only while the competition is open (the generator leaves none behind a deadline).
    drafts = Response.objects.filter(state=ResponseState.DRAFT)
    assert not drafts.exclude(invitation__referral__state=ReferralState.OPEN)
    active = set(
        FpsMembership.objects.filter(state=MembershipState.ACTIVE).values_list(
            "provider", flat=True
        )
    )
    for response in Response.objects.select_related("invitation__referral")[:500]:
        invitation = response.invitation
        assert invitation.provider_id in active
        offer = SettingLot.objects.get(setting=response.setting_id, lot=invitation.referral.lot_id)
        assert offer.approved_at is not None and response.indicative_price == offer.weekly_price
        assert offer.setting.provider_id == invitation.provider_id
        if response.weekly_price != response.indicative_price:
            assert response.price_difference_reason
        assert response.invitation.referral.published_at <= response.created_at
