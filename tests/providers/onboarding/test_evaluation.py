"""Automatic checks, evaluators' decisions, moderation (including two moderators at once),
clarification questions, and the outcome."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.errors import DomainError, InvalidInput, WrongState
from providers import tasks
from providers.models import (
    ApplicationState,
    CheckResult,
    ClarificationQuestion,
    EvaluationWindow,
    Evidence,
    EvidenceKind,
    Moderation,
    Requirement,
    RequirementResult,
    SettingLot,
    Verdict,
)
from providers.services.clarifications import clarification_answer, clarification_ask
from providers.services.evaluation import application_moderate, evaluation_record
from tests.factories import person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    actor,
    close,
    evaluate,
    evaluator,
    open_window,
    ready_provider,
    submitted_application,
    under_evaluation,
)

pytestmark = pytest.mark.django_db


def _result(application, requirement: str) -> RequirementResult:
    return application.results.get(requirement=requirement)


def test_expired_insurance_fails_automatically_with_the_date() -> None:
    ready = ready_provider()
    window = open_window()
    application = submitted_application(ready, window)
    expired = timezone.localdate() - datetime.timedelta(days=3)
    Evidence.objects.filter(provider=ready.provider, insurance_type="employers_liability").update(
        valid_until=expired
    )
    close(window)
    result = _result(application, Requirement.EMPLOYERS_LIABILITY)
    assert result.automatic_result == CheckResult.FAIL
    assert f"expired on {expired:%-d %B %Y}" in result.automatic_reason


def test_missing_evidence_fails_and_low_cover_needs_an_evaluator() -> None:
    ready = ready_provider()
    window = open_window()
    application = submitted_application(ready, window)
    application.evidence.remove(*Evidence.objects.filter(kind=EvidenceKind.FINANCIAL_CHECK))
    Evidence.objects.filter(provider=ready.provider, insurance_type="public_liability").update(
        cover_amount=Decimal("1000000")
    )
    close(window)
    assert _result(application, Requirement.FINANCIAL_CHECK).automatic_result == CheckResult.FAIL
    low = _result(application, Requirement.PUBLIC_LIABILITY)
    assert (
        low.automatic_result == CheckResult.NEEDS_EVALUATOR
        and "below the usual minimum" in low.automatic_reason
    )


@pytest.mark.parametrize(
    "grades,expected",
    [
        ({"overall_effectiveness": "4"}, CheckResult.FAIL),
        ({"overall_effectiveness": "3"}, CheckResult.PASS),  # amber passes with a flag
        ({"overall_effectiveness": "9"}, CheckResult.NEEDS_EVALUATOR),
    ],
)
def test_the_inspection_band_follows_the_tender_rule(grades: dict[str, str], expected: str) -> None:
    application = under_evaluation(ready_provider(grades=grades))
    result = _result(application, Requirement.INSPECTION)
    assert result.automatic_result == expected
    if grades["overall_effectiveness"] == "3":
        assert "flag" in result.automatic_reason


def test_an_evaluator_must_give_reasons_for_fails_and_undecided_checks() -> None:
    application = states.under_evaluation()
    lead = actor(evaluator())
    decisions = {r.pk: (Verdict.FAIL, "") for r in application.results.all()}
    with pytest.raises(InvalidInput) as error:
        evaluation_record(actor=lead, application=application, decisions=decisions)
    assert all(key.endswith("_reason") for key in error.value.fields)
    assert not application.results.filter(decisions__isnull=False).exists()


def test_moderation_needs_two_evaluators() -> None:
    first = evaluator()
    application = states.evaluated(evaluators=[first])
    with pytest.raises(WrongState, match="At least 2 evaluators"):
        application_moderate(actor=actor(first), application=application, reason="Good")


def test_a_pass_approves_the_settings_on_the_lots_and_tells_the_provider() -> None:
    ready = states.provider()
    first, second = evaluator(), evaluator()
    application = states.evaluated(ready, evaluators=[first, second])
    application_moderate(
        actor=actor(first), application=application, reason="Meets every requirement."
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.PASSED
    offer = SettingLot.objects.get(setting=ready.setting)
    assert offer.weekly_price == Decimal("3250.00") and offer.approved_at is not None
    assert ready.user.notifications.filter(
        event_key=f"application-outcome:{application.pk}"
    ).exists()
    assert set(Moderation.objects.get().evaluators.all()) == {first, second}


def test_disagreements_need_the_moderators_resolution_and_a_fail_lists_the_reasons() -> None:
    ready = ready_provider()
    window = open_window()
    application = under_evaluation(ready, window)
    first, second = evaluator(), evaluator()
    evaluate(application, first)
    evaluate(application, second, verdict=Verdict.FAIL)
    disputed = list(application.results.values_list("pk", flat=True))
    with pytest.raises(InvalidInput):
        application_moderate(actor=actor(first), application=application, reason="Mixed")
    resolutions = {pk: (Verdict.PASS, "Agreed on review.") for pk in disputed}
    policies = _result(application, Requirement.POLICIES)
    resolutions[policies.pk] = (Verdict.FAIL, "No behaviour policy.")
    application_moderate(
        actor=actor(first),
        application=application,
        reason="Policies are incomplete.",
        resolutions=resolutions,
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.FAILED
    notification = ready.user.notifications.get(event_key=f"application-outcome:{application.pk}")
    assert "Policies and procedures: No behaviour policy." in notification.body
    # The setting's own (unapproved) price stays on its list; nothing is approved.
    assert not SettingLot.objects.filter(setting=ready.setting, approved_at__isnull=False).exists()


def test_a_second_moderation_is_a_wrong_state() -> None:
    first, second = evaluator(), evaluator()
    application = states.evaluated(evaluators=[first, second])
    application_moderate(actor=actor(first), application=application, reason="Pass")
    with pytest.raises(WrongState):
        application_moderate(actor=actor(second), application=application, reason="Pass again")


@pytest.mark.django_db(transaction=True)
def test_two_evaluators_moderating_at_once_leave_one_outcome() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (PostgreSQL); SQLite serialises writes differently")
    first, second = evaluator(), evaluator()
    application = states.evaluated(evaluators=[first, second])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def moderate(user) -> None:
        try:
            barrier.wait()
            application_moderate(
                actor=actor(user), application=application, reason=f"By {user.email}"
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=moderate, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["WrongState", "ok"]
    assert Moderation.objects.filter(application=application).count() == 1


def test_clarification_asked_answered_within_the_evaluation_period() -> None:
    ready = states.provider()
    application = states.under_evaluation(ready)
    lead = actor(evaluator())
    with pytest.raises(InvalidInput, match="within the evaluation period"):
        clarification_ask(
            actor=lead,
            application=application,
            question="Send the SoP?",
            due_at=EvaluationWindow.objects.get(applications=application).evaluation_deadline
            + datetime.timedelta(days=1),
        )
    question = clarification_ask(
        actor=lead,
        application=application,
        question="Which staff hold Team Teach?",
        due_at=timezone.now() + datetime.timedelta(days=5),
    )
    assert ready.user.notifications.filter(event_key=f"clarification-asked:{question.pk}").exists()
    clarification_answer(actor=ready.actor, clarification=question, answer="All class teams.")
    with pytest.raises(WrongState, match="already been answered"):
        clarification_answer(actor=ready.actor, clarification=question, answer="Again")


def test_a_late_answer_is_refused() -> None:
    ready = states.provider()
    application = states.under_evaluation(ready)
    question = clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="Q?",
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    ClarificationQuestion.objects.filter(pk=question.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    question.refresh_from_db()
    with pytest.raises(WrongState, match="has passed"):
        clarification_answer(actor=ready.actor, clarification=question, answer="Late")


def test_clarification_reminders_are_sent_once() -> None:
    ready = states.provider()
    application = states.under_evaluation(ready)
    question = clarification_ask(
        actor=actor(evaluator()),
        application=application,
        question="Q?",
        due_at=timezone.now() + datetime.timedelta(hours=20),
    )
    assert tasks.remind_clarifications_due.apply().get() == 1
    assert tasks.remind_clarifications_due.apply().get() == 0
    assert (
        ready.user.notifications.filter(event_key=f"clarification-reminder:{question.pk}").count()
        == 1
    )


def test_asking_a_question_of_a_draft_is_a_wrong_state() -> None:
    ready = ready_provider()
    from tests.providers.onboarding.factories import draft_application

    application = draft_application(ready, open_window())
    with pytest.raises(WrongState):
        clarification_ask(
            actor=actor(person(Role.LEAD_EVALUATOR)),
            application=application,
            question="Q?",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
