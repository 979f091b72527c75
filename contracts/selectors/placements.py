"""Reads of the placements lists (issue 12): the agreements the actor is a party to, as the
placing authority's commissioners and the provider's users see them, with what a row shows
computed in the one query that reads the page, so the page, the export and the API make a fixed
number of queries however many placements there are. One definition for all three.

A placement is its agreement (`contracts.models.Agreement`). What a row shows beside the terms:

- the weekly cost in force today: the fee period covering today (core fee and additional
  services, per place), because an agreed uplift with a later effective date changes the
  agreement's terms when it is signed, not the fee paid until then; before the first period
  starts, the first period's; an agreement not yet signed by both has no period and shows the
  fee of its terms;
- the day it ends: the recorded end's last day, else the end date of the terms (as the beat's
  warnings read it, `contracts.services.endings`);
- the price uplift proposed and awaiting signatures, and the latest one agreed;
- whether any variation is proposed.

The child's name and EHC plan review date are never joined here: callers read the children
through their own scope (`children_shown`), so a provider sees a child only as ADR 0016 allows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementState,
    FeePeriod,
    Variation,
    VariationKind,
    VariationState,
)
from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from referrals.models import Child

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
#: The states whose placement can still end, and so be "ending within" some days.
ENDING_STATES = (AgreementState.SIGNED, AgreementState.ACTIVE)
#: The states counted in the commitment: placements that have started and not ended.
COMMITTED_STATES = (AgreementState.ACTIVE,)
#: The upper limit of "ending within N days" (ten years).
MAX_ENDING_WITHIN = 3650
#: The windows the beat warns at and the page counts (contracts.services.endings.WARNING_DAYS).
UPCOMING_WINDOWS = (30, 90)


@dataclass(frozen=True)
class PlacementFilters:
    state: str = ""
    setting_id: int | None = None
    ending_within: int | None = None  # days from today, today included
    variation_pending: bool | None = None

    def as_audit(self) -> dict[str, object]:
        """The filters given, for an export's audit row (ids and words, never a name)."""
        return {
            name: value
            for name, value in (
                ("state", self.state),
                ("setting", self.setting_id),
                ("ending_within", self.ending_within),
                ("variation_pending", self.variation_pending),
            )
            if value not in ("", None)
        }


def _fee_total(qs: QuerySet[FeePeriod]) -> Subquery:
    total = ExpressionWrapper(F("weekly_fee") + F("weekly_services"), output_field=MONEY)
    return Subquery(qs.annotate(total=total).values("total")[:1], output_field=MONEY)


def _uplift(state: str, column: str) -> Subquery:
    latest = Variation.objects.filter(
        agreement_id=OuterRef("pk"), kind=VariationKind.PRICE_UPLIFT, state=state
    ).order_by("-effective_from", "-pk")
    return Subquery(latest.values(column)[:1])


def _pending() -> Exists:
    return Exists(
        Variation.objects.filter(agreement_id=OuterRef("pk"), state=VariationState.PROPOSED)
    )


def with_cost_columns(qs: QuerySet[Agreement], today: datetime.date) -> QuerySet[Agreement]:
    """What the totals need of each row: the cost in force today, the last day and whether a
    variation awaits signatures (none of the uplift columns: over every placement of a large
    authority, their four subqueries a row were most of the totals' time)."""
    periods = FeePeriod.objects.filter(agreement_id=OuterRef("pk"))
    own_terms = ExpressionWrapper(F("weekly_fee") + F("weekly_services"), output_field=MONEY)
    return qs.annotate(
        cost_per_place_today=Coalesce(
            _fee_total(periods.filter(starts__lte=today).order_by("-starts", "-pk")),
            _fee_total(periods.order_by("starts", "pk")),
            own_terms,
            output_field=MONEY,
        ),
        ends_on=Coalesce("placement_end__last_day", "end_date"),
        variation_pending=_pending(),
    ).annotate(
        cost_today=ExpressionWrapper(
            F("cost_per_place_today") * F("order__places"), output_field=MONEY
        ),
    )


def with_placement_columns(qs: QuerySet[Agreement], today: datetime.date) -> QuerySet[Agreement]:
    """The computed columns of a row (see the module's docstring), as annotations."""
    return with_cost_columns(qs, today).annotate(
        uplift_proposed_fee=_uplift(VariationState.PROPOSED, "new_weekly_fee"),
        uplift_proposed_from=_uplift(VariationState.PROPOSED, "effective_from"),
        uplift_agreed_fee=_uplift(VariationState.AGREED, "new_weekly_fee"),
        uplift_agreed_from=_uplift(VariationState.AGREED, "effective_from"),
    )


