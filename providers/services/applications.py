"""A provider's application: draft, fill in, submit inside an open window, withdraw."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import transition
from providers.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationState,
    EvaluationWindow,
    Evidence,
    Lot,
    PurchasingSystem,
    Setting,
    WindowState,
)
from providers.models.application import LIVE_STATES
from providers.services._common import (
    check_transition,
    lead_evaluators,
    provider_users,
    require_provider,
)
from providers.services.application_prices import (
    application_freeze_prices,
    unpriced_problem,
)
from providers.services.application_prices import editable_draft as _editable
from providers.services.checks import SERVICES_OVERVIEW_WHAT, missing_evidence
from providers.services.evaluation import application_start_evaluation_locked
from providers.services.evidence import evidence_current
from providers.services.window_messages import next_window_message


def _lock(application: Application | int) -> Application:
    pk = application if isinstance(application, int) else application.pk
    return Application.objects.select_for_update().get(pk=pk)


def _touch(application: Application) -> None:
    application.updated_at = timezone.now()
    application.save(update_fields=["updated_at"])


def application_start(
    *, actor: Actor, system: PurchasingSystem, window: EvaluationWindow | None = None
) -> Application:
    """A new draft, with the provider's evidence that is still valid already attached."""
    assert actor.organisation is not None
    provider = actor.organisation
    require_provider(actor, provider.pk)
    if system.admits_by_windows:
        if window is None or window.purchasing_system_id != system.pk:
            raise InvalidInput(
                "Choose the window you are applying in.", fields={"window": "Choose a window."}
            )
        if window.state not in (WindowState.SCHEDULED, WindowState.OPEN):
            raise WrongState(f"{window.name} has closed. {next_window_message(system=system)}")
    else:
        window = None
    existing = Application.objects.filter(
        provider=provider,
        purchasing_system=system,
        window=window,
        state__in=LIVE_STATES,
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                purchasing_system=system, window=window, provider=provider, created_by=actor.user
            )
            application.evidence.set(
                evidence_current(provider_id=provider.pk).filter(setting__isnull=True)
            )
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=application,
                after={"window_id": window.pk if window else None, "state": application.state},
            )
    except IntegrityError:
        # Two clicks at once: the constraint let one through; use that one.
        return Application.objects.get(
            provider=provider, purchasing_system=system, window=window, state=ApplicationState.DRAFT
        )
    return application


def application_set_scope(
    *, actor: Actor, application: Application, lots: Iterable[Lot], settings: Iterable[Setting]
) -> Application:
    """The lots applied for and the settings included. Valid evidence of new settings is
    attached."""
    lots, settings = list(lots), list(settings)
    fields: dict[str, str] = {}
    if not lots:
        fields["lots"] = "Select at least one lot."
    if not settings:
        fields["settings"] = (
            "Select at least one setting. Add your settings first if you have none."
        )
    if any(lot.purchasing_system_id != application.purchasing_system_id for lot in lots):
        fields["lots"] = "Select lots of this purchasing system."
    if any(s.provider_id != application.provider_id for s in settings):
        fields["settings"] = "Select your own settings."
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = _editable(actor, application)
        before = {
            "lots": sorted(locked.lots.values_list("pk", flat=True)),
            "settings": sorted(locked.settings.values_list("pk", flat=True)),
        }
        added = {s.pk for s in settings} - set(before["settings"])
        locked.lots.set(lots)
        locked.settings.set(settings)
        if added:
            locked.evidence.add(
                *evidence_current(provider_id=locked.provider_id).filter(setting_id__in=added)
            )
        _touch(locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before=before,
            after={
                "lots": sorted(lot.pk for lot in lots),
                "settings": sorted(s.pk for s in settings),
            },
        )
    return locked


