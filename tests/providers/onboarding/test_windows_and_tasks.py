"""Windows: scheduling rules, opening and closing on time, reminders, and tasks run twice."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.models import Notification
from fps_portal.schedule import BEAT_SCHEDULE
from fps_portal.text import possessive
from providers import tasks
from providers.models import (
    ApplicationState,
    CheckResult,
    EvaluationWindow,
    PurchasingSystemKind,
    WindowState,
)
from providers.services.windows import (
    window_complete,
    window_completion_blocker,
    window_schedule,
)
from tests.factories import person
from tests.providers.onboarding.factories import (
    actor,
    make_system,
    open_window,
    ready_provider,
    scheduled_window,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_the_lead_authority_schedules_a_window() -> None:
    lead = actor(person(Role.LEAD_EVALUATOR))
    system = make_system()
    now = timezone.now()
    window = window_schedule(
        actor=lead,
        system=system,
        name="Round 6",
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        evaluation_deadline=now + datetime.timedelta(days=60),
    )
    assert window.state == WindowState.SCHEDULED


@pytest.mark.parametrize(
    "field,opens,closes,deadline",
    [
        ("closes_at", 10, 5, 40),
        ("evaluation_deadline", 1, 30, 20),
    ],
)
def test_a_window_out_of_order_is_refused_at_the_field(
    field: str, opens: int, closes: int, deadline: int
) -> None:
    lead = actor(person(Role.LEAD_EVALUATOR))
    now = timezone.now()
    with pytest.raises(InvalidInput) as error:
        window_schedule(
            actor=lead,
            system=make_system(),
            name="Round",
            opens_at=now + datetime.timedelta(days=opens),
            closes_at=now + datetime.timedelta(days=closes),
            evaluation_deadline=now + datetime.timedelta(days=deadline),
        )
    assert field in error.value.fields
    assert not EvaluationWindow.objects.exists()


def test_a_dps_has_no_windows() -> None:
    lead = actor(person(Role.LEAD_EVALUATOR))
    system = make_system(
        kind=PurchasingSystemKind.DPS, direct_award_allowed=False, admits_by_windows=False
    )
    now = timezone.now()
    with pytest.raises(InvalidInput, match="rolling basis"):
        window_schedule(
            actor=lead,
            system=system,
            name="Round",
            opens_at=now,
            closes_at=now + datetime.timedelta(days=1),
            evaluation_deadline=now + datetime.timedelta(days=2),
        )


def test_overlapping_windows_are_refused() -> None:
    # A scheduled one: a window opening in the past is refused for that before any overlap.
    existing = scheduled_window()
    lead = actor(person(Role.LEAD_EVALUATOR))
    with pytest.raises(InvalidInput, match="overlaps"):
        window_schedule(
            actor=lead,
            system=existing.purchasing_system,
            name="Clash",
            opens_at=existing.opens_at,
            closes_at=existing.closes_at,
            evaluation_deadline=existing.evaluation_deadline,
        )


def test_open_task_opens_due_windows_and_tells_providers_once_when_run_twice() -> None:
    provider_user = person(Role.PROVIDER_USER)
    window = scheduled_window(opens_at=timezone.now() - datetime.timedelta(minutes=1))
    later = scheduled_window(
        opens_at=timezone.now() + datetime.timedelta(days=40),
        closes_at=timezone.now() + datetime.timedelta(days=50),
    )
    assert tasks.open_due_windows.apply().get() == 1
    assert tasks.open_due_windows.apply().get() == 0
    window.refresh_from_db()
    later.refresh_from_db()
    assert window.state == WindowState.OPEN and window.opened_at is not None
    assert later.state == WindowState.SCHEDULED
    assert (
        Notification.objects.filter(
            recipient=provider_user, event_key=f"window-opened:{window.pk}"
        ).count()
        == 1
    )


def test_close_task_moves_submitted_applications_to_evaluation_with_checks_once() -> None:
    ready = ready_provider()
    window = open_window()
    application = submitted_application(ready, window)
    EvaluationWindow.objects.filter(pk=window.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert tasks.close_due_windows.apply().get() == 1
    assert tasks.close_due_windows.apply().get() == 0
    window.refresh_from_db()
    application.refresh_from_db()
    assert window.state == WindowState.EVALUATING
    assert application.state == ApplicationState.UNDER_EVALUATION
    results = application.results.all()
    assert results.count() == 13  # 7 organisation requirements + 6 for the one setting
    assert not results.filter(automatic_result=CheckResult.FAIL).exists()


def test_closing_reminder_goes_a_week_before_and_only_once() -> None:
    provider_user = person(Role.PROVIDER_USER)
    window = open_window(closes_at=timezone.now() + datetime.timedelta(days=3))
    far = open_window(
        opens_at=timezone.now() + datetime.timedelta(days=100),
        closes_at=timezone.now() + datetime.timedelta(days=130),
        evaluation_deadline=timezone.now() + datetime.timedelta(days=160),
    )
    assert tasks.remind_windows_closing.apply().get() == 1
    assert tasks.remind_windows_closing.apply().get() == 0
    assert (
        Notification.objects.filter(
            recipient=provider_user, event_key=f"window-closing:{window.pk}"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(event_key=f"window-closing:{far.pk}").exists()


def test_a_window_completes_only_when_every_application_has_an_outcome() -> None:
    ready = ready_provider()
    window = open_window()
    application = submitted_application(ready, window)
    EvaluationWindow.objects.filter(pk=window.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    tasks.close_due_windows.apply()
    window.refresh_from_db()
    # The provider is named, never the application's id (issue 10).
    expected = f"{possessive(application.provider.name)} application still has no outcome."
    assert window_completion_blocker(window) == f"{expected} Moderate it first."
    with pytest.raises(WrongState, match=re.escape(expected)):
        window_complete(actor=actor(person(Role.LEAD_EVALUATOR)), window=window)


def test_completing_an_open_window_is_a_wrong_state() -> None:
    with pytest.raises(WrongState):
        window_complete(actor=actor(person(Role.LEAD_EVALUATOR)), window=open_window())


def test_every_onboarding_task_is_on_the_beat_schedule() -> None:
    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {
        "providers.open_due_windows",
        "providers.close_due_windows",
        "providers.remind_windows_closing",
        "providers.remind_clarifications_due",
    } <= names
