"""When quarterly monitoring returns are asked for, and their reminders (the scheduled jobs).

Quarters are the UK financial year's (Q1 April to June ... Q4 January to March): councils budget,
commission and report contract spend by financial year, so a return labelled "Q3 2026-27" is the
one the commissioning team's reports already use. (The quarters start on the same days as
calendar quarters; only the numbering and the year differ.)

At the start of each quarter the job opens a `MonitoringRound` for the quarter just ended and asks
every provider with a live placement in it (an agreement active during the quarter, or ended in
it) for one return, due `DUE_DAYS` after the quarter's end. The round is unique on its first day
and the return on (round, provider): each is created inside a savepoint and an `IntegrityError`
means another run made it first, so beat run twice, or two workers at once, ask once. A job that
did not run on the first day (an outage) asks on its next run.

The provider is reminded `DUE_SOON_DAYS` before the due date and once the return is overdue, each
at most once per due date (`reminded_*_on`, set under the row's lock).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from contracts.models import Agreement, AgreementState
from fps_portal.accounts.models import Role, User
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.notifications.services import notify
from providers.services._common import provider_users
from quality.models import (
    RETURN_WITH_PROVIDER,
    MonitoringReturn,
    MonitoringRound,
    OutcomeProgress,
    PlacementReturn,
    ReturnEvent,
    ReturnEventKind,
    SettingReturn,
)
from referrals.models import EhcpOutcome

DUE_DAYS = 21
DUE_SOON_DAYS = 7


def quarter_containing(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter `day` is in (quarters start in January, April,
    July and October)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    next_start = (
        datetime.date(day.year + 1, 1, 1)
        if first_month == 10
        else datetime.date(day.year, first_month + 3, 1)
    )
    return start, next_start - datetime.timedelta(days=1)


def quarter_before(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The quarter that ended before the one `day` is in."""
    start, _ = quarter_containing(day)
    return quarter_containing(start - datetime.timedelta(days=1))


def financial_label(start: datetime.date) -> str:
    """ "Q3 2026-27" for October to December 2026 (the financial year starts on 1 April)."""
    year = start.year if start.month >= 4 else start.year - 1
    number = {4: 1, 7: 2, 10: 3, 1: 4}[start.month]
    return f"Q{number} {year}-{(year + 1) % 100:02d}"


def monitoring_round_open(*, today: datetime.date | None = None) -> MonitoringRound:
    """The round for the quarter before `today`'s, opened once."""
    start, end = quarter_before(today or timezone.localdate())
    with transaction.atomic():
        found, _ = MonitoringRound.objects.get_or_create(
            period_start=start,
            defaults={
                "period_end": end,
                "label": financial_label(start),
                "due_on": end + datetime.timedelta(days=DUE_DAYS),
            },
        )
    return found


def live_agreements(round_: MonitoringRound) -> list[Agreement]:
    """The placements the round asks about: agreements active during the quarter (still
    active, or ended within it), with their provider and setting named."""
    return list(
        Agreement.objects.filter(
            Q(state=AgreementState.ACTIVE)
            | Q(state=AgreementState.ENDED, ended_at__date__gte=round_.period_start),
            start_date__lte=round_.period_end,
            provider__isnull=False,
            setting__isnull=False,
            # A block purchase's places are not yet named: no child's progress to report.
            child__isnull=False,
        )
        .only("pk", "provider_id", "setting_id", "authority_id", "child_id")
        .order_by("provider_id", "pk")
    )


def monitoring_requests_send(*, today: datetime.date | None = None) -> int:
    """The scheduled job: asks each provider with a live placement for the quarter just ended.
    Answers how many returns it asked for (0 on a second run)."""
    round_ = monitoring_round_open(today=today)
    asked_already = set(
        MonitoringReturn.objects.filter(round=round_).values_list("provider_id", flat=True)
    )
    by_provider: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in live_agreements(round_):
        if agreement.provider_id not in asked_already:
            by_provider[agreement.provider_id].append(agreement)  # type: ignore[index]
    asked = 0
    for provider_id, agreements in by_provider.items():
        if monitoring_return_request(round_=round_, provider_id=provider_id, agreements=agreements):
            asked += 1
    return asked


