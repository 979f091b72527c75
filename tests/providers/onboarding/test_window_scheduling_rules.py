"""Scheduling a window: it cannot open in the past (beyond a few minutes' tolerance), its name is
unique within its purchasing system in any case; and "when can I apply?" knows about an open
window."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, WrongState
from providers.models import EvaluationWindow, PurchasingSystem, WindowState
from providers.services.applications import application_start
from providers.services.window_messages import next_window_message, window_next_opening
from providers.services.windows import window_schedule
from tests.factories import api_client_for, person
from tests.providers.onboarding.factories import (
    actor,
    make_system,
    open_window,
    ready_provider,
    scheduled_window,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _schedule(
    system: PurchasingSystem, name: str, opens: datetime.datetime, days: int = 30
) -> EvaluationWindow:
    return window_schedule(
        actor=actor(person(Role.LEAD_EVALUATOR)),
        system=system,
        name=name,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=days),
        evaluation_deadline=opens + datetime.timedelta(days=days + 30),
    )


def test_a_window_dated_in_the_past_is_refused_at_the_opening_time_and_nothing_written() -> None:
    system = make_system()
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        window_schedule(
            actor=actor(person(Role.LEAD_EVALUATOR)),
            system=system,
            name="Round 3 (2025)",
            opens_at=datetime.datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
            closes_at=datetime.datetime(2025, 4, 1, 12, 0, tzinfo=UTC),
            evaluation_deadline=datetime.datetime(2025, 6, 1, 17, 0, tzinfo=UTC),
        )
    (message,) = error.value.fields["opens_at"]
    assert "must be in the future" in message
    assert not EvaluationWindow.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_window_opening_a_few_minutes_ago_is_accepted() -> None:
    # The form's times are filled in when it loads; sending it a minute or two later is fine.
    window = _schedule(make_system(), "Round 6", timezone.now() - datetime.timedelta(minutes=2))
    assert window.state == WindowState.SCHEDULED


def test_the_window_page_refuses_a_past_window_with_a_field_error() -> None:
    system = make_system()
    browser = Client()
    browser.force_login(person(Role.LEAD_EVALUATOR))
    response = browser.post(
        f"/fps/windows/new/?system={system.pk}",
        {
            "system": system.pk,
            "name": "Round 3 (2025)",
            "opens_at": "2025-03-01T09:00",
            "closes_at": "2025-04-01T12:00",
            "evaluation_deadline": "2025-06-01T17:00",
        },
    )
    assert response.status_code == 400
    assert "must be in the future" in response.content.decode()
    assert not EvaluationWindow.objects.exists()


def test_the_api_refuses_a_past_window_with_400_naming_the_field() -> None:
    system = make_system()
    response = api_client_for(person(Role.LEAD_EVALUATOR)).post(
        "/api/v1/windows/",
        {
            "purchasing_system": system.pk,
            "name": "Round 3 (2025)",
            "opens_at": "2025-03-01T09:00:00Z",
            "closes_at": "2025-04-01T12:00:00Z",
            "evaluation_deadline": "2025-06-01T17:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "opens_at" in response.json()["error"]["fields"]
    assert not EvaluationWindow.objects.exists()


def test_a_window_name_is_unique_within_its_system_whatever_the_case() -> None:
    system = make_system()
    now = timezone.now()
    _schedule(system, "Round 6 (2026)", now + datetime.timedelta(days=1))
    with pytest.raises(InvalidInput) as error:
        _schedule(system, "  round 6 (2026) ", now + datetime.timedelta(days=100))
    (message,) = error.value.fields["name"]
    assert "already has a window called 'Round 6 (2026)'" in message
    assert EvaluationWindow.objects.filter(purchasing_system=system).count() == 1
    # Another purchasing system may use the same name.
    _schedule(make_system(), "Round 6 (2026)", now + datetime.timedelta(days=1))


def test_a_completed_windows_name_cannot_be_reused_either() -> None:
    old = open_window(name="Round 1 (2021)", state=WindowState.COMPLETED)
    with pytest.raises(InvalidInput, match="already has a window"):
        _schedule(old.purchasing_system, "ROUND 1 (2021)", timezone.now() + datetime.timedelta(1))


def test_the_next_window_is_the_open_one_while_a_window_is_open() -> None:
    window = open_window(name="Round 6 (2026)")
    scheduled_window(
        purchasing_system=window.purchasing_system,
        opens_at=window.closes_at + datetime.timedelta(days=30),
        closes_at=window.closes_at + datetime.timedelta(days=60),
        evaluation_deadline=window.closes_at + datetime.timedelta(days=90),
    )
    system = window.purchasing_system
    assert window_next_opening(system=system) == window
    message = next_window_message(system=system)
    assert message.startswith("Round 6 (2026) is open for applications until ")
    assert "has not been scheduled" not in message


def test_the_next_window_is_the_scheduled_one_when_none_is_open() -> None:
    window = scheduled_window(name="Round 7 (2027)")
    assert next_window_message(system=window.purchasing_system).startswith(
        "The next window, Round 7 (2027), opens on "
    )


def test_applying_in_a_closed_window_points_to_the_one_open_now() -> None:
    closed = open_window(
        name="Round 5",
        state=WindowState.EVALUATING,
        opens_at=timezone.now() - datetime.timedelta(days=60),
        closes_at=timezone.now() - datetime.timedelta(days=30),
    )
    open_window(name="Round 6", purchasing_system=closed.purchasing_system)
    ready = ready_provider()
    with pytest.raises(WrongState) as error:
        application_start(actor=ready.actor, system=closed.purchasing_system, window=closed)
    assert "Round 6 is open for applications until" in error.value.message


def test_a_system_id_in_unicode_digits_is_no_server_error() -> None:
    make_system()
    browser = Client()
    browser.force_login(person(Role.LEAD_EVALUATOR))
    # "²".isdigit() is true but int("²") fails; the page falls back to the first system.
    assert browser.get("/fps/windows/new/?system=²").status_code == 200
