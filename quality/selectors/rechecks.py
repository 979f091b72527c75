"""Reads of re-checks and suspension proposals, through the scope rules (the lead authority
sees every one, a provider its own, everyone else nothing)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404, scoped
from quality.models import (
    WITH_PROVIDER,
    ItemResponse,
    ItemReview,
    ProposalState,
    Recheck,
    RecheckCalendar,
    RecheckEvent,
    RecheckItem,
    RecheckState,
    SuspensionProposal,
)

STATE_FILTERS = ("with_provider", "to_review", "overdue", "accepted")


def rechecks_for(actor: Actor, *, state: str = "") -> QuerySet[Recheck]:
    """The actor's re-checks (`state`: one of STATE_FILTERS, or every one), soonest due first,
    with how many items each has and how many are still to answer."""
    qs = scoped(Recheck, actor).select_related(
        "membership__provider", "membership__purchasing_system"
    )
    today = timezone.localdate()
    if state == "with_provider":
        qs = qs.filter(state__in=WITH_PROVIDER)
    elif state == "to_review":
        qs = qs.filter(state=RecheckState.SUBMITTED)
    elif state == "overdue":
        qs = qs.filter(state__in=WITH_PROVIDER, due_on__lt=today)
    elif state == "accepted":
        qs = qs.filter(state=RecheckState.ACCEPTED)
    return qs.annotate(
        item_count=Count("items"),
        unanswered_count=Count(
            "items",
            filter=Q(items__response=ItemResponse.PENDING) & ~Q(items__review=ItemReview.ACCEPTED),
        ),
    ).order_by("due_on", "id")


def recheck_detail(actor: Actor, pk: int) -> Recheck:
    return get_scoped_or_404(
        Recheck,
        actor,
        select_related=("membership__provider", "membership__purchasing_system", "submitted_by"),
        pk=pk,
    )


def recheck_items(actor: Actor, recheck: Recheck) -> list[RecheckItem]:
    return list(
        scoped(RecheckItem, actor)
        .filter(recheck=recheck)
        .select_related("evidence__setting", "replacement", "responded_by", "reviewed_by")
        .order_by("evidence__kind", "evidence__setting_id", "id")
    )


def recheck_item_detail(actor: Actor, recheck_pk: int, item_pk: int) -> RecheckItem:
    return get_scoped_or_404(
        RecheckItem,
        actor,
        select_related=(
            "recheck__membership__provider",
            "evidence__setting",
            "replacement",
            "responded_by",
            "reviewed_by",
        ),
        pk=item_pk,
        recheck_id=recheck_pk,
    )


def recheck_history(actor: Actor, recheck: Recheck) -> list[RecheckEvent]:
    return list(
        scoped(RecheckEvent, actor)
        .filter(recheck=recheck)
        .select_related("item__evidence", "by")
        .order_by("at", "id")
    )


def is_overdue(recheck: Recheck, today: datetime.date | None = None) -> bool:
    return recheck.is_overdue_on(today or timezone.localdate())


def proposals_pending(actor: Actor) -> QuerySet[SuspensionProposal]:
    return (
        scoped(SuspensionProposal, actor)
        .filter(state=ProposalState.PENDING)
        .select_related("membership__provider", "recheck")
        .order_by("proposed_at", "id")
    )


def proposal_detail(actor: Actor, pk: int) -> SuspensionProposal:
    return get_scoped_or_404(
        SuspensionProposal,
        actor,
        select_related=("membership__provider", "recheck", "decided_by"),
        pk=pk,
    )


def calendars_for(actor: Actor) -> dict[int, int | None]:
    """purchasing system id -> the month its re-checks open (absent: anniversaries)."""
    return dict(scoped(RecheckCalendar, actor).values_list("purchasing_system_id", "month"))
