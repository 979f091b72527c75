"""Clarification questions from the lead authority's evaluators to an applicant while its
application is under evaluation: asked, answered or withdrawn, and reminded before they fall due."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from providers.models import (
    Application,
    ClarificationQuestion,
    RequirementResult,
)
from providers.services._common import (
    provider_users,
    require_lead_evaluator,
    require_provider,
)
from providers.services.evaluation import clarification_answer_blocker, lock_under_evaluation


def clarification_ask(
    *,
    actor: Actor,
    application: Application,
    question: str,
    due_at: datetime.datetime,
    result: RequirementResult | None = None,
) -> ClarificationQuestion:
    require_lead_evaluator(actor)
    fields: dict[str, str] = {}
    if not question.strip():
        fields["question"] = "Enter the question."
    now = timezone.now()
    deadline = (
        application.window.evaluation_deadline
        if application.window_id and application.window
        else None
    )
    if due_at <= now:
        fields["due_at"] = "The answer must be due in the future."
    elif deadline is not None and due_at > deadline:
        fields["due_at"] = (
            f"The answer must be due within the evaluation period, by {govuk_date(deadline)}."
        )
    if result is not None and result.application_id != application.pk:
        fields["result"] = "Choose a requirement of this application."
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = lock_under_evaluation(application)
        clarification = ClarificationQuestion.objects.create(
            application=locked,
            result=result,
            question=question.strip(),
            asked_by=actor.user,
            due_at=due_at,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=clarification,
            after={"question": clarification.question, "due_at": due_at},
        )
        notify(
            recipients=provider_users(locked.provider_id),
            event_key=f"clarification-asked:{clarification.pk}",
            template="notifications/clarification_asked",
            context={"due_at": due_at, "question": clarification.question},
            url=reverse("providers:clarification-answer", args=[clarification.pk]),
        )
    return clarification


def clarification_answer(
    *, actor: Actor, clarification: ClarificationQuestion, answer: str
) -> ClarificationQuestion:
    require_provider(actor, clarification.application.provider_id)
    if not answer.strip():
        raise InvalidInput.on_fields({"answer": "Enter your answer."})
    with transaction.atomic():
        # Application first, then the question: the same order as withdrawing and moderating.
        application = Application.objects.select_for_update().get(pk=clarification.application_id)
        locked = ClarificationQuestion.objects.select_for_update().get(pk=clarification.pk)
        if message := clarification_answer_blocker(locked, application):
            raise WrongState(message)
        locked.answer, locked.answered_at, locked.answered_by = (
            answer.strip(),
            timezone.now(),
            actor.user,
        )
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(actor=actor, verb=AuditVerb.UPDATED, obj=locked, after={"answered": True})
        notify(
            recipients=[locked.asked_by],
            event_key=f"clarification-answered:{locked.pk}",
            template="notifications/clarification_answered",
            context={"provider": application.provider, "answer": locked.answer},
            url=reverse("providers:evaluation-detail", args=[locked.application_id]),
            send_email=False,
        )
    return locked


def clarification_withdraw(
    *, actor: Actor, clarification: ClarificationQuestion
) -> ClarificationQuestion:
    """A lead evaluator takes back a question the provider has not answered. It stops holding up
    moderation, and the provider is told they need not answer it. The question is kept, marked
    withdrawn, with who withdrew it and when."""
    require_lead_evaluator(actor)
    with transaction.atomic():
        application = lock_under_evaluation(clarification.application)
        locked = ClarificationQuestion.objects.select_for_update().get(pk=clarification.pk)
        if locked.withdrawn_at is not None:
            raise WrongState("This question has already been withdrawn.")
        if locked.answered_at is not None:
            raise WrongState("The provider has already answered this question, so it stays.")
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), actor.user
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before={"withdrawn_at": None},
            after={"withdrawn_at": locked.withdrawn_at},
            reason="Clarification question withdrawn",
        )
        notify(
            recipients=provider_users(application.provider_id),
            event_key=f"clarification-withdrawn:{locked.pk}",
            template="notifications/clarification_withdrawn",
            context={"question": locked.question},
            url=reverse("providers:application-detail", args=[application.pk]),
        )
    return locked


CLARIFICATION_REMINDER_BEFORE = datetime.timedelta(days=2)


def clarifications_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind providers of questions due within two days. The event key makes it once per
    question."""
    now = now or timezone.now()
    due = ClarificationQuestion.objects.open(now).filter(
        due_at__lte=now + CLARIFICATION_REMINDER_BEFORE
    )
    sent = 0
    for question in due:
        sent += len(
            notify(
                recipients=provider_users(question.application.provider_id),
                event_key=f"clarification-reminder:{question.pk}",
                template="notifications/clarification_reminder",
                context={"due_at": question.due_at, "question": question.question},
                url=reverse("providers:clarification-answer", args=[question.pk]),
            )
        )
    return sent
