"""A provider's application: draft and fill in (scope, evidence, prices, declarations), and what
stops it being submitted. Submitting and withdrawing: `services/application_submission.py`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from providers.models import (
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
    require_provider,
)
from providers.services.application_prices import editable_draft as _editable
from providers.services.application_prices import (
    unpriced_problem,
)
from providers.services.checks import SERVICES_OVERVIEW_WHAT, missing_evidence
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
    if unclassified := list(application.settings.filter(specialisms__isnull=True).order_by("name")):
        # Passed without one, a setting is found by no search by need (issue 10).
        names = ", ".join(s.name for s in unclassified)
        problems["settings"] = f"Select the areas of need each setting meets: {names}."
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
