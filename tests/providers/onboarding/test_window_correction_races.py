"""Beat's opening and closing jobs racing a correction by hand (issue 10): both take the window's
row lock and re-check its state, so whichever locks first wins and the other finds the state
moved on. One consistent result, one audit row per change, providers told once.

Each test holds the first side's transaction open until the second is seen waiting on the lock,
so the two really overlap; it needs PostgreSQL (SQLite has no row locks)."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import WrongState
from fps_portal.notifications.models import Notification
from providers.models import Application, ApplicationState, EvaluationWindow, WindowState
from providers.services.window_corrections import window_cancel, window_close_early
from providers.services.windows import window_close, window_open
from tests.factories import person
from tests.providers.onboarding.factories import (
    actor,
    open_window,
    ready_provider,
    scheduled_window,
    submitted_application,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL"),
]


def _race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run `first` in a transaction held open until `second`, in another thread, waits on a
    lock; then let both finish. Returns each side's result or the exception it raised."""
    results: dict[str, object] = {}
    first_done = threading.Event()

    def run(label: str, act: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                results[label] = act()
                if hold:
                    first_done.set()
                    _wait_until_another_session_waits_on_a_lock()
        except Exception as exc:  # the result the other side has to live with
            results[label] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    assert first_done.wait(10)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    one.join(20)
    two.join(20)
    return results


def _wait_until_another_session_waits_on_a_lock(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second side never waited on the window's row lock")


def _events(window: EvaluationWindow) -> int:
    return AuditEvent.objects.filter(
        object_type="providers.evaluationwindow", object_id=str(window.pk)
    ).count()


def test_a_cancel_holding_the_lock_wins_over_beat_opening() -> None:
    ready_provider()
    window = scheduled_window()
    lead = actor(person(Role.LEAD_EVALUATOR))
    due = window.opens_at + datetime.timedelta(seconds=1)
    results = _race(
        lambda: window_cancel(actor=lead, window=window, reason="Typo in the year."),
        lambda: window_open(window_id=window.pk, now=due),
    )
    assert results["second"] is False  # beat found it cancelled and did nothing
    window.refresh_from_db()
    assert window.state == WindowState.CANCELLED and window.opened_at is None
    assert _events(window) == 1
    assert not Notification.objects.filter(event_key=f"window-opened:{window.pk}").exists()
    assert Notification.objects.filter(event_key=f"window-cancelled:{window.pk}").count() == 1


def test_beat_opening_first_makes_the_cancel_a_wrong_state() -> None:
    window = scheduled_window()
    lead = actor(person(Role.LEAD_EVALUATOR))
    due = window.opens_at + datetime.timedelta(seconds=1)
    results = _race(
        lambda: window_open(window_id=window.pk, now=due),
        lambda: window_cancel(actor=lead, window=window, reason="Too late."),
    )
    assert results["first"] is True
    assert isinstance(results["second"], WrongState)
    window.refresh_from_db()
    assert window.state == WindowState.OPEN and window.cancelled_at is None
    assert _events(window) == 1


def test_closing_early_and_beat_closing_at_once_close_it_once() -> None:
    ready = ready_provider()
    window = open_window()
    application = submitted_application(ready, window)
    lead = actor(person(Role.LEAD_EVALUATOR))
    results = _race(
        lambda: window_close_early(actor=lead, window=window, reason="Enough applications."),
        lambda: window_close(window_id=window.pk, now=timezone.now() + datetime.timedelta(days=30)),
    )
    assert results["second"] is False
    window.refresh_from_db()
    assert window.state == WindowState.EVALUATING and window.closed_by == lead.user
    assert _events(window) == 1
    assert Application.objects.get(pk=application.pk).state == ApplicationState.UNDER_EVALUATION
    assert (
        AuditEvent.objects.filter(
            object_type="providers.application", object_id=str(application.pk)
        )
        .filter(after__state=ApplicationState.UNDER_EVALUATION)
        .count()
        == 1
    )
