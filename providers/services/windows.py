"""Evaluation windows: scheduled by the lead authority, opened and closed by beat on time."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.text import names_in_words, possessive
from fps_portal.transitions import allowed, refusal_message, transition
from providers.models import (
    WINDOW_TRANSITIONS,
    Application,
    ApplicationState,
    EvaluationWindow,
    PurchasingSystem,
    WindowState,
)
from providers.services._common import (
    registered_provider_users,
    require_lead_evaluator,
)
from providers.services.evaluation import application_start_evaluation
from providers.services.window_messages import window_time as _when

CLOSING_REMINDER_BEFORE = datetime.timedelta(days=7)
# How far in the past a new window may open: "open it now" typed into the form is a few minutes
# old when it arrives, but never old enough for beat to open, announce and close a stale round.
OPENING_TOLERANCE = datetime.timedelta(minutes=5)


def window_schedule(
    *,
    actor: Actor,
    system: PurchasingSystem,
    name: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    evaluation_deadline: datetime.datetime,
    now: datetime.datetime | None = None,
) -> EvaluationWindow:
    """A new window, announced to nobody until beat opens it at `opens_at`.

    Refused, with a message on each field at fault and nothing written, unless it opens now or
    later (beat would otherwise open, announce and close a window dated in the past at once),
    closes after it opens, is evaluated after it closes, falls within the system's term, overlaps
    no other window and has a name no other window of the system has (in any case).
    """
    require_lead_evaluator(actor)
    now = now or timezone.now()
    name = name.strip()
    with transaction.atomic():
        # Lock the system so two windows scheduled at once cannot both pass the overlap and name
        # checks.
        PurchasingSystem.objects.select_for_update().filter(pk=system.pk).first()
        fields = window_schedule_problems(
            system=system,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            evaluation_deadline=evaluation_deadline,
            now=now,
        )
        if fields:
            raise InvalidInput.on_fields(fields)
        window = EvaluationWindow.objects.create(
            purchasing_system=system,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            evaluation_deadline=evaluation_deadline,
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=window,
            after={
                "name": name,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "evaluation_deadline": evaluation_deadline,
            },
        )
    return window


def window_schedule_problems(
    *,
    system: PurchasingSystem,
    name: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    evaluation_deadline: datetime.datetime,
    now: datetime.datetime,
    window: EvaluationWindow | None = None,
) -> dict[str, str]:
    """What is wrong with a new window (or `window` given these values), by field; empty when it
    can be scheduled. A cancelled window holds neither its name nor its dates."""
    fields: dict[str, str] = {}
    others = EvaluationWindow.objects.filter(purchasing_system=system).exclude(
        state=WindowState.CANCELLED
    )
    if window is not None:
        others = others.exclude(pk=window.pk)
    if not system.admits_by_windows:
        fields["name"] = (
            "This purchasing system admits providers on a rolling basis; it has no windows."
        )
    elif not name:
        fields["name"] = "Enter a name for the window, like 'Round 5 (2026)'."
    elif same_name := others.filter(name__iexact=name).first():
        fields["name"] = (
            f"{system} already has a window called '{same_name.name}'. Give this one a "
            "different name."
        )
    if opens_at < now - OPENING_TOLERANCE:
        fields["opens_at"] = (
            f"The opening time must be in the future: it is now {_when(now)}. A window dated "
            "in the past would open and close at once."
        )
    if closes_at <= opens_at:
        fields["closes_at"] = "The window must close after it opens."
    if evaluation_deadline <= closes_at:
        fields["evaluation_deadline"] = "The evaluation deadline must be after the window closes."
    if "opens_at" not in fields and (
        opens_at.date() > system.term_end or closes_at.date() < system.term_start
    ):
        fields["opens_at"] = "The window must fall within the purchasing system's term."
    overlapping = others.filter(opens_at__lt=closes_at, closes_at__gt=opens_at).exclude(
        state=WindowState.COMPLETED
    )
    if not fields.keys() & {"opens_at", "closes_at"} and overlapping.exists():
        fields["opens_at"] = (
            f"This overlaps the window '{overlapping.first()}'. Windows cannot overlap."
        )
    return fields


def _lock(window_id: int) -> EvaluationWindow:
    return EvaluationWindow.objects.select_for_update().get(pk=window_id)


def window_open(
    *, window_id: int, actor: Actor | None = None, now: datetime.datetime | None = None
) -> bool:
    """Open a scheduled window whose time has come. False (and nothing done) if already open."""
    now = now or timezone.now()
    with transaction.atomic():
        window = _lock(window_id)
        if window.state != WindowState.SCHEDULED or window.opens_at > now:
            return False
        transition(
            window,
            to=WindowState.OPEN,
            table=WINDOW_TRANSITIONS,
            event="opened",
            at=now,
            actor=actor,
        )
        announce_opening(window)
    return True


def announce_opening(window: EvaluationWindow) -> None:
    """Tell every provider the window is open: once, whether beat or the lead authority opened it
    (the key is the window's)."""
    notify(
        recipients=registered_provider_users(),
        event_key=f"window-opened:{window.pk}",
        template="notifications/window_opened",
        context={"window": window},
        url=reverse("providers:application-list"),
    )


def window_close(
    *, window_id: int, actor: Actor | None = None, now: datetime.datetime | None = None
) -> bool:
    """Close an open window whose time is up and move its submitted applications to evaluation."""
    now = now or timezone.now()
    with transaction.atomic():
        window = _lock(window_id)
        if window.state != WindowState.OPEN or window.closes_at > now:
            return False
        close_locked(window, actor=actor, now=now)
    return True


def close_locked(
    window: EvaluationWindow,
    *,
    actor: Actor | None,
    now: datetime.datetime,
    also: dict[str, object] | None = None,
    reason: str = "",
) -> None:
    """Within the caller's transaction and the window's row lock: open -> evaluating, and each
    submitted application to evaluation. Beat closing on time and the lead authority closing
    early both come here."""
    transition(
        window,
        to=WindowState.EVALUATING,
        table=WINDOW_TRANSITIONS,
        event="closed",
        by=actor.user if actor else None,
        at=now,
        also=also,
        actor=actor,
        reason=reason,
    )
    submitted = list(
        Application.objects.filter(window=window, state=ApplicationState.SUBMITTED).values_list(
            "pk", flat=True
        )
    )
    for application_id in submitted:
        application_start_evaluation(application_id=application_id, actor=actor, now=now)


def window_complete(*, actor: Actor, window: EvaluationWindow) -> EvaluationWindow:
    """End the round once every application in it has an outcome."""
    require_lead_evaluator(actor)
    with transaction.atomic():
        locked = _lock(window.pk)
        if message := window_completion_blocker(locked):
            raise WrongState(message)
        transition(
            locked,
            to=WindowState.COMPLETED,
            table=WINDOW_TRANSITIONS,
            event="completed",
            by=actor.user,
            actor=actor,
        )
    return locked


def window_completion_blocker(window: EvaluationWindow) -> str | None:
    """Why this round cannot be completed now, or None: the one rule the window's page (which
    offers "Complete this round" only when it is None), the API and `window_complete` share.
    Names the providers still waiting, never an id."""
    # The table first, then the round's own rule, so a wrong state is named as such.
    if not allowed(WINDOW_TRANSITIONS, window.state, WindowState.COMPLETED):
        if window.state in (WindowState.SCHEDULED, WindowState.OPEN):
            return (
                f"{window.name} is {window.get_state_display().lower()}: a round can be "
                "completed once it has closed and every application in it has an outcome."
            )
        return refusal_message(window, what="window")
    waiting = list(
        Application.objects.filter(
            window=window, state__in=[ApplicationState.SUBMITTED, ApplicationState.UNDER_EVALUATION]
        )
        .order_by("provider__name")
        .values_list("provider__name", flat=True)
    )
    if not waiting:
        return None
    if len(waiting) == 1:
        return f"{possessive(waiting[0])} application still has no outcome. Moderate it first."
    return (
        f"The applications from {names_in_words(waiting)} still have no outcome. Moderate "
        "them first."
    )


def window_remind_closing(*, window_id: int, now: datetime.datetime | None = None) -> int:
    """Remind providers a week before an open window closes. Once per window, however often run."""
    now = now or timezone.now()
    with transaction.atomic():
        window = _lock(window_id)
        if window.state != WindowState.OPEN or window.closing_reminder_sent_at is not None:
            return 0
        if not (now < window.closes_at <= now + CLOSING_REMINDER_BEFORE):
            return 0
        window.closing_reminder_sent_at = now
        window.save(update_fields=["closing_reminder_sent_at"])
        sent = notify(
            recipients=registered_provider_users(),
            event_key=f"window-closing:{window.pk}",
            template="notifications/window_closing",
            context={"window": window},
            url=reverse("providers:application-list"),
        )
    return len(sent)


def windows_due(*, now: datetime.datetime | None = None) -> tuple[list[int], list[int], list[int]]:
    """Ids of windows due to open, to close, and to get their closing reminder."""
    now = now or timezone.now()
    to_open = list(
        EvaluationWindow.objects.filter(state=WindowState.SCHEDULED, opens_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    to_close = list(
        EvaluationWindow.objects.filter(state=WindowState.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    to_remind = list(
        EvaluationWindow.objects.filter(
            state=WindowState.OPEN,
            closing_reminder_sent_at__isnull=True,
            closes_at__gt=now,
            closes_at__lte=now + CLOSING_REMINDER_BEFORE,
        ).values_list("pk", flat=True)
    )
    return to_open, to_close, to_remind
