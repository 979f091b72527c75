"""Reads of referrals for the placing authority: the list with its filters, one referral with
what its page shows, the dashboard's counts and the senior managers' queue. Each starts from
`scoped()`, so another authority's referral is never read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from referrals.models import (
    AuthorisationState,
    Referral,
    ReferralState,
    Route,
    RouteCase,
)

#: The deadline filter's choices: (value, label).
DEADLINE_CHOICES = [
    ("today", "Closes today"),
    ("week", "Closes in the next 7 days"),
    ("passed", "Deadline passed"),
]


@dataclass(frozen=True)
class ReferralFilters:
    state: str = ""
    route: str = ""
    lot_id: int | None = None
    deadline: str = ""
    child_id: int | None = None


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
    return start, start + datetime.timedelta(days=1)


def filter_referrals(qs: QuerySet[Referral], filters: ReferralFilters) -> QuerySet[Referral]:
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.route:
        qs = qs.filter(route=filters.route)
    if filters.lot_id is not None:
        qs = qs.filter(lot_id=filters.lot_id)
    if filters.child_id is not None:
        qs = qs.filter(child_id=filters.child_id)
    if filters.deadline:
        now = timezone.now()
        start, end = _day_bounds(timezone.localdate())
        if filters.deadline == "today":
            qs = qs.filter(response_deadline__gte=start, response_deadline__lt=end)
        elif filters.deadline == "week":
            qs = qs.filter(
                response_deadline__gte=now,
                response_deadline__lt=now + datetime.timedelta(days=7),
            )
        elif filters.deadline == "passed":
            qs = qs.filter(response_deadline__lt=now)
    return qs


def referral_list(actor: Actor, filters: ReferralFilters | None = None) -> QuerySet[Referral]:
    """The authority's referrals, newest first, with what the list shows joined."""
    qs = scoped(Referral, actor).select_related("lot", "child")
    return filter_referrals(qs, filters or ReferralFilters())


def referral_for_page(actor: Actor, pk: int) -> QuerySet[Referral]:
    """One referral (get it with `get_scoped_or_404` semantics) and what its page shows."""
    return (
        scoped(Referral, actor)
        .filter(pk=pk)
        .select_related(
            "lot",
            "purchasing_system",
            "child",
            "primary_need",
            "created_by",
            "published_by",
            "returned_by",
            "withdrawn_by",
            "closed_by",
            "route_case__setting",
            "route_case__provider",
        )
        .prefetch_related("needs", "criteria", "descriptors", "shared_documents")
    )


@dataclass(frozen=True)
class PlacingCounts:
    to_evaluate: int
    deadlines_today: int
    awaiting_authorisation: int
    reviews_due: int


def placing_counts(actor: Actor) -> PlacingCounts:
    """The dashboard's four queues, in one query: closed competitions whose responses wait to be
    evaluated, competitions closing today, cases awaiting authorisation, direct awards whose
    review date has come."""
    start, end = _day_bounds(timezone.localdate())
    counts = scoped(Referral, actor).aggregate(
        to_evaluate=Count("pk", filter=Q(state=ReferralState.CLOSED)),
        deadlines_today=Count(
            "pk",
            filter=Q(
                state=ReferralState.OPEN, response_deadline__gte=start, response_deadline__lt=end
            ),
        ),
        awaiting=Count(
            "pk",
            filter=Q(
                state=ReferralState.AWAITING_AUTHORISATION,
                route_case__state=AuthorisationState.AWAITING,
            ),
        ),
        reviews=Count(
            "pk",
            filter=Q(
                route=Route.DIRECT_AWARD,
                route_case__state=AuthorisationState.AUTHORISED,
                route_case__review_on__lte=timezone.localdate(),
                route_case__review_outcome="",
            ),
        ),
    )
    return PlacingCounts(
        to_evaluate=counts["to_evaluate"],
        deadlines_today=counts["deadlines_today"],
        awaiting_authorisation=counts["awaiting"],
        reviews_due=counts["reviews"],
    )


def authorisations_awaiting(actor: Actor) -> QuerySet[RouteCase]:
    """The senior managers' queue: cases of the authority awaiting authorisation, oldest first."""
    return (
        scoped(RouteCase, actor)
        .filter(
            state=AuthorisationState.AWAITING,
            referral__state=ReferralState.AWAITING_AUTHORISATION,
        )
        .select_related("referral__lot", "setting", "provider", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def authorisations_decided(actor: Actor, *, limit: int = 20) -> list[RouteCase]:
    return list(
        scoped(RouteCase, actor)
        .exclude(state=AuthorisationState.AWAITING)
        .select_related("referral", "authorised_by", "refused_by")
        .order_by("-submitted_at", "-pk")[:limit]
    )
