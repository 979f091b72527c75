"""When re-checks open, and what an overdue one leads to (the scheduled jobs).

A re-check opens once a year per active membership (`Recheck` is unique per membership and
year): on the anniversary of joining, or, when the lead authority chose a month for the
purchasing system (`RecheckCalendar`), on the first day of that month for every member who has
been one for at least `MIN_MEMBERSHIP_DAYS` by then (a newer member was evaluated on joining).
A job that did not run on the day (an outage) opens it on its next run that year. It holds one
item per evidence item the provider holds (not replaced), expired ones included: those are the
ones to change.

The provider has `RESPONSE_DAYS` to answer. It is reminded `DUE_SOON_DAYS` before the due date
and once it is overdue; `PROPOSE_AFTER_DAYS` after the due date a suspension proposal goes on
the lead authority's queue (quality.services.suspension_proposals decides it). Each step is
taken under the re-check's row lock with its state re-checked, so beat run twice or two workers
at once change nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.notifications.services import notify
from providers.models import Evidence, FpsMembership, MembershipState, PurchasingSystem
from providers.services._common import lead_evaluators, provider_users
from quality.models import (
    WITH_PROVIDER,
    Recheck,
    RecheckCalendar,
    RecheckEventKind,
    RecheckItem,
    SuspensionProposal,
)
from quality.services.rechecks import record_event

RESPONSE_DAYS = 28
DUE_SOON_DAYS = 7
PROPOSE_AFTER_DAYS = 14
MIN_MEMBERSHIP_DAYS = 180
MONTH_INVALID = "Select a month, or each member's anniversary of joining."


def opening_date(*, joined_on: datetime.date, month: int | None, year: int) -> datetime.date | None:
    """The day `year`'s re-check of a member who joined on `joined_on` opens, or None when it has
    none that year (the year it joined, or too new a member for the chosen month)."""
    if month is None:
        if year <= joined_on.year:
            return None
        try:
            return joined_on.replace(year=year)
        except ValueError:  # joined on 29 February
            return datetime.date(year, 2, 28)
    opens = datetime.date(year, month, 1)
    if (opens - joined_on).days < MIN_MEMBERSHIP_DAYS:
        return None
    return opens


def rechecks_open_due(*, today: datetime.date | None = None) -> int:
    """The scheduled job: opens this year's re-check of every active member whose day has come.
    Answers how many were opened (0 on a second run)."""
    today = today or timezone.localdate()
    months = dict(RecheckCalendar.objects.values_list("purchasing_system_id", "month"))
    opened = 0
    members = FpsMembership.objects.filter(state=MembershipState.ACTIVE).exclude(
        rechecks__cycle=today.year
    )
    for membership in members.only("pk", "joined_at", "purchasing_system_id"):
        opens = opening_date(
            joined_on=timezone.localdate(membership.joined_at),
            month=months.get(membership.purchasing_system_id),
            year=today.year,
        )
        if opens is not None and opens <= today:
            opened += recheck_open(membership_id=membership.pk, cycle=today.year, today=today)
    return opened


def recheck_open(*, membership_id: int, cycle: int, today: datetime.date) -> int:
    """Opens one re-check (1), or nothing when it exists or the member is no longer active (0).
    The unique (membership, year) makes a racing twin's insert fail; that worker opens nothing."""
    try:
        with transaction.atomic():
            membership = (
                FpsMembership.objects.select_for_update()
                .select_related("provider")
                .get(pk=membership_id)
            )
            if membership.state != MembershipState.ACTIVE:
                return 0
            if Recheck.objects.filter(membership=membership, cycle=cycle).exists():
                return 0
            recheck = Recheck.objects.create(
                membership=membership,
                cycle=cycle,
                due_on=today + datetime.timedelta(days=RESPONSE_DAYS),
            )
            held = Evidence.objects.filter(
                provider_id=membership.provider_id, superseded_at__isnull=True
            ).order_by("kind", "setting_id", "pk")
            RecheckItem.objects.bulk_create(
                RecheckItem(recheck=recheck, evidence=evidence) for evidence in held
            )
            record_event(
                recheck,
                RecheckEventKind.OPENED,
                actor=None,
                detail=f"{len(held)} evidence item(s) to confirm or change.",
            )
            audit_record(
                actor=None,
                verb=AuditVerb.CREATED,
                obj=recheck,
                after={
                    "membership_id": membership.pk,
                    "cycle": cycle,
                    "due_on": str(recheck.due_on),
                },
                reason="Annual re-check opened.",
            )
            notify(
                recipients=provider_users(membership.provider_id),
                event_key=f"recheck-opened:{recheck.pk}",
                template="notifications/recheck_opened",
                context={"recheck": recheck, "provider": membership.provider},
                url=reverse("quality:recheck", args=[recheck.pk]),
            )
    except IntegrityError:
        return 0
    return 1