def application_set_evidence(
    *, actor: Actor, application: Application, evidence: Iterable[Evidence]
) -> Application:
    chosen = list(evidence)
    today = timezone.localdate()
    if any(e.provider_id != application.provider_id for e in chosen):
        raise InvalidInput.on_fields({"evidence": "Select your own evidence."})
    expired = [e for e in chosen if not e.is_valid_on(today)]
    if expired:
        message = (
            f"'{expired[0].title}' has expired or been replaced. Upload current evidence instead."
        )
        raise InvalidInput.on_fields({"evidence": message})
    with transaction.atomic():
        locked = _editable(actor, application)
        before = sorted(locked.evidence.values_list("pk", flat=True))
        locked.evidence.set(chosen)
        _touch(locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before={"evidence": before},
            after={"evidence": sorted(e.pk for e in chosen)},
        )
    return locked


def application_declare(
    *,
    actor: Actor,
    application: Application,
    accurate: bool,
    no_exclusion_grounds: bool,
    safeguarding: bool,
) -> Application:
    with transaction.atomic():
        locked = _editable(actor, application)
        locked.declared_accurate = accurate
        locked.declared_no_exclusion_grounds = no_exclusion_grounds
        locked.declared_safeguarding = safeguarding
        locked.save(
            update_fields=[
                "declared_accurate",
                "declared_no_exclusion_grounds",
                "declared_safeguarding",
            ]
        )
        _touch(locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            after={
                "accurate": accurate,
                "no_exclusion_grounds": no_exclusion_grounds,
                "safeguarding": safeguarding,
            },
        )
    return locked


def application_problems(application: Application) -> dict[str, str]:
    """What stops this draft being submitted, by section; empty when it is ready."""
    problems: dict[str, str] = {}
    lot_ids = set(application.lots.values_list("pk", flat=True))
    setting_ids = set(application.settings.values_list("pk", flat=True))
    if not lot_ids or not setting_ids:
        problems["scope"] = "Choose the lots you are applying for and the settings included."
    if missing := missing_evidence(application):
        problems["evidence"] = _missing_evidence_message(missing)
    if unpriced := unpriced_problem(application):
        problems["prices"] = unpriced
    if not (
        application.declared_accurate
        and application.declared_no_exclusion_grounds
        and application.declared_safeguarding
    ):
        problems["declarations"] = "Confirm all the declarations."
    return problems


def _missing_evidence_message(missing: list[str]) -> str:
    how = (
        "Tick each document on the Evidence page, uploading it to your evidence library first "
        "if it is not there yet"
    )
    if any(item.startswith(SERVICES_OVERVIEW_WHAT) for item in missing):
        how += ", and write each setting's overview from your evidence library page"
    return f"Required evidence is missing: {'; '.join(missing)}. {how}."


def submitted_notice(application: Application) -> str:
    """The "submitted" notice and e-mail subject, naming the window (or rolling admission) and the
    day, so notices for different windows can be told apart."""
    where = (
        application.window.name
        if application.window_id and application.window
        else "rolling admission"
    )
    day = application.submitted_at or timezone.now()
    return (
        f"Your application for {application.purchasing_system} ({where}) was submitted on "
        f"{govuk_date(day)}"
    )


def application_submit(
    *, actor: Actor, application: Application, now: datetime.datetime | None = None
) -> Application:
    """Submit inside an open window (or at any time on a DPS). A second submit is refused (409)."""
    now = now or timezone.now()
    require_provider(actor, application.provider_id)
    with transaction.atomic():
        locked = _lock(application)
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
        change = transition(
            locked,
            to=ApplicationState.SUBMITTED,
            table=APPLICATION_TRANSITIONS,
            event="submitted",
            by=actor.user,
            at=now,
            what="application",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before=change.before,
            after=change.after,
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
        locked = _lock(application)
        before = locked.state
        change = transition(
            locked,
            to=ApplicationState.WITHDRAWN,
            table=APPLICATION_TRANSITIONS,
            event="withdrawn",
            by=actor.user,
            also={"withdrawal_reason": reason.strip()},
            what="application",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked,
            before=change.before,
            after=change.after,
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
