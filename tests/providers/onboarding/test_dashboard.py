"""Dashboard work queues and navigation for onboarding: real counts of real work."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from providers.services.clarifications import clarification_ask
from tests.factories import person
from tests.providers.onboarding.factories import actor, evaluate, evaluator, open_window
from tests.providers.onboarding.states import draft, provider, under_evaluation

pytestmark = pytest.mark.django_db


def _count(page: str, label: str) -> int:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    match = re.search(rf'data-queue="{slug}">(\d+)<', page)
    assert match, label
    return int(match.group(1))


def test_the_provider_sees_its_drafts_and_questions_to_answer(client: Client) -> None:
    ready = provider()
    application = under_evaluation(ready)
    draft(
        ready,
        open_window(
            opens_at=timezone.now() + datetime.timedelta(days=40),
            closes_at=timezone.now() + datetime.timedelta(days=50),
            evaluation_deadline=timezone.now() + datetime.timedelta(days=90),
        ),
    )
    clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="Q?",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(ready.user)
    page = client.get("/dashboard/").content.decode()
    assert _count(page, "Application drafts") == 1
    assert _count(page, "Clarification questions to answer") == 1
    assert _count(page, "Agreements to sign") == 0
    assert 'href="/onboarding/applications/"' in page and ">Evidence<" in page.replace(
        "\n", ""
    ).replace(" ", "")


def test_the_lead_evaluator_sees_what_awaits_evaluation_and_moderation(client: Client) -> None:
    application = under_evaluation()
    first, second = evaluator(), evaluator()
    client.force_login(first)
    page = client.get("/dashboard/").content.decode()
    assert _count(page, "Applications awaiting your evaluation") == 1
    assert _count(page, "Applications awaiting moderation") == 0
    assert _count(page, "Windows open") == 0
    evaluate(application, first)
    evaluate(application, second)
    page = client.get("/dashboard/").content.decode()
    assert _count(page, "Applications awaiting your evaluation") == 0
    assert _count(page, "Applications awaiting moderation") == 1


def test_a_commissioner_has_no_onboarding_panel(client: Client) -> None:
    client.force_login(person(Role.COMMISSIONER))
    assert "Applications awaiting" not in client.get("/dashboard/").content.decode()
