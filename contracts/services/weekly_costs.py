"""The weekly cost in force today, kept on the agreement's row (issue 12, the placements list at
regional scale): `Agreement.weekly_cost_now` (every place; `weekly_cost_per_place_now` a place's)
and the span of days it is right for, so the list
and its totals read a column instead of working the fee history out for every row.

Kept in the transaction of each write that changes what it is worked out from: an agreement made
from an award (no fee period yet: the fee of its terms), a version signed by both (the first
signature, an uplift or other variation agreed: a new fee period), a placement ending (the cost
stays the last period's; worked out again so the row is right the day it ends). An agreed uplift
effective later leaves the row on the old fee until the day before it starts: the beat
(`contracts.refresh_weekly_costs`, `refresh_due_weekly_costs`) works out again every row whose
span has ended, each under its row lock, so a run repeated or two at once change a row once.

A derived column, like the terms in force beside it: the write that changes the fee history is
audited; keeping the column is not a second event.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contracts.models import Agreement, FeePeriod
from contracts.weekly_cost import CostInForce, Period, cost_in_force
from fps_portal.scoping import dangerously_unscoped

COLUMNS = ["weekly_cost_per_place_now", "weekly_cost_now", "weekly_cost_from", "weekly_cost_until"]


def worked_out(agreement: Agreement, day: datetime.date) -> CostInForce:
    """The cost in force on `day` from the agreement's fee history (one query)."""
    periods = [
        Period(starts=starts, weekly_fee=fee, weekly_services=services)
        for starts, fee, services in dangerously_unscoped(FeePeriod)
        .filter(agreement_id=agreement.pk)
        .order_by("starts", "pk")
        .values_list("starts", "weekly_fee", "weekly_services")
    ]
    return cost_in_force(periods, agreement.weekly_fee + agreement.weekly_services, day)


def weekly_cost_set(agreement: Agreement, *, today: datetime.date | None = None) -> bool:
    """Set (not save) the agreement's cost in force today on the instance: whether it changed.
    For a writer that saves the row itself, with these `COLUMNS` among its fields."""
    cost = worked_out(agreement, today or timezone.localdate())
    wanted = {
        "weekly_cost_per_place_now": cost.per_place,
        "weekly_cost_now": cost.per_place * agreement.order.places,
        "weekly_cost_from": cost.valid_from,
        "weekly_cost_until": cost.valid_until,
    }
    if all(getattr(agreement, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(agreement, name, value)
    return True


def weekly_cost_keep(agreement: Agreement, *, today: datetime.date | None = None) -> bool:
    """Work out the agreement's cost in force today and store it on its row if it changed
    (whether it did). The caller writes in its transaction with the agreement locked."""
    if not weekly_cost_set(agreement, today=today):
        return False
    agreement.save(update_fields=COLUMNS)
    return True


def weekly_costs_due(today: datetime.date | None = None) -> list[int]:
    """The agreements whose stored cost is not today's: never worked out, or its span ended (a
    later fee period's start has arrived) or not yet begun."""
    today = today or timezone.localdate()
    return list(
        dangerously_unscoped(Agreement)
        .filter(
            Q(weekly_cost_now__isnull=True)
            | Q(weekly_cost_until__lt=today)
            | Q(weekly_cost_from__gt=today)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def weekly_cost_refresh(*, agreement_id: int, today: datetime.date | None = None) -> bool:
    """One agreement's cost worked out again under its row lock (whether it changed)."""
    # The row locked and read once, with the Order whose places the cost counts (the Order's
    # row is not locked: only the agreement's columns are written).
    agreement = (
        dangerously_unscoped(Agreement)
        .select_for_update(of=("self",))
        .select_related("order")
        .get(pk=agreement_id)
    )
    return weekly_cost_keep(agreement, today=today)


def refresh_due_weekly_costs(*, today: datetime.date | None = None) -> int:
    """The beat's job: every agreement whose stored cost is not today's, worked out again, each in
    its own transaction (how many changed). Idempotent: a row done is not due again today."""
    today = today or timezone.localdate()
    return sum(weekly_cost_refresh(agreement_id=pk, today=today) for pk in weekly_costs_due(today))
