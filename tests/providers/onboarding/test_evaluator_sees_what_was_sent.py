"""Evaluators read what they judge: each setting's overview of services (how it works with
parents, how it hears the learner's voice) and links to every evidence document, on the
application's evaluation page and on the evaluate page."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from providers.models import Evidence, EvidenceKind, Setting
from tests.factories import person
from tests.providers.onboarding.factories import ready_provider, under_evaluation
from tests.providers.onboarding.two_settings import (
    NORTH,
    SOUTH,
    SOUTH_OVERVIEW,
    under_evaluation_with_two_settings,
)

pytestmark = pytest.mark.django_db


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _card(page: str, setting_name: str) -> str:
    """The part of the page from the setting's summary card title to the next card."""
    start = page.index(f'<h3 class="govuk-summary-card__title">{setting_name}</h3>')
    end = page.find('class="govuk-summary-card"', start)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize("suffix", ["", "evaluate/"], ids=["evaluation page", "evaluate page"])
def test_an_evaluator_reads_each_settings_overview_under_its_name(
    client: Client, suffix: str
) -> None:
    built = under_evaluation_with_two_settings()
    client.force_login(person(Role.LEAD_EVALUATOR))
    page = _page(client, f"/fps/applications/{built.application.pk}/{suffix}")
    assert "What the provider sent" in page
    south = _card(page, SOUTH)
    for label, text in [
        ("Overview of services", SOUTH_OVERVIEW["services_overview"]),
        ("How the setting works with parents and carers", SOUTH_OVERVIEW["working_with_parents"]),
        ("How the setting hears the learner's voice", SOUTH_OVERVIEW["learner_voice"]),
    ]:
        assert f'<dt class="govuk-summary-list__key">{label}</dt>' in south
        assert text in south
    # ready_provider's overview of the other setting stays under that setting's name.
    north = _card(page, NORTH)
    assert "Weekly calls." in north and "Weekly calls." not in south


@pytest.mark.parametrize("suffix", ["", "evaluate/"], ids=["evaluation page", "evaluate page"])
def test_every_evidence_document_links_to_the_audited_download(client: Client, suffix: str) -> None:
    built = under_evaluation_with_two_settings()
    lead = person(Role.LEAD_EVALUATOR)
    client.force_login(lead)
    page = _page(client, f"/fps/applications/{built.application.pk}/{suffix}")
    for evidence in built.application.evidence.all():
        assert f'href="{reverse("providers:evidence-download", args=[evidence.pk])}"' in page
    statement = Evidence.objects.get(setting=built.south, kind=EvidenceKind.STATEMENT_OF_PURPOSE)
    assert f"Statement of Purpose: {statement.title}" in _card(page, SOUTH)
    download = client.get(reverse("providers:evidence-download", args=[statement.pk]))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DOWNLOADED, actor=lead, object_id=str(statement.pk)
    ).exists()


def test_a_setting_without_an_overview_says_so(client: Client) -> None:
    application = under_evaluation(ready_provider())
    setting = application.settings.get()
    Setting.objects.get(pk=setting.pk).overview.delete()
    client.force_login(person(Role.LEAD_EVALUATOR))
    page = _page(client, f"/fps/applications/{application.pk}/")
    assert f"{setting.name} has no overview of services." in page


def test_the_evaluation_page_reads_overviews_in_the_same_queries_for_more_settings(
    client: Client,
) -> None:
    """Overviews and evidence come in one query each, however many settings there are."""
    one = under_evaluation(ready_provider())
    two = under_evaluation_with_two_settings().application
    client.force_login(person(Role.LEAD_EVALUATOR))

    def count(pk: int) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/fps/applications/{pk}/").status_code == 200
        return len(context.captured_queries)

    count(one.pk)  # warm the session and the content types
    assert count(two.pk) == count(one.pk)