def rechecks_remind(*, today: datetime.date | None = None) -> int:
    """The scheduled job: reminders before and after the due date, then a suspension proposal.
    Answers how many steps were taken (0 on a second run the same day)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    waiting = Recheck.objects.filter(state__in=WITH_PROVIDER, due_on__lte=soon)
    return sum(
        recheck_chase(recheck_id=pk, today=today) for pk in waiting.values_list("pk", flat=True)
    )


@transaction.atomic
def recheck_chase(*, recheck_id: int, today: datetime.date) -> int:
    recheck = (
        Recheck.objects.select_for_update()
        .select_related("membership__provider")
        .get(pk=recheck_id)
    )
    if recheck.state not in WITH_PROVIDER:
        return 0
    provider = recheck.membership.provider
    url = reverse("quality:recheck", args=[recheck.pk])
    context = {"recheck": recheck, "provider": provider}
    steps = 0
    if recheck.due_on >= today and recheck.reminded_due_soon_on != recheck.due_on:
        recheck.reminded_due_soon_on = recheck.due_on
        recheck.save(update_fields=["reminded_due_soon_on"])
        record_event(recheck, RecheckEventKind.REMINDED, actor=None, detail="Due soon.")
        notify(
            recipients=provider_users(provider.pk),
            event_key=f"recheck-due-soon:{recheck.pk}:{recheck.due_on:%Y%m%d}",
            template="notifications/recheck_due_soon",
            context=context,
            url=url,
        )
        steps += 1
    if recheck.due_on < today and recheck.reminded_overdue_on != recheck.due_on:
        recheck.reminded_overdue_on = recheck.due_on
        recheck.save(update_fields=["reminded_overdue_on"])
        record_event(recheck, RecheckEventKind.REMINDED, actor=None, detail="Overdue.")
        notify(
            recipients=provider_users(provider.pk),
            event_key=f"recheck-overdue:{recheck.pk}:{recheck.due_on:%Y%m%d}",
            template="notifications/recheck_overdue",
            context=context,
            url=url,
        )
        steps += 1
    if (today - recheck.due_on).days >= PROPOSE_AFTER_DAYS:
        steps += _propose(recheck, today=today)
    return steps


def _propose(recheck: Recheck, *, today: datetime.date) -> int:
    """A suspension proposal for an overdue re-check, once per re-check, and not while another
    proposal for the membership waits (the lead authority has that one to decide)."""
    if SuspensionProposal.objects.filter(recheck=recheck).exists():
        return 0
    if SuspensionProposal.objects.filter(
        membership_id=recheck.membership_id, state="pending"
    ).exists():
        return 0
    grounds = (
        f"The {recheck.cycle} re-check was due on {govuk_date(recheck.due_on)} and is "
        f"{(today - recheck.due_on).days} days overdue; the provider was reminded."
    )
    proposal = SuspensionProposal.objects.create(
        membership_id=recheck.membership_id, recheck=recheck, grounds=grounds
    )
    audit_record(
        actor=None,
        verb=AuditVerb.CREATED,
        obj=proposal,
        after={"recheck_id": recheck.pk},
        reason=grounds,
    )
    record_event(recheck, RecheckEventKind.PROPOSED, actor=None, detail=grounds)
    notify(
        recipients=lead_evaluators(),
        event_key=f"suspension-proposed:{proposal.pk}",
        template="notifications/suspension_proposed",
        context={"proposal": proposal, "provider": recheck.membership.provider},
        url=reverse("quality:suspension-proposal", args=[proposal.pk]),
    )
    return 1


def recheck_calendar_set(
    *, actor: Actor, purchasing_system: PurchasingSystem, month: int | None
) -> RecheckCalendar:
    """The lead authority chooses the month re-checks open (None: each member's anniversary).
    Re-checks already open keep their due dates; the choice applies from the next opening."""
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can choose when re-checks open.")
    if month is not None and not 1 <= month <= 12:
        raise InvalidInput.on_fields({"month": MONTH_INVALID})
    with transaction.atomic():
        calendar, _ = RecheckCalendar.objects.select_for_update().get_or_create(
            purchasing_system=purchasing_system
        )
        before = {"month": calendar.month}
        calendar.month, calendar.changed_at, calendar.changed_by = month, timezone.now(), actor.user
        calendar.save()
        audit_record(
            actor=actor, verb=AuditVerb.UPDATED, obj=calendar, before=before, after={"month": month}
        )
    return calendar
