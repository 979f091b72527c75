"""An application's prices: the settings' own price list, shown and completed for the round, and
frozen into the tender record when the application is submitted.

A setting has one price list (`SettingLot`, `AdditionalService`, kept by
`providers.services.setting_prices`). A draft shows it for the lots and settings of its round and
asks only for what the round needs: a price for each setting on each lot applied for that has no
approved price yet (an approved price is changed on the setting's page, as a proposal to the lead
authority). Whatever the provider enters here is written to the setting's list, so the two can
never differ. When the application is submitted its lines are copied into `ApplicationPrice` and
`ApplicationServicePrice` (`application_freeze_prices`), the record of what was tendered that
evaluators read: a price changed or accepted later does not rewrite it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.text import possessive
from providers.models import (
    AdditionalService,
    Application,
    ApplicationPrice,
    ApplicationServicePrice,
    ApplicationState,
    Setting,
)
from providers.money import MoneyWording, parse_money
from providers.selectors.application_prices import round_offers, round_services
from providers.services._common import require_provider
from providers.services.setting_prices import (
    additional_service_add,
    additional_service_remove,
    setting_set_price,
    setting_withdraw_lot,
)

# How the application's amounts are named in their messages: each price box says whose price for
# which lot, so a page of them never repeats one message.
RATE_WORDING = MoneyWording(what="the rate")
NO_PRICE = "Enter a weekly price for at least one setting and lot."


def price_wording(setting_name: str, lot_code: str) -> MoneyWording:
    return MoneyWording(what=f"{possessive(setting_name)} weekly price for lot {lot_code}")


def editable_draft(actor: Actor, application: Application) -> Application:
    """The application's row, locked, if the actor's provider may still change it (a draft)."""
    require_provider(actor, application.provider_id)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != ApplicationState.DRAFT:
        raise WrongState(
            f"This application is {locked.get_state_display().lower()}, so it can no longer be "
            "changed."
        )
    return locked


def application_set_prices(
    *, actor: Actor, application: Application, prices: Mapping[tuple[int, int], object]
) -> Application:
    """Weekly prices keyed by (setting id, lot id), written to each setting's price list; a blank
    value means the setting does not offer that lot.

    A cell whose price is approved already is left alone (it changes only as a proposal to the
    lead authority, from the setting's prices page). Every value is checked before any is
    written, so a bad one leaves every price as it was.
    """
    lots = {lot.pk: lot for lot in application.lots.all()}
    settings = {s.pk: s for s in application.settings.all()}
    approved = set(
        round_offers(application)
        .filter(approved_at__isnull=False)
        .values_list("setting_id", "lot_id")
    )
    parsed: dict[tuple[int, int], Decimal | None] = {}
    fields: dict[str, str] = {}
    for (setting_id, lot_id), raw in prices.items():
        key = (setting_id, lot_id)
        if setting_id not in settings or lot_id not in lots or key in approved:
            continue
        if raw is None or str(raw).strip() == "":
            parsed[key] = None
            continue
        field = f"price_{setting_id}_{lot_id}"
        wording = price_wording(settings[setting_id].name, lots[lot_id].code)
        try:
            parsed[key] = parse_money(raw, field_name=field, wording=wording)
        except InvalidInput as exc:
            fields[field] = exc.message
    if not approved and not any(parsed.values()) and not fields:
        fields["prices"] = NO_PRICE
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = editable_draft(actor, application)
        for (setting_id, lot_id), price in sorted(parsed.items()):
            setting, lot = settings[setting_id], lots[lot_id]
            if price is None:
                setting_withdraw_lot(actor=actor, setting=setting, lot=lot)
            else:
                setting_set_price(actor=actor, setting=setting, lot=lot, weekly_price=price)
        _touch(locked)
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
) -> AdditionalService:
    """Adds a service to the setting's own price list (the one the application shows); the same
    form sent again (`submission_key`, fps_portal.once) answers with the first one added."""
    fields: dict[str, str] = {}
    if not application.settings.filter(pk=setting.pk).exists():
        fields["setting"] = "Select a setting included in this application."
    if not name.strip():
        fields["name"] = "Enter the service, like '1:1 support'."
    if not unit.strip():
        fields["unit"] = "Enter the unit it is charged by, like 'hour'."
    try:
        parse_money(rate, field_name="rate", wording=RATE_WORDING)
    except InvalidInput as exc:
        fields["rate"] = exc.message
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = editable_draft(actor, application)
        service = additional_service_add(
            actor=actor,
            setting=setting,
            name=name,
            unit=unit,
            rate=rate,
            submission_key=submission_key,
        )
        _touch(locked)
    return service


def application_remove_service_price(
    *, actor: Actor, application: Application, service: AdditionalService
) -> None:
    with transaction.atomic():
        locked = editable_draft(actor, application)
        if not locked.settings.filter(pk=service.setting_id).exists():
            raise InvalidInput.on_fields(
                {"remove": "Select a service of a setting included in this application."}
            )
        additional_service_remove(actor=actor, service=service)
        _touch(locked)


def unpriced_problem(application: Application) -> str:
    """Why the draft's prices stop it being submitted; empty when every setting and lot of the
    round has a price on the settings' list."""
    lot_ids = set(application.lots.values_list("pk", flat=True))
    setting_ids = set(application.settings.values_list("pk", flat=True))
    priced = list(round_offers(application).values_list("setting_id", "lot_id"))
    if setting_ids and {s for s, _ in priced} != setting_ids:
        return "Enter at least one weekly price for every setting included."
    if lot_ids and {lot for _, lot in priced} != lot_ids:
        return "Enter at least one weekly price for every lot you are applying for."
    return ""


def application_freeze_prices(*, actor: Actor, application: Application) -> None:
    """Within submission's transaction and lock: copies the round's prices and the settings'
    services into the application, the tender record evaluators read.

    An approved price is copied as approved (a change waiting for the lead authority is not
    part of the tender).
    """
    offers = list(round_offers(application))
    services = list(round_services(application))
    application.prices.all().delete()
    application.service_prices.all().delete()
    ApplicationPrice.objects.bulk_create(
        ApplicationPrice(
            application=application,
            setting_id=o.setting_id,
            lot_id=o.lot_id,
            weekly_price=o.weekly_price,
        )
        for o in offers
    )
    ApplicationServicePrice.objects.bulk_create(
        ApplicationServicePrice(
            application=application, setting_id=s.setting_id, name=s.name, unit=s.unit, rate=s.rate
        )
        for s in services
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=application,
        after={
            "prices": {f"{o.setting_id}/{o.lot_id}": o.weekly_price for o in offers},
            "service_prices": [f"{s.setting_id}/{s.name}: {s.rate} per {s.unit}" for s in services],
        },
        reason="Prices frozen as tendered at submission.",
    )


def _touch(application: Application) -> None:
    application.updated_at = timezone.now()
    application.save(update_fields=["updated_at"])