def monitoring_return_request(
    *, round_: MonitoringRound, provider_id: int, agreements: list[Agreement]
) -> MonitoringReturn | None:
    """One provider's return with its settings, placements and outcomes, or None when another
    run asked first (the unique constraint decides)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                made = MonitoringReturn.objects.create(
                    round=round_, provider_id=provider_id, due_on=round_.due_on
                )
        except IntegrityError:
            return None
        settings = sorted({a.setting_id for a in agreements if a.setting_id is not None})
        SettingReturn.objects.bulk_create(
            SettingReturn(monitoring_return=made, setting_id=setting_id) for setting_id in settings
        )
        named = agreements
        placements = PlacementReturn.objects.bulk_create(
            PlacementReturn(
                monitoring_return=made,
                agreement_id=a.pk,
                authority_id=a.authority_id,
                setting_id=cast(int, a.setting_id),  # live agreements name their setting
            )
            for a in named
        )
        outcomes_of: dict[int, list[EhcpOutcome]] = defaultdict(list)
        for outcome in EhcpOutcome.objects.filter(child_id__in=[a.child_id for a in named]):
            outcomes_of[outcome.child_id].append(outcome)
        OutcomeProgress.objects.bulk_create(
            OutcomeProgress(
                placement_return=placement,
                ehcp_outcome=outcome,
                outcome_text=outcome.text,
                position=outcome.position,
            )
            for agreement, placement in zip(named, placements, strict=True)
            for outcome in outcomes_of[agreement.child_id]  # type: ignore[index]
        )
        ReturnEvent.objects.create(
            monitoring_return=made, kind=ReturnEventKind.REQUESTED, detail=round_.label
        )
        audit_record(
            actor=None,
            verb=AuditVerb.CREATED,
            obj=made,
            after={"round": round_.label, "settings": len(settings), "placements": len(named)},
        )
        notify(
            recipients=provider_users(provider_id),
            event_key=f"monitoring-requested:{made.pk}",
            template="notifications/monitoring_requested",
            context={"monitoring_return": made, "round": round_},
            url=reverse("quality:monitoring-return", args=[made.pk]),
        )
    return made


def qa_officers(authority_ids: list[int]) -> list[User]:
    """The QA officers of these authorities: who is told a return waits for review."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=authority_ids,
            memberships__role=Role.QA_OFFICER,
            memberships__is_active=True,
        ).distinct()
    )


def monitoring_reminders_send(*, today: datetime.date | None = None) -> int:
    """The scheduled job: the due-soon and overdue reminders, each once per due date."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    candidates = MonitoringReturn.objects.filter(
        state__in=RETURN_WITH_PROVIDER, due_on__lte=soon
    ).values_list("pk", flat=True)
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            locked = MonitoringReturn.objects.select_for_update().select_related("round").get(pk=pk)
            if locked.state not in RETURN_WITH_PROVIDER:
                continue
            if locked.due_on < today:
                if locked.reminded_overdue_on == locked.due_on:
                    continue
                stage, field = "overdue", "reminded_overdue_on"
                template = "notifications/monitoring_overdue"
            else:
                if locked.reminded_due_soon_on == locked.due_on:
                    continue
                stage, field = "due_soon", "reminded_due_soon_on"
                template = "notifications/monitoring_due_soon"
            setattr(locked, field, locked.due_on)
            locked.save(update_fields=[field])
            ReturnEvent.objects.create(
                monitoring_return=locked,
                kind=ReturnEventKind.REMINDED,
                detail="Overdue" if stage == "overdue" else "Due soon",
            )
            notify(
                recipients=provider_users(locked.provider_id),
                event_key=f"monitoring-{stage}:{locked.pk}:{locked.due_on:%Y%m%d}",
                template=template,
                context={"monitoring_return": locked, "round": locked.round},
                url=reverse("quality:monitoring-return", args=[locked.pk]),
            )
            sent += 1
    return sent
