"""The award: its reasons, a negotiated price, the parents' preference, the approver above the
threshold, completion (outcomes, the winner told, every other invitee's letter once), no
suitable provider, re-running on another route, direct awards, and two awards at once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.delivery import notification_deliver_unsent
from fps_portal.notifications.models import Notification
from referrals.models import (
    AuthorityPlacementRules,
    Award,
    AwardService,
    AwardState,
    Criterion,
    Invitation,
    Outcome,
    Referral,
    ReferralState,
    Route,
    RouteCase,
)
from referrals.services.award_decisions import award_approve, award_reject
from referrals.services.award_letters import outcome_letters_send
from referrals.services.awards import (
    APPROVER_INVALID,
    EXCLUDED,
    INCOMPLETE,
    NAMES_THE_CHILD,
    PREFERENCE_REASON_MISSING,
    ServiceLine,
    award_direct,
    award_propose,
)
from referrals.services.referral_outcomes import (
    SAME_ROUTE,
    referral_no_suitable_provider,
    referral_rerun,
)
from tests.factories import authority, person
from tests.referrals.awards.world import Evaluation, as_actor, closed_competition, mark_all

pytestmark = pytest.mark.django_db

SPEECH = ServiceLine(name="Speech therapy", unit="hour", rate=Decimal("60"), quantity=Decimal(2))


def _award(world: Evaluation, **overrides: Any) -> Award:
    values: dict[str, Any] = {
        "actor": world.actor,
        "response": world.response_a,
        "reasons": "The best match for her sensory needs, with therapy on site.",
        "agreed_weekly_price": Decimal("3250.00"),
        "start_date": world.referral.start_date,
        "services": [SPEECH],
        "parental_preference_reason": "The preferred school has no sensory room.",
    }
    values.update(overrides)
    return award_propose(**values)


def test_an_award_completes_sets_outcomes_and_tells_everyone_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    mark_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        award = _award(world, services=[SPEECH, ServiceLine("Taxi", "trip", Decimal(20), 10)])
    assert award.state == AwardState.COMPLETE and award.completed_at is not None
    assert award.differs_from_parental_preference
    assert [(s.name, s.quantity) for s in AwardService.objects.filter(award=award)] == [
        ("Speech therapy", 2),
        ("Taxi", 10),
    ]
    referral = Referral.objects.get(pk=world.referral.pk)
    assert referral.state == ReferralState.AWARDED and referral.awarded_by == world.commissioner
    a, b = (Invitation.objects.get(pk=i.pk) for i in (world.invitation_a, world.invitation_b))
    assert (a.outcome, b.outcome) == (Outcome.AWARDED, Outcome.UNSUCCESSFUL)
    assert a.outcome_notified_at is None and b.outcome_notified_at is not None
    letter = Notification.objects.get(recipient=world.provider_b_user)
    assert "Best match to her needs: 3 out of 5" in letter.body
    assert "The successful response: weighted total 84.96" in letter.body
    assert award.reasons in letter.body
    assert b.outcome_feedback["winning_total"] == "84.96"
    assert Notification.objects.filter(
        recipient=world.provider_a_user, event_key=f"referral-awarded:{award.pk}"
    ).exists()
    sent = len(mail.outbox)
    assert sent == 2  # the winner's news and the other invitee's letter, each once

    # Sending again, by the service or the e-mail sweep, sends nothing twice.
    with transaction.atomic(), django_capture_on_commit_callbacks(execute=True):
        assert outcome_letters_send(referral=referral, actor=world.actor) == 0
    notification_deliver_unsent(now=timezone.now() + datetime.timedelta(hours=1))
    notification_deliver_unsent(now=timezone.now() + datetime.timedelta(hours=1))
    assert len(mail.outbox) == sent
    assert Notification.objects.filter(recipient=world.provider_b_user).count() == 1


def test_a_second_award_is_refused_and_the_constraint_holds_without_locks() -> None:
    world = closed_competition()
    mark_all(world)
    _award(world)
    Referral.objects.filter(pk=world.referral.pk).update(state=ReferralState.CLOSED)
    with pytest.raises(WrongState):
        _award(world, response=world.response_b, parental_preference_reason="")
    # Where no row lock serialises two writers, the partial unique constraint still does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            referral=world.referral,
            state=AwardState.AWAITING_APPROVAL,
            reasons="A second.",
            agreed_weekly_price=Decimal(1),
            start_date=world.referral.start_date,
        )
    assert Award.objects.filter(referral=world.referral).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reasons": "  "}, "reasons", None),
        ({"agreed_weekly_price": Decimal("3100.00")}, "price_negotiation_note", None),
        ({"agreed_weekly_price": None}, "agreed_weekly_price", None),
        ({"start_date": None}, "start_date", None),
        (
            {"parental_preference_reason": ""},
            "parental_preference_reason",
            PREFERENCE_REASON_MISSING,
        ),
        (
            {"services": [ServiceLine("", "hour", Decimal(-1), Decimal(0))]},
            "services.0.name",
            None,
        ),
    ],
)
def test_bad_awards_say_why_at_the_field_and_write_nothing(
    overrides: dict, field: str, message: str | None
) -> None:
    world = closed_competition()
    mark_all(world)
    audits = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        _award(world, **overrides)
    assert field in caught.value.fields
    if message:
        assert caught.value.fields[field] == [message]
    assert not Award.objects.exists()
    assert AuditEvent.objects.count() == audits
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.CLOSED


def test_reasons_naming_the_child_are_refused_since_providers_read_them() -> None:
    world = closed_competition()
    mark_all(world)
    child = world.referral.child
    for words in (f"{child.given_name} will thrive.", f"Case {child.case_number.lower()}"):
        with pytest.raises(InvalidInput) as caught:
            _award(world, reasons=words)
        assert caught.value.fields["reasons"] == [NAMES_THE_CHILD]


def test_a_negotiated_price_with_its_note_and_the_preferred_setting_needs_no_reason() -> None:
    world = closed_competition()
    mark_all(world)
    award = _award(
        world,
        response=world.response_b,
        agreed_weekly_price=Decimal("2950.00"),
        price_negotiation_note="Agreed a lower rate for a 52-week place.",
        parental_preference_reason="Ignored: this is their preference.",
    )
    assert award.agreed_weekly_price == Decimal("2950.00")
    assert not award.differs_from_parental_preference and award.parental_preference_reason == ""


def test_only_fully_marked_passing_responses_are_awarded() -> None:
    world = closed_competition()
    with pytest.raises(InvalidInput) as caught:
        _award(world)
    assert caught.value.fields["response"] == [INCOMPLETE]
    mark_all(world, b_passes=False)
    with pytest.raises(InvalidInput) as caught:
        _award(world, response=world.response_b)
    assert caught.value.fields["response"] == [EXCLUDED]


def test_above_the_threshold_the_named_approver_decides() -> None:
    world = closed_competition()
    mark_all(world)
    AuthorityPlacementRules.objects.create(
        authority=world.authority, reference_prefix="SEF", award_approval_threshold=100000
    )
    with pytest.raises(InvalidInput) as caught:
        _award(world)
    assert "above your authority's threshold" in caught.value.fields["approver"][0]
    with pytest.raises(InvalidInput) as caught:
        _award(world, approver=world.commissioner)
    assert caught.value.fields["approver"] == [APPROVER_INVALID]
    award = _award(world, approver=world.head_of_service)
    assert award.state == AwardState.AWAITING_APPROVAL
    assert Notification.objects.filter(recipient=world.head_of_service).exists()
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.CLOSED
    for other in (world.commissioner, world.csw_manager):
        with pytest.raises(NotAllowed):
            award_approve(actor=as_actor(other), award=award)
    approved = award_approve(actor=as_actor(world.head_of_service), award=award)
    assert approved.state == AwardState.COMPLETE and approved.approved_at is not None
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.AWARDED
    with pytest.raises(WrongState):
        award_approve(actor=as_actor(world.head_of_service), award=award)


def test_a_rejected_award_leaves_the_referral_open_to_another_decision() -> None:
    world = closed_competition()
    mark_all(world)
    AuthorityPlacementRules.objects.create(
        authority=world.authority, reference_prefix="SEF", award_approval_threshold=1
    )
    award = _award(world, approver=world.head_of_service)
    with pytest.raises(InvalidInput):
        award_reject(actor=as_actor(world.head_of_service), award=award, reason=" ")
    rejected = award_reject(
        actor=as_actor(world.head_of_service), award=award, reason="Negotiate the price first."
    )
    assert rejected.state == AwardState.REJECTED and rejected.rejection_reason
    assert Notification.objects.filter(
        recipient=world.commissioner, event_key=f"referral-award-rejected:{award.pk}"
    ).exists()
    second = _award(
        world,
        response=world.response_b,
        agreed_weekly_price=world.response_b.weekly_price,
        approver=world.head_of_service,
    )
    assert second.state == AwardState.AWAITING_APPROVAL


def test_no_suitable_provider_tells_every_invitee_and_the_referral_is_rerun(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    mark_all(world)
    with pytest.raises(InvalidInput):
        referral_no_suitable_provider(actor=world.actor, referral=world.referral, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        done = referral_no_suitable_provider(
            actor=world.actor, referral=world.referral, reason="No setting offers a sensory room."
        )
    assert done.state == ReferralState.NO_SUITABLE_PROVIDER
    assert set(Invitation.objects.values_list("outcome", flat=True)) == {Outcome.UNSUCCESSFUL}
    assert len(mail.outbox) == 2
    assert "found no suitable provider" in mail.outbox[0].body

    with pytest.raises(InvalidInput) as caught:
        referral_rerun(actor=world.actor, referral=done, route=Route.OPEN_COMPETITION)
    assert caught.value.fields["route"] == [SAME_ROUTE]
    rerun = referral_rerun(actor=world.actor, referral=done, route=Route.PRESELECTED_COMPETITION)
    assert rerun.state == ReferralState.DRAFT and rerun.rerun_of_id == done.pk
    assert rerun.child_id == done.child_id and rerun.reference == f"{done.reference}-R1"
    assert sorted(Criterion.objects.filter(referral=rerun).values_list("title", flat=True)) == (
        sorted(Criterion.objects.filter(referral=done).values_list("title", flat=True))
    )
    again = referral_rerun(actor=world.actor, referral=done, route=Route.DIRECT_AWARD)
    assert again.reference == f"{done.reference}-R2"


def test_a_dps_refuses_a_rerun_as_direct_award() -> None:
    world = closed_competition(state=ReferralState.NO_SUITABLE_PROVIDER)
    system = world.referral.purchasing_system
    system.kind, system.direct_award_allowed, system.admits_by_windows = "dps", False, False
    system.save()
    with pytest.raises(InvalidInput) as caught:
        referral_rerun(actor=world.actor, referral=world.referral, route=Route.DIRECT_AWARD)
    assert "does not allow direct award" in caught.value.fields["route"][0]


def test_a_direct_award_completes_once_its_case_is_authorised() -> None:
    world = closed_competition(state=ReferralState.AWAITING_AUTHORISATION)
    Referral.objects.filter(pk=world.referral.pk).update(route=Route.DIRECT_AWARD)
    case = RouteCase.objects.create(
        referral=world.referral,
        ground="extreme_urgency",
        justification="An emergency: the current placement ended today.",
        provider=world.provider_a,
        setting=world.setting_a,
        weekly_price=Decimal("3400.00"),
        review_on=timezone.localdate() + datetime.timedelta(days=90),
        submitted_by=world.commissioner,
    )
    with pytest.raises(WrongState):
        award_direct(actor=as_actor(world.head_of_service), route_case=case)
    RouteCase.objects.filter(pk=case.pk).update(
        state="authorised", authorised_at=timezone.now(), authorised_by=world.head_of_service
    )
    award = award_direct(actor=as_actor(world.head_of_service), route_case=case)
    assert award.state == AwardState.COMPLETE and award.response is None
    assert (award.provider, award.agreed_weekly_price) == (world.provider_a, Decimal("3400.00"))
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.AWARDED
    assert award_direct(actor=as_actor(world.head_of_service), route_case=case) == award
    with pytest.raises(NotAllowed):
        award_direct(
            actor=as_actor(person(Role.COMMISSIONER, authority("Blackpool"))), route_case=case
        )
