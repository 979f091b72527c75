"""The end of a placement (issue 12): a planned end, a move to another setting, or a breakdown
(an unplanned end, with a reason from the list, words, and who asked for it), with the date notice
was given and the last day.

The placing authority records any end. The provider gives notice too, as a school's business
manager expects to (the FPS terms let either party end a placement on notice): a planned end or
a breakdown, asked for by the provider, never a move (where the child goes next is the
authority's decision). A provider's planned end respects the agreement's notice period; a
breakdown may be immediate (a safeguarding concern cannot wait out the notice).

The placement is over once its last day has passed: recorded after that day, the agreement ends
at once; otherwise `placements_end_due` (beat, `contracts.end_due_placements`) ends it the day
after. A version still being signed (a variation) is withdrawn when the placement ends.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    AGREEMENT_TRANSITIONS,
    VARIATION_TRANSITIONS,
    VERSION_TRANSITIONS,
    Agreement,
    AgreementState,
    BreakdownReason,
    EndKind,
    EndRequestedBy,
    Party,
    PlacementEnd,
    Variation,
    VariationState,
    VersionState,
)
from contracts.services.recipients import other_party_users, party_users
from contracts.services.signing_rules import open_version
from contracts.services.variation_rules import party_of
from contracts.services.weekly_costs import weekly_cost_keep
from contracts.terms import Terms
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from providers.models import Setting

ENDABLE_STATES = frozenset({AgreementState.SIGNED, AgreementState.ACTIVE})
RECORDED = "notifications/contracts_placement_end_recorded"
ENDING_SOON = "notifications/contracts_placement_ending_soon"
WARNING_DAYS = (90, 30)

KIND_MISSING = "Select how the placement ends."
REASON_MISSING = "Select the reason for the breakdown."
DETAILS_MISSING = "Enter what happened and what was agreed."
REQUESTED_BY_MISSING = "Select who asked for the placement to end."
NOTICE_MISSING = "Enter the date notice was given."
LAST_DAY_MISSING = "Enter the last day of the placement."
NOTICE_AFTER_LAST_DAY = "The date notice was given must be on or before the last day."
NOTICE_IN_FUTURE = "The date notice was given must be today or in the past."
MOVE_TO_MISSING = "Enter the setting the child or young person moves to."
PROVIDER_NO_MOVE = (
    "A move to another setting is arranged by the placing authority: give notice of a planned "
    "end or a breakdown instead."
)
ALREADY_RECORDED = "The end of this placement has already been recorded."


def end_blocker(actor: Actor, agreement: Agreement, *, recorded: bool | None = None) -> str:
    """Why the actor cannot record the end of this placement now ("" when they can); `recorded`
    says whether an end is recorded, when the caller has read it already."""
    if party_of(actor, agreement) is None:
        return "Only the two parties to the agreement can record the end of the placement."
    if agreement.state not in ENDABLE_STATES:
        return (
            "Only a signed or active placement can end: this agreement is "
            f"{agreement.get_state_display().lower()}."
        )
    if recorded is None:
        recorded = dangerously_unscoped(PlacementEnd).filter(agreement_id=agreement.pk).exists()
    if recorded:
        return ALREADY_RECORDED
    return ""


@transaction.atomic
def placement_end_record(
    *,
    actor: Actor,
    agreement: Agreement,
    kind: str,
    reason: str,
    details: str,
    requested_by: str,
    notice_given_on: datetime.date | None,
    last_day: datetime.date | None,
    move_to_setting: Setting | None = None,
    move_to_name: str = "",
) -> PlacementEnd:
    """Record how and when the placement ends; the agreement ends at once if the last day has
    passed. The other party is told."""
    agreement = lock(agreement)
    party = party_of(actor, agreement)
    if party is None:
        raise NotAllowed("Only the two parties to the agreement can record its end.")
    blocker = end_blocker(actor, agreement)
    if blocker:
        raise WrongState(blocker)
    if party == Party.PROVIDER:
        requested_by = EndRequestedBy.PROVIDER
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in EndKind.values:
        errors["kind"] = KIND_MISSING
    elif kind == EndKind.MOVE and party == Party.PROVIDER:
        errors["kind"] = PROVIDER_NO_MOVE
    if kind == EndKind.BREAKDOWN and reason not in BreakdownReason.values:
        errors["reason"] = REASON_MISSING
    if kind != EndKind.BREAKDOWN:
        reason = ""
    if kind == EndKind.MOVE:
        move_to_name = move_to_setting.name if move_to_setting is not None else move_to_name.strip()
        if not move_to_name:
            errors["move_to_name"] = MOVE_TO_MISSING
    else:
        move_to_setting, move_to_name = None, ""
    if requested_by not in EndRequestedBy.values:
        errors["requested_by"] = REQUESTED_BY_MISSING
    if not details.strip():
        errors["details"] = DETAILS_MISSING
    if notice_given_on is None:
        errors["notice_given_on"] = NOTICE_MISSING
    elif notice_given_on > today:
        errors["notice_given_on"] = NOTICE_IN_FUTURE
    if last_day is None:
        errors["last_day"] = LAST_DAY_MISSING
    else:
        last_day_problem = _last_day_problem(agreement, last_day)
        if last_day_problem:
            errors["last_day"] = last_day_problem
        elif notice_given_on is not None and notice_given_on > last_day:
            errors["notice_given_on"] = NOTICE_AFTER_LAST_DAY
        elif (
            notice_given_on is not None
            and party == Party.PROVIDER
            and kind == EndKind.PLANNED
            and agreement.current_version is not None
        ):
            weeks = Terms.from_json(agreement.current_version.terms).notice_weeks
            earliest = notice_given_on + datetime.timedelta(weeks=weeks)
            if last_day < earliest:
                errors["last_day"] = (
                    f"The agreement's notice period is {weeks} weeks: with notice given on "
                    f"{govuk_date(notice_given_on)}, the last day can be no earlier than "
                    f"{govuk_date(earliest)}."
                )
    if errors:
        raise InvalidInput.on_fields(errors)
    assert notice_given_on is not None and last_day is not None
    end = PlacementEnd.objects.create(
        agreement=agreement,
        kind=kind,
        reason=reason,
        details=details.strip(),
        requested_by=requested_by,
        notice_given_on=notice_given_on,
        last_day=last_day,
        move_to_setting=move_to_setting,
        move_to_name=move_to_name,
        recorded_by=actor.user,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=end,
        after={
            "kind": kind,
            "reason": reason,
            "requested_by": requested_by,
            "notice_given_on": notice_given_on.isoformat(),
            "last_day": last_day.isoformat(),
            "move_to_setting": move_to_setting.pk if move_to_setting is not None else None,
        },
        reason=details.strip(),
    )
    notify(
        recipients=other_party_users(agreement, party),
        event_key=f"contracts.placement_end.{end.pk}.recorded",
        template=RECORDED,
        context={"end": end, "agreement": agreement, "by_authority": party == Party.AUTHORITY},
        url=reverse("contracts:agreement", args=[agreement.pk]),
    )
    if last_day < today:
        _end(agreement=agreement, end=end, actor=actor, today=today)
    return end


def _last_day_problem(agreement: Agreement, last_day: datetime.date) -> str:
    if last_day < agreement.start_date:
        return (
            "The last day must be on or after the start of the placement, "
            f"{govuk_date(agreement.start_date)}."
        )
    if agreement.end_date is not None and last_day > agreement.end_date:
        return (
            f"The last day must be on or before the agreement's end date, "
            f"{govuk_date(agreement.end_date)}: to extend the placement, propose a change of "
            "end date."
        )
    return ""


def _end(
    *,
    agreement: Agreement,
    end: PlacementEnd,
    actor: Actor | None,
    today: datetime.date | None = None,
) -> None:
    """The locked agreement ends; a version still being signed is withdrawn with its
    variation; the row's weekly cost is worked out again (`weekly_costs`)."""
    user = actor.user if actor is not None else None
    why = f"The placement ended on {govuk_date(end.last_day)} ({end.get_kind_display().lower()})."
    version = open_version(agreement)
    if version is not None:
        version = lock(version)
        transition(
            version,
            to=VersionState.WITHDRAWN,
            table=VERSION_TRANSITIONS,
            event="withdrawn",
            by=user,
            also={"withdrawal_reason": why},
            actor=actor,
            reason=why,
        )
        variation = dangerously_unscoped(Variation).filter(version_id=version.pk).first()
        if variation is not None and variation.state == VariationState.PROPOSED:
            transition(
                lock(variation),
                to=VariationState.WITHDRAWN,
                table=VARIATION_TRANSITIONS,
                event="withdrawn",
                by=user,
                actor=actor,
                reason=why,
            )
    transition(
        agreement,
        to=AgreementState.ENDED,
        table=AGREEMENT_TRANSITIONS,
        event="ended",
        by=user,
        actor=actor,
        reason=why,
    )
    weekly_cost_keep(agreement, today=today)  # the last period's fee stays the row's


