"""No outcome while a clarification question is open; a lead evaluator can withdraw an
unanswered question (audited, the provider told); only open questions are counted."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import NotAllowed, WrongState
from fps_portal.scoping import scoped
from fps_portal.text import possessive
from providers.models import (
    Application,
    ApplicationState,
    ClarificationQuestion,
    Moderation,
)
from providers.services.clarifications import (
    clarification_answer,
    clarification_ask,
    clarification_withdraw,
)
from providers.services.evaluation import application_moderate
from tests.factories import api_client_for, person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import ReadyProvider, actor, evaluator, open_window

pytestmark = pytest.mark.django_db


def _evaluated() -> tuple[ReadyProvider, Application]:
    ready = states.provider()
    return ready, states.evaluated(ready)


def _ask(application: Application, days: float = 7) -> ClarificationQuestion:
    return clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="Who is your designated safeguarding lead?",
        due_at=timezone.now() + datetime.timedelta(days=days),
    )


def _moderate(application: Application) -> Moderation:
    return application_moderate(
        actor=actor(evaluator()), application=application, reason="Every requirement is met."
    )


def test_moderation_is_refused_while_a_question_is_open() -> None:
    _ready, application = _evaluated()
    question = _ask(application)
    due = f"{timezone.localtime(question.due_at):%-d %B %Y}"
    with pytest.raises(WrongState) as error:
        _moderate(application)
    # The provider is named, never the application's internal id (issue 10).
    assert error.value.message == (
        f"{possessive(application.provider.name)} application has an open clarification "
        f"question, due {due}. Wait for the answer or withdraw the question first."
    )
    # The date and the provider's name (a factory's, "Provider 164 Ltd") may hold any digit.
    words = error.value.message.replace(due, "").replace(application.provider.name, "")
    assert str(application.pk) not in words
    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_EVALUATION
    assert not Moderation.objects.filter(application=application).exists()


def test_moderation_goes_ahead_once_the_question_is_answered() -> None:
    ready, application = _evaluated()
    question = _ask(application)
    clarification_answer(actor=ready.actor, clarification=question, answer="Ms Patel.")
    assert _moderate(application).outcome == "pass"


def test_a_question_whose_time_has_passed_unanswered_holds_nothing_up() -> None:
    _ready, application = _evaluated()
    question = _ask(application)
    ClarificationQuestion.objects.filter(pk=question.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert _moderate(application).outcome == "pass"


def test_a_withdrawn_question_is_audited_told_to_the_provider_and_no_longer_holds_up() -> None:
    ready, application = _evaluated()
    question = _ask(application)
    lead = actor(evaluator())
    withdrawn = clarification_withdraw(actor=lead, clarification=question)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == lead.user
    event = AuditEvent.objects.get(
        object_type="providers.clarificationquestion",
        object_id=str(question.pk),
        verb=AuditVerb.STATE_CHANGED,
    )
    assert event.actor == lead.user
    assert ready.user.notifications.filter(
        event_key=f"clarification-withdrawn:{question.pk}"
    ).exists()
    # The provider is no longer asked it, and cannot answer it.
    assert not scoped(ClarificationQuestion, ready.actor).exists()
    with pytest.raises(WrongState, match="withdrew this question"):
        clarification_answer(actor=ready.actor, clarification=question, answer="Too late")
    assert _moderate(application).outcome == "pass"


def test_only_an_unanswered_question_can_be_withdrawn_and_only_once() -> None:
    ready, application = _evaluated()
    answered = _ask(application)
    clarification_answer(actor=ready.actor, clarification=answered, answer="Ms Patel.")
    with pytest.raises(WrongState, match="already answered"):
        clarification_withdraw(actor=actor(evaluator()), clarification=answered)
    open_question = _ask(application)
    clarification_withdraw(actor=actor(evaluator()), clarification=open_question)
    with pytest.raises(WrongState, match="already been withdrawn"):
        clarification_withdraw(actor=actor(evaluator()), clarification=open_question)


@pytest.mark.parametrize("role", [Role.PROVIDER_USER, Role.COMMISSIONER])
def test_only_a_lead_evaluator_withdraws_a_question(role: str) -> None:
    ready, application = _evaluated()
    question = _ask(application)
    who = ready.actor if role == Role.PROVIDER_USER else actor(person(role))
    with pytest.raises(NotAllowed):
        clarification_withdraw(actor=who, clarification=question)
    question.refresh_from_db()
    assert question.withdrawn_at is None


def test_the_withdraw_button_posts_to_a_view_only_lead_evaluators_can_use() -> None:
    ready, application = _evaluated()
    question = _ask(application)
    lead = Client()
    lead.force_login(evaluator())
    page = lead.get(f"/fps/applications/{application.pk}/").content.decode()
    url = f"/fps/clarifications/{question.pk}/withdraw/"
    assert f'action="{url}"' in page and "Withdraw this question" in page

    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/account/sign-in/" in anonymous["Location"]
    provider = Client()
    provider.force_login(ready.user)
    assert provider.post(url).status_code == 403
    assert lead.get(url).status_code == 405
    assert lead.post("/fps/clarifications/999999/withdraw/").status_code == 404
    question.refresh_from_db()
    assert question.withdrawn_at is None

    response = lead.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/fps/applications/{application.pk}/"
    question.refresh_from_db()
    assert question.withdrawn_at is not None
    # A second press is a wrong state: told on the page, nothing changes.
    again = lead.post(url, follow=True)
    assert "already been withdrawn" in again.content.decode()


def test_the_api_answers_409_for_moderation_with_an_open_question() -> None:
    _ready, application = _evaluated()
    _ask(application)
    response = api_client_for(evaluator()).post(
        f"/api/v1/applications/{application.pk}/moderation/",
        {"reason": "Every requirement is met.", "resolutions": []},
        format="json",
    )
    assert response.status_code == 409
    assert "open clarification question" in response.json()["error"]["message"]


def test_the_window_page_counts_only_open_questions() -> None:
    window = open_window()
    first_ready = states.provider()
    first = states.under_evaluation(first_ready, window)
    second = states.under_evaluation(states.provider(), window)
    answered, withdrawn, lapsed = _ask(first), _ask(first), _ask(first)
    clarification_answer(actor=first_ready.actor, clarification=answered, answer="Yes.")
    clarification_withdraw(actor=actor(evaluator()), clarification=withdrawn)
    ClarificationQuestion.objects.filter(pk=lapsed.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    _ask(second)

    browser = Client()
    browser.force_login(evaluator())
    response = browser.get(f"/fps/windows/{window.pk}/")
    counts = {a.pk: a.open_questions for a in response.context["applications"]}
    assert counts == {first.pk: 0, second.pk: 1}


def test_the_evaluation_page_offers_moderation_only_once_no_question_is_open() -> None:
    ready, application = _evaluated()
    answered, withdrawn, lapsed = _ask(application), _ask(application), _ask(application)
    clarification_answer(actor=ready.actor, clarification=answered, answer="Ms Patel.")
    clarification_withdraw(actor=actor(evaluator()), clarification=withdrawn)
    ClarificationQuestion.objects.filter(pk=lapsed.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    browser = Client()
    browser.force_login(evaluator())
    page = f"/fps/applications/{application.pk}/"
    # Answered, withdrawn and lapsed questions hold nothing up.
    assert browser.get(page).context["moderation_refusal"] is None

    later, sooner = _ask(application, days=9), _ask(application, days=3)
    refusal = browser.get(page).context["moderation_refusal"]
    assert refusal == (
        f"{possessive(application.provider.name)} application has 2 open clarification "
        f"questions, the first due {timezone.localtime(sooner.due_at):%-d %B %Y}. Wait for the "
        "answers or withdraw the questions first."
    )
    assert later.due_at > sooner.due_at
