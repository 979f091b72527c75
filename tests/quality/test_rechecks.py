"""Issue 13, annual re-checks: beat opens one re-check a year per member, pre-filled with the
evidence it holds; the provider confirms or changes each item and sends it; the lead authority
accepts or returns each item with a reason; an overdue re-check is reminded and then proposed
for suspension, which a person decides. Oak Trust joined on 10 March 2025."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers.models import Evidence, MembershipState
from quality.models import (
    ItemResponse,
    ItemReview,
    ProposalState,
    Recheck,
    RecheckCalendar,
    RecheckEvent,
    RecheckItem,
    RecheckState,
    SuspensionProposal,
)
from quality.services.recheck_schedule import (
    opening_date,
    recheck_calendar_set,
    rechecks_open_due,
    rechecks_remind,
)
from quality.services.rechecks import (
    RETURN_REASON_MISSING,
    recheck_item_change,
    recheck_item_confirm,
    recheck_item_review,
    recheck_submit,
)
from quality.services.suspension_proposals import suspension_proposal_decide
from tests.quality.recheck_world import World, build_world, pdf

pytestmark = pytest.mark.django_db

ANNIVERSARY = datetime.date(2026, 3, 10)


@pytest.fixture
def world() -> World:
    return build_world()


def opened(world: World, day: datetime.date = ANNIVERSARY) -> Recheck:
    rechecks_open_due(today=day)
    return Recheck.objects.get(membership=world.oak_membership)


def item_for(recheck: Recheck, evidence: Evidence) -> RecheckItem:
    return RecheckItem.objects.get(recheck=recheck, evidence=evidence)


def answer_all(world: World, recheck: Recheck) -> None:
    for item in recheck.items.all():
        recheck_item_confirm(actor=world.oak_actor, item=item)


# -- when re-checks open ---------------------------------------------------------------------------


def test_opening_dates_follow_the_anniversary_or_the_chosen_month() -> None:
    joined = datetime.date(2025, 3, 10)
    assert opening_date(joined_on=joined, month=None, year=2025) is None  # the year it joined
    assert opening_date(joined_on=joined, month=None, year=2026) == ANNIVERSARY
    leap = datetime.date(2024, 2, 29)
    assert opening_date(joined_on=leap, month=None, year=2025) == datetime.date(2025, 2, 28)
    assert opening_date(joined_on=joined, month=10, year=2025) == datetime.date(2025, 10, 1)
    # Joined in March, the lead authority's month is April: too new a member that year.
    assert opening_date(joined_on=joined, month=4, year=2025) is None


def test_beat_opens_one_recheck_on_the_anniversary_pre_filled_with_the_evidence_held(world):
    assert rechecks_open_due(today=ANNIVERSARY - datetime.timedelta(days=1)) == 0
    assert rechecks_open_due(today=ANNIVERSARY) == 2  # Oak and Elm joined the same day
    assert rechecks_open_due(today=ANNIVERSARY) == 0  # beat run twice: one result
    assert rechecks_open_due(today=ANNIVERSARY + datetime.timedelta(days=3)) == 0
    recheck = Recheck.objects.get(membership=world.oak_membership)
    assert (recheck.cycle, recheck.state) == (2026, RecheckState.OPEN)
    assert recheck.due_on == ANNIVERSARY + datetime.timedelta(days=28)
    held = {i.evidence_id for i in recheck.items.all()}
    assert held == {world.insurance.pk, world.policy.pk, world.certificate.pk}
    assert all(i.response == ItemResponse.PENDING for i in recheck.items.all())
    told = Notification.objects.filter(event_key=f"recheck-opened:{recheck.pk}")
    assert [n.recipient for n in told] == [world.oak_user]
    assert RecheckEvent.objects.filter(recheck=recheck, kind="opened").count() == 1
    assert AuditEvent.objects.filter(object_type="quality.recheck", verb="created").count() == 2


def test_a_replaced_item_is_not_pre_filled_and_a_suspended_member_is_not_opened(world):
    Evidence.objects.filter(pk=world.policy.pk).update(superseded_at=timezone.now())
    world.elm_membership.state = MembershipState.SUSPENDED
    world.elm_membership.save()
    assert rechecks_open_due(today=ANNIVERSARY) == 1
    recheck = Recheck.objects.get()
    assert world.policy.pk not in {i.evidence_id for i in recheck.items.all()}


def test_the_lead_authoritys_month_opens_every_members_recheck_on_its_first_day(world):
    recheck_calendar_set(
        actor=world.lead_actor, purchasing_system=world.oak_membership.purchasing_system, month=9
    )
    assert rechecks_open_due(today=ANNIVERSARY) == 0  # the anniversary no longer opens it
    assert rechecks_open_due(today=datetime.date(2026, 9, 1)) == 2
    assert AuditEvent.objects.filter(object_type="quality.recheckcalendar").count() == 1


def test_the_month_is_the_lead_authoritys_and_must_be_a_month(world):
    system = world.oak_membership.purchasing_system
    with pytest.raises(NotAllowed):
        recheck_calendar_set(actor=world.oak_actor, purchasing_system=system, month=9)
    with pytest.raises(InvalidInput) as refused:
        recheck_calendar_set(actor=world.lead_actor, purchasing_system=system, month=13)
    assert "month" in refused.value.fields
    assert not RecheckCalendar.objects.exists()


# -- the provider's answers -----------------------------------------------------------------------


def test_the_provider_confirms_or_changes_each_item_then_sends_it(world):
    recheck = opened(world)
    recheck_item_confirm(actor=world.oak_actor, item=item_for(recheck, world.policy))
    recheck_item_confirm(actor=world.oak_actor, item=item_for(recheck, world.certificate))
    with pytest.raises(InvalidInput) as refused:
        recheck_submit(actor=world.oak_actor, recheck=recheck)
    assert "Employer's liability" in refused.value.fields["items"][0]
    changed = recheck_item_change(
        actor=world.oak_actor,
        item=item_for(recheck, world.insurance),
        title="Employer's liability 2027",
        upload=pdf(),
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
        insurer="Mutual Assurance",
        cover_amount=world.insurance.cover_amount,
    )
    assert changed.response == ItemResponse.CHANGED
    new = changed.replacement
    assert new is not None and new.title == "Employer's liability 2027"
    world.insurance.refresh_from_db()
    assert world.insurance.superseded_at is not None  # replaced in the library too
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.SUBMITTED and recheck.submitted_by == world.oak_user
    assert Notification.objects.filter(
        recipient=world.lead, event_key__startswith=f"recheck-submitted:{recheck.pk}:"
    ).exists()


def test_an_expired_item_cannot_be_confirmed_and_a_bad_upload_changes_nothing(world):
    Evidence.objects.filter(pk=world.insurance.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    recheck = opened(world)
    item = item_for(recheck, world.insurance)
    with pytest.raises(InvalidInput) as refused:
        recheck_item_confirm(actor=world.oak_actor, item=item)
    assert "expired on" in refused.value.fields["response"][0]
    with pytest.raises(InvalidInput) as bad:
        recheck_item_change(
            actor=world.oak_actor,
            item=item,
            title="",
            upload=None,
            valid_until=None,
            insurer="",
        )
    assert {"title", "file", "insurer", "cover_amount", "valid_until"} <= set(bad.value.fields)
    with pytest.raises(InvalidInput) as past:
        recheck_item_change(
            actor=world.oak_actor,
            item=item,
            title="Old",
            upload=pdf(),
            valid_until=timezone.localdate(),
        )
    assert "valid_until" in past.value.fields
    item.refresh_from_db()
    assert (item.response, item.replacement_id) == (ItemResponse.PENDING, None)
    assert Evidence.objects.filter(provider=world.oak).count() == 3


def test_only_the_providers_own_users_answer_and_never_while_the_lead_reviews(world):
    recheck = opened(world)
    item = item_for(recheck, world.policy)
    with pytest.raises(NotAllowed):
        recheck_item_confirm(actor=world.elm_actor, item=item)
    with pytest.raises(NotAllowed):
        recheck_item_confirm(actor=world.lead_actor, item=item)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    with pytest.raises(WrongState):
        recheck_item_confirm(actor=world.oak_actor, item=item)
    with pytest.raises(WrongState):
        recheck_submit(actor=world.oak_actor, recheck=recheck)


def test_evidence_in_a_recheck_is_kept_when_the_provider_tries_to_remove_it(world):
    from providers.services.evidence import KEPT_FOR_THE_LEAD, evidence_remove

    opened(world)
    with pytest.raises(WrongState) as refused:
        evidence_remove(actor=world.oak_actor, evidence=world.policy)
    assert refused.value.message == KEPT_FOR_THE_LEAD
    assert Evidence.objects.filter(pk=world.policy.pk).exists()


# -- the lead authority's review ------------------------------------------------------------------


def test_every_item_accepted_accepts_the_recheck_and_the_history_stays_readable(world):
    recheck = opened(world)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    with pytest.raises(NotAllowed):
        recheck_item_review(
            actor=world.oak_actor, item=item_for(recheck, world.policy), outcome="accepted"
        )
    for item in recheck.items.all():
        recheck_item_review(actor=world.lead_actor, item=item, outcome=ItemReview.ACCEPTED)
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.ACCEPTED and recheck.accepted_by == world.lead
    kinds = list(RecheckEvent.objects.filter(recheck=recheck).values_list("kind", flat=True))
    assert kinds == [
        "opened",
        "confirmed",
        "confirmed",
        "confirmed",
        "submitted",
        "accepted_item",
        "accepted_item",
        "accepted_item",
        "accepted",
    ]
    assert Notification.objects.filter(
        recipient=world.oak_user, event_key__startswith=f"recheck-accepted:{recheck.pk}:"
    ).exists()


def test_a_returned_item_needs_a_reason_and_goes_back_to_the_provider(world):
    recheck = opened(world)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    policy = item_for(recheck, world.policy)
    with pytest.raises(InvalidInput) as refused:
        recheck_item_review(actor=world.lead_actor, item=policy, outcome="returned", reason=" ")
    assert refused.value.fields["reason"] == [RETURN_REASON_MISSING]
    with pytest.raises(InvalidInput):
        recheck_item_review(actor=world.lead_actor, item=policy, outcome="maybe")
    policy.refresh_from_db()
    assert policy.review == ItemReview.PENDING
    recheck_item_review(
        actor=world.lead_actor, item=policy, outcome="returned", reason="Dated 2019: send 2026's."
    )
    for evidence in (world.insurance, world.certificate):
        recheck_item_review(
            actor=world.lead_actor, item=item_for(recheck, evidence), outcome="accepted"
        )
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.RETURNED
    # Fourteen days to answer, from the old due date or today, whichever is later.
    old_due = ANNIVERSARY + datetime.timedelta(days=28)
    assert recheck.due_on == max(old_due, timezone.localdate()) + datetime.timedelta(days=14)
    assert recheck.reminded_due_soon_on is None and recheck.reminded_overdue_on is None
    policy.refresh_from_db()
    assert (policy.response, policy.review) == (ItemResponse.PENDING, ItemReview.RETURNED)
    body = Notification.objects.get(
        recipient=world.oak_user, event_key__startswith=f"recheck-returned:{recheck.pk}:"
    ).body
    assert "Dated 2019: send 2026's." in body
    # What was accepted stays accepted; only the returned item is answered again.
    with pytest.raises(WrongState):
        recheck_item_confirm(actor=world.oak_actor, item=item_for(recheck, world.insurance))
    recheck_item_change(
        actor=world.oak_actor,
        item=policy,
        title="Safeguarding policy 2026",
        upload=pdf("policy.pdf"),
        valid_until=None,
    )
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    recheck_item_review(actor=world.lead_actor, item=policy, outcome="accepted")
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.ACCEPTED


def test_a_second_acceptance_of_the_same_item_is_refused(world):
    recheck = opened(world)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    item = item_for(recheck, world.policy)
    recheck_item_review(actor=world.lead_actor, item=item, outcome="accepted")
    with pytest.raises(WrongState):
        recheck_item_review(actor=world.lead_actor, item=item, outcome="returned", reason="No")
    item.refresh_from_db()
    assert item.review == ItemReview.ACCEPTED
    assert RecheckEvent.objects.filter(item=item, kind="accepted_item").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_acceptances_at_once_leave_one_result() -> None:
    """Two evaluators accept the last two items at the same moment: the re-check's row lock
    queues them, so it is accepted once; the same item twice: one review, the other refused."""
    world = build_world()
    recheck = opened(world)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    recheck_item_review(
        actor=world.lead_actor, item=item_for(recheck, world.policy), outcome="accepted"
    )
    last = [item_for(recheck, world.insurance), item_for(recheck, world.certificate)]
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def accept(item: RecheckItem) -> None:
        try:
            barrier.wait(5)
            recheck_item_review(actor=world.lead_actor, item=item, outcome="accepted")
            outcomes.append("accepted")
        except WrongState:
            outcomes.append("refused")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(item,)) for item in last]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == [] and outcomes == ["accepted", "accepted"]
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.ACCEPTED
    assert RecheckEvent.objects.filter(recheck=recheck, kind="accepted").count() == 1


# -- overdue: reminders, then a proposal the lead authority decides -------------------------------


def test_an_overdue_recheck_is_reminded_then_proposed_for_suspension_once(world):
    recheck = opened(world)
    due = recheck.due_on
    assert rechecks_remind(today=due - datetime.timedelta(days=8)) == 0
    assert rechecks_remind(today=due - datetime.timedelta(days=7)) == 2  # Oak's and Elm's
    assert rechecks_remind(today=due - datetime.timedelta(days=7)) == 0
    assert rechecks_remind(today=due + datetime.timedelta(days=1)) == 2
    assert rechecks_remind(today=due + datetime.timedelta(days=2)) == 0
    assert not SuspensionProposal.objects.exists()
    assert rechecks_remind(today=due + datetime.timedelta(days=14)) == 2
    assert rechecks_remind(today=due + datetime.timedelta(days=15)) == 0  # beat twice: one
    proposal = SuspensionProposal.objects.get(membership=world.oak_membership)
    assert proposal.recheck == recheck and "days overdue" in proposal.grounds
    assert (
        Notification.objects.filter(
            recipient=world.lead, event_key=f"suspension-proposed:{proposal.pk}"
        ).count()
        == 1
    )
    oak_told = Notification.objects.filter(recipient=world.oak_user).values_list(
        "event_key", flat=True
    )
    assert {k.split(":")[0] for k in oak_told} >= {"recheck-due-soon", "recheck-overdue"}
    world.oak_membership.refresh_from_db()
    assert world.oak_membership.state == MembershipState.ACTIVE  # nothing automatic


def test_a_sent_recheck_is_not_chased(world):
    recheck = opened(world)
    answer_all(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    rechecks_remind(today=recheck.due_on + datetime.timedelta(days=30))
    assert not SuspensionProposal.objects.filter(membership=world.oak_membership).exists()


def overdue_proposal(world: World) -> SuspensionProposal:
    recheck = opened(world)
    rechecks_remind(today=recheck.due_on + datetime.timedelta(days=20))
    return SuspensionProposal.objects.get(membership=world.oak_membership)


def test_the_lead_authority_suspends_through_the_membership_service(world):
    proposal = overdue_proposal(world)
    review_on = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(InvalidInput) as refused:
        suspension_proposal_decide(
            actor=world.lead_actor, proposal=proposal, outcome="suspended", reason="Overdue"
        )
    assert "review_on" in refused.value.fields
    world.oak_membership.refresh_from_db()
    assert world.oak_membership.state == MembershipState.ACTIVE
    suspension_proposal_decide(
        actor=world.lead_actor,
        proposal=proposal,
        outcome="suspended",
        reason="Re-check 40 days overdue.",
        review_on=review_on,
    )
    world.oak_membership.refresh_from_db()
    assert world.oak_membership.state == MembershipState.SUSPENDED
    assert world.oak_membership.review_on == review_on
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUSPENDED and proposal.decided_by == world.lead
    with pytest.raises(WrongState):
        suspension_proposal_decide(
            actor=world.lead_actor, proposal=proposal, outcome="not_suspended", reason="Oops"
        )


def test_not_suspending_records_why_and_only_the_lead_authority_decides(world):
    proposal = overdue_proposal(world)
    with pytest.raises(NotAllowed):
        suspension_proposal_decide(
            actor=world.oak_actor, proposal=proposal, outcome="not_suspended", reason="No"
        )
    with pytest.raises(InvalidInput) as refused:
        suspension_proposal_decide(
            actor=world.lead_actor, proposal=proposal, outcome="not_suspended", reason=""
        )
    assert "reason" in refused.value.fields
    suspension_proposal_decide(
        actor=world.lead_actor,
        proposal=proposal,
        outcome="not_suspended",
        reason="The provider phoned: the re-check comes this week.",
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.NOT_SUSPENDED
    world.oak_membership.refresh_from_db()
    assert world.oak_membership.state == MembershipState.ACTIVE
