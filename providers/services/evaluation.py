"""Evaluation: automatic checks, evaluators' decisions and moderation. Clarification questions
to the applicant are `clarifications`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.text import possessive
from fps_portal.transitions import transition
from providers.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationState,
    CheckResult,
    ClarificationQuestion,
    EvaluatorDecision,
    Moderation,
    Requirement,
    RequirementResult,
    Verdict,
)
from providers.models.evaluation import MINIMUM_EVALUATORS
from providers.services._common import (
    lead_evaluators,
    require_lead_evaluator,
)
from providers.services.checks import store_checks
from providers.services.outcomes import application_fail, application_pass


def application_start_evaluation_locked(
    *, application: Application, actor: Actor | None, now: datetime.datetime
) -> None:
    """Within the caller's transaction and row lock: submitted -> under evaluation, checks
    stored."""
    # The checks first, so the audit row can say how many were run (they read no state).
    results = store_checks(application=application, on=timezone.localdate(now))
    transition(
        application,
        to=ApplicationState.UNDER_EVALUATION,
        table=APPLICATION_TRANSITIONS,
        event="evaluation_started",
        at=now,
        also={"checks_run_at": now},
        actor=actor,
        reason=f"{len(results)} requirement(s) checked automatically",
    )
    notify(
        recipients=lead_evaluators(),
        event_key=f"application-to-evaluate:{application.pk}",
        template="notifications/application_to_evaluate",
        context={"provider": application.provider},
        url=reverse("providers:evaluation-detail", args=[application.pk]),
        send_email=False,
    )


def _not_under_evaluation(application: Application) -> str | None:
    if application.state != ApplicationState.UNDER_EVALUATION:
        return (
            f"This application is {application.get_state_display().lower()}, not under evaluation."
        )
    return None


def application_start_evaluation(
    *, application_id: int, actor: Actor | None = None, now: datetime.datetime | None = None
) -> bool:
    """Move one submitted application to evaluation (when its window closes). False if already
    moved."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application_id)
        if locked.state != ApplicationState.SUBMITTED:
            return False
        application_start_evaluation_locked(
            application=locked, actor=actor, now=now or timezone.now()
        )
    return True


