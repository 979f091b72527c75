"""Each state builder in `states` leaves rows the next real service accepts, and the rows match
what the service chain itself leaves, so tests built on the builders test the real thing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fps_portal.errors import WrongState
from providers.models import (
    ApplicationState,
    FpsMembership,
    MembershipState,
    Requirement,
    RequirementResult,
    SettingLot,
    Verdict,
    WindowState,
)
from providers.services.application_submission import application_submit
from providers.services.applications import (
    application_problems,
)
from providers.services.evaluation import (
    application_moderate,
    application_start_evaluation,
    complete_evaluators,
    evaluation_record,
)
from providers.services.membership import agreement_sign, membership_change
from providers.services.outcomes import outcome_summary
from providers.services.windows import window_close
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    actor,
    evaluate,
    evaluator,
    open_window,
    ready_provider,
    under_evaluation,
)

pytestmark = pytest.mark.django_db


def _results(application) -> list[tuple[str, bool, str, str]]:
    """(requirement, setting-level, automatic result, final result) of each result."""
    return sorted(
        (r.requirement, r.setting_id is not None, r.automatic_result, r.final_result)
        for r in RequirementResult.objects.filter(application=application)
    )


def test_a_built_draft_has_nothing_stopping_submission_and_submits() -> None:
    ready = states.provider()
    application = states.draft(ready)
    assert application_problems(application) == {}
    application_submit(actor=ready.actor, application=application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_built_submitted_application_is_started_for_evaluation_by_the_real_service() -> None:
    application = states.submitted()
    assert application_start_evaluation(application_id=application.pk) is True
    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_EVALUATION
    assert application.results.exists()


def test_a_built_submitted_application_moves_when_the_real_window_close_runs() -> None:
    window = open_window()
    application = states.submitted(window=window)
    assert window_close(window_id=window.pk, now=window.closes_at + datetime.timedelta(seconds=1))
    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_EVALUATION


def test_built_under_evaluation_has_the_results_the_service_chain_stores() -> None:
    by_services = under_evaluation(ready_provider())
    built = states.under_evaluation(states.provider())
    assert _results(built) == _results(by_services)
    assert built.window is not None and built.window.state == WindowState.EVALUATING
    assert built.evaluation_started_at == built.checks_run_at is not None


def test_an_evaluator_records_decisions_on_a_built_application_under_evaluation() -> None:
    application = states.under_evaluation()
    lead = evaluator()
    evaluate(application, lead)
    assert complete_evaluators(application) == [lead.pk]


def test_a_built_evaluated_application_is_moderated_by_the_real_service() -> None:
    application = states.evaluated()
    moderation = application_moderate(
        actor=actor(evaluator()), application=application, reason="Meets every requirement."
    )
    application.refresh_from_db()
    assert moderation.outcome == Verdict.PASS and application.state == ApplicationState.PASSED


def test_built_pass_and_fail_match_what_moderation_writes() -> None:
    ready = ready_provider()
    by_services = under_evaluation(ready)
    first, second = evaluator(), evaluator()
    evaluate(by_services, first)
    evaluate(by_services, second)
    application_moderate(actor=actor(first), application=by_services, reason="Pass")
    by_services.refresh_from_db()
    built_ready = states.provider()
    built = states.passed(built_ready)
    assert _results(built) == _results(by_services)
    assert built.outcome_at is not None and built.outcome_by is not None
    assert SettingLot.objects.filter(setting=built_ready.setting, approved_at__isnull=False).count()
    assert not FpsMembership.objects.filter(provider=built_ready.provider).exists()
    summary = outcome_summary(built)
    assert summary.passed and [s.setting for s in summary.admitted] == [built_ready.setting]

    refused = states.failed(failing=Requirement.POLICIES, reason="No behaviour policy.")
    refused_summary = outcome_summary(refused)
    assert refused.state == ApplicationState.FAILED and not refused_summary.passed
    assert [(n.requirement, n.reason) for n in refused_summary.organisation_not_met] == [
        ("Policies and procedures", "No behaviour policy.")
    ]


def test_the_provider_of_a_built_pass_signs_the_agreement_and_a_fail_cannot() -> None:
    ready = states.provider()
    application = states.passed(ready)
    membership = agreement_sign(
        actor=ready.actor, application=application, signatory_name="A", signatory_role="B"
    )
    assert membership.state == MembershipState.ACTIVE
    refused_ready = states.provider()
    refused = states.failed(refused_ready)
    with pytest.raises(WrongState):
        agreement_sign(
            actor=refused_ready.actor, application=refused, signatory_name="A", signatory_role="B"
        )


def test_a_built_member_is_signed_and_the_lead_authority_can_suspend_it() -> None:
    ready = states.provider()
    application, membership = states.member(ready)
    with pytest.raises(WrongState, match="already been signed"):
        agreement_sign(
            actor=ready.actor, application=application, signatory_name="A", signatory_role="B"
        )
    suspended = membership_change(
        actor=actor(evaluator()),
        membership=membership,
        action="suspend",
        reason="Safeguarding review.",
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert suspended.state == MembershipState.SUSPENDED


def test_an_evaluated_application_can_have_every_decision_a_fail() -> None:
    application = states.evaluated(verdict=Verdict.FAIL)
    lead = evaluator()
    decisions = {r.pk: (Verdict.PASS, "Seen.") for r in application.results.all()}
    evaluation_record(actor=actor(lead), application=application, decisions=decisions)
    assert len(complete_evaluators(application)) == 3
