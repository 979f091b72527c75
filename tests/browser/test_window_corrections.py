"""The lead authority corrects a round in the browser (issue 10): reschedules the next window,
opens it now, then closes it early, each with a reason, on the demo's data; every page passes
axe, a missing reason is caught at the field, and providers are told."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from fps_portal.audit.models import AuditEvent
from fps_portal.notifications.models import Notification
from providers.models import EvaluationWindow, WindowState
from providers.services.window_corrections import window_close_early
from tests.browser.axe import axe_violations
from tests.browser.keyboard import wait_for_error_summary_focus
from tests.browser.pages import LEAD, World, build_world
from tests.providers.onboarding.factories import actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> World:
    return build_world()


def _set_moment(page: Any, field: str, moment: datetime.datetime) -> None:
    """Type a date into the page's date field, whichever widget it is: the native
    date-and-time input, or the GOV.UK date input's day, month and year boxes."""
    local = timezone.localtime(moment)
    native = page.locator(f"input[name={field}]")
    if native.count():
        native.fill(local.strftime("%Y-%m-%dT%H:%M"))
        return
    for part, value in (("day", local.day), ("month", local.month), ("year", local.year)):
        page.locator(f"input[name^={field}][name$={part}]").fill(str(value))


def _send(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _follow(page: Any, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=link).click()  # GOV.UK buttons that are links


def test_reschedule_a_window_then_open_it_now_and_close_it_early(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    lead = world.users[LEAD]
    # The demo's open round ends first, so the next one may open now without overlapping it.
    open_round = world.draft.window
    assert open_round is not None
    window_close_early(actor=actor(lead), window=open_round, reason="Demo round ends early.")
    # The world's passed application's round was closed by a test helper at its closing time,
    # ten days ahead; date it as closed so that it does not overlap either.
    EvaluationWindow.objects.filter(
        state=WindowState.EVALUATING, closes_at__gt=timezone.now()
    ).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    window = world.scheduled
    page = open_signed_in(lead).new_page()
    page.goto(f"{live_server.url}/fps/windows/{window.pk}/")
    assert axe_violations(page) == []

    # Reschedule: the form holds the current values; without a reason it stops at the field.
    _follow(page, "Change name or dates")
    assert page.locator("input[name=name]").input_value() == "Round 6 (2027)"
    assert axe_violations(page) == []
    _send(page, "Save changes")
    wait_for_error_summary_focus(page)
    assert "Give the reason for the change." in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []
    later = window.closes_at + datetime.timedelta(days=7)
    page.locator("input[name=name]").fill("Round 6 (2027 to 2028)")
    _set_moment(page, "closes_at", later)
    page.locator("textarea[name=reason]").fill("A week longer, as agreed with the forum.")
    _send(page, "Save changes")
    assert page.url == f"{live_server.url}/fps/windows/{window.pk}/"
    main = page.locator("main").inner_text()
    assert "Round 6 (2027 to 2028)" in main
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED
    assert timezone.localtime(window.closes_at).date() == timezone.localtime(later).date()
    assert Notification.objects.filter(event_key__startswith=f"window-rescheduled:{window.pk}:")

    # Open it now.
    _follow(page, "Open now")
    assert axe_violations(page) == []
    page.locator("textarea[name=reason]").fill("Providers are ready.")
    _send(page, "Open the window now")
    assert "There is a problem" not in page.locator("main").inner_text(), page.content()
    assert EvaluationWindow.objects.get(pk=window.pk).state == WindowState.OPEN
    assert "Close early" in page.locator("main").inner_text()

    # Close it early: a confirmation page that needs a reason.
    _follow(page, "Close early")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Are you sure you want to close Round 6 (2027 to 2028) early?"
    )
    assert axe_violations(page) == []
    _send(page, "Close the window now")
    wait_for_error_summary_focus(page)
    page.locator("textarea[name=reason]").fill("Enough applications for this round.")
    _send(page, "Close the window now")
    assert page.url == f"{live_server.url}/fps/windows/{window.pk}/"
    assert "Closed for evaluation" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    window.refresh_from_db()
    assert window.state == WindowState.EVALUATING and window.closed_by == lead
    assert Notification.objects.filter(event_key=f"window-closed-early:{window.pk}").exists()
    reasons = set(
        AuditEvent.objects.filter(
            object_type="providers.evaluationwindow", object_id=str(window.pk)
        ).values_list("reason", flat=True)
    )
    assert reasons == {
        "A week longer, as agreed with the forum.",
        "Providers are ready.",
        "Enough applications for this round.",
    }
