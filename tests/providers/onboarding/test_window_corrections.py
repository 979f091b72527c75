"""Correcting a window (issue 10): reschedule, cancel, open now, close early. Each needs a
reason, is audited with before and after, goes through the transition table, tells providers
what changed, and leaves one consistent result when beat's job runs at the same moment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers import tasks
from providers.models import ApplicationState, EvaluationWindow, WindowState
from providers.services.window_corrections import (
    window_cancel,
    window_close_early,
    window_open_now,
    window_reschedule,
)
from providers.services.windows import window_open, window_schedule
from tests.factories import person
from tests.providers.onboarding.factories import (
    actor,
    open_window,
    ready_provider,
    scheduled_window,
    submitted_application,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def lead():
    return actor(person(Role.LEAD_EVALUATOR))


def _audit(window: EvaluationWindow) -> AuditEvent:
    return AuditEvent.objects.filter(
        object_type="providers.evaluationwindow", object_id=str(window.pk)
    ).latest("id")


def _told(key_prefix: str) -> list[Notification]:
    return list(Notification.objects.filter(event_key__startswith=key_prefix))


def _dates(window: EvaluationWindow, **changes: object) -> dict[str, object]:
    values = {
        "name": window.name,
        "opens_at": window.opens_at,
        "closes_at": window.closes_at,
        "evaluation_deadline": window.evaluation_deadline,
    }
    return values | changes


# -- reschedule -----------------------------------------------------------------------------------


def test_a_scheduled_window_is_rescheduled_audited_and_providers_are_told_the_new_dates() -> None:
    ready = ready_provider()
    window = scheduled_window(name="Round 6")
    new_opening = window.opens_at + 2 * DAY
    me = lead()
    window_reschedule(
        actor=me,
        window=window,
        reason="The opening date was a typo.",
        **_dates(window, opens_at=new_opening),
    )
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED
    assert window.opens_at == new_opening
    assert window.rescheduled_by == me.user and window.rescheduled_at is not None
    event = _audit(window)
    assert event.verb == AuditVerb.UPDATED
    assert event.reason == "The opening date was a typo."
    assert event.before["opens_at"] != event.after["opens_at"]
    assert "closes_at" not in event.after  # only what changed
    (told,) = _told(f"window-rescheduled:{window.pk}:")
    assert told.recipient == ready.user
    assert told.subject == "The dates of Round 6 have changed"
    assert "The opening date was a typo." in told.body
    assert "(was " in told.body


def test_a_new_name_alone_tells_nobody() -> None:
    ready_provider()
    window = scheduled_window(name="Rond 6")
    window_reschedule(
        actor=lead(), window=window, reason="Spelling.", **_dates(window, name="Round 6")
    )
    window.refresh_from_db()
    assert window.name == "Round 6"
    assert _told("window-rescheduled:") == []


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"closes_at": "before opening"}, "closes_at"),
        ({"opens_at": "in the past"}, "opens_at"),
        ({}, "name"),  # nothing changed
    ],
)
def test_a_reschedule_that_breaks_a_rule_is_refused_at_the_field(
    changes: dict[str, str], field: str
) -> None:
    window = scheduled_window()
    values = _dates(window)
    if "closes_at" in changes:
        values["closes_at"] = window.opens_at - DAY
    if "opens_at" in changes:
        values["opens_at"] = timezone.now() - 2 * DAY
    with pytest.raises(InvalidInput) as error:
        window_reschedule(actor=lead(), window=window, reason="Fixing it.", **values)
    assert field in error.value.fields
    assert all(isinstance(messages, list) for messages in error.value.fields.values())
    assert not AuditEvent.objects.filter(object_type="providers.evaluationwindow").exists()


def test_every_correction_needs_a_reason() -> None:
    window = scheduled_window()
    for act in (window_cancel, window_open_now):
        with pytest.raises(InvalidInput) as error:
            act(actor=lead(), window=window, reason="   ")
        assert error.value.fields["reason"][0].startswith("Give the reason")
    with pytest.raises(InvalidInput) as error:
        window_reschedule(actor=lead(), window=window, reason="", **_dates(window, name="Round 99"))
    assert "reason" in error.value.fields
    with pytest.raises(InvalidInput):
        window_close_early(actor=lead(), window=open_window(), reason="")
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED and window.name != "Round 99"


def test_only_the_lead_authority_corrects_a_window() -> None:
    window = scheduled_window()
    for role in (Role.PROVIDER_USER, Role.COMMISSIONER):
        with pytest.raises(NotAllowed):
            window_cancel(actor=actor(person(role)), window=window, reason="Because.")
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED


def test_an_open_window_cannot_be_rescheduled_or_cancelled() -> None:
    window = open_window()
    with pytest.raises(WrongState, match="This window is open"):
        window_reschedule(actor=lead(), window=window, reason="Late.", **_dates(window))
    with pytest.raises(WrongState):
        window_cancel(actor=lead(), window=window, reason="Late.")
    with pytest.raises(WrongState):
        window_open_now(actor=lead(), window=window, reason="Again.")


# -- cancel ---------------------------------------------------------------------------------------


def test_a_cancelled_window_never_opens_and_frees_its_name_and_dates() -> None:
    ready = ready_provider()
    window = scheduled_window(name="Round 6")
    window_cancel(actor=lead(), window=window, reason="Scheduled in the wrong year.")
    window.refresh_from_db()
    assert window.state == WindowState.CANCELLED
    assert window.cancellation_reason == "Scheduled in the wrong year."
    event = _audit(window)
    assert event.before["state"] == "scheduled" and event.after["state"] == "cancelled"
    (told,) = _told(f"window-cancelled:{window.pk}")
    assert told.recipient == ready.user and "Scheduled in the wrong year." in told.body
    # Its time comes: beat leaves it alone.
    assert window_open(window_id=window.pk, now=window.opens_at + DAY) is False
    # The same name and dates can be scheduled again.
    again = window_schedule(
        actor=lead(),
        system=window.purchasing_system,
        name="Round 6",
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        evaluation_deadline=window.evaluation_deadline,
    )
    assert again.state == WindowState.SCHEDULED


# -- open now -------------------------------------------------------------------------------------


def test_a_scheduled_window_opens_now_and_providers_are_told_once() -> None:
    ready = ready_provider()
    window = scheduled_window()
    me = lead()
    now = timezone.now()
    window_open_now(actor=me, window=window, reason="Ready early.", now=now)
    window.refresh_from_db()
    assert window.state == WindowState.OPEN
    assert window.opens_at == now and window.opened_by == me.user
    assert _audit(window).reason == "Ready early."
    assert [n.recipient for n in _told(f"window-opened:{window.pk}")] == [ready.user]
    # Beat finds nothing to do, and nobody is told twice.
    assert tasks.open_due_windows.apply().get() == 0
    assert len(_told(f"window-opened:{window.pk}")) == 1


def test_a_window_whose_closing_time_has_passed_cannot_be_opened_now() -> None:
    window = scheduled_window()
    with pytest.raises(InvalidInput) as error:
        window_open_now(actor=lead(), window=window, reason="Now.", now=window.closes_at + DAY)
    assert "Change its dates first" in error.value.fields["reason"][0]


def test_opening_now_cannot_overlap_another_window() -> None:
    current = open_window()
    later = scheduled_window(
        purchasing_system=current.purchasing_system,
        opens_at=current.closes_at + DAY,
        closes_at=current.closes_at + 10 * DAY,
        evaluation_deadline=current.closes_at + 40 * DAY,
    )
    with pytest.raises(InvalidInput) as error:
        window_open_now(actor=lead(), window=later, reason="Now.")
    assert "overlaps" in error.value.fields["reason"][0]


# -- close early ----------------------------------------------------------------------------------


def test_an_open_window_closes_early_its_applications_go_to_evaluation_and_providers_are_told() -> (
    None
):
    ready = ready_provider()
    window = open_window(name="Round 5")
    application = submitted_application(ready, window)
    me = lead()
    was_closing = window.closes_at
    now = timezone.now()
    window_close_early(actor=me, window=window, reason="Enough applications.", now=now)
    window.refresh_from_db()
    application.refresh_from_db()
    assert window.state == WindowState.EVALUATING
    assert window.closes_at == now and window.closed_by == me.user
    assert application.state == ApplicationState.UNDER_EVALUATION
    event = AuditEvent.objects.get(
        object_type="providers.evaluationwindow",
        object_id=str(window.pk),
        verb=AuditVerb.STATE_CHANGED,
    )
    assert event.reason == "Enough applications."
    assert event.before["state"] == "open" and event.after["state"] == "evaluating"
    assert event.before["closes_at"] != event.after["closes_at"]
    (told,) = _told(f"window-closed-early:{window.pk}")
    assert told.subject == "Round 5 has closed early"
    assert "Enough applications." in told.body
    assert was_closing.astimezone(timezone.get_current_timezone()).strftime("%B") in told.body
    # Beat's closing job, at the old closing time, finds nothing to do.
    assert tasks.close_due_windows.apply().get() == 0
    with pytest.raises(WrongState, match="closed for evaluation"):
        window_close_early(actor=me, window=window, reason="Again.")


def test_a_scheduled_window_cannot_be_closed_early() -> None:
    with pytest.raises(WrongState, match="This window is scheduled"):
        window_close_early(actor=lead(), window=scheduled_window(), reason="No.")


# -- beat and a correction at the same moment (sequential orders; the real race is below) ---------


def test_beat_opening_after_a_cancel_does_nothing() -> None:
    window = scheduled_window()
    window_cancel(actor=lead(), window=window, reason="Typo.")
    assert window_open(window_id=window.pk, now=window.opens_at + DAY) is False
    window.refresh_from_db()
    assert window.state == WindowState.CANCELLED
    assert _told(f"window-opened:{window.pk}") == []


def test_a_cancel_after_beat_opened_is_refused() -> None:
    window = scheduled_window()
    assert window_open(window_id=window.pk, now=window.opens_at + datetime.timedelta(seconds=1))
    with pytest.raises(WrongState, match="This window is open"):
        window_cancel(actor=lead(), window=window, reason="Too late.")
    window.refresh_from_db()
    assert window.state == WindowState.OPEN
