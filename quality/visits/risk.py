"""The visit programme's risk order (issue 14; REQUIREMENTS C9, C43: "Quality Assurance Visits
Schedule" is risk-ordered): a small registry of signals.

A **signal** is a function `(authority, setting_ids) -> dict[setting_id, Signal]` that reads, in
one query for all the settings at once, one thing that makes a setting riskier, and says why in
words the QA officer can repeat ("Inspection band: fail"). A setting with nothing to say is left
out of the dict. `RISK_SIGNALS` lists them worst first; a setting's position is the tuple of its
signals' weights in that order, compared highest first (a fail band outranks everything below
it; equal bands are ordered by the next signal; and so on), and the page shows each setting's
reasons in the same order. The signals today:

1. `band`: fail (2) above concern (1): `Setting.current_band`;
2. `sign_off`: the RI/Inadequate sign-off (`referrals.services.risk`) completed for this
   authority's award to the setting in the last `SIGN_OFF_DAYS` days (1): it moves the setting
   up among its band;
3. `open_concerns`: this authority's open concerns about the setting or its provider, the
   highest stage first, then their number; then `overdue_actions`: improvement actions of its
   plans past their due date, their count (both counted in `quality.visits.part_signals`);
4. `alerts`: rating alerts told to this authority and not yet acknowledged, or raised in the
   last `RECENT_ALERT_DAYS` days (their count);
5. `last_visit`: days since this authority's last completed visit (never visited: `NEVER`);
6. `placed`: the number of this authority's children placed there now (active agreements).

**Adding a signal** (another part: concerns, improvement plans, ...):
1. write a function in your own module, e.g. `quality/concerns/risk.py`::

       def open_concerns(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
           rows = (Concern.objects.filter(authority=authority, setting_id__in=setting_ids,
                   state__in=OPEN).values("setting_id").annotate(n=Count("id")))
           return {r["setting_id"]: Signal(r["n"], f"{r['n']} open concerns") for r in rows}

   one query however many settings (`.values().annotate()`, never a query per setting: the
   programme's query count is budgeted flat at 1 and at 50 settings);
2. add `RiskSignal("open_concerns", open_concerns)` to `RISK_SIGNALS` below at its rank (the
   issue's order: after `sign_off`, before `alerts`), importing your function here;
3. add a test that a setting with your signal moves up, and bump the programme's query budget by
   one (tests/quality/visit_budgets.py) since the signal is one more query.
Weights are non-negative integers; 0 means "nothing to say" (leave the setting out instead).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Organisation
from fps_portal.dates import govuk_date
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import Band
from providers.models import Setting
from quality.models import AlertRecipient, QaVisit, VisitState
from quality.visits.part_signals import open_concerns_by_setting, overdue_actions_by_setting
from referrals.models import AwardState, RiskApproval

SIGN_OFF_DAYS = 90
RECENT_ALERT_DAYS = 90
#: The weight of "never visited by this authority": above any real number of days.
NEVER = 100_000


@dataclass(frozen=True)
class Signal:
    weight: int
    reason: str


SignalMap = dict[int, Signal]
SignalFn = Callable[[Organisation, Sequence[int]], SignalMap]


@dataclass(frozen=True)
class RiskSignal:
    name: str
    compute: SignalFn


def placed_counts(authority: Organisation) -> dict[int, int]:
    """setting id -> how many of the authority's agreements there are active now: the settings of
    the programme. One query."""
    rows = (
        dangerously_unscoped(Agreement)
        .filter(authority=authority, state=AgreementState.ACTIVE, setting__isnull=False)
        .values("setting_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["setting_id"]: row["n"] for row in rows}


def band(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    weights: dict[str, int] = {Band.FAIL.value: 2, Band.CONCERN.value: 1}
    rows = (
        dangerously_unscoped(Setting)
        .filter(pk__in=setting_ids, current_band__in=list(weights))
        .values_list("pk", "current_band", "current_band_summary")
    )
    return {
        pk: Signal(
            weights[b], f"Inspection band: {Band(b).label.lower()}" + (f" ({s})" if s else "")
        )
        for pk, b, s in rows
    }


def sign_off(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    since = timezone.now() - datetime.timedelta(days=SIGN_OFF_DAYS)
    rows = (
        dangerously_unscoped(RiskApproval)
        .filter(
            award__referral__authority=authority,
            award__setting_id__in=setting_ids,
            award__state=AwardState.COMPLETE,
            alerted_at__gte=since,
        )
        .values("award__setting_id")
        .annotate(last=Max("alerted_at"), visit=Max("quality_visit_planned_on"))
        .order_by()
    )
    out: SignalMap = {}
    for row in rows:
        reason = f"Through the RI/Inadequate sign-off on {govuk_date(row['last'])}"
        if row["visit"]:
            reason += f"; quality visit planned for {govuk_date(row['visit'])}"
        out[row["award__setting_id"]] = Signal(1, reason)
    return out


def alerts(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    since = timezone.now() - datetime.timedelta(days=RECENT_ALERT_DAYS)
    rows = (
        dangerously_unscoped(AlertRecipient)
        .filter(authority=authority, alert__setting_id__in=setting_ids)
        .filter(Q(acknowledged_at__isnull=True) | Q(alert__created_at__gte=since))
        .values("alert__setting_id")
        .annotate(n=Count("alert_id", distinct=True))
        .order_by()
    )
    return {
        row["alert__setting_id"]: Signal(
            row["n"],
            f"{row['n']} rating alert{'s' if row['n'] != 1 else ''} not acknowledged or recent",
        )
        for row in rows
    }


def last_visit(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    rows = (
        dangerously_unscoped(QaVisit)
        .filter(authority=authority, setting_id__in=setting_ids, state=VisitState.COMPLETED)
        .values("setting_id")
        .annotate(last=Max("visit_date"))
        .order_by()
    )
    last = {row["setting_id"]: row["last"] for row in rows}
    today = timezone.localdate()
    out: SignalMap = {}
    for pk in setting_ids:
        if pk not in last:
            out[pk] = Signal(NEVER, "Never visited by your authority")
        else:
            days = max((today - last[pk]).days, 0)
            out[pk] = Signal(days, f"Last visited {govuk_date(last[pk])} ({days} days ago)")
    return out


def placed(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    counts = placed_counts(authority)
    return {
        pk: Signal(n, f"{n} of your children placed")
        for pk, n in counts.items()
        if pk in set(setting_ids)
    }


def open_concerns(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    """The authority's open concerns about the setting (or its provider as a whole): the highest
    stage first (an escalation weighs more than a first concern), then how many (one query)."""
    found = open_concerns_by_setting(authority, setting_ids)
    return {
        pk: Signal(
            top * 100 + min(count, 99),
            f"{count} open concern{'s' if count != 1 else ''}, at stage {top}",
        )
        for pk, (count, top) in found.items()
    }


def overdue_actions(authority: Organisation, setting_ids: Sequence[int]) -> SignalMap:
    """Improvement actions of this authority's plans past their due date (one query)."""
    counts = overdue_actions_by_setting(authority, setting_ids)
    return {
        pk: Signal(n, f"{n} improvement action{'s' if n != 1 else ''} overdue")
        for pk, n in counts.items()
    }


RISK_SIGNALS: tuple[RiskSignal, ...] = (
    RiskSignal("band", band),
    RiskSignal("sign_off", sign_off),
    RiskSignal("open_concerns", open_concerns),
    RiskSignal("overdue_actions", overdue_actions),
    RiskSignal("alerts", alerts),
    RiskSignal("last_visit", last_visit),
    RiskSignal("placed", placed),
)


@dataclass(frozen=True)
class Ranked:
    setting_id: int
    key: tuple[int, ...]
    reasons: tuple[str, ...]


def rank(
    authority: Organisation,
    setting_ids: Sequence[int],
    signals: Sequence[RiskSignal] = RISK_SIGNALS,
) -> list[Ranked]:
    """The settings worst first, each with its reasons: one query per signal."""
    maps = [signal.compute(authority, setting_ids) for signal in signals]
    ranked = []
    for pk in setting_ids:
        found = [m.get(pk) for m in maps]
        ranked.append(
            Ranked(
                setting_id=pk,
                key=tuple(s.weight if s else 0 for s in found),
                reasons=tuple(s.reason for s in found if s),
            )
        )
    ranked.sort(key=lambda r: (tuple(-w for w in r.key), r.setting_id))
    return ranked
