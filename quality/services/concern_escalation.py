"""A concern climbs the ladder (seed 002, Stages 1-4, l.514-550): by a practitioner's decision,
or by itself when a stage passes its due date unresolved ("each stage must not exceed 10 days").

Escalating closes the current stage and opens the next with its own agreed timescale. Stage 2
engages the provider's equivalent (the provider sees the concern from here); stage 3 asks for
the letter of escalation, rendered from the record by a worker; stage 4 informs the Safeguarding
Partnership. A stage 4 not resolved in time is formally referred to the Partnership for an
independent advisor (l.550), once. Each step is on the record and told to the people concerned.

The scheduled run (`concerns_escalate_overdue`) is idempotent and race-safe: it takes each
overdue concern's row lock and looks again, so run twice (or two at once) it escalates once; the
new stage's due date is in the future, so the next run leaves it alone.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from quality.models import (
    LAST_STAGE,
    LETTER_STAGE,
    MAX_STAGE_WORKING_DAYS,
    STAGE_TRANSITIONS,
    Concern,
    ConcernStage,
    ConcernState,
    EntryKind,
    StageEnd,
)
from quality.services.concern_letters import concern_letter_requested
from quality.services.concern_recipients import people_concerned
from quality.services.concerns import (
    CLOSED_ALREADY,
    TIMESCALE_WRONG,
    add_entry,
    current_stage,
    inform,
    require_staff,
    stage_due_on,
)

REASON_MISSING = "Enter why the concern is escalated: what remains unresolved."
AT_LAST_STAGE = (
    "This concern is at stage 4, the last: the Safeguarding Partnership reviews it until it is "
    "resolved."
)
PARTNERSHIP_MISSING = (
    "Enter who at the Safeguarding Partnership was informed, and how: stage 4 informs them."
)
CONTACT_MISSING = "Enter who at the provider (their equivalent) was contacted."


def concern_escalate(
    *,
    actor: Actor,
    concern: Concern,
    reason: str,
    timescale_days: int | None = MAX_STAGE_WORKING_DAYS,
    provider_contact: str = "",
    informed: str = "",
) -> Concern:
    """A practitioner escalates the concern one stage, with why, the next stage's agreed
    timescale, the provider's equivalent (stage 2) and who at the Partnership was told (4)."""
    require_staff(actor, concern)
    reason, provider_contact, informed = reason.strip(), provider_contact.strip(), informed.strip()
    problems: dict[str, str] = {}
    if not reason:
        problems["reason"] = REASON_MISSING
    if timescale_days is None or not 1 <= timescale_days <= MAX_STAGE_WORKING_DAYS:
        problems["timescale_days"] = TIMESCALE_WRONG
    to = concern.stage + 1
    if to == 2 and not provider_contact:
        problems["provider_contact"] = CONTACT_MISSING
    if to == LAST_STAGE and not informed:
        problems["informed"] = PARTNERSHIP_MISSING
    with transaction.atomic():
        locked = Concern.objects.select_for_update().select_related("provider").get(pk=concern.pk)
        if locked.state != ConcernState.OPEN:
            raise WrongState(CLOSED_ALREADY)
        if locked.stage >= LAST_STAGE:
            raise WrongState(AT_LAST_STAGE)
        if locked.stage != concern.stage:
            raise WrongState("This concern was escalated meanwhile: look at it again.")
        if problems:
            raise InvalidInput.on_fields(problems)
        assert timescale_days is not None
        stage = _open_next(
            locked,
            actor=actor,
            automatic=False,
            reason=reason,
            timescale_days=timescale_days,
            provider_contact=provider_contact,
        )
        if informed:
            add_entry(locked, stage, EntryKind.INFORMED, informed, actor=actor)
    return locked


def _open_next(
    locked: Concern,
    *,
    actor: Actor | None,
    automatic: bool,
    reason: str,
    timescale_days: int,
    provider_contact: str = "",
    today: datetime.date | None = None,
) -> ConcernStage:
    previous = current_stage(locked)
    now = timezone.now()
    previous.closed_at = now
    previous.ended = StageEnd.ESCALATED_AUTOMATICALLY if automatic else StageEnd.ESCALATED
    previous.save(update_fields=["closed_at", "ended"])
    to = locked.stage + 1
    # The stage is a number and its table is keyed by numbers; the helper is typed for states.
    transition(
        locked,
        to=to,  # type: ignore[arg-type]
        table=STAGE_TRANSITIONS,  # type: ignore[arg-type]
        field="stage",
        what="concern",
        actor=actor,
        reason=reason,
    )
    stage = ConcernStage.objects.create(
        concern=locked,
        number=to,
        opened_at=now,
        opened_by=actor.user if actor is not None else None,
        automatic=automatic,
        timescale_days=timescale_days,
        due_on=stage_due_on(today or timezone.localdate(), timescale_days),
        provider_contact=provider_contact,
    )
    kind = EntryKind.ESCALATED_AUTOMATICALLY if automatic else EntryKind.ESCALATED
    add_entry(locked, stage, kind, reason, actor=actor)
    if to == LETTER_STAGE:
        concern_letter_requested(stage=stage)
    inform(
        locked,
        stage,
        recipients=people_concerned(locked),
        event_key=f"concern-escalated:{locked.pk}:{to}",
        template="notifications/concern_escalated",
        context={"automatic": automatic, "reason": reason},
        what=f"Told of the escalation to stage {to}",
    )
    return stage


def overdue_reason(stage: ConcernStage) -> str:
    return (
        f"Stage {stage.number} was not resolved by its due date, {govuk_date(stage.due_on)} "
        f"({stage.timescale_days} working days): escalated by itself."
    )


def concerns_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate each open concern whose current stage is past its due date; refer a stage 4 past
    its due date to the Safeguarding Partnership once. Returns how many concerns moved."""
    today = today or timezone.localdate()
    candidates = list(
        dangerously_unscoped(ConcernStage)
        .filter(closed_at__isnull=True, due_on__lt=today, concern__state=ConcernState.OPEN)
        .order_by("due_on", "pk")
        .values_list("concern_id", flat=True)
    )
    moved = 0
    for concern_id in candidates:
        with transaction.atomic():
            locked = (
                dangerously_unscoped(Concern)
                .select_for_update()
                .filter(pk=concern_id, state=ConcernState.OPEN)
                .first()
            )
            if locked is None:
                continue
            stage = current_stage(locked)
            if stage.closed_at is not None or stage.due_on >= today:
                continue  # escalated (or closed) meanwhile: the other run did it
            if locked.stage < LAST_STAGE:
                _open_next(
                    locked,
                    actor=None,
                    automatic=True,
                    reason=overdue_reason(stage),
                    timescale_days=MAX_STAGE_WORKING_DAYS,
                    today=today,
                )
                moved += 1
            elif locked.partnership_referred_at is None:
                _refer(locked, stage)
                moved += 1
    return moved


def _refer(locked: Concern, stage: ConcernStage) -> None:
    locked.partnership_referred_at = timezone.now()
    locked.save(update_fields=["partnership_referred_at"])
    text = (
        f"Stage 4 was not resolved by {govuk_date(stage.due_on)}: the concern is formally "
        "referred to the Safeguarding Partnership, who will engage an independent advisor."
    )
    add_entry(locked, stage, EntryKind.REFERRED, text, actor=None)
    inform(
        locked,
        stage,
        recipients=people_concerned(locked),
        event_key=f"concern-referred:{locked.pk}",
        template="notifications/concern_referred",
        context={"reason": text},
        what="Told of the formal referral",
    )
