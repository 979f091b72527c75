"""A provider's settings: their profile (places, ages, where they are, what needs they meet).

Only the provider's own users change them. Every change is atomic and audited with before and
after. Prices per lot and additional services are in `providers.services.setting_prices`.

Each kind of change has a `*_problems` function that lists every rule the input breaks without
writing anything. The service refuses with that list, and the page's form calls the same function
in its `clean`, so a person sees every error in one go and the rules live in one place.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.once import already_made
from fps_portal.phones import normalise_phone, phone_problem
from fps_portal.scoping import dangerously_unscoped
from providers.models import Gender, PrimaryNeed, Setting, Specialism
from providers.postcodes import likely_host_authority_id, locate, normalise_postcode

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
WITHDRAWN_SETTING_FROZEN = "This setting has been withdrawn, so it cannot be changed."
# Messages a form shows for a blank or unreadable answer, where the service checks the same thing.
NAME_MISSING = "Enter the setting's name."
GENDER_MISSING = "Select who the setting takes: mixed, boys or girls."
HOST_AUTHORITY_UNKNOWN = "Select the authority the setting is in."
AREAS_OF_NEED_MISSING = "Select at least one area of need the setting meets."
DFE_NUMBER_FORMAT = "A DfE number is 7 digits, like 8956001."
# A bound well above any special school, so a typing slip (300000 for 30) is refused with a
# message rather than stored, and nothing reaches the database beyond its integer columns.
MAX_CAPACITY = 2000
CAPACITY_TOO_LARGE = f"Capacity must be {MAX_CAPACITY:,} places or fewer."
VACANCIES_TOO_LARGE = f"Vacancies must be {MAX_CAPACITY:,} places or fewer."


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


def require_setting_owner(actor: Actor, provider_id: int | None) -> None:
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
    if known("specialisms", "primary_needs") and not (data.specialisms or data.primary_needs):
        # Without one, no search by need finds the setting and the figures by area miss it.
        add("specialisms", AREAS_OF_NEED_MISSING)
    if not (data.offers_day or data.offers_residential):
        add("offers_day", "Select day, residential or both.")
    if known("capacity") and data.capacity < 0:
        add("capacity", "Capacity cannot be negative.")
    elif known("capacity") and data.capacity > MAX_CAPACITY:
        add("capacity", CAPACITY_TOO_LARGE)
    if known("vacancies") and data.vacancies < 0:
        add("vacancies", "Vacancies cannot be negative.")
    elif known("vacancies") and data.vacancies > MAX_CAPACITY:
        # Said even when the capacity could not be read, which "more than the capacity" needs.
        add("vacancies", VACANCIES_TOO_LARGE)
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
    if known("phone") and (problem := phone_problem(data.phone)):
        add("phone", problem)
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
    located: dict[str, Any] = {}
    if data.host_authority is None:
        # Left blank: the authority the postcode is in, which the provider may correct later.
        located["host_authority_id"] = likely_host_authority_id(location)
    return {
        **located,
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
    setting.host_authority = data.host_authority  # or the postcode's, in `located`
    setting.age_from, setting.age_to = data.age_from, data.age_to
    setting.gender = data.gender
    setting.offers_day, setting.offers_residential = data.offers_day, data.offers_residential
    setting.capacity, setting.vacancies = data.capacity, data.vacancies
    setting.phone, setting.email, setting.website = (
        normalise_phone(data.phone),
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


def setting_snapshot(setting: Setting) -> dict[str, Any]:
    state = snapshot(setting, SETTING_FIELDS)
    state["specialisms"] = sorted(setting.specialisms.values_list("code", flat=True))
    state["primary_needs"] = sorted(setting.primary_needs.values_list("code", flat=True))
    return state


def _save(setting: Setting, data: SettingData, *, instance: Setting | None) -> None:
    errors, located = _checked(data, instance=instance)
    if errors:
        raise InvalidInput.on_fields(errors)
    _apply(setting, data, located)
    setting.updated_at = timezone.now()
    try:
        with transaction.atomic():
            setting.save()
    except IntegrityError as exc:  # two submits racing for one URN
        raise InvalidInput.on_fields({"urn": "Another setting already has this URN."}) from exc
    specialisms, needs = _areas(data)
    setting.specialisms.set(specialisms)
    setting.primary_needs.set(needs)


def setting_added_by(*, actor: Actor, submission_key: uuid.UUID | None) -> Setting | None:
    """The setting this submission already added for the actor's provider, if any."""
    if not actor.is_provider or actor.organisation_id is None:
        return None
    mine = dangerously_unscoped(Setting).filter(provider_id=actor.organisation_id)
    return already_made(mine, submission_key)


@transaction.atomic
def setting_create(
    *, actor: Actor, data: SettingData, submission_key: uuid.UUID | None = None
) -> Setting:
    """A new setting of the actor's provider organisation. The same form sent again
    (`submission_key`, fps_portal.once) answers with the setting the first sending added."""
    if not actor.is_provider or actor.organisation_id is None:
        raise NotAllowed("Only a provider's own users can add its settings.")
    # Before the checks: the first sending's setting now holds the URN this one gives.
    if (earlier := setting_added_by(actor=actor, submission_key=submission_key)) is not None:
        return earlier
    setting = Setting(provider_id=actor.organisation_id, submission_key=submission_key)
    try:
        with transaction.atomic():
            _save(setting, data, instance=None)
    except InvalidInput:
        # A twin request that committed first fails this one's insert (on the key or the URN).
        if (twin := setting_added_by(actor=actor, submission_key=submission_key)) is not None:
            return twin
        raise
    audit_record(actor=actor, verb=AuditVerb.CREATED, obj=setting, after=setting_snapshot(setting))
    return setting


@transaction.atomic
def setting_update(*, actor: Actor, setting: Setting, data: SettingData) -> Setting:
    """Changes the setting's profile; the row is locked so two editors leave one result."""
    require_setting_owner(actor, setting.provider_id)
    locked = dangerously_unscoped(Setting).select_for_update().get(pk=setting.pk)
    if locked.is_withdrawn:
        raise WrongState(WITHDRAWN_SETTING_FROZEN)
    before = setting_snapshot(locked)
    _save(locked, data, instance=locked)
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=setting_snapshot(locked),
    )
    return locked
