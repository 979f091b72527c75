"""The onboarding work queues: what the dashboard counts and what its links list, from one
definition each, so the count always matches the page."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from providers.models import (
    Application,
    ApplicationState,
    ClarificationQuestion,
    EvaluatorDecision,
)
from providers.models.evaluation import MINIMUM_EVALUATORS, open_clarification_q


def applications_awaiting_evaluation(actor: Actor) -> QuerySet[Application]:
    """Applications under evaluation on which this evaluator has recorded nothing yet."""
    mine = EvaluatorDecision.objects.filter(evaluator=actor.user).values("result__application_id")
    return (
        scoped(Application, actor)
        .filter(state=ApplicationState.UNDER_EVALUATION)
        .exclude(pk__in=mine)
        .select_related("provider", "window", "purchasing_system")
        .order_by("evaluation_started_at", "pk")
    )


def applications_awaiting_moderation(actor: Actor) -> QuerySet[Application]:
    """Applications under evaluation with enough evaluators and no outcome yet."""
    return (
        scoped(Application, actor)
        .filter(state=ApplicationState.UNDER_EVALUATION)
        .annotate(n=Count("results__decisions__evaluator", distinct=True))
        .filter(n__gte=MINIMUM_EVALUATORS, moderation__isnull=True)
        .select_related("provider", "window", "purchasing_system")
        .order_by("evaluation_started_at", "pk")
    )


def clarifications_to_answer(actor: Actor) -> QuerySet[ClarificationQuestion]:
    """Questions to the actor's organisation still open for an answer (the one meaning of
    \"open\": not answered, not withdrawn, not past due, application under evaluation)."""
    return (
        scoped(ClarificationQuestion, actor)
        .filter(open_clarification_q(now=timezone.now()))
        .select_related("application__window", "application__provider")
        .order_by("due_at", "pk")
    )
