"""A setting's weekly prices per lot and its additional services, as its provider sets them.

Only the provider's own users change them. Every change is atomic and audited with before and
after. A price the lead authority has already approved is not changed here: the new price becomes
a proposal the lead authority accepts or refuses (`providers.services.price_changes`), and the
approved price stands until then. This is the one price list of a setting: an application shows
it and freezes a copy when it is submitted (`providers.services.applications`). Amounts go
through `parse_money`, whose limit keeps every amount inside the models' DecimalField(10, 2).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.once import create_once
from fps_portal.scoping import dangerously_unscoped
from providers.models import AdditionalService, Lot, Setting, SettingLot
from providers.money import MoneyWording, parse_money
from providers.services.price_changes import price_change_propose
from providers.services.settings import require_setting_owner

SERVICE_NAME_MISSING = "Enter the service's name, like 1:1 support."
SERVICE_UNIT_MISSING = "Enter what the service is charged per, like hour or session."


def lot_price_field(lot: Lot) -> str:
    """The name a lot's price goes by in field errors (and in the prices form)."""
    return f"price_{lot.pk}"


def lot_price_wording(lot: Lot) -> MoneyWording:
    return MoneyWording(what=f"the price for lot {lot.code}", example="2950.00")


def _approved_lot_message(lot: Lot) -> str:
    return (
        f"Lot {lot.code} ({lot.name}) is approved on the FPS, so it needs a price. "
        "To take the setting off it, ask the lead authority."
    )


