"""A platform administrator with no membership sees no provider's onboarding data through the
portal (docs/architecture.md): their evidence download answers 404 like an outsider's, and every
onboarding scope rule gives them nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.scoping import dangerously_unscoped, scoped
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ClarificationQuestion,
    EvaluatorDecision,
    Evidence,
    Moderation,
    RequirementResult,
    SettingOverview,
)
from providers.services.application_prices import application_add_service_price
from providers.services.application_submission import application_submit
from providers.services.clarifications import clarification_answer, clarification_ask
from providers.services.evaluation import application_moderate
from tests.factories import UserFactory, api_client_for
from tests.providers.onboarding.factories import (
    actor,
    close,
    draft_application,
    evaluate,
    evaluator,
    open_window,
    ready_provider,
)

pytestmark = pytest.mark.django_db

ONBOARDING_MODELS: list[type[models.Model]] = [
    Evidence,
    SettingOverview,
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ClarificationQuestion,
    RequirementResult,
    EvaluatorDecision,
    Moderation,
]


def _platform_admin() -> User:
    return UserFactory(email="admin@nwsend.example", is_staff=True, is_superuser=True)


def test_the_platform_administrator_cannot_download_a_providers_evidence() -> None:
    ready = ready_provider()
    evidence = Evidence.objects.filter(provider=ready.provider).first()
    assert evidence is not None
    browser = Client()
    browser.force_login(_platform_admin())
    assert browser.get(f"/onboarding/evidence/{evidence.pk}/download/").status_code == 404
    assert browser.get("/onboarding/evidence/999999/download/").status_code == 404
    api = api_client_for(_platform_admin())
    assert api.get(f"/api/v1/evidence/{evidence.pk}/").status_code == 404


def test_no_onboarding_rule_shows_the_platform_administrator_anything() -> None:
    ready = ready_provider()
    window = open_window()
    application = draft_application(ready, window)
    application_add_service_price(
        actor=ready.actor,
        application=application,
        setting=ready.setting,
        name="1:1 support",
        unit="hour",
        rate="24.00",
    )
    application_submit(actor=ready.actor, application=application)
    close(window)
    evaluate(application, evaluator())
    evaluate(application, evaluator())
    question = clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="Which staff hold Team Teach?",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )
    clarification_answer(actor=ready.actor, clarification=question, answer="All class teams.")
    application_moderate(actor=actor(evaluator()), application=application, reason="Met.")
    admin = actor(_platform_admin())
    assert admin.membership is None
    lead = actor(evaluator())
    for model in ONBOARDING_MODELS:
        assert dangerously_unscoped(model).exists(), model
        assert scoped(model, lead).exists(), model
        assert not scoped(model, admin).exists(), model
