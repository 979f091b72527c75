"""The weekly cost of a place in force on a day, worked out from an agreement's fee history (issue
12, the placements list at regional scale). Pure: no database, so the services that keep it on
the agreement's row (`contracts.services.weekly_costs`), the large data set's bulk builder and the
tests read one definition; the placements selectors' fallback (`worked_out_cost`) is the same
rule in SQL.

The rule: the fee period covering the day (its core fee and additional services; the latest to
start on or before the day, the later one where two start on the same day), because an agreed
uplift with a later effective date changes the terms when it is signed, not the fee paid until
then; before the first period starts, the first period's; an agreement not yet signed by both
has no period and costs the fee of its terms.

The cost found is right for a span of days, not only the day asked: from the period's start
(open at the start for the first period) to the day before the next period starts (open while it
is the last). The row keeps the span beside the cost, so a reader asking about a day outside it
knows the stored cost is not that day's.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """What the rule reads of one fee period."""

    starts: datetime.date
    weekly_fee: Decimal
    weekly_services: Decimal


@dataclass(frozen=True)
class CostInForce:
    """The weekly cost of a place, and the days it is right for (None: open at that end)."""

    per_place: Decimal
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


def cost_in_force(periods: Sequence[Period], own_terms: Decimal, day: datetime.date) -> CostInForce:
    """The cost in force on `day`. `periods` in the order they were signed into the history: by
    start, then by id (a period signed later that starts the same day replaces the earlier);
    `own_terms`: the agreement's weekly fee and services, for an agreement with no period."""
    if not periods:
        return CostInForce(own_terms, None, None)
    ordered = sorted(enumerate(periods), key=lambda item: (item[1].starts, item[0]))
    index = 0
    for position, (_, period) in enumerate(ordered):
        if period.starts <= day:
            index = position
    period = ordered[index][1]
    following = ordered[index + 1][1] if index + 1 < len(ordered) else None
    return CostInForce(
        per_place=period.weekly_fee + period.weekly_services,
        valid_from=period.starts if index > 0 else None,
        valid_until=following.starts - DAY if following is not None else None,
    )