def setting_prices_problems(
    *, setting: Setting, prices: Mapping[Lot, Decimal | str | None]
) -> dict[str, list[str]]:
    """Every lot whose new price `setting_set_prices` would refuse, by `lot_price_field`.

    A price must be pounds and pence; a blank price withdraws the lot, which the provider may do
    only while the lead authority has not approved it.
    """
    approved = set(
        dangerously_unscoped(SettingLot)
        .filter(setting=setting, approved_at__isnull=False)
        .values_list("lot_id", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for lot, raw in prices.items():
        if raw is None or not str(raw).strip():
            if lot.pk in approved:
                errors[lot_price_field(lot)] = [_approved_lot_message(lot)]
            continue
        try:
            parse_money(raw, field_name=lot_price_field(lot), wording=lot_price_wording(lot))
        except InvalidInput as exc:
            errors.update(exc.fields)
    return errors


@transaction.atomic
def setting_set_prices(
    *,
    actor: Actor,
    setting: Setting,
    prices: Mapping[Lot, Decimal | str | None],
    change_reason: str = "",
) -> None:
    """Sets the weekly price of each lot given, a blank one withdrawing the lot: all or none.

    Every price is checked before anything is written (InvalidInput naming each bad lot), and
    the writes share one transaction, so a failure partway leaves every lot as it was.
    """
    require_setting_owner(actor, setting.provider_id)
    # Locked first, so the approvals checked are the ones the writes below meet.
    dangerously_unscoped(Setting).select_for_update().filter(pk=setting.pk).first()
    errors = setting_prices_problems(setting=setting, prices=prices)
    if errors:
        raise InvalidInput.on_fields(errors)
    for lot, raw in prices.items():
        if raw is None or not str(raw).strip():
            setting_withdraw_lot(actor=actor, setting=setting, lot=lot)
        else:
            setting_set_price(
                actor=actor,
                setting=setting,
                lot=lot,
                weekly_price=raw,
                change_reason=change_reason,
            )


@transaction.atomic
def setting_set_price(
    *,
    actor: Actor,
    setting: Setting,
    lot: Lot,
    weekly_price: Decimal | str,
    effective_from: datetime.date | None = None,
    change_reason: str = "",
) -> SettingLot:
    """Offers the setting on `lot` at an indicative weekly price, or changes that price.

    Approval stays with the lead authority: a new offer waits for approval, and a new price for
    an approved offer is proposed to it (`price_change_propose`, with `change_reason`), the
    approved price standing until it is accepted.
    """
    require_setting_owner(actor, setting.provider_id)
    price = parse_money(
        weekly_price, field_name=lot_price_field(lot), wording=lot_price_wording(lot)
    )
    dangerously_unscoped(Setting).select_for_update().filter(pk=setting.pk).first()
    offer = dangerously_unscoped(SettingLot).filter(setting=setting, lot=lot).first()
    today = effective_from or timezone.localdate()
    if offer is None:
        offer = SettingLot.objects.create(
            setting=setting, lot=lot, weekly_price=price, price_effective_from=today
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=offer,
            after=snapshot(
                offer, ["lot_id", "weekly_price", "price_effective_from", "approved_at"]
            ),
        )
        return offer
    if offer.approved_at is not None:
        offer.setting = setting
        price_change_propose(actor=actor, offer=offer, weekly_price=price, reason=change_reason)
        offer.refresh_from_db(fields=["change_pending"])
        return offer
    if offer.weekly_price == price:
        return offer
    fields = ["weekly_price", "price_effective_from", "approved_at"]
    before = snapshot(offer, fields)
    offer.weekly_price, offer.price_effective_from = price, today
    offer.save(update_fields=["weekly_price", "price_effective_from"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=offer,
        before=before,
        after=snapshot(offer, fields),
    )
    return offer


@transaction.atomic
def setting_withdraw_lot(*, actor: Actor, setting: Setting, lot: Lot) -> None:
    """Stops offering a lot not yet approved; an approved lot is left through the lead authority."""
    require_setting_owner(actor, setting.provider_id)
    offer = (
        dangerously_unscoped(SettingLot)
        .select_for_update()
        .filter(setting=setting, lot=lot)
        .first()
    )
    if offer is None:
        return
    if offer.approved_at is not None:
        message = _approved_lot_message(lot)
        raise WrongState(message, fields={lot_price_field(lot): [message]})
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=offer,
        before=snapshot(offer, ["lot_id", "weekly_price"]),
        after=None,
        reason="Lot no longer offered.",
    )
    offer.delete()


SERVICE_RATE_WORDING = MoneyWording(what="the rate", example="24.50")


def additional_service_problems(*, name: str, unit: str, rate: object) -> dict[str, list[str]]:
    """Every rule an additional service breaks, by field, as `additional_service_add` refuses it."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [SERVICE_NAME_MISSING]
    if not unit.strip():
        errors["unit"] = [SERVICE_UNIT_MISSING]
    try:
        parse_money(rate, field_name="rate", wording=SERVICE_RATE_WORDING)
    except InvalidInput as exc:
        errors.update(exc.fields)
    return errors


def _service_fields(name: str, unit: str, rate: object) -> tuple[str, str, Decimal]:
    errors = additional_service_problems(name=name, unit=unit, rate=rate)
    if errors:
        raise InvalidInput.on_fields(errors)
    # Already checked: parsing again cannot fail.
    return name.strip(), unit.strip(), parse_money(rate, field_name="rate")


@transaction.atomic
def additional_service_add(
    *,
    actor: Actor,
    setting: Setting,
    name: str,
    unit: str,
    rate: object,
    submission_key: uuid.UUID | None = None,
) -> AdditionalService:
    """Add one service; the same form sent again (`submission_key`, fps_portal.once) answers
    with the service the first sending added."""
    require_setting_owner(actor, setting.provider_id)
    name, unit, value = _service_fields(name, unit, rate)
    service, created = create_once(
        earlier=dangerously_unscoped(AdditionalService).filter(setting_id=setting.pk),
        submission_key=submission_key,
        create=lambda: AdditionalService.objects.create(
            setting=setting, name=name, unit=unit, rate=value, submission_key=submission_key
        ),
    )
    if not created:
        return service
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=service,
        after=snapshot(service, ["name", "unit", "rate"]),
    )
    return service


@transaction.atomic
def additional_service_remove(*, actor: Actor, service: AdditionalService) -> None:
    locked = (
        dangerously_unscoped(AdditionalService)
        .select_for_update()
        .select_related("setting")
        .filter(pk=service.pk)
        .first()
    )
    if locked is None:
        return
    require_setting_owner(actor, locked.setting.provider_id)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=snapshot(locked, ["name", "unit", "rate"]),
        after=None,
        reason="Service removed.",
    )
    locked.delete()
