"""The lead authority configures the purchasing system and adds lots during its term."""

from __future__ import annotations

import datetime

from django.db import transaction

from fps_portal.accounts.models import Organisation
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput
from providers.models import Lot, PurchasingSystem, PurchasingSystemKind
from providers.services._common import require_lead_evaluator

SYSTEM_FIELDS = [
    "name",
    "kind",
    "term_start",
    "term_end",
    "direct_award_allowed",
    "admits_by_windows",
]


def _check_rules(
    *,
    kind: str,
    term_start: datetime.date,
    term_end: datetime.date,
    direct_award_allowed: bool,
    admits_by_windows: bool,
) -> None:
    fields: dict[str, str] = {}
    if term_end <= term_start:
        fields["term_end"] = "The term must end after it starts."
    if kind == PurchasingSystemKind.DPS:
        # A DPS admits on a rolling basis and every order needs competition.
        if direct_award_allowed:
            fields["direct_award_allowed"] = (
                "A Dynamic Purchasing System does not allow direct award."
            )
        if admits_by_windows:
            fields["admits_by_windows"] = (
                "A Dynamic Purchasing System admits providers on a rolling basis, not in windows."
            )
    if fields:
        raise InvalidInput.on_fields(fields)


def purchasing_system_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    term_start: datetime.date,
    term_end: datetime.date,
    direct_award_allowed: bool,
    admits_by_windows: bool,
) -> PurchasingSystem:
    require_lead_evaluator(actor)
    _check_rules(
        kind=kind,
        term_start=term_start,
        term_end=term_end,
        direct_award_allowed=direct_award_allowed,
        admits_by_windows=admits_by_windows,
    )
    lead = Organisation.objects.get(kind="authority", is_lead=True)
    with transaction.atomic():
        system = PurchasingSystem.objects.create(
            name=name,
            kind=kind,
            term_start=term_start,
            term_end=term_end,
            direct_award_allowed=direct_award_allowed,
            admits_by_windows=admits_by_windows,
            lead_authority=lead,
        )
        audit_record(
            actor=actor, verb=AuditVerb.CREATED, obj=system, after=snapshot(system, SYSTEM_FIELDS)
        )
    return system


def purchasing_system_update(
    *,
    actor: Actor,
    system: PurchasingSystem,
    name: str,
    kind: str,
    term_start: datetime.date,
    term_end: datetime.date,
    direct_award_allowed: bool,
    admits_by_windows: bool,
) -> PurchasingSystem:
    require_lead_evaluator(actor)
    _check_rules(
        kind=kind,
        term_start=term_start,
        term_end=term_end,
        direct_award_allowed=direct_award_allowed,
        admits_by_windows=admits_by_windows,
    )
    with transaction.atomic():
        locked = PurchasingSystem.objects.select_for_update().get(pk=system.pk)
        before = snapshot(locked, SYSTEM_FIELDS)
        locked.name, locked.kind = name, kind
        locked.term_start, locked.term_end = term_start, term_end
        locked.direct_award_allowed, locked.admits_by_windows = (
            direct_award_allowed,
            admits_by_windows,
        )
        locked.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before=before,
            after=snapshot(locked, SYSTEM_FIELDS),
        )
    return locked


def lot_create(
    *,
    actor: Actor,
    system: PurchasingSystem,
    code: str,
    name: str,
    starts_on: datetime.date,
    is_residential: bool = False,
    description: str = "",
) -> Lot:
    """A new lot, which may start at any date within the term (lots are added during the term)."""
    require_lead_evaluator(actor)
    code = code.strip()
    fields: dict[str, str] = {}
    if not code:
        fields["code"] = "Enter the lot's code."
    elif Lot.objects.filter(purchasing_system=system, code__iexact=code).exists():
        fields["code"] = f"Lot {code} already exists on this system."
    if not name.strip():
        fields["name"] = "Enter the lot's name."
    if not (system.term_start <= starts_on <= system.term_end):
        fields["starts_on"] = (
            f"The lot must start within the term, {govuk_date(system.term_start)} to "
            f"{govuk_date(system.term_end)}."
        )
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        last = Lot.objects.filter(purchasing_system=system).order_by("-display_order").first()
        lot = Lot.objects.create(
            purchasing_system=system,
            code=code,
            name=name.strip(),
            starts_on=starts_on,
            is_residential=is_residential,
            description=description,
            display_order=(last.display_order + 1) if last else 1,
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=lot,
            after=snapshot(lot, ["code", "name", "starts_on", "is_residential"]),
        )
    return lot