def lock_under_evaluation(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if message := _not_under_evaluation(locked):
        raise WrongState(message)
    return locked


# The state rules of evaluating, moderating and answering, each as a predicate that returns why the
# action is no longer possible (or None). The services raise WrongState (409) with the message under
# their row lock; the pages call the same predicate on GET to show a notice instead of a form.


def evaluation_blocker(application: Application) -> str | None:
    """Why evaluators can no longer record decisions on this application, or None."""
    if message := _not_under_evaluation(application):
        return message
    if Moderation.objects.filter(application=application).exists():
        return "This application has already been moderated."
    return None


def moderation_blocker(application: Application, *, moderated: bool | None = None) -> str | None:
    """Why this application can no longer be moderated, or None. (Open questions and too few
    evaluators are prerequisites still to be met, not a state that has moved on.) `moderated`
    is whether it has a moderation, when the caller has already read it."""
    if moderated is None:
        moderated = Moderation.objects.filter(application=application).exists()
    if moderated:
        return "This application has already been moderated."
    return _not_under_evaluation(application)


def clarification_answer_blocker(
    clarification: ClarificationQuestion,
    application: Application,
    *,
    now: datetime.datetime | None = None,
) -> str | None:
    """Why the provider can no longer answer this question, or None."""
    if clarification.withdrawn_at is not None:
        return "The evaluators withdrew this question, so it needs no answer."
    if clarification.answered_at is not None:
        return "This question has already been answered."
    if (now or timezone.now()) > clarification.due_at:
        return "The time to answer this question has passed."
    if application.state != ApplicationState.UNDER_EVALUATION:
        return (
            "The evaluation of this application has finished, so the question can no longer be "
            "answered."
        )
    return None


# Requirement names that are a document's title, so keep their capitals mid-sentence.
_TITLES = frozenset({Requirement.STATEMENT_OF_PURPOSE})


def requirement_in_sentence(result: RequirementResult) -> str:
    """The requirement as it reads mid-sentence, with its setting when it has one:
    "Northshore Lodge's Statement of Purpose", "Northshore Lodge's DfE registration",
    "employer's liability insurance"."""
    name = result.get_requirement_display()
    first_word = name.split()[0]
    # An acronym ("DfE") has capitals after its first letter and keeps them.
    if result.requirement not in _TITLES and first_word[1:] == first_word[1:].lower():
        name = name[0].lower() + name[1:]
    if result.setting is not None:
        return f"{possessive(result.setting.name)} {name}"
    return name


def evaluation_record(
    *, actor: Actor, application: Application, decisions: Mapping[int, tuple[str, str]]
) -> list[EvaluatorDecision]:
    """One evaluator's pass or fail on every requirement, keyed by result id as (verdict, reason).

    A reason is needed for a fail, for any requirement the checks could not decide, and for
    disagreeing with an automatic result. An evaluator may revise their decisions until moderation.
    """
    require_lead_evaluator(actor)
    results = list(
        RequirementResult.objects.filter(application=application).select_related("setting")
    )
    fields: dict[str, str] = {}
    for result in results:
        verdict, reason = decisions.get(result.pk, ("", ""))
        key = f"result_{result.pk}"
        # Each message names the setting too: a page of several settings' requirements would
        # otherwise repeat one message.
        if verdict not in Verdict.values:
            fields[key] = f"Select pass or fail for {requirement_in_sentence(result)}."
        elif not reason.strip() and (
            verdict == Verdict.FAIL
            or result.automatic_result == CheckResult.NEEDS_EVALUATOR
            or verdict != result.automatic_result
        ):
            fields[f"{key}_reason"] = (
                f"Give the reason for your decision on {requirement_in_sentence(result)}."
            )
    if fields:
        raise InvalidInput.on_fields(fields)
    saved: list[EvaluatorDecision] = []
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if message := evaluation_blocker(locked):
            raise WrongState(message)
        for result in results:
            verdict, reason = decisions[result.pk]
            decision, _ = EvaluatorDecision.objects.update_or_create(
                result=result,
                evaluator=actor.user,
                defaults={
                    "verdict": verdict,
                    "reason": reason.strip(),
                    "decided_at": timezone.now(),
                },
            )
            saved.append(decision)
        audit_record(
            actor=actor,
            verb=AuditVerb.DECIDED,
            obj=application,
            after={str(r.pk): decisions[r.pk][0] for r in results},
            reason="Evaluation recorded",
        )
    return saved


def complete_evaluators(application: Application) -> list[int]:
    """Ids of evaluators who have decided every requirement of the application."""
    return evaluators_who_decided_all(
        RequirementResult.objects.filter(application=application).count(),
        EvaluatorDecision.objects.filter(result__application=application).values_list(
            "evaluator_id", flat=True
        ),
    )


def evaluators_who_decided_all(requirements: int, deciders: Iterable[int]) -> list[int]:
    """Of the evaluator ids, one per decision, those with a decision on each of the
    `requirements` (for a page that has read the results and decisions already)."""
    counts: dict[int, int] = defaultdict(int)
    for evaluator_id in deciders:
        counts[evaluator_id] += 1
    return sorted(e for e, n in counts.items() if requirements and n == requirements)


def disagreements(application: Application) -> dict[int, list[EvaluatorDecision]]:
    """Results on which the evaluators do not agree, with their decisions."""
    by_result: dict[int, list[EvaluatorDecision]] = defaultdict(list)
    for decision in EvaluatorDecision.objects.filter(
        result__application=application
    ).select_related("evaluator"):
        by_result[decision.result_id].append(decision)
    return {rid: ds for rid, ds in by_result.items() if len({d.verdict for d in ds}) > 1}


def _open_questions_message(
    application: Application, open_questions: Sequence[ClarificationQuestion] | None = None
) -> str:
    """Why the application cannot have an outcome yet because of its open questions; empty when
    none is open. The provider could still answer one, and an answer after the outcome would be
    refused."""
    if open_questions is None:
        open_questions = list(ClarificationQuestion.objects.filter(application=application).open())
    if not open_questions:
        return ""
    due = govuk_date(min(question.due_at for question in open_questions))
    whose = f"{possessive(application.provider.name)} application"
    if len(open_questions) == 1:
        return (
            f"{whose} has an open clarification question, due {due}. Wait for the answer or "
            "withdraw the question first."
        )
    return (
        f"{whose} has {len(open_questions)} open clarification questions, the first due {due}. "
        "Wait for the answers or withdraw the questions first."
    )


def moderation_refusal(
    application: Application,
    *,
    evaluators: list[int] | None = None,
    moderated: bool | None = None,
    open_questions: Sequence[ClarificationQuestion] | None = None,
) -> str | None:
    """Why moderating this application now would be refused, or None: the one rule the
    application's page (which offers "Moderate" only when it is None), the moderation page, the
    API and `application_moderate` share. Names the provider, never an id.

    What the caller has already read it may pass, and it is not read again: `evaluators` is
    `complete_evaluators(application)`, `moderated` whether it has a moderation, and
    `open_questions` its questions that are open (`open_clarification_q`)."""
    if message := moderation_blocker(application, moderated=moderated):
        return message
    if message := _open_questions_message(application, open_questions):
        return message
    done = len(complete_evaluators(application) if evaluators is None else evaluators)
    if done < MINIMUM_EVALUATORS:
        return (
            f"At least {MINIMUM_EVALUATORS} evaluators must evaluate every requirement of "
            f"{possessive(application.provider.name)} application before it is moderated; "
            f"{done} {'has' if done == 1 else 'have'} so far."
        )
    return None


def application_moderate(
    *,
    actor: Actor,
    application: Application,
    reason: str,
    resolutions: Mapping[int, tuple[str, str]] | None = None,
) -> Moderation:
    """The moderated outcome. Each requirement's final result is the evaluators' agreed
    verdict, or the
    moderator's resolution where they disagree; any failed organisation requirement, or every
    setting failing, fails the application. Two moderators at once: the row lock lets one through,
    the other is told it is already moderated (409)."""
    require_lead_evaluator(actor)
    resolutions = resolutions or {}
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": "Give the reason for the outcome."})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        # Asking takes the same row lock, so no question can appear between this check and the
        # outcome.
        evaluators = complete_evaluators(locked)
        if message := moderation_refusal(locked, evaluators=evaluators):
            raise WrongState(message)
        disputed = disagreements(locked)
        fields: dict[str, str] = {}
        for result_id in disputed:
            verdict, why = resolutions.get(result_id, ("", ""))
            if verdict not in Verdict.values or not why.strip():
                fields[f"resolve_{result_id}"] = (
                    "The evaluators disagree: choose pass or fail and give the reason."
                )
        if fields:
            raise InvalidInput.on_fields(fields)
        results = list(
            RequirementResult.objects.filter(application=locked).prefetch_related("decisions")
        )
        for result in results:
            if result.pk in disputed:
                result.final_result, result.final_reason = (
                    resolutions[result.pk][0],
                    resolutions[result.pk][1].strip(),
                )
            else:
                decisions = list(result.decisions.all())
                result.final_result = decisions[0].verdict
                reasons = [d.reason for d in decisions if d.reason]
                result.final_reason = reasons[0] if reasons else result.automatic_reason
        RequirementResult.objects.bulk_update(results, ["final_result", "final_reason"])
        failed_org = [r for r in results if r.setting_id is None and r.final_result == Verdict.FAIL]
        setting_ids = {r.setting_id for r in results if r.setting_id is not None}
        failed_settings = {
            r.setting_id
            for r in results
            if r.setting_id is not None and r.final_result == Verdict.FAIL
        }
        passed_settings = setting_ids - failed_settings
        outcome = Verdict.FAIL if failed_org or not passed_settings else Verdict.PASS
        moderation = Moderation.objects.create(
            application=locked, outcome=outcome, reason=reason.strip(), moderator=actor.user
        )
        moderation.evaluators.set(evaluators)
        audit_record(
            actor=actor,
            verb=AuditVerb.DECIDED,
            obj=locked,
            after={"outcome": outcome},
            reason=reason,
        )
        if outcome == Verdict.PASS:
            application_pass(
                application=locked, actor=actor, passed_setting_ids=passed_settings, reason=reason
            )
        else:
            application_fail(application=locked, actor=actor, reason=reason)
    return moderation