def placements_end_due(*, today: datetime.date | None = None) -> int:
    """End every signed or active placement whose recorded last day has passed; each in its own
    transaction, skipping one ended meanwhile. Idempotent: an ended placement is not due."""
    today = today or timezone.localdate()
    due = list(
        dangerously_unscoped(PlacementEnd)
        .filter(last_day__lt=today, agreement__state__in=ENDABLE_STATES)
        .values_list("pk", flat=True)
    )
    ended = 0
    for pk in due:
        with transaction.atomic():
            end = dangerously_unscoped(PlacementEnd).get(pk=pk)
            agreement = lock(end.agreement)
            if agreement.state in ENDABLE_STATES:
                _end(agreement=agreement, end=end, actor=None, today=today)
                ended += 1
    return ended


def upcoming_ends_warn(*, today: datetime.date | None = None) -> int:
    """Tell both parties of a placement ending within 90 days, and again within 30: the
    authority's commissioners and the provider's users, once each (the event key holds the
    window and the date, so a changed end date is told again). Idempotent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(WARNING_DAYS))
    told = 0
    agreements = (
        dangerously_unscoped(Agreement)
        .filter(state__in=ENDABLE_STATES)
        .select_related("placement_end", "order")
    )
    for agreement in agreements.filter(end_date__range=(today, horizon)) | agreements.filter(
        placement_end__last_day__range=(today, horizon)
    ):
        end = getattr(agreement, "placement_end", None)
        last_day = end.last_day if end is not None else agreement.end_date
        if last_day is None or last_day < today:
            continue
        days = (last_day - today).days
        window = min(w for w in WARNING_DAYS if days <= w) if days <= max(WARNING_DAYS) else None
        if window is None:
            continue
        with transaction.atomic():
            for party in (Party.AUTHORITY, Party.PROVIDER):
                made = notify(
                    recipients=party_users(agreement, party),
                    event_key=f"contracts.ending.{agreement.pk}.{window}.{last_day.isoformat()}",
                    template=ENDING_SOON,
                    context={
                        "agreement": agreement,
                        "end": end,
                        "last_day": last_day,
                        "days": days,
                    },
                    url=reverse("contracts:agreement", args=[agreement.pk]),
                )
                told += len(made)
    return told
