"""A provider's settings, their prices per lot and their additional services.

Only the provider's own users change them. Every change is atomic and audited with before and
after; a price change on a lot the lead authority has already approved is recorded the same way,
so a commissioner can see when an indicative price moved.

Each kind of change has a `*_problems` function that lists every rule the input breaks without
writing anything. The service refuses with that list, and the page's form calls the same function
in its `clean`, so a person sees every error in one go and the rules live in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from providers.models import (
    AdditionalService,
    Gender,
    Lot,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
)
from providers.postcodes import locate, normalise_postcode
from providers.services.money import MoneyWording, parse_money

SETTING_FIELDS = [
    "name",
    "urn",
    "dfe_number",
    "address",
    "town",
    "postcode",
    "postcode_district",
    "latitude",
    "longitude",
    "host_authority_id",
    "age_from",
    "age_to",
    "gender",
    "offers_day",
    "offers_residential",
    "capacity",
    "vacancies",
    "phone",
    "email",
    "website",
    "public_summary",
]
MAX_AGE = 25
# Messages a form shows for a blank or unreadable answer, where the service checks the same thing.
NAME_MISSING = "Enter the setting's name."
GENDER_MISSING = "Select who the setting takes: mixed, boys or girls."
HOST_AUTHORITY_UNKNOWN = "Select the authority the setting is in."
DFE_NUMBER_FORMAT = "A DfE number is 7 digits, like 8956001."
SERVICE_NAME_MISSING = "Enter the service's name, like 1:1 support."
SERVICE_UNIT_MISSING = "Enter what the service is charged per, like hour or session."


@dataclass
class SettingData:
    """What a provider says about one setting; checked by `setting_problems`, never half-saved."""

    name: str
    postcode: str
    age_from: int
    age_to: int
    host_authority: Organisation | None = None
    urn: str = ""
    dfe_number: str = ""
    address: str = ""
    town: str = ""
    gender: str = Gender.MIXED
    offers_day: bool = True
    offers_residential: bool = False
    capacity: int = 0
    vacancies: int = 0
    phone: str = ""
    email: str = ""
    website: str = ""
    public_summary: str = ""
    specialisms: list[Specialism] = field(default_factory=list)
    primary_needs: list[PrimaryNeed] = field(default_factory=list)


def _require_owner(actor: Actor, provider_id: int | None) -> None:
    if not (actor.is_provider and actor.organisation_id == provider_id):
        raise NotAllowed("Only the provider's own users can change its settings.")


def _rule_errors(
    data: SettingData, *, instance: Setting | None, unreadable: Collection[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def known(*names: str) -> bool:
        # A rule needing a field the form could not read is skipped: that field has its own
        # error, and a second one worked out from a placeholder value would mislead.
        return not set(names) & set(unreadable)

    if known("name") and not data.name.strip():
        add("name", NAME_MISSING)
    if known("age_from") and not 0 <= data.age_from <= MAX_AGE:
        add("age_from", f"Enter a youngest age from 0 to {MAX_AGE}.")
    if known("age_to") and not 0 <= data.age_to <= MAX_AGE:
        add("age_to", f"Enter an oldest age from 0 to {MAX_AGE}.")
    elif known("age_from", "age_to") and data.age_to < data.age_from:
        add("age_to", "The oldest age must be the same as or more than the youngest age.")
    if known("gender") and data.gender not in Gender.values:
        add("gender", GENDER_MISSING)
    if not (data.offers_day or data.offers_residential):
        add("offers_day", "Select day, residential or both.")
    if known("capacity") and data.capacity < 0:
        add("capacity", "Capacity cannot be negative.")
    if known("vacancies") and data.vacancies < 0:
        add("vacancies", "Vacancies cannot be negative.")
    elif known("capacity", "vacancies") and data.vacancies > data.capacity:
        add("vacancies", "Vacancies cannot be more than the capacity.")
    host = data.host_authority
    if known("host_authority") and host is not None and host.kind != OrganisationKind.AUTHORITY:
        add("host_authority", HOST_AUTHORITY_UNKNOWN)
    urn = data.urn.strip()
    if known("urn") and urn and not urn.isdigit():
        add("urn", "A URN is a number, like 101173.")
    elif known("urn") and urn:
        clash = dangerously_unscoped(Setting).filter(urn=urn)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            add("urn", f"Another setting already has URN {urn}.")
    dfe = data.dfe_number.strip().replace("/", "")
    if known("dfe_number") and dfe and not (dfe.isdigit() and len(dfe) == 7):
        add("dfe_number", DFE_NUMBER_FORMAT)
    return errors


def _checked(
    data: SettingData, *, instance: Setting | None, unreadable: Collection[str] = ()
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """(every rule broken, by field; where the postcode is, when it could be found)."""
    errors = _rule_errors(data, instance=instance, unreadable=unreadable)
    located: dict[str, Any] = {}
    if "postcode" not in unreadable:
        try:
            located = _located(data)
        except InvalidInput as exc:
            for name, messages in exc.fields.items():
                errors.setdefault(name, []).extend(messages)
    return errors, located


def setting_problems(
    data: SettingData, *, instance: Setting | None, unreadable: Collection[str] = ()
) -> dict[str, list[str]]:
    """Every rule `data` breaks, by field, as `setting_create` / `setting_update` would refuse it.

    `instance` is the setting being edited (its own URN is no clash). `unreadable` names fields
    the caller could not read into `data` (placeholders stand in); their rules are skipped.
    """
    return _checked(data, instance=instance, unreadable=unreadable)[0]


def _located(data: SettingData) -> dict[str, Any]:
    postcode = normalise_postcode(data.postcode)
    location = locate(postcode, allow_outward_only=False)
    return {
        "postcode": postcode,
        "postcode_district": location.district,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def _apply(setting: Setting, data: SettingData, located: dict[str, Any]) -> None:
    setting.name = data.name.strip()
    setting.urn = data.urn.strip() or None
    setting.dfe_number = data.dfe_number.strip().replace("/", "")
    setting.address = data.address.strip()
    setting.town = data.town.strip()
    setting.host_authority = data.host_authority
    setting.age_from, setting.age_to = data.age_from, data.age_to
    setting.gender = data.gender
    setting.offers_day, setting.offers_residential = data.offers_day, data.offers_residential
    setting.capacity, setting.vacancies = data.capacity, data.vacancies
    setting.phone, setting.email, setting.website = (
        data.phone.strip(),
        data.email.strip(),
        data.website.strip(),
    )
    setting.public_summary = data.public_summary.strip()
    for name, value in located.items():
        setattr(setting, name, value)


def _areas(data: SettingData) -> tuple[list[Specialism], list[PrimaryNeed]]:
    # A primary need belongs to one area; choosing the need adds its area rather than rejecting the
    # form, since "ASD" without "communication and interaction" can only mean the provider forgot.
    specialisms = {s.pk: s for s in data.specialisms}
    for need in data.primary_needs:
        specialisms.setdefault(need.specialism_id, need.specialism)
    return list(specialisms.values()), list(data.primary_needs)


def _full_snapshot(setting: Setting) -> dict[str, Any]:
    state = snapshot(setting, SETTING_FIELDS)
    state["specialisms"] = sorted(setting.specialisms.values_list("code", flat=True))
    state["primary_needs"] = sorted(setting.primary_needs.values_list("code", flat=True))
    return state


def _save(setting: Setting, data: SettingData, *, instance: Setting | None) -> None:
    errors, located = _checked(data, instance=instance)
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)
    _apply(setting, data, located)
    setting.updated_at = timezone.now()
    try:
        with transaction.atomic():
            setting.save()
    except IntegrityError as exc:  # two submits racing for one URN
        raise InvalidInput(
            "Another setting already has this URN.",
            fields={"urn": ["Another setting already has this URN."]},
        ) from exc
    specialisms, needs = _areas(data)
    setting.specialisms.set(specialisms)
    setting.primary_needs.set(needs)


@transaction.atomic
def setting_create(*, actor: Actor, data: SettingData) -> Setting:
    """A new setting of the actor's provider organisation."""
    if not actor.is_provider or actor.organisation_id is None:
        raise NotAllowed("Only a provider's own users can add its settings.")
    setting = Setting(provider_id=actor.organisation_id)
    _save(setting, data, instance=None)
    audit_record(actor=actor, verb=AuditVerb.CREATED, obj=setting, after=_full_snapshot(setting))
    return setting


