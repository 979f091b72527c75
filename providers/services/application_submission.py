"""Submitting an application inside an open window (or at any time on a DPS), and withdrawing
it. Filling in the draft, and what stops it being submitted, are `services/applications.py`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import lock, transition
from providers.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationState,
    EvaluationWindow,
    WindowState,
)
from providers.services._common import (
    check_transition,
    lead_evaluators,
    provider_users,
    require_provider,
)
from providers.services.application_prices import application_freeze_prices
from providers.services.applications import application_problems
from providers.services.evaluation import application_start_evaluation_locked
from providers.services.window_messages import next_window_message


def application_submit(
    *, actor: Actor, application: Application, now: datetime.datetime | None = None
) -> Application:
    """Submit inside an open window (or at any time on a DPS). A second submit is refused (409)."""
    now = now or timezone.now()
    require_provider(actor, application.provider_id)
    with transaction.atomic():
        locked = lock(application)
        if locked.state == ApplicationState.SUBMITTED:
            raise WrongState("This application has already been submitted.")
        check_transition(
            current=locked.state,
            target=ApplicationState.SUBMITTED,
            transitions=APPLICATION_TRANSITIONS,
            what="application",
            label=locked.get_state_display(),
        )
        system = locked.purchasing_system
        if system.admits_by_windows:
            window = EvaluationWindow.objects.select_for_update().get(applications=locked)
            if window.state != WindowState.OPEN or not (window.opens_at <= now < window.closes_at):
                if window.state == WindowState.SCHEDULED or now < window.opens_at:
                    raise WrongState(
                        f"{window.name} has not opened yet. It opens on "
                        f"{govuk_date(window.opens_at)}; you can submit then."
                    )
                raise WrongState(
                    f"{window.name} is closed, so applications cannot be submitted now. "
                    f"{next_window_message(system=system)}"
                )
        if problems := application_problems(locked):
            raise InvalidInput.on_fields(problems)
        # What was tendered is kept as it was: later price changes do not rewrite it.
        application_freeze_prices(actor=actor, application=locked)
        transition(
            locked,
            to=ApplicationState.SUBMITTED,
            table=APPLICATION_TRANSITIONS,
            event="submitted",
            by=actor.user,
            at=now,
            what="application",
            actor=actor,
        )
        url = reverse("providers:application-detail", args=[locked.pk])
        notify(
            recipients=provider_users(locked.provider_id),
            event_key=f"application-submitted:{locked.pk}",
            template="notifications/application_submitted",
            context={"application": locked},
            url=url,
        )
        if not system.admits_by_windows:
            # Rolling admission: evaluation starts as soon as it is submitted.
            application_start_evaluation_locked(application=locked, actor=actor, now=now)
    return locked


def application_withdraw(
    *, actor: Actor, application: Application, reason: str = ""
) -> Application:
    """The provider takes back a draft, or a submitted application before evaluation starts."""
    require_provider(actor, application.provider_id)
    with transaction.atomic():
        locked = lock(application)
        before = locked.state
        transition(
            locked,
            to=ApplicationState.WITHDRAWN,
            table=APPLICATION_TRANSITIONS,
            event="withdrawn",
            by=actor.user,
            also={"withdrawal_reason": reason.strip()},
            what="application",
            actor=actor,
            reason=reason,
        )
        if before == ApplicationState.SUBMITTED:
            notify(
                recipients=lead_evaluators(),
                event_key=f"application-withdrawn:{locked.pk}",
                template="notifications/application_withdrawn",
                context={"provider": locked.provider, "reason": reason},
                url=reverse("providers:evaluation-detail", args=[locked.pk]),
                send_email=False,
            )
    return locked
