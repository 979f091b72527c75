"""Reads of rating alerts, given the actor (scoped: only those told to the actor's authority).

What an alert shows of placements is the viewer's own: the ACTIVE agreements at the setting read
through the contracts app's scoping, so an authority's senior manager sees their authority's
children placed there and nobody else's, and the lead authority's evaluators (who place no
children) see none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from contracts.models import Agreement, AgreementState
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from quality.models import AlertRecipient, DecisionState, RatingAlert


def alerts_for(actor: Actor) -> QuerySet[RatingAlert]:
    """The alerts told to the actor's authority, newest first, with that authority's
    recipients (`own_recipients`) and how many of them acknowledged (`acknowledged`)."""
    own = Q(recipients__authority_id=actor.organisation_id)
    return (
        scoped(RatingAlert, actor)
        .select_related("setting", "setting__provider")
        .annotate(
            told=Count("recipients", filter=own, distinct=True),
            acknowledged=Count(
                "recipients",
                filter=own & Q(recipients__acknowledged_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )


def unacknowledged_count(actor: Actor) -> int:
    """Alerts told to the actor that they have not acknowledged."""
    return (
        scoped(AlertRecipient, actor)
        .filter(user_id=actor.user.pk, acknowledged_at__isnull=True)
        .count()
    )


def placements_at(actor: Actor, setting_id: int) -> list[Agreement]:
    """The actor's own authority's children placed at the setting now (ACTIVE agreements)."""
    return list(
        scoped(Agreement, actor)
        .filter(setting_id=setting_id, state=AgreementState.ACTIVE)
        .select_related("child")
        .order_by("start_date", "id")
    )


@dataclass(frozen=True)
class AlertView:
    alert: RatingAlert
    recipients: list[AlertRecipient]  # the viewer's authority's only
    mine: AlertRecipient | None
    placements: list[Agreement]


def alert_view(actor: Actor, pk: int) -> AlertView:
    alert = get_scoped_or_404(
        RatingAlert,
        actor,
        select_related=(
            "setting",
            "setting__provider",
            "judgement",
            "previous_judgement",
            "decided_by",
        ),
        pk=pk,
    )
    recipients = list(
        scoped(AlertRecipient, actor)
        .filter(alert_id=alert.pk)
        .select_related("user", "acknowledged_by")
        .order_by("user__full_name", "user__email")
    )
    mine = next((r for r in recipients if r.user_id == actor.user.pk), None)
    return AlertView(
        alert=alert,
        recipients=recipients,
        mine=mine,
        placements=placements_at(actor, alert.setting_id),
    )


def alerts_with_own_recipients(actor: Actor) -> QuerySet[RatingAlert]:
    """For the API: the alerts with the actor's authority's recipients prefetched."""
    return alerts_for(actor).prefetch_related(
        Prefetch(
            "recipients",
            queryset=scoped(AlertRecipient, actor).select_related("user", "acknowledged_by"),
            to_attr="own_recipients",
        )
    )


def decisions_waiting(actor: Actor) -> QuerySet[RatingAlert]:
    """The lead authority's queue: fail bands awaiting its decision, oldest first."""
    if not actor.is_lead_evaluator:
        return RatingAlert.objects.none()
    return (
        scoped(RatingAlert, actor)
        .filter(decision_state=DecisionState.PENDING)
        .select_related("setting", "setting__provider")
        .order_by("created_at", "id")
    )