def _ending_within(days: int, today: datetime.date) -> Q:
    return Q(
        state__in=ENDING_STATES,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=days),
    )


def filter_placements(
    qs: QuerySet[Agreement], filters: PlacementFilters, today: datetime.date
) -> QuerySet[Agreement]:
    """The filters of the page, the export and the API (on `with_placement_columns` rows)."""
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.setting_id is not None:
        qs = qs.filter(setting_id=filters.setting_id)
    if filters.ending_within is not None:
        qs = qs.filter(_ending_within(filters.ending_within, today))
    if filters.variation_pending is not None:
        qs = qs.filter(Q(variation_pending=filters.variation_pending))  # an annotation
    return qs


def placements_for(
    actor: Actor,
    filters: PlacementFilters | None = None,
    *,
    today: datetime.date | None = None,
) -> QuerySet[Agreement]:
    """The actor's placements, the latest start first, with what a row shows."""
    today = today or timezone.localdate()
    qs = with_placement_columns(
        scoped(Agreement, actor).select_related(
            "order", "setting", "authority", "provider", "placement_end"
        ),
        today,
    )
    return filter_placements(qs, filters or PlacementFilters(), today).order_by(
        "-start_date", "-pk"
    )


@dataclass(frozen=True)
class PlacementTotals:
    """The commitment (an authority's) or income (a provider's) of its active placements."""

    active: int
    weekly: Decimal
    annual: Decimal
    ending_within: dict[int, int]  # window in days -> placements ending within it
    variations_proposed: int  # placements with a variation awaiting signatures


def placement_totals(actor: Actor, *, today: datetime.date | None = None) -> PlacementTotals:
    """One query: over every placement of the actor's organisation, whatever the filters.
    Weekly: the sum of each active placement's weekly cost in force today, every place counted;
    annual: each one's weekly cost times its weeks per year (from the terms in force), summed.

    The rows are summed here rather than by the database: in SQL each use of the cost (the
    weekly sum, the annual sum) repeats its fee subqueries for every row, so one row each,
    with the cost worked out once, is the cheaper query at any size."""
    today = today or timezone.localdate()
    # The stubs know the model's fields, not with_cost_columns' annotations.
    costed: QuerySet[Any] = with_cost_columns(scoped(Agreement, actor), today)
    rows = costed.values_list(
        "state", "cost_today", "weeks_per_year", "ends_on", "variation_pending"
    ).order_by()
    active, weekly, annual, proposed = 0, Decimal("0"), Decimal("0"), 0
    ending = dict.fromkeys(UPCOMING_WINDOWS, 0)
    for state, cost, weeks, ends_on, pending in rows:
        proposed += bool(pending)
        if state in COMMITTED_STATES:
            active += 1
            weekly += cost or 0
            annual += (cost or 0) * weeks
        if state in ENDING_STATES and ends_on is not None and ends_on >= today:
            for days in UPCOMING_WINDOWS:
                ending[days] += ends_on <= today + datetime.timedelta(days=days)
    return PlacementTotals(
        active=active,
        weekly=Decimal(weekly).quantize(Decimal("0.01")),
        annual=Decimal(annual).quantize(Decimal("0.01")),
        ending_within=ending,
        variations_proposed=proposed,
    )


def setting_choices(actor: Actor) -> list[tuple[int, str]]:
    """The settings of the actor's placements, by name: the setting filter's choices."""
    rows = (
        scoped(Agreement, actor)
        .filter(setting__isnull=False)
        .values_list("setting_id", "setting__name")
        .distinct()
        .order_by("setting__name", "setting_id")
    )
    return [(pk, name) for pk, name in rows]


def children_shown(
    actor: Actor, agreements: list[Agreement] | QuerySet[Agreement]
) -> dict[int, Child]:
    """The children of these placements the actor may read (their own scope decides: the
    placing authority's placing roles, and the provider once its award is complete), with only
    what the lists show: the name and the EHC plan's next annual review."""
    if isinstance(agreements, QuerySet):
        wanted = Q(pk__in=agreements.filter(child__isnull=False).values("child_id"))
    else:
        wanted = Q(pk__in={a.child_id for a in agreements if a.child_id is not None})
    return {
        child.pk: child
        for child in scoped(Child, actor)
        .filter(wanted)
        .only("pk", "given_name", "family_name", "ehcp_next_review_on")
    }
