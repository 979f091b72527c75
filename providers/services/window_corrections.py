"""Correcting a window by hand: reschedule or cancel a scheduled one, open it now, close an open
one early. The lead authority only; each with a reason, audited with before and after.

Beat opens and closes windows on time (`windows.window_open`, `window_close`); both re-read the
window under its row lock and do nothing unless it is still in the state they expect. Every
correction here takes the same lock and checks the state through the transition table, so when a
correction and beat's job race, whichever locks first wins and the other finds the state moved
on: beat does nothing, the person is told what happened (409). Lock order: the purchasing system
(as `window_schedule`, so name and overlap checks see no window appear meanwhile), then the window.

Providers are told when dates they could see change, when a window is cancelled and when one
closes early; each notification is keyed by the event, so a retry tells nobody twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import allowed, lock, refusal_message, transition
from providers.models import (
    WINDOW_REASON_LIMIT,
    WINDOW_TRANSITIONS,
    EvaluationWindow,
    PurchasingSystem,
    WindowState,
)
from providers.services._common import registered_provider_users, require_lead_evaluator
from providers.services.window_messages import window_time
from providers.services.windows import (
    announce_opening,
    close_locked,
    window_schedule_problems,
)

DATE_FIELDS = ("opens_at", "closes_at", "evaluation_deadline")

# What each correction needs the window's state to move to; the pages offer an action only when
# `window_correction_allowed` says the table allows it.
CORRECTIONS = {
    "reschedule": WindowState.SCHEDULED,
    "cancel": WindowState.CANCELLED,
    "open_now": WindowState.OPEN,
    "close_early": WindowState.EVALUATING,
}


def window_correction_allowed(window: EvaluationWindow, correction: str) -> bool:
    return allowed(WINDOW_TRANSITIONS, window.state, CORRECTIONS[correction])


def window_correction_blocker(window: EvaluationWindow, correction: str) -> str | None:
    """Why this correction can no longer be made to the window, or None."""
    if window_correction_allowed(window, correction):
        return None
    return refusal_message(window, what="window")


def _reason_problem(reason: str, *, action: str) -> dict[str, str]:
    if not reason:
        return {"reason": f"Give the reason for {action}. Providers and the audit log see it."}
    if len(reason) > WINDOW_REASON_LIMIT:
        return {"reason": f"The reason must be {WINDOW_REASON_LIMIT} characters or fewer."}
    return {}


def _locked(window: EvaluationWindow, correction: str) -> EvaluationWindow:
    PurchasingSystem.objects.select_for_update().filter(pk=window.purchasing_system_id).first()
    locked = lock(window)
    if message := window_correction_blocker(locked, correction):
        raise WrongState(message)
    return locked


def _tell_providers(
    window: EvaluationWindow, *, event_key: str, template: str, **context: object
) -> None:
    notify(
        recipients=registered_provider_users(),
        event_key=event_key,
        template=template,
        context={"window": window, **context},
        url=reverse("providers:application-list"),
    )


@dataclass(frozen=True)
class _Correction:
    """What one correction does to the window it found under the lock."""

    problems: dict[str, str]  # what is wrong with the request, the reason included; {} if none
    also: dict[str, object]  # the fields set with the move
    tell: Callable[[], object]  # who is told once it has moved
    event: str | None = None  # the `<event>_at` / `<event>_by` stamped (a close: `closed`)
    verb: str = AuditVerb.STATE_CHANGED


def _correct(
    window: EvaluationWindow,
    correction: str,
    *,
    actor: Actor,
    reason: str,
    now: datetime.datetime | None,
    plan: Callable[[EvaluationWindow, str, datetime.datetime], _Correction],
) -> EvaluationWindow:
    """What every correction does: the lead authority only; under the locks, refused (409) unless
    the table still allows it; `plan` (given the locked window, the stripped reason and the time)
    says what is wrong (400, nothing written), what to set and whom to tell; then the move,
    audited with the reason, and the notification, all in one transaction."""
    require_lead_evaluator(actor)
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked(window, correction)
        change = plan(locked, reason, now)
        if change.problems:
            raise InvalidInput.on_fields(change.problems)
        target = CORRECTIONS[correction]
        if target == WindowState.EVALUATING:
            # A close, early or on time, is one path: it also starts evaluating what was sent.
            close_locked(locked, actor=actor, now=now, also=change.also, reason=reason)
        else:
            transition(
                locked,
                to=target,
                table=WINDOW_TRANSITIONS,
                event=change.event,
                by=actor.user,
                at=now,
                also=change.also,
                actor=actor,
                verb=change.verb,
                reason=reason,
            )
        change.tell()
    return locked


def window_reschedule(
    *,
    actor: Actor,
    window: EvaluationWindow,
    name: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    evaluation_deadline: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> EvaluationWindow:
    """Correct a scheduled window's name or dates, under the rules a new window meets. Providers
    are told when a date changes (a new name alone tells nobody)."""
    name = name.strip()

    def plan(locked: EvaluationWindow, reason: str, now: datetime.datetime) -> _Correction:
        fields = window_schedule_problems(
            system=locked.purchasing_system,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            evaluation_deadline=evaluation_deadline,
            now=now,
            window=locked,
        ) | _reason_problem(reason, action="the change")
        new: dict[str, object] = {
            "name": name,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "evaluation_deadline": evaluation_deadline,
        }
        changed = {key: value for key, value in new.items() if getattr(locked, key) != value}
        if not fields and not changed:
            fields["name"] = "Nothing has changed: change the name or a date, or go back."
        before = {key: window_time(getattr(locked, key)) for key in DATE_FIELDS}

        def tell() -> None:
            if changed.keys() & set(DATE_FIELDS):
                _tell_providers(
                    locked,
                    # One message per reschedule: the time it was made is unique under the lock.
                    event_key=f"window-rescheduled:{locked.pk}:{now.isoformat()}",
                    template="notifications/window_rescheduled",
                    before=before,
                    reason=reason,
                )

        return _Correction(fields, changed, tell, event="rescheduled", verb=AuditVerb.UPDATED)

    return _correct(window, "reschedule", actor=actor, reason=reason, now=now, plan=plan)


def window_cancel(
    *, actor: Actor, window: EvaluationWindow, reason: str, now: datetime.datetime | None = None
) -> EvaluationWindow:
    """Cancel a window before it opens: it never opens, and every provider is told why."""

    def plan(locked: EvaluationWindow, reason: str, now: datetime.datetime) -> _Correction:
        return _Correction(
            _reason_problem(reason, action="cancelling the window"),
            {"cancellation_reason": reason},
            lambda: _tell_providers(
                locked,
                event_key=f"window-cancelled:{locked.pk}",
                template="notifications/window_cancelled",
                reason=reason,
            ),
            event="cancelled",
        )

    return _correct(window, "cancel", actor=actor, reason=reason, now=now, plan=plan)


def window_open_now(
    *, actor: Actor, window: EvaluationWindow, reason: str, now: datetime.datetime | None = None
) -> EvaluationWindow:
    """Open a scheduled window before its time: it opens now (its opening time becomes now) and
    providers are told it is open, exactly as when beat opens it."""

    def plan(locked: EvaluationWindow, reason: str, now: datetime.datetime) -> _Correction:
        opens_at = min(locked.opens_at, now)
        fields = _reason_problem(reason, action="opening the window now")
        if locked.closes_at <= now:
            fields["reason"] = (
                f"{locked.name} was to close on {window_time(locked.closes_at)}, which has "
                "passed. Change its dates first."
            )
        elif problems := window_schedule_problems(
            system=locked.purchasing_system,
            name=locked.name,
            opens_at=opens_at,
            closes_at=locked.closes_at,
            evaluation_deadline=locked.evaluation_deadline,
            now=now,
            window=locked,
        ):
            fields.setdefault("reason", next(iter(problems.values())))
        return _Correction(
            fields, {"opens_at": opens_at}, lambda: announce_opening(locked), event="opened"
        )

    return _correct(window, "open_now", actor=actor, reason=reason, now=now, plan=plan)


def window_close_early(
    *, actor: Actor, window: EvaluationWindow, reason: str, now: datetime.datetime | None = None
) -> EvaluationWindow:
    """Close an open window now: its closing time becomes now, its submitted applications go to
    evaluation as at any close, and every provider is told it closed early and why."""

    def plan(locked: EvaluationWindow, reason: str, now: datetime.datetime) -> _Correction:
        was_closing = locked.closes_at
        return _Correction(
            _reason_problem(reason, action="closing the window early"),
            # Closed late by beat's minute at most: never move the closing time later.
            {"closes_at": min(was_closing, now)},
            lambda: _tell_providers(
                locked,
                event_key=f"window-closed-early:{locked.pk}",
                template="notifications/window_closed_early",
                was_closing=window_time(was_closing),
                reason=reason,
            ),
        )

    return _correct(window, "close_early", actor=actor, reason=reason, now=now, plan=plan)
