"""Reads of quarterly monitoring returns, through the scope rules (the provider its own whole;
a QA officer the returns with a placement of its authority, and of those only the setting totals
and its own placements, reviews and steps)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from quality.models import (
    RETURN_WITH_PROVIDER,
    SETTING_COUNTS,
    MonitoringReturn,
    OutcomeProgress,
    PlacementReturn,
    ReturnEvent,
    ReturnReview,
    ReturnState,
    SettingReturn,
)

STATE_FILTERS = ("with_provider", "to_review", "overdue", "reviewed")
#: The quarters a trend shows, latest last: two years.
TREND_QUARTERS = 8
#: What the trend counts: returns the provider has sent (a draft's figures are not yet its word).
SENT_STATES = (ReturnState.SUBMITTED, ReturnState.REVIEWED)


def returns_for(actor: Actor, *, state: str = "") -> QuerySet[MonitoringReturn]:
    """The actor's returns (`state`: one of STATE_FILTERS, or every one), latest quarter first,
    with the number of placements the actor may see and, for a QA officer, whether its authority
    has reviewed the latest submission."""
    qs = scoped(MonitoringReturn, actor).select_related("round", "provider")
    today = timezone.localdate()
    if state == "with_provider":
        qs = qs.filter(state__in=RETURN_WITH_PROVIDER)
    elif state == "to_review":
        qs = qs.filter(state=ReturnState.SUBMITTED)
    elif state == "overdue":
        qs = qs.filter(state__in=RETURN_WITH_PROVIDER, due_on__lt=today)
    elif state == "reviewed":
        qs = qs.filter(state=ReturnState.REVIEWED)
    if actor.is_provider:
        qs = qs.annotate(placement_count=Count("placements"))
    else:
        qs = qs.annotate(
            placement_count=Count(
                "placements", filter=Q(placements__authority_id=actor.organisation_id)
            ),
            reviewed_by_us=Exists(
                ReturnReview.objects.filter(
                    monitoring_return_id=OuterRef("pk"),
                    authority_id=actor.organisation_id,
                    submission=OuterRef("submissions"),
                )
            ),
        )
    return qs.order_by("-round__period_start", "due_on", "id")


def panel_counts(actor: Actor) -> tuple[int, int]:
    """For the dashboard, in one query: (what waits for the actor: a provider's returns to
    send, a QA officer's sent returns its authority has not reviewed; the overdue ones)."""
    waiting = (
        Q(state__in=RETURN_WITH_PROVIDER)
        if actor.is_provider
        else Q(state=ReturnState.SUBMITTED, reviewed_by_us=False)
    )
    overdue = Q(state__in=RETURN_WITH_PROVIDER, due_on__lt=timezone.localdate())
    counts = (
        returns_for(actor)
        .order_by()
        .aggregate(
            waiting=Count("pk", filter=waiting, distinct=True),
            overdue=Count("pk", filter=overdue, distinct=True),
        )
    )
    return counts["waiting"], counts["overdue"]


def return_detail(actor: Actor, pk: int) -> MonitoringReturn:
    return get_scoped_or_404(
        MonitoringReturn,
        actor,
        select_related=("round", "provider", "submitted_by"),
        pk=pk,
    )


def return_settings(actor: Actor, monitoring_return: MonitoringReturn) -> list[SettingReturn]:
    return list(
        scoped(SettingReturn, actor)
        .filter(monitoring_return=monitoring_return)
        .select_related("setting")
        .order_by("setting__name", "id")
    )


def return_placements(actor: Actor, monitoring_return: MonitoringReturn) -> list[PlacementReturn]:
    """The placements the actor may see, each with its child and outcomes."""
    return list(
        scoped(PlacementReturn, actor)
        .filter(monitoring_return=monitoring_return)
        .select_related("agreement__child", "setting", "authority")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=scoped(OutcomeProgress, actor).order_by("position", "id"),
            )
        )
        .order_by("agreement__reference", "id")
    )


def return_reviews(actor: Actor, monitoring_return: MonitoringReturn) -> list[ReturnReview]:
    return list(
        scoped(ReturnReview, actor)
        .filter(monitoring_return=monitoring_return)
        .select_related("authority", "reviewed_by")
        .order_by("reviewed_at", "id")
    )


def return_history(actor: Actor, monitoring_return: MonitoringReturn) -> list[ReturnEvent]:
    return list(
        scoped(ReturnEvent, actor)
        .filter(monitoring_return=monitoring_return)
        .select_related("authority", "by")
        .order_by("at", "id")
    )


def _trend(qs: QuerySet[SettingReturn]) -> list[dict[str, object]]:
    rows = list(
        qs.filter(monitoring_return__state__in=SENT_STATES)
        .values("monitoring_return__round__period_start", "monitoring_return__round__label")
        .annotate(**{f"total_{field}": Sum(field) for field in SETTING_COUNTS})
        .order_by("-monitoring_return__round__period_start")[:TREND_QUARTERS]
    )
    return [
        {
            "label": row["monitoring_return__round__label"],
            "start": row["monitoring_return__round__period_start"],
            **{field: row[f"total_{field}"] or 0 for field in SETTING_COUNTS},
        }
        for row in reversed(rows)
    ]


def provider_trend(actor: Actor, provider_id: int) -> list[dict[str, object]]:
    """The provider's setting totals summed per quarter, over the returns the actor may see."""
    return _trend(scoped(SettingReturn, actor).filter(monitoring_return__provider_id=provider_id))


def setting_trend(actor: Actor, setting_id: int) -> list[dict[str, object]]:
    return _trend(scoped(SettingReturn, actor).filter(setting_id=setting_id))


def monitored_setting(actor: Actor, setting_id: int) -> SettingReturn:
    """The latest return row of a setting the actor may see; 404 when it sees none (another
    authority's setting, where it has no child, answers as a missing one)."""
    latest = (
        scoped(SettingReturn, actor)
        .filter(setting_id=setting_id)
        .select_related("setting__provider")
        .order_by("-monitoring_return__round__period_start", "-id")
        .first()
    )
    if latest is None:
        raise Http404("No monitored setting matches the given query.")
    return latest


def is_overdue(monitoring_return: MonitoringReturn, today: datetime.date | None = None) -> bool:
    return monitoring_return.is_overdue_on(today or timezone.localdate())
