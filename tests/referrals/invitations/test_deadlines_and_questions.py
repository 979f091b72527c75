"""Beat closes each open referral past its deadline exactly once (unanswered invitations lapse,
the authority is told once), reminds providers yet to answer once before it; a submission
racing the close gives one consistent result; clarification answers reach every invitee
without saying who asked."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from fps_portal.errors import NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from referrals import tasks
from referrals.models import (
    AuthorityPlacementRules,
    Invitation,
    InvitationState,
    Referral,
    ReferralQuestion,
    ReferralState,
    Response,
    ResponseState,
)
from referrals.services import deadlines, questions
from referrals.services import response_submission as submission
from referrals.services import responses as svc
from tests.providers.onboarding.factories import actor
from tests.referrals.factories import Competition, published_competition
from tests.referrals.invitations.conftest import second_invitee

pytestmark = pytest.mark.django_db


def _past_deadline(world: Competition) -> None:
    Referral.objects.filter(pk=world.referral.pk).update(
        response_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


def _submitted(world: Competition, provider) -> Response:  # type: ignore[no-untyped-def]
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    svc.response_update(
        actor=provider,
        response=response,
        data=svc.ResponseData(
            how_needs_met="Small classes.",
            how_outcomes_met="Termly reviews.",
            inspection_judgement="Ofsted: Good",
            inspection_date=datetime.date(2024, 5, 1),
            inspection_confirmed=True,
            answers={c.pk: "Yes." for c in world.referral.criteria.all()},
        ),
    )
    return submission.response_submit(actor=provider, response=response)


def test_beat_closes_once_lapses_the_unanswered_and_tells_the_authority_once(
    world: Competition,
    provider,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _submitted(world, provider)
    silent, _, _ = second_invitee(world)
    _past_deadline(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.close_due_referrals() == 1
        assert tasks.close_due_referrals() == 0  # beat run twice: nothing twice
    referral = Referral.objects.get()
    assert referral.state == ReferralState.CLOSED and referral.closed_at is not None
    assert Invitation.objects.get(pk=world.invitation.pk).state == InvitationState.RESPONDED
    lapsed = Invitation.objects.get(pk=silent.pk)
    assert lapsed.state == InvitationState.LAPSED and lapsed.lapsed_at is not None
    told = Notification.objects.filter(event_key=f"referral-responses-ready:{referral.pk}")
    assert [n.recipient for n in told] == [world.commissioner]
    assert "1 response was submitted; 1 invited provider did not answer" in told.get().body
    assert sum("ready to evaluate" in m.subject for m in mail.outbox) == 1


def test_a_referral_not_yet_due_is_left_open(world: Competition) -> None:
    assert tasks.close_due_referrals() == 0
    assert Referral.objects.get().state == ReferralState.OPEN


def test_unanswered_invitees_are_reminded_once_before_the_deadline(
    world: Competition,
    provider,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _submitted(world, provider)  # answered: not reminded
    waiting, waiting_user, _ = second_invitee(world)
    AuthorityPlacementRules.objects.create(
        authority=world.authority, reminder_hours_before_deadline=48, reference_prefix="SEF"
    )
    Referral.objects.filter(pk=world.referral.pk).update(
        response_deadline=timezone.now() + datetime.timedelta(hours=47)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_referral_deadlines() == 1
        assert tasks.remind_referral_deadlines() == 0
    reminded = Notification.objects.filter(event_key__startswith="referral-deadline-reminder:")
    assert [n.recipient for n in reminded] == [waiting_user]
    assert Invitation.objects.get(pk=waiting.pk).reminded_at is not None
    assert Referral.objects.get().deadline_reminded_at is not None
    assert sum("closes on" in m.subject for m in mail.outbox) == 1


def test_no_reminder_before_the_authoritys_hours(world: Competition) -> None:
    # The default is 24 hours before; the deadline is a week away.
    assert tasks.remind_referral_deadlines() == 0
    assert Referral.objects.get().deadline_reminded_at is None


def test_answers_go_to_every_invitee_without_naming_who_asked(
    world: Competition,
    provider,
    commissioner,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _, other_user, _ = second_invitee(world)
    with django_capture_on_commit_callbacks(execute=True):
        asked = questions.question_ask(
            actor=provider, invitation=world.invitation, question="Is there a sensory room need?"
        )
    told = Notification.objects.get(event_key=f"referral-question-asked:{asked.pk}")
    assert told.recipient == world.commissioner
    with pytest.raises(NotAllowed):
        questions.question_answer(actor=provider, question=asked, answer="Yes.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        questions.question_answer(actor=commissioner, question=asked, answer="Yes, daily.")
    notices = Notification.objects.filter(event_key=f"referral-question-answered:{asked.pk}")
    assert {n.recipient for n in notices} == {world.provider_user, other_user}
    for text in [n.body for n in notices] + [m.body for m in mail.outbox]:
        assert "Is there a sensory room need?" in text and "Yes, daily." in text
        assert world.provider.name not in text
    assert len(mail.outbox) == 2
    with pytest.raises(WrongState):
        questions.question_answer(actor=commissioner, question=asked, answer="Again.")
    # The other invitee reads the answered question through its scope, never who asked.
    from fps_portal.scoping import scoped

    seen = scoped(ReferralQuestion, actor(other_user)).get()
    assert seen.answer == "Yes, daily."


def test_a_question_after_the_deadline_is_refused(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    _past_deadline(world)
    with pytest.raises(WrongState) as raised:
        questions.question_ask(actor=provider, invitation=world.invitation, question="Too late?")
    assert "passed" in raised.value.message
    assert not ReferralQuestion.objects.exists()


def _race_once() -> str:
    """One submission and one close at the same moment; the response's final state."""
    world = published_competition()
    provider = actor(world.provider_user)
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    svc.response_update(
        actor=provider,
        response=response,
        data=svc.ResponseData(
            how_needs_met="Small classes.",
            how_outcomes_met="Termly reviews.",
            inspection_judgement="Ofsted: Good",
            inspection_date=datetime.date(2024, 5, 1),
            inspection_confirmed=True,
            weekly_price=Decimal("3250.00"),
            answers={c.pk: "Yes." for c in world.referral.criteria.all()},
        ),
    )
    deadline = timezone.now() + datetime.timedelta(seconds=30)
    Referral.objects.filter(pk=world.referral.pk).update(response_deadline=deadline)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            submission.response_submit(
                actor=provider, response=response, now=deadline - datetime.timedelta(microseconds=1)
            )
        except WrongState:
            pass  # the close came first: refused, as it should be
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def close() -> None:
        try:
            barrier.wait()
            deadlines.referral_close_at_deadline(referral_id=world.referral.pk, now=deadline)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    referral = Referral.objects.get(pk=world.referral.pk)
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    final = Response.objects.get(pk=response.pk)
    assert referral.state == ReferralState.CLOSED
    if final.state == ResponseState.SUBMITTED:
        assert invitation.state == InvitationState.RESPONDED
        assert final.submitted_at is not None and final.submitted_at < referral.closed_at
    else:
        assert final.state == ResponseState.DRAFT
        assert invitation.state == InvitationState.LAPSED
    return final.state


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_submission_racing_the_close_gives_one_consistent_result() -> None:
    """The submission and beat's close both lock the referral first: whichever gets the row
    decides. Either the response is in (submitted before the close, the invitation responded)
    or it is refused and the invitation lapses; never a submitted response with a lapsed
    invitation, or one submitted after the close."""
    outcomes = {_race_once() for _ in range(4)}
    assert outcomes <= {ResponseState.SUBMITTED, ResponseState.DRAFT}
