"""Reads of the placements lists (issue 12): the agreements the actor is a party to, as the
placing authority's commissioners and the provider's users see them, with what a row shows
computed in the one query that reads the page, so the page, the export and the API make a fixed
number of queries however many placements there are. One definition for all three.

A placement is its agreement (`contracts.models.Agreement`). What a row shows beside the terms:

- the weekly cost in force today: the fee period covering today (core fee and additional
  services, per place), because an agreed uplift with a later effective date changes the
  agreement's terms when it is signed, not the fee paid until then; before the first period
  starts, the first period's; an agreement not yet signed by both has no period and shows the
  fee of its terms (`contracts.weekly_cost`). Read from the row (`Agreement.weekly_cost_now`,
  kept by the services and the beat, `contracts.services.weekly_costs`) where its span covers
  the day asked, else worked out from the fee history in the same query;
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
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementState,
    FeePeriod,
    Order,
    Variation,
    VariationKind,
    VariationState,
)
from fps_portal.actors import Actor
from fps_portal.scoping import scoped
from referrals.models import Child

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
#: A total over an organisation's placements (a year of hundreds of places runs to millions).
SUM: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
PENCE = Decimal("0.01")
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


def stored_cost_covers(today: datetime.date) -> Q:
    """The rows whose stored cost (`Agreement.weekly_cost_now`) is the one in force on `today`:
    every row on the day the services or the beat last worked it out, unless a later period's
    start has come since."""
    return (
        Q(weekly_cost_now__isnull=False)
        & (Q(weekly_cost_from__isnull=True) | Q(weekly_cost_from__lte=today))
        & (Q(weekly_cost_until__isnull=True) | Q(weekly_cost_until__gte=today))
    )


def worked_out_cost(today: datetime.date) -> Coalesce:
    """The cost of a place in force on `today` from the fee history (`contracts.weekly_cost`'s
    rule in SQL): three correlated subqueries, for a row whose stored cost is not that day's."""
    periods = FeePeriod.objects.filter(agreement_id=OuterRef("pk"))
    own_terms = ExpressionWrapper(F("weekly_fee") + F("weekly_services"), output_field=MONEY)
    return Coalesce(
        _fee_total(periods.filter(starts__lte=today).order_by("-starts", "-pk")),
        _fee_total(periods.order_by("starts", "pk")),
        own_terms,
        output_field=MONEY,
    )


def cost_per_place(today: datetime.date) -> Case:
    """The cost of a place in force on `today`: the row's stored cost where it covers the day,
    else worked out from the fee history (the database evaluates the subqueries only for those
    rows: none, once the beat has run today, for today)."""
    return Case(
        When(stored_cost_covers(today), then=F("weekly_cost_per_place_now")),
        default=worked_out_cost(today),
        output_field=MONEY,
    )


def _places() -> Subquery:
    return Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("places")[:1])


def cost_of_agreement(today: datetime.date, places: Any = None) -> Case:
    """The weekly cost in force on `today` of every place of the agreement: the row's stored one
    where it covers the day, else worked out, times the Order's places (`places`, or a subquery
    the database evaluates only for such a row, so the totals need no join to the Orders)."""
    return Case(
        When(stored_cost_covers(today), then=F("weekly_cost_now")),
        default=ExpressionWrapper(
            worked_out_cost(today) * (places if places is not None else _places()),
            output_field=SUM,
        ),
        output_field=SUM,
    )


def with_cost_columns(qs: QuerySet[Agreement], today: datetime.date) -> QuerySet[Agreement]:
    """The cost in force today (a place's and the agreement's), the last day and whether a
    variation awaits signatures."""
    return qs.annotate(
        cost_per_place_today=cost_per_place(today),
        cost_today=cost_of_agreement(today, F("order__places")),
        ends_on=Coalesce("placement_end__last_day", "end_date"),
        variation_pending=_pending(),
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


def placements_count(
    actor: Actor,
    filters: PlacementFilters | None = None,
    *,
    today: datetime.date | None = None,
) -> int:
    """How many placements `placements_for` lists with these filters, counted without its
    columns and joins (a paginator's count): only a filter's own column is worked out."""
    today = today or timezone.localdate()
    filters = filters or PlacementFilters()
    qs = scoped(Agreement, actor)
    if filters.ending_within is not None:
        qs = qs.annotate(ends_on=Coalesce("placement_end__last_day", "end_date"))
    if filters.variation_pending is not None:
        qs = qs.annotate(variation_pending=_pending())
    return filter_placements(qs, filters, today).count()


@dataclass(frozen=True)
class PlacementTotals:
    """The commitment (an authority's) or income (a provider's) of its active placements."""

    active: int
    weekly: Decimal
    annual: Decimal
    ending_within: dict[int, int]  # window in days -> placements ending within it
    variations_proposed: int  # placements with a variation awaiting signatures


def placement_totals(actor: Actor, *, today: datetime.date | None = None) -> PlacementTotals:
    """One query, one pass over the actor's organisation's placements (its index by authority or
    provider), whatever the filters. Weekly: the sum of each active placement's weekly cost in
    force today, every place counted; annual: each one's weekly cost times its weeks per year
    (from the terms in force), summed. The cost is the row's stored one (`cost_of_agreement`:
    no subquery and no join for a row whose stored cost covers the day); the proposed variations
    are one uncorrelated subquery (their partial index), not one a row.

    Summed by the database per weeks a year (a row for each of the few values there are), and
    those rows here: the cost's expression then appears once in the query, not once for the
    weekly sum and again for the annual, and the annual sum is exact."""
    today = today or timezone.localdate()
    committed = Q(state__in=COMMITTED_STATES)
    proposed = Variation.objects.filter(state=VariationState.PROPOSED).values("agreement_id")
    groups = (
        scoped(Agreement, actor)
        .annotate(ends_on=Coalesce("placement_end__last_day", "end_date"))
        .order_by()
        .values("weeks_per_year")
        .annotate(
            active=Count("pk", filter=committed),
            weekly=Sum(cost_of_agreement(today), filter=committed, default=Decimal("0")),
            proposed=Count("pk", filter=Q(pk__in=proposed)),
            **{
                f"ending_{days}": Count("pk", filter=_ending_within(days, today))
                for days in UPCOMING_WINDOWS
            },
        )
    )
    active, weekly, annual, pending = 0, Decimal("0"), Decimal("0"), 0
    ending = dict.fromkeys(UPCOMING_WINDOWS, 0)
    for group in groups:
        active += group["active"]
        weekly += Decimal(group["weekly"])
        annual += Decimal(group["weekly"]) * group["weeks_per_year"]
        pending += group["proposed"]
        for days in UPCOMING_WINDOWS:
            ending[days] += group[f"ending_{days}"]
    return PlacementTotals(
        active=active,
        weekly=weekly.quantize(PENCE),
        annual=annual.quantize(PENCE),
        ending_within=ending,
        variations_proposed=pending,
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
