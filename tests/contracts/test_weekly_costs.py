"""The weekly cost in force today kept on the agreement's row (issue 12, placements at scale,
branch costnow): right after each write that changes the fee history (an Order made, both
signatures, an uplift agreed from a later day and taken up by the beat, an end), the beat run
twice changing a row once, the migration filling what is there; and the list's rows and totals,
which read the column, equal what the fee history gives (the old computation) on a hand-made
set, fresh, stale or never worked out."""

from __future__ import annotations

import datetime
import importlib
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Exists, ExpressionWrapper, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.models import Agreement, AgreementState, FeePeriod, Variation, VariationState
from contracts.selectors.placements import (
    COMMITTED_STATES,
    ENDING_STATES,
    MONEY,
    UPCOMING_WINDOWS,
    PlacementTotals,
    placement_totals,
    placements_for,
    worked_out_cost,
)
from contracts.services.beat import agreement_activate
from contracts.services.endings import placement_end_record
from contracts.services.variations import variation_propose_uplift
from contracts.services.weekly_costs import refresh_due_weekly_costs, weekly_costs_due
from contracts.tasks import refresh_weekly_costs
from fps_portal.actors import Actor
from fps_portal.schedule import BEAT_SCHEDULE
from fps_portal.scoping import scoped
from tests.contracts.signed_world import another_drafted, another_signed, sign_both, signed
from tests.contracts.world import Placed, placed
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _column(
    agreement: Agreement,
) -> tuple[Decimal | None, datetime.date | None, datetime.date | None]:
    """A place's stored cost and the span it is right for (the agreement's cost checked to be
    every place's)."""
    agreement.refresh_from_db()
    per_place = agreement.weekly_cost_per_place_now
    if per_place is not None:
        assert agreement.weekly_cost_now == per_place * agreement.order.places
    return per_place, agreement.weekly_cost_from, agreement.weekly_cost_until


def _from_history(agreement: Agreement, day: datetime.date) -> Decimal:
    """The cost of a place on `day` as the list worked it out before the column: the fee
    history's subqueries."""
    return (
        Agreement.objects.filter(pk=agreement.pk)
        .annotate(cost=worked_out_cost(day))
        .values_list("cost", flat=True)
        .get()
    )


def _uplift_agreed(p: Placed, effective_from: datetime.date, percent: str = "2") -> Decimal:
    """An uplift proposed by the provider and signed by both: the new weekly fee."""
    variation = variation_propose_uplift(
        actor=as_actor(p.provider_user),
        agreement=p.agreement,
        percent=Decimal(percent),
        new_weekly_fee=None,
        effective_from=effective_from,
        reason="Annual uplift.",
    )
    sign_both(p, variation.version)
    variation.refresh_from_db()
    assert variation.state == VariationState.AGREED and variation.new_weekly_fee is not None
    return variation.new_weekly_fee


def _unsigned(p: Placed) -> Agreement:
    """A third agreement of the same parties, drafted from its award and never signed."""
    return another_drafted(p, weekly_price="1999.99").agreement


# -- after each write -----------------------------------------------------------------------------


def test_an_order_made_from_an_award_costs_the_fee_of_its_terms_on_any_day():
    p = placed()
    agreement = p.agreement
    cost = agreement.weekly_fee + agreement.weekly_services
    assert _column(agreement) == (cost, None, None)
    assert _from_history(agreement, timezone.localdate()) == cost


def test_signing_by_both_puts_the_first_period_s_fee_on_the_row():
    p = signed()
    period = FeePeriod.objects.get(agreement=p.agreement)
    assert _column(p.agreement) == (period.weekly_fee + period.weekly_services, None, None)
    assert weekly_costs_due() == []


def test_an_uplift_agreed_for_a_later_day_is_taken_up_by_the_beat_on_that_day_once():
    """Signed, the uplift changes the terms at once but not the fee paid: the row keeps the old
    fee up to the day before the uplift; the beat's first run on that day puts the new fee on
    the row, and a second run (or the same day's next) changes nothing."""
    p = signed()
    start = p.agreement.start_date
    old = _column(p.agreement)[0]
    assert old is not None
    fee = _uplift_agreed(p, start + 10 * DAY)
    services = p.agreement.weekly_services
    assert p.agreement.weekly_fee == fee  # the terms in force
    assert _column(p.agreement) == (old, None, start + 9 * DAY)
    assert refresh_due_weekly_costs(today=start + 9 * DAY) == 0
    assert weekly_costs_due(start + 10 * DAY) == [p.agreement.pk]
    assert refresh_due_weekly_costs(today=start + 10 * DAY) == 1
    assert _column(p.agreement) == (fee + services, start + 10 * DAY, None)
    assert refresh_due_weekly_costs(today=start + 10 * DAY) == 0
    assert refresh_due_weekly_costs(today=start + 11 * DAY) == 0
    assert _column(p.agreement) == (fee + services, start + 10 * DAY, None)
    assert _from_history(p.agreement, start + 10 * DAY) == fee + services
    assert _from_history(p.agreement, start + 9 * DAY) == old


def test_the_beat_task_is_scheduled_and_runs_the_service():
    p = signed()
    Agreement.objects.filter(pk=p.agreement.pk).update(weekly_cost_now=None)
    assert "contracts.refresh_weekly_costs" in {e["task"] for e in BEAT_SCHEDULE.values()}
    assert refresh_weekly_costs() == 1
    assert refresh_weekly_costs() == 0
    assert _column(p.agreement)[0] == _from_history(p.agreement, timezone.localdate())