@transaction.atomic
def setting_update(*, actor: Actor, setting: Setting, data: SettingData) -> Setting:
    """Changes the setting's profile; the row is locked so two editors leave one result."""
    _require_owner(actor, setting.provider_id)
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    before = _full_snapshot(locked)
    _save(locked, data, instance=locked)
    audit_record(
        actor=actor, verb=AuditVerb.UPDATED, obj=locked, before=before, after=_full_snapshot(locked)
    )
    return locked


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
    *, actor: Actor, setting: Setting, prices: Mapping[Lot, Decimal | str | None]
) -> None:
    """Sets the weekly price of each lot given, a blank one withdrawing the lot: all or none.

    Every price is checked before anything is written (InvalidInput naming each bad lot), and
    the writes share one transaction, so a failure partway leaves every lot as it was.
    """
    _require_owner(actor, setting.provider_id)
    # Locked first, so the approvals checked are the ones the writes below meet.
    dangerously_unscoped(Setting).select_for_update().filter(pk=setting.pk).first()
    errors = setting_prices_problems(setting=setting, prices=prices)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    for lot, raw in prices.items():
        if raw is None or not str(raw).strip():
            setting_withdraw_lot(actor=actor, setting=setting, lot=lot)
        else:
            setting_set_price(actor=actor, setting=setting, lot=lot, weekly_price=raw)


