"""A pass where one setting failed: the provider's page and e-mail say which settings were
admitted on which lots, which were not, and the requirement and reason for each not admitted."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.test import Client

from fps_portal.notifications.delivery import notification_deliver_email
from fps_portal.notifications.models import Notification
from providers.models import ApplicationState, Requirement, SettingLot
from providers.services.evaluation import application_moderate
from tests.providers.onboarding.factories import actor, evaluate, evaluator
from tests.providers.onboarding.two_settings import (
    NORTH,
    SOUTH,
    TwoSettings,
    evaluate_failing,
    result,
    under_evaluation_with_two_settings,
)

pytestmark = pytest.mark.django_db

WHY = "The statement does not describe how young people are admitted."


def _passed_with_south_failing() -> TwoSettings:
    built = under_evaluation_with_two_settings()
    statement = result(built.application, Requirement.STATEMENT_OF_PURPOSE, built.south)
    first, second = evaluator(), evaluator()
    evaluate_failing(built.application, first, statement.pk, WHY)
    evaluate_failing(built.application, second, statement.pk, WHY)
    application_moderate(
        actor=actor(first), application=built.application, reason="One setting meets them all."
    )
    built.application.refresh_from_db()
    assert built.application.state == ApplicationState.PASSED
    return built


def _outcome_notification(built: TwoSettings) -> Notification:
    return Notification.objects.get(
        recipient=built.ready.user, event_key=f"application-outcome:{built.application.pk}"
    )


def test_the_email_names_the_settings_and_lots_admitted_and_not_and_why() -> None:
    built = _passed_with_south_failing()
    notification = _outcome_notification(built)
    assert notification.subject == "Your application has passed for 1 of your 2 settings"
    body = notification.body
    assert f"- {NORTH}, on lot 1 (52-week placements)." in body
    assert "Not on lot 2 (38-week placements): you gave no weekly price for it." in body
    assert f"- {SOUTH}:\n  - Statement of Purpose: {WHY}" in body
    assert "No setting was admitted on lot 2 (38-week placements)." in body
    assert "You may apply again for the settings not admitted." in body
    # What the e-mail says is what happened.
    approved = SettingLot.objects.filter(approved_at__isnull=False)
    assert set(approved.values_list("setting__name", "lot__code")) == {(NORTH, "1")}
    mail.outbox.clear()
    assert notification_deliver_email(notification_id=notification.pk)
    assert f"- {SOUTH}:\n  - Statement of Purpose: {WHY}" in mail.outbox[0].body


def test_the_page_names_the_settings_and_lots_admitted_and_not_and_why(client: Client) -> None:
    built = _passed_with_south_failing()
    client.force_login(built.ready.user)
    page = html.unescape(
        client.get(f"/onboarding/applications/{built.application.pk}/").content.decode()
    )
    assert "for 1 of your 2 settings" in page
    admitted = page[page.index("Settings admitted") : page.index("Settings not admitted")]
    assert NORTH in admitted and "Admitted on lot 1 (52-week placements)." in admitted
    assert "Not on lot 2 (38-week placements): you gave no weekly price for it." in admitted
    assert SOUTH not in admitted
    not_admitted = page[page.index("Settings not admitted") :]
    assert f"{SOUTH}: requirements not met" in not_admitted
    assert "Statement of Purpose" in not_admitted and WHY in not_admitted
    assert "No setting was admitted on lot 2 (38-week placements)." in page
    assert "Your settings appear to every authority" not in page


def test_a_full_pass_says_every_setting_is_admitted_without_a_not_admitted_section(
    client: Client,
) -> None:
    built = under_evaluation_with_two_settings()
    first, second = evaluator(), evaluator()
    evaluate(built.application, first, verdict="pass")
    evaluate(built.application, second, verdict="pass")
    application_moderate(actor=actor(first), application=built.application, reason="All met.")
    notification = _outcome_notification(built)
    assert notification.subject == "Your application has passed"
    assert f"- {SOUTH}, on lot 1 (52-week placements) and lot 2 (38-week placements)." in (
        notification.body
    )
    assert "not admitted" not in notification.body
    client.force_login(built.ready.user)
    page = html.unescape(
        client.get(f"/onboarding/applications/{built.application.pk}/").content.decode()
    )
    assert "Settings admitted" in page and "Settings not admitted" not in page
