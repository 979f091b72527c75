"""A provider's application: draft and fill in (scope, evidence, prices, declarations), and what
stops it being submitted. Submitting and withdrawing: `services/application_submission.py`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.once import create_once
from fps_portal.text import possessive
from providers.models import (
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ApplicationState,
    EvaluationWindow,
    Evidence,
    Lot,
    PurchasingSystem,
    Setting,
    WindowState,
)
from providers.models.application import LIVE_STATES
from providers.money import MoneyWording, parse_money
from providers.services._common import (
    require_provider,
)
from providers.services.checks import SERVICES_OVERVIEW_WHAT, missing_evidence
from providers.services.evidence import evidence_current
from providers.services.window_messages import next_window_message

# How the application's amounts are named in their messages: each price box says whose price for
# which lot, so a page of them never repeats one message.
RATE_WORDING = MoneyWording(what="the rate")


def price_wording(setting_name: str, lot_code: str) -> MoneyWording:
    return MoneyWording(what=f"{possessive(setting_name)} weekly price for lot {lot_code}")


def _lock(application: Application | int) -> Application:
    pk = application if isinstance(application, int) else application.pk
    return Application.objects.select_for_update().get(pk=pk)


def _editable(actor: Actor, application: Application) -> Application:
    require_provider(actor, application.provider_id)
    locked = _lock(application)
    if locked.state != ApplicationState.DRAFT:
        raise WrongState(
            f"This application is {locked.get_state_display().lower()}, so it can no longer be "
            "changed."
        )
    return locked


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
        # Prices for lots or settings no longer in the application go with them.
        locked.prices.exclude(lot__in=lots).delete()
        locked.prices.exclude(setting__in=settings).delete()
        locked.service_prices.exclude(setting__in=settings).delete()
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


def application_set_prices(
    *, actor: Actor, application: Application, prices: Mapping[tuple[int, int], object]
) -> Application:
    """Indicative weekly prices keyed by (setting id, lot id); a blank value means 'not offered'.

    Every value is checked before any is written, so a bad one leaves the old prices in place.
    """
    lot_codes = dict(application.lots.values_list("pk", "code"))
    setting_names = dict(application.settings.values_list("pk", "name"))
    parsed: dict[tuple[int, int], Decimal] = {}
    fields: dict[str, str] = {}
    for (setting_id, lot_id), raw in prices.items():
        if setting_id not in setting_names or lot_id not in lot_codes:
            continue
        if raw is None or str(raw).strip() == "":
            continue
        field = f"price_{setting_id}_{lot_id}"
        wording = price_wording(setting_names[setting_id], lot_codes[lot_id])
        try:
            parsed[(setting_id, lot_id)] = parse_money(raw, field_name=field, wording=wording)
        except InvalidInput as exc:
            fields[field] = exc.message
    if not parsed and not fields:
        fields["prices"] = "Enter a weekly price for at least one setting and lot."
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = _editable(actor, application)
        before = {f"{p.setting_id}/{p.lot_id}": p.weekly_price for p in locked.prices.all()}
        locked.prices.all().delete()
        ApplicationPrice.objects.bulk_create(
            ApplicationPrice(application=locked, setting_id=s, lot_id=lot, weekly_price=price)
            for (s, lot), price in sorted(parsed.items())
        )
        _touch(locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before={"prices": before},
            after={"prices": {f"{s}/{lot}": p for (s, lot), p in parsed.items()}},
        )
    return locked


def application_add_service_price(
    *,
    actor: Actor,
    application: Application,
    setting: Setting,
    name: str,
    unit: str,
    rate: object,
    submission_key: uuid.UUID | None = None,
) -> ApplicationServicePrice:
    """Add one line to the price list; the same form sent again (`submission_key`,
    fps_portal.once) answers with the line the first sending added."""
    fields: dict[str, str] = {}
    if not application.settings.filter(pk=setting.pk).exists():
        fields["setting"] = "Select a setting included in this application."
    if not name.strip():
        fields["name"] = "Enter the service, like '1:1 support'."
    if not unit.strip():
        fields["unit"] = "Enter the unit it is charged by, like 'hour'."
    try:
        amount = parse_money(rate, field_name="rate", wording=RATE_WORDING)
    except InvalidInput as exc:
        fields["rate"] = exc.message
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = _editable(actor, application)
        line, created = create_once(
            earlier=ApplicationServicePrice.objects.filter(application_id=locked.pk),
            submission_key=submission_key,
            create=lambda: ApplicationServicePrice.objects.create(
                application=locked,
                setting=setting,
                name=name.strip(),
                unit=unit.strip(),
                rate=amount,
                submission_key=submission_key,
            ),
        )
        if not created:
            return line
        _touch(locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=line,
            after={"name": line.name, "unit": line.unit, "rate": amount, "setting_id": setting.pk},
        )
    return line


def application_remove_service_price(*, actor: Actor, line: ApplicationServicePrice) -> None:
    with transaction.atomic():
        locked = _editable(actor, line.application)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            reason=f"Removed additional service '{line.name}'",
        )
        line.delete()
        _touch(locked)


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
    priced = list(application.prices.values_list("setting_id", "lot_id"))
    if setting_ids and {s for s, _ in priced} != setting_ids:
        problems["prices"] = "Enter at least one weekly price for every setting included."
    elif lot_ids and {lot for _, lot in priced} != lot_ids:
        problems["prices"] = "Enter at least one weekly price for every lot you are applying for."
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
