"""Check your application follows the GOV.UK check answers pattern: each answer in one summary
list with a "Change" link naming it (visually hidden), and saving a step opened from there leads
back there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.providers.onboarding import states

pytestmark = pytest.mark.django_db


def test_each_answer_has_a_change_link_naming_it(client):
    application = states.draft()
    client.force_login(application.created_by)
    html = client.get(reverse("providers:application-submit", args=[application.pk])).content
    page = html.decode()
    links = re.findall(
        r'<dd class="govuk-summary-list__actions"><a class="govuk-link" href="([^"]+)">'
        r'Change<span class="govuk-visually-hidden"> ([^<]+)</span></a></dd>',
        page,
    )

    def change(step: str) -> str:
        return reverse(f"providers:application-{step}", args=[application.pk]) + "?from=check"

    assert links == [
        (change("scope"), "lots"),
        (change("scope"), "settings"),
        (change("evidence"), "evidence"),
        (change("prices"), "weekly prices"),
        (change("services"), "additional services"),
    ]


def test_a_step_opened_from_check_answers_leads_back_there(client):
    application = states.draft()
    client.force_login(application.created_by)
    scope = reverse("providers:application-scope", args=[application.pk])
    check = reverse("providers:application-submit", args=[application.pk])
    page = client.get(f"{scope}?from=check").content.decode()
    assert f'href="{check}" class="govuk-back-link"' in page
    sent = client.post(
        f"{scope}?from=check",
        {
            "lots": [lot.pk for lot in application.lots.all()],
            "settings": [s.pk for s in application.settings.all()],
        },
    )
    assert (sent.status_code, sent["Location"]) == (302, check)
    plain = client.post(
        scope,
        {
            "lots": [lot.pk for lot in application.lots.all()],
            "settings": [s.pk for s in application.settings.all()],
        },
    )
    assert plain["Location"] == reverse("providers:application-detail", args=[application.pk])


def test_a_submitted_application_offers_no_change(client):
    application = states.submitted()
    client.force_login(application.created_by)
    page = client.get(reverse("providers:application-submit", args=[application.pk]))
    assert b"govuk-summary-list__actions" not in page.content
