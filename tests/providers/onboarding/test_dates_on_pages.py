"""Pages and messages write dates and times the GOV.UK way, in UK time: "1 July 2027 at 10am",
not "1 Jul 2027 09:00" (UTC) or "1 July 2027, 10:00"."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from fps_portal.accounts.models import Role
from fps_portal.notifications.models import Notification
from providers.models import EvaluationWindow
from providers.services.window_messages import next_window_message
from tests.factories import person
from tests.providers.onboarding.factories import make_system, scheduled_window

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 09:00 UTC in July is 10am in London (BST); 17:00 UTC in December is 5pm (GMT).
OPENS = datetime.datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime.datetime(2027, 12, 1, 17, 0, tzinfo=UTC)
DEADLINE = datetime.datetime(2028, 1, 14, 12, 0, tzinfo=UTC)


def _window() -> EvaluationWindow:
    return scheduled_window(
        name="Round 9",
        purchasing_system=make_system(),
        opens_at=OPENS,
        closes_at=CLOSES,
        evaluation_deadline=DEADLINE,
    )


def test_the_window_pages_show_govuk_dates_and_times_in_uk_time(client: Client) -> None:
    window = _window()
    client.force_login(person(Role.LEAD_EVALUATOR))
    listing = client.get("/fps/windows/").content.decode()
    assert "1 July 2027 at 10am" in listing
    assert "1 December 2027 at 5pm" in listing
    detail = client.get(f"/fps/windows/{window.pk}/").content.decode()
    assert "1 July 2027 at 10am" in detail
    assert "14 January 2028 at midday" in detail
    assert "10:00" not in detail and "Jul " not in detail


def test_the_next_window_message_uses_govuk_times() -> None:
    window = _window()
    message = next_window_message(
        system=window.purchasing_system, now=OPENS - datetime.timedelta(days=30)
    )
    assert message == "The next window, Round 9, opens on 1 July 2027 at 10am."


def test_notifications_show_when_they_arrived_the_govuk_way(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    note = Notification.objects.create(
        recipient=user, event_key="k", subject="Subject", body="Body", send_email=False
    )
    Notification.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2027, 3, 28, 8, 5, tzinfo=UTC)
    )
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert "28 March 2027 at 9:05am" in html