def test_an_uplift_agreed_from_a_day_already_come_is_on_the_row_at_once():
    p = signed()
    start = timezone.localdate() - 30 * DAY
    Agreement.objects.filter(pk=p.agreement.pk).update(start_date=start)
    FeePeriod.objects.filter(agreement=p.agreement).update(starts=start)
    p.agreement.refresh_from_db()
    fee = _uplift_agreed(p, start + 10 * DAY, percent="3")
    assert _column(p.agreement) == (fee + p.agreement.weekly_services, start + 10 * DAY, None)


def test_the_end_of_a_placement_leaves_its_last_fee_on_the_row():
    p = signed()
    today = timezone.localdate()
    start = today - 200 * DAY
    Agreement.objects.filter(pk=p.agreement.pk).update(
        start_date=start, state=AgreementState.ACTIVE
    )
    FeePeriod.objects.filter(agreement=p.agreement).update(starts=start)
    # As if the row had never been worked out: the end works it out in its transaction.
    Agreement.objects.filter(pk=p.agreement.pk).update(weekly_cost_now=None)
    p.agreement.refresh_from_db()
    placement_end_record(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        kind="breakdown",
        reason="needs_not_met",
        details="The setting could no longer meet the child's needs.",
        requested_by="authority",
        notice_given_on=today - 10 * DAY,
        last_day=today - DAY,
    )
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ENDED
    assert _column(p.agreement) == (_from_history(p.agreement, today), None, None)


def test_the_migration_fills_the_rows_there_are_as_the_services_would():
    p = signed()
    fee = _uplift_agreed(p, p.agreement.start_date + 10 * DAY)
    q = replace(p, agreement=_unsigned(p))
    kept = {a.pk: _column(a) for a in (p.agreement, q.agreement)}
    Agreement.objects.update(weekly_cost_now=None, weekly_cost_from=None, weekly_cost_until=None)
    migration = importlib.import_module("contracts.migrations.0003_weekly_cost_now")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert {a.pk: _column(a) for a in (p.agreement, q.agreement)} == kept
    assert kept[p.agreement.pk][0] != fee + p.agreement.weekly_services  # not yet the uplift's


# -- the list and its totals read the column ------------------------------------------------------


def _old_totals(actor: Actor, today: datetime.date) -> PlacementTotals:
    """The totals as worked out before the column: every row's cost from the fee history,
    summed here (the code this branch replaced)."""
    pending = Exists(
        Variation.objects.filter(agreement_id=OuterRef("pk"), state=VariationState.PROPOSED)
    )
    rows = (
        scoped(Agreement, actor)
        .annotate(
            cost=ExpressionWrapper(worked_out_cost(today) * F("order__places"), output_field=MONEY),
            ends_on=Coalesce("placement_end__last_day", "end_date"),
            pending=pending,
        )
        .values_list("state", "cost", "weeks_per_year", "ends_on", "pending")
        .order_by()
    )
    active, weekly, annual, proposed = 0, Decimal("0"), Decimal("0"), 0
    ending = dict.fromkeys(UPCOMING_WINDOWS, 0)
    for state, cost, weeks, ends_on, is_pending in rows:
        proposed += bool(is_pending)
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


def test_the_rows_and_totals_equal_the_fee_history_s_fresh_stale_or_never_worked_out():
    """Three agreements of one authority and provider: one with an uplift agreed from start +
    10 days and a planned end, one signed with an uplift only proposed, one never signed. On
    each day around the changes, with the rows as the services left them, then with one row's
    cost gone and another's left stale, then after the beat: the same rows and totals as the
    fee history gives, for the authority and for the provider."""
    p = signed()
    q = another_signed(p)
    start = p.agreement.start_date
    _uplift_agreed(p, start + 10 * DAY)
    variation_propose_uplift(
        actor=as_actor(q.provider_user),
        agreement=q.agreement,
        percent=Decimal("4"),
        new_weekly_fee=None,
        effective_from=start + 20 * DAY,
        reason="Annual uplift.",
    )
    unsigned = _unsigned(p)
    placement_end_record(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        kind="planned",
        reason="",
        details="The end of key stage 4.",
        requested_by="authority",
        notice_given_on=timezone.localdate(),
        last_day=start + 60 * DAY,
    )
    for agreement in (p.agreement, q.agreement):
        assert agreement_activate(agreement_id=agreement.pk, today=start)
    days = [start - DAY, start, start + 9 * DAY, start + 10 * DAY, start + 40 * DAY]
    actors = [as_actor(p.commissioner), as_actor(p.provider_user)]

    def check() -> None:
        for day in days:
            for actor in actors:
                totals = placement_totals(actor, today=day)
                assert totals == _old_totals(actor, day), (day, actor)
                for row in placements_for(actor, today=day):
                    assert row.cost_per_place_today == _from_history(row, day), (day, row)
                    assert row.cost_today == row.cost_per_place_today * row.order.places

    check()
    assert placement_totals(actors[0], today=start + 10 * DAY).active == 2
    assert placement_totals(actors[0], today=start + 10 * DAY).variations_proposed == 1
    assert placement_totals(actors[0], today=start + 40 * DAY).ending_within == {30: 1, 90: 1}
    # One row never worked out, another left stale (its span ended, the beat not yet run).
    Agreement.objects.filter(pk=unsigned.pk).update(weekly_cost_now=None)
    Agreement.objects.filter(pk=q.agreement.pk).update(
        weekly_cost_now=Decimal("1.00"), weekly_cost_until=start - 2 * DAY
    )
    check()
    assert refresh_due_weekly_costs(today=start + 10 * DAY) == 3
    check()
