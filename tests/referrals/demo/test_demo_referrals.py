"""The referrals demo (`load_demo_data`, demo/placements): a referral in every state and by every
route at Sefton and Blackpool, each carrying its state's stamps, the senior managers who authorise
and sign off, and no child's identity in anything a provider is shown before an award.

One load serves each test's many checks: the whole demo takes several seconds to load."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from fps_portal.accounts.models import Membership, Role, SeniorPosition, User
from fps_portal.actors import actor_for_user
from fps_portal.scoping import scoped
from providers.models import FpsMembership, MembershipState, SettingLot
from referrals.models import (
    AuthorisationState,
    Award,
    AwardState,
    Child,
    ChildDocument,
    CriterionKind,
    CriterionMark,
    Invitation,
    InvitationState,
    Outcome,
    Referral,
    ReferralKind,
    ReferralQuestion,
    ReferralState,
    Response,
    ResponseState,
    RiskApproval,
    Route,
    RouteCase,
    ShortlistEntry,
)

pytestmark = pytest.mark.django_db

PUBLISHED = {
    ReferralState.OPEN,
    ReferralState.CLOSED,
    ReferralState.AWARDED,
    ReferralState.NO_SUITABLE_PROVIDER,
    ReferralState.WITHDRAWN,
}


@pytest.fixture
def demo() -> None:
    call_command("load_demo_data", stdout=StringIO())


def _identity(child: Child) -> list[str]:
    """What identifies the child: names, case number and the date of birth, however written."""
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        child.case_number,
        born.isoformat(),
        f"{born:%d/%m/%Y}",
        f"{born.day}/{born.month}/{born.year}",
        f"{born.day} {born:%B %Y}",
        f"{born:%d %B %Y}",
        f"{born.day} {born:%b %Y}",
    ]


def test_every_state_and_route_is_in_the_demo_at_both_authorities(demo: None) -> None:
    referrals = Referral.objects.select_related("authority")
    assert set(referrals.values_list("state", flat=True)) == set(ReferralState.values)
    assert set(referrals.values_list("route", flat=True)) == set(Route.values)
    assert {r.authority.name for r in referrals} == {"Sefton", "Blackpool"}
    # What the issue names, each there.
    assert referrals.filter(state=ReferralState.OPEN, invitations__responses__state="submitted")
    assert referrals.filter(
        route=Route.DIRECT_AWARD,
        state=ReferralState.AWAITING_AUTHORISATION,
        route_case__state=AuthorisationState.AWAITING,
    )
    assert referrals.filter(kind=ReferralKind.BLOCK, child__isnull=True, places__gt=1)
    assert referrals.filter(route=Route.SPOT_PURCHASE, state=ReferralState.AWARDED)
    preselected = referrals.get(route=Route.PRESELECTED_COMPETITION)
    assert preselected.search_filters and preselected.shortlist.count() == 3
    assert all(entry.grounds for entry in ShortlistEntry.objects.all())
    assert referrals.filter(
        state=ReferralState.AWARDED, invitations__outcome_notified_at__isnull=False
    )
    no_suitable = referrals.get(state=ReferralState.NO_SUITABLE_PROVIDER)
    assert no_suitable.reruns.get().route == Route.DIRECT_AWARD
    assert set(Award.objects.values_list("state", flat=True)) == {
        AwardState.COMPLETE,
        AwardState.AWAITING_SIGN_OFF,
    }
    # Every child has a record to look at: outcomes, a parent or carer, the plan and its copy.
    for child in Child.objects.all():
        assert child.case_number.startswith("DEMO-")
        assert child.outcomes.exists() and child.parent_carers.exists()
        assert set(child.documents.values_list("kind", flat=True)) == {
            "ehc_plan",
            "redacted_ehc_plan",
        }
        assert child.is_looked_after == bool(child.social_worker_email and child.iro_email)


def test_each_state_carries_its_stamps(demo: None) -> None:
    for referral in Referral.objects.prefetch_related("criteria", "invitations__responses"):
        state, where = referral.state, referral.reference
        assert referral.reference.startswith(("SEF-", "BLA-")), where
        weights = referral.criteria.filter(kind=CriterionKind.SCORED).aggregate(t=Sum("weight"))
        assert weights["t"] == 100, where
        assert (referral.returned_at is not None) == (state == ReferralState.RETURNED), where
        assert (referral.withdrawn_at is not None) == (state == ReferralState.WITHDRAWN), where
        assert (referral.awarded_at is not None) == (state == ReferralState.AWARDED), where
        assert bool(referral.no_suitable_provider_reason) == (
            state == ReferralState.NO_SUITABLE_PROVIDER
        ), where
        if referral.is_competition:
            published = state in PUBLISHED
            assert (referral.published_at is not None) == published, where
            assert (referral.response_deadline is not None) == published, where
            assert referral.invitations.exists() == published, where
            if referral.child_id and published:
                assert referral.shown_age_years and referral.shown_gender, where
                assert referral.shown_postcode_district, where
            closed = state in PUBLISHED - {ReferralState.OPEN, ReferralState.WITHDRAWN}
            assert (referral.closed_at is not None) == closed, where
            if closed:
                assert not referral.invitations.filter(state=InvitationState.INVITED), where
            if state == ReferralState.OPEN:
                assert referral.response_deadline > referral.published_at, where
        else:
            case = referral.route_case
            authorised = state == ReferralState.AWARDED
            assert case.state == (
                AuthorisationState.AUTHORISED if authorised else AuthorisationState.AWAITING
            ), where
            assert (case.authorised_by is not None) == authorised, where
            assert not referral.invitations.exists(), where
        if state == ReferralState.AWARDED:
            award = referral.awards.get(state=AwardState.COMPLETE)
            assert award.completed_at == referral.awarded_at and award.reasons, where
    for invitation in Invitation.objects.prefetch_related("responses"):
        submitted = [r for r in invitation.responses.all() if r.state == ResponseState.SUBMITTED]
        assert bool(submitted) == (invitation.state == InvitationState.RESPONDED) or (
            invitation.state == InvitationState.WITHDRAWN
        )
        assert (invitation.declined_at is not None) == (
            invitation.state == InvitationState.DECLINED
        )
        assert bool(invitation.decline_reason) == (invitation.state == InvitationState.DECLINED)
        assert (invitation.outcome_notified_at is not None) == bool(invitation.outcome)
    for response in Response.objects.select_related("invitation__referral", "setting"):
        referral = response.invitation.referral
        assert response.setting.provider_id == response.invitation.provider_id
        offer = SettingLot.objects.get(setting=response.setting, lot=referral.lot)
        assert response.indicative_price == offer.weekly_price
        if response.weekly_price != response.indicative_price:
            assert response.price_difference_reason
        assert (response.submitted_at is not None) == (response.state == ResponseState.SUBMITTED)
        assert response.answers.count() == referral.criteria.count()
    # Invitees are active members with an approved setting on the referral's lot.
    for invitation in Invitation.objects.select_related("referral"):
        assert FpsMembership.objects.filter(
            provider=invitation.provider_id, state=MembershipState.ACTIVE
        ).exists()
        assert SettingLot.objects.filter(
            setting__provider=invitation.provider_id,
            lot=invitation.referral.lot_id,
            approved_at__isnull=False,
        ).exists()
    # Marks only on submitted responses the authority may open (after the deadline).
    for marked in CriterionMark.objects.select_related("response__invitation__referral"):
        assert marked.response.state == ResponseState.SUBMITTED
        assert marked.response.invitation.referral.state != ReferralState.OPEN


def test_the_requires_improvement_awards_and_their_sign_offs(demo: None) -> None:
    done = RiskApproval.objects.select_related("award__referral__child").get(
        award__state=AwardState.COMPLETE
    )
    award, child = done.award, done.award.referral.child
    assert award.band_at_award == "concern" and award.additional_monitoring
    assert award.setting.name == "Oakfield House" and award.referral.authority.name == "Sefton"
    assert done.documents_attached_at and done.inspection_summary and done.action_plan
    assert done.risk_approach and done.quality_visit_planned_on
    assert done.csw_manager_signed_by.email == "cswmanager@sefton.example"
    assert done.commissioning_manager_signed_by.email == "commissioningmanager@sefton.example"
    assert done.documents_attached_at < done.csw_manager_signed_at < done.alerted_at
    assert {a["email"] for a in done.alerted} == {child.social_worker_email, child.iro_email}
    # Above Sefton's threshold: a named approver approved it.
    rules = award.referral.authority.placement_rules
    assert award.annual_value > rules.award_approval_threshold
    assert award.approver.email == "dcs@sefton.example" and award.approved_at

    waiting = RiskApproval.objects.select_related("award").get(
        award__state=AwardState.AWAITING_SIGN_OFF
    )
    assert waiting.award.band_at_award == "concern" and not waiting.award.additional_monitoring
    assert waiting.commissioning_manager_signed_at and waiting.csw_manager_signed_at is None
    assert waiting.alerted_at is None and waiting.award.referral.state == ReferralState.CLOSED


def test_senior_managers_to_authorise_and_sign_off_at_both_authorities(demo: None) -> None:
    wanted = {
        SeniorPosition.HEAD_OF_SERVICE_COMMISSIONING,
        SeniorPosition.CSW_SERVICE_MANAGER,
        SeniorPosition.COMMISSIONING_SERVICE_MANAGER,
    }
    for name in ("Sefton", "Blackpool"):
        held = set(
            Membership.objects.filter(
                organisation__name=name, role=Role.SENIOR_MANAGER, is_active=True
            ).values_list("senior_position", flat=True)
        )
        assert wanted <= held, name
    authorised = RouteCase.objects.filter(state=AuthorisationState.AUTHORISED)
    assert {c.authorised_by.email for c in authorised} == {"headofservice@blackpool.example"}


def test_no_child_is_identified_in_what_a_provider_is_shown(demo: None) -> None:
    """Before an award a provider reaches the referral's snapshot, its criteria and scale, the
    answered questions, the shared (redacted) documents, and its own invitation and responses:
    no child's name, case number or date of birth is in any of it, nor in any reference."""
    children = list(Child.objects.all())
    identities = [text for child in children for text in _identity(child)]
    shown: list[str] = []
    for referral in Referral.objects.prefetch_related("criteria", "descriptors"):
        shown += [
            referral.reference,
            referral.provider_summary,
            referral.outcomes_sought,
            str(referral.shown_age_years or ""),
            referral.shown_gender,
            referral.shown_postcode_district,
        ]
        shown += [f"{c.title} {c.guidance}" for c in referral.criteria.all()]
        shown += [d.descriptor for d in referral.descriptors.all()]
    for question in ReferralQuestion.objects.all():
        shown += [question.question, question.answer]
    for invitation in Invitation.objects.all():
        shown.append(invitation.decline_note)
    for response in Response.objects.prefetch_related("answers"):
        shown += [
            response.how_needs_met,
            response.how_outcomes_met,
            response.price_difference_reason,
        ]
        shown += [a.answer for a in response.answers.all()]
    shared = ChildDocument.objects.filter(shared_with_referrals__isnull=False).distinct()
    assert shared.count() == Child.objects.count()
    for document in shared:
        content = document.file.read().decode("latin-1")
        shown += [document.title, document.original_filename, document.file.name, content]
    text = "\n".join(shown)
    assert [identity for identity in identities if identity in text] == []
    # The full plan does name the child (so the check above could fail): it is never shared.
    full = ChildDocument.objects.filter(kind="ehc_plan").first()
    assert full is not None and full.child.family_name in full.file.read().decode("latin-1")
    assert not full.shared_with_referrals.exists()


def test_the_demo_provider_reads_only_the_child_it_was_awarded(demo: None) -> None:
    """Oakfield's bid writer: invited to referrals at both authorities, one award complete (the
    Requires Improvement placement), so exactly one child's record is theirs to read."""
    actor = actor_for_user(User.objects.get(email="bids@oakfield.example"))
    assert actor is not None
    won = Award.objects.get(provider=actor.organisation_id, state=AwardState.COMPLETE)
    assert list(scoped(Child, actor)) == [won.referral.child]
    invited = scoped(Invitation, actor)
    assert {i.referral.authority.name for i in invited} == {"Sefton", "Blackpool"}
    assert {i.outcome for i in invited} >= {Outcome.AWARDED, Outcome.UNSUCCESSFUL}
    assert scoped(Response, actor).filter(state=ResponseState.DRAFT).exists()
    # The other authority's commissioner sees nothing of Sefton's children or referrals.
    blackpool = actor_for_user(User.objects.get(email="placements@blackpool.example"))
    assert blackpool is not None
    assert not scoped(Child, blackpool).filter(authority__name="Sefton").exists()
    assert not scoped(Referral, blackpool).filter(authority__name="Sefton").exists()