@transaction.atomic
def setting_set_price(
    *,
    actor: Actor,
    setting: Setting,
    lot: Lot,
    weekly_price: Decimal | str,
    effective_from: datetime.date | None = None,
) -> SettingLot:
    """Offers the setting on `lot` at an indicative weekly price, or changes that price.

    Approval stays with the lead authority: a new offer waits for approval, and changing the price
    of an approved offer keeps it approved but is audited with the old and new price.
    """
    _require_owner(actor, setting.provider_id)
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
        reason="Price changed on an approved lot." if offer.approved_at else "",
    )
    return offer


@transaction.atomic
def setting_withdraw_lot(*, actor: Actor, setting: Setting, lot: Lot) -> None:
    """Stops offering a lot not yet approved; an approved lot is left through the lead authority."""
    _require_owner(actor, setting.provider_id)
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
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    # Already checked: parsing again cannot fail.
    return name.strip(), unit.strip(), parse_money(rate, field_name="rate")


@transaction.atomic
def additional_service_add(
    *, actor: Actor, setting: Setting, name: str, unit: str, rate: object
) -> AdditionalService:
    _require_owner(actor, setting.provider_id)
    name, unit, value = _service_fields(name, unit, rate)
    service = AdditionalService.objects.create(setting=setting, name=name, unit=unit, rate=value)
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=service,
        after=snapshot(service, ["name", "unit", "rate"]),
    )
    return service


@transaction.atomic
def additional_service_update(
    *, actor: Actor, service: AdditionalService, name: str, unit: str, rate: object
) -> AdditionalService:
    locked = (
        dangerously_unscoped(AdditionalService)
        .select_for_update()
        .select_related("setting")
        .get(pk=service.pk)
    )
    _require_owner(actor, locked.setting.provider_id)
    name, unit, value = _service_fields(name, unit, rate)
    before = snapshot(locked, ["name", "unit", "rate"])
    locked.name, locked.unit, locked.rate = name, unit, value
    locked.save(update_fields=["name", "unit", "rate"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=snapshot(locked, ["name", "unit", "rate"]),
    )
    return locked


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
    _require_owner(actor, locked.setting.provider_id)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=snapshot(locked, ["name", "unit", "rate"]),
        after=None,
        reason="Service removed.",
    )
    locked.delete()
