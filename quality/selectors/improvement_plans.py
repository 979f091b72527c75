"""Reads of improvement plans, through the scope rules (`quality.plan_scope_rules`): the owning
authority's QA staff and the provider of the setting; and the visit programme's risk signal,
`overdue_actions_by_setting`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.scoping import dangerously_unscoped, get_scoped_or_404, scoped
from providers.models import Setting
from quality.models import (
    ActionState,
    AlertRecipient,
    Concern,
    ImprovementAction,
    ImprovementEvent,
    ImprovementPlan,
    PlanState,
    QaVisit,
    VisitState,
)
from quality.visits.part_signals import overdue_q
from referrals.models import Award

STATE_FILTERS = ("open", "overdue", "to_review", "closed")


def plans_for(actor: Actor, *, state: str = "") -> QuerySet[ImprovementPlan]:
    """The actor's plans (`state`: one of STATE_FILTERS, or every one), newest first, with their
    action counts: all, accepted, overdue, waiting for review."""
    qs = scoped(ImprovementPlan, actor).select_related("setting__provider", "authority")
    if state == "open":
        qs = qs.filter(state=PlanState.OPEN)
    elif state == "closed":
        qs = qs.filter(state=PlanState.CLOSED)
    elif state == "overdue":
        qs = qs.filter(pk__in=ImprovementAction.objects.filter(overdue_q()).values("plan_id"))
    elif state == "to_review":
        qs = qs.filter(
            pk__in=ImprovementAction.objects.filter(state=ActionState.COMPLETED).values("plan_id")
        )
    return qs.annotate(
        action_count=Count("actions"),
        accepted_count=Count("actions", filter=Q(actions__state=ActionState.ACCEPTED)),
        overdue_count=Count("actions", filter=overdue_q("actions__")),
        to_review_count=Count("actions", filter=Q(actions__state=ActionState.COMPLETED)),
    ).order_by("state", "-created_at", "-id")


def plan_detail(actor: Actor, pk: int) -> ImprovementPlan:
    return get_scoped_or_404(
        ImprovementPlan,
        actor,
        select_related=(
            "setting__provider",
            "authority",
            "created_by",
            "closed_by",
            "origin_award__referral",
        ),
        pk=pk,
    )


def plan_actions(actor: Actor, plan: ImprovementPlan) -> list[ImprovementAction]:
    return list(
        scoped(ImprovementAction, actor)
        .filter(plan=plan)
        .select_related("completed_by", "accepted_by")
        .order_by("due_on", "id")
    )


def action_detail(actor: Actor, plan_pk: int, action_pk: int) -> ImprovementAction:
    return get_scoped_or_404(
        ImprovementAction,
        actor,
        select_related=("plan__setting__provider", "plan__authority", "completed_by"),
        pk=action_pk,
        plan_id=plan_pk,
    )


def plan_history(actor: Actor, plan: ImprovementPlan) -> list[ImprovementEvent]:
    return list(
        scoped(ImprovementEvent, actor)
        .filter(plan=plan)
        .select_related("action", "by")
        .order_by("at", "id")
    )


def panel_counts(actor: Actor) -> tuple[int, int]:
    """For the dashboard, in one query: (the actions waiting for the actor: the provider's to
    do, the QA officer's to review; the overdue actions)."""
    waiting = (
        Q(state=ActionState.OPEN, owner="provider")
        if actor.is_provider
        else Q(state=ActionState.COMPLETED)
    )
    counts = (
        scoped(ImprovementAction, actor)
        .filter(plan__state=PlanState.OPEN)
        .aggregate(waiting=Count("id", filter=waiting), overdue=Count("id", filter=overdue_q()))
    )
    return counts["waiting"] or 0, counts["overdue"] or 0


# -- what a new plan may start from (the QA officer's own authority's) ---------------------------


def alerts_to_start_from(actor: Actor) -> list[tuple[int, str]]:
    """(alert id, label) of the rating alerts told to the actor's authority, newest first. QA
    officers do not read alerts themselves (senior managers do): the label is the setting, the
    new band and the date only."""
    rows = (
        dangerously_unscoped(AlertRecipient)
        .filter(authority_id=actor.organisation_id)
        .values_list("alert_id", "alert__setting__name", "alert__new_band", "alert__created_at")
        .order_by("-alert__created_at", "-alert_id")
        .distinct()
    )
    seen: dict[int, str] = {}
    for alert_id, setting, band, at in rows:
        seen.setdefault(alert_id, f"{setting}: band {band}, {at:%d %B %Y}")
    return list(seen.items())


def visits_to_start_from(actor: Actor) -> list[tuple[int, str]]:
    """(visit id, label) of the actor's authority's completed QA visits, newest first: the
    setting and the visit's date."""
    rows = (
        scoped(QaVisit, actor)
        .filter(authority_id=actor.organisation_id, state=VisitState.COMPLETED)
        .values_list("pk", "setting__name", "visit_date")
        .order_by("-visit_date", "-pk")
    )
    return [(pk, f"{setting}: visited {govuk_date(on)}") for pk, setting, on in rows]


def concerns_to_start_from(actor: Actor) -> list[tuple[int, str]]:
    """(concern id, label) of the actor's authority's concerns about a setting, open ones first
    and then the newest: the setting, the concern's summary and when it was raised."""
    rows = (
        scoped(Concern, actor)
        .filter(authority_id=actor.organisation_id, setting__isnull=False)
        .values_list("pk", "setting__name", "summary", "raised_at")
        .order_by("state", "-raised_at", "-pk")
    )
    return [
        (pk, f"{setting}: {summary} (raised {govuk_date(timezone.localdate(at))})")
        for pk, setting, summary, at in rows
    ]


def signoffs_to_start_from(actor: Actor) -> list[tuple[int, str]]:
    """(award id, label) of the authority's awards whose RI/Inadequate sign-off holds the
    provider's action plan: the label is the setting and the referral's reference (the
    authority's own; the provider never reads it)."""
    rows = (
        dangerously_unscoped(Award)
        .filter(
            referral__authority_id=actor.organisation_id,
            risk_approval__documents_attached_at__isnull=False,
        )
        .values_list("pk", "setting__name", "referral__reference")
        .order_by("-proposed_at", "-pk")
    )
    return [(pk, f"{setting}: {reference}") for pk, setting, reference in rows]


def settings_to_plan_for(actor: Actor) -> QuerySet[Setting]:
    return scoped(Setting, actor).select_related("provider").order_by("name")
