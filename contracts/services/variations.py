"""Variations of a signed IPA (issue 12): a price uplift, a change of provision, a change of end
date, proposed by either party and agreed when both sign the version holding the change.

Proposing makes a new version of the agreement (`version_new(issue=True)`) holding the changed
terms, issued at once for both parties to sign: the provider first, then the authority's named
signatory (`version_sign`); the countersignature brings it into force (`_comes_into_force`: the
terms in force, the fee history, the variation agreed). Until then the other party may refuse it
(with a reason) and the proposing party may withdraw it; either withdraws the version, and the
version in force stays as it was. Only one version is open at a time, so a form sent twice makes
one variation and the second answers 409.

Checks run in the order the API answers them: who (403), the agreement's state (409), then the
input (400, nothing written).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    Agreement,
    Party,
    RegionalUplift,
    Variation,
    VariationKind,
)
from contracts.services.recipients import other_party_users
from contracts.services.variation_rules import (
    MAX_PERCENT,
    NOT_A_PARTY,
    fee_in_force,
    party_of,
    terms_in_force,
    uplifted_fee,
    variation_blocker,
)
from contracts.services.versions import version_new
from contracts.terms import FundingShare, Provision, ServiceLine, Terms, problems
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.transitions import lock

REASON_MISSING = "Enter the reason for the variation."
EFFECTIVE_MISSING = "Enter the date the variation takes effect."
UPLIFT_MISSING = "Enter the uplift as a percentage or as a new weekly fee."
UPLIFT_BOTH = "Enter a percentage or a new weekly fee, not both."
PERCENT_RANGE = "The uplift must be more than 0% and no more than 50%."
FEE_NOT_POSITIVE = "The new weekly fee must be more than £0."
SUMMARY_MISSING = "Describe what changes in the provision."
NOTHING_CHANGED = "Nothing has changed: these are the terms in force."
END_DATE_MISSING = "Enter the new end date."


@dataclass(frozen=True)
class ProvisionChange:
    """A change of provision: the types and weeks, what is delivered, the additional services
    and who pays, as they will be from the effective date."""

    education: bool
    residential_care: bool
    health_and_therapies: bool
    weeks_per_year: int
    description: str
    services: tuple[ServiceLine, ...]
    funding: tuple[FundingShare, ...]
    summary: str


def _check_may_propose(actor: Actor, agreement: Agreement) -> str:
    party = party_of(actor, agreement)
    if party is None:
        raise NotAllowed(NOT_A_PARTY)
    blocker = variation_blocker(actor, agreement)
    if blocker:
        raise WrongState(blocker)
    return party


def _effective_problem(
    agreement: Agreement, effective_from: datetime.date | None, *, end: datetime.date | None
) -> str:
    if effective_from is None:
        return EFFECTIVE_MISSING
    if effective_from < agreement.start_date:
        return (
            "The date it takes effect must be on or after the start of the placement, "
            f"{govuk_date(agreement.start_date)}."
        )
    period = fee_in_force(agreement)
    if period is not None and effective_from < period.starts:
        return (
            f"The date it takes effect must be on or after {govuk_date(period.starts)}, when "
            "the terms in force began."
        )
    if end is not None and effective_from > end:
        return (
            "The date it takes effect must be on or before the end of the placement, "
            f"{govuk_date(end)}."
        )
    return ""


def _propose(
    *,
    actor: Actor,
    agreement: Agreement,
    party: str,
    kind: str,
    terms: Terms,
    effective_from: datetime.date,
    reason: str,
    fields: dict[str, Any],
    described: str,
) -> Variation:
    version = version_new(
        actor=actor,
        agreement=agreement,
        terms=terms,
        reason=f"{described}: {reason}",
        effective_from=effective_from,
        issue=True,
    )
    variation = Variation.objects.create(
        agreement=agreement,
        kind=kind,
        version=version,
        reason=reason,
        effective_from=effective_from,
        proposed_by_party=party,
        proposed_by=actor.user,
        **fields,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=variation,
        after={
            "kind": kind,
            "version": version.number,
            "effective_from": effective_from.isoformat(),
            "proposed_by_party": party,
            **{k: (str(v) if v is not None else None) for k, v in fields.items()},
        },
        reason=reason,
    )
    tell_other_party(variation, party, PROPOSED, described)
    return variation


PROPOSED = "notifications/contracts_variation_proposed"
REFUSED = "notifications/contracts_variation_refused"
WITHDRAWN = "notifications/contracts_variation_withdrawn"


def tell_other_party(variation: Variation, party: str, template: str, described: str) -> None:
    """The other party hears of it; the words name the agreement and setting, never the child."""
    agreement = variation.agreement
    notify(
        recipients=other_party_users(agreement, party),
        event_key=f"contracts.variation.{variation.pk}.{template.rsplit('_', 1)[-1]}",
        template=template,
        context={
            "variation": variation,
            "agreement": agreement,
            "described": described,
            "by_authority": party == Party.AUTHORITY,
        },
        url=reverse("contracts:agreement", args=[agreement.pk]),
    )


@transaction.atomic
def variation_propose_uplift(
    *,
    actor: Actor,
    agreement: Agreement,
    percent: Decimal | None,
    new_weekly_fee: Decimal | None,
    effective_from: datetime.date | None,
    reason: str,
    regional_uplift: RegionalUplift | None = None,
) -> Variation:
    """A price uplift of the weekly core fee: by a percentage (more than 0, at most 50) or to a
    new fee (more than the fee in force), from a date, with its reason. The additional services
    keep their rates (each is its own line, varied by a change of provision)."""
    agreement = lock(agreement)
    party = _check_may_propose(actor, agreement)
    terms = terms_in_force(agreement)
    errors: dict[str, str] = {}
    if percent is None and new_weekly_fee is None:
        errors["percent"] = UPLIFT_MISSING
    elif percent is not None and new_weekly_fee is not None:
        errors["percent"] = UPLIFT_BOTH
    elif percent is not None and not Decimal("0") < percent <= MAX_PERCENT:
        errors["percent"] = PERCENT_RANGE
    elif new_weekly_fee is not None and new_weekly_fee <= 0:
        errors["new_weekly_fee"] = FEE_NOT_POSITIVE
    elif new_weekly_fee is not None and new_weekly_fee <= terms.core_weekly_fee:
        errors["new_weekly_fee"] = (
            "An uplift raises the fee: the new weekly fee must be more than "
            f"£{terms.core_weekly_fee:,}, the fee in force."
        )
    effective = _effective_problem(agreement, effective_from, end=agreement.end_date)
    if effective:
        errors["effective_from"] = effective
    if not reason.strip():
        errors["reason"] = REASON_MISSING
    if errors:
        raise InvalidInput.on_fields(errors)
    assert effective_from is not None
    fee = uplifted_fee(terms.core_weekly_fee, percent) if percent is not None else new_weekly_fee
    assert fee is not None
    described = (
        f"Price uplift of {percent.normalize():f}%" if percent is not None else "Price uplift"
    ) + f" to £{fee:,} a week from {govuk_date(effective_from)}"
    return _propose(
        actor=actor,
        agreement=agreement,
        party=party,
        kind=VariationKind.PRICE_UPLIFT,
        terms=terms.with_changes(core_weekly_fee=fee),
        effective_from=effective_from,
        reason=reason.strip(),
        fields={
            "uplift_percent": percent,
            "new_weekly_fee": fee,
            "regional_uplift": regional_uplift,
        },
        described=described,
    )


def _services_problem(services: tuple[ServiceLine, ...]) -> str:
    for line in services:
        if not line.name.strip() or not line.unit.strip():
            return "Enter the name and the unit of each additional service."
        if line.rate < 0:
            return "The rate of each additional service must be £0 or more."
        if line.quantity <= 0:
            return "The quantity of each additional service must be more than 0."
    return ""


@transaction.atomic
def variation_propose_provision(
    *,
    actor: Actor,
    agreement: Agreement,
    change: ProvisionChange,
    effective_from: datetime.date | None,
    reason: str,
) -> Variation:
    """A change of provision: types of provision, weeks, what is delivered, additional services
    added, removed or changed, and who pays (the shares must still add up to the whole)."""
    agreement = lock(agreement)
    party = _check_may_propose(actor, agreement)
    terms = terms_in_force(agreement)
    provision = Provision(
        education=change.education,
        residential_care=change.residential_care,
        health_and_therapies=change.health_and_therapies,
        weeks_per_year=change.weeks_per_year,
        setting_name=terms.provision.setting_name,
        setting_urn=terms.provision.setting_urn,
        description=change.description.strip(),
    )
    changed = terms.with_changes(
        provision=provision, services=change.services, funding=change.funding
    )
    errors: dict[str, str] = {
        name: message
        for name, message in problems(changed).items()
        if name in {"provision", "weeks_per_year", "description", "funding"}
    }
    services = _services_problem(change.services)
    if services:
        errors["services"] = services
    if not change.summary.strip():
        errors["summary"] = SUMMARY_MISSING
    effective = _effective_problem(agreement, effective_from, end=agreement.end_date)
    if effective:
        errors["effective_from"] = effective
    if not reason.strip():
        errors["reason"] = REASON_MISSING
    if not errors and changed.content_sha256() == terms.content_sha256():
        errors["provision"] = NOTHING_CHANGED
    if errors:
        raise InvalidInput.on_fields(errors)
    assert effective_from is not None
    return _propose(
        actor=actor,
        agreement=agreement,
        party=party,
        kind=VariationKind.PROVISION_CHANGE,
        terms=changed,
        effective_from=effective_from,
        reason=reason.strip(),
        fields={"provision_summary": change.summary.strip()},
        described=f"Change of provision from {govuk_date(effective_from)}",
    )


@transaction.atomic
def variation_propose_end_date(
    *, actor: Actor, agreement: Agreement, new_end_date: datetime.date | None, reason: str
) -> Variation:
    """A change of end date (an extension, or an earlier planned end), effective from the day it
    is proposed (or the start of the terms in force, if later)."""
    agreement = lock(agreement)
    party = _check_may_propose(actor, agreement)
    if hasattr(agreement, "placement_end"):
        raise WrongState(
            "The end of this placement has been recorded: its end date can no longer change."
        )
    terms = terms_in_force(agreement)
    errors: dict[str, str] = {}
    if new_end_date is None:
        errors["new_end_date"] = END_DATE_MISSING
    elif new_end_date < agreement.start_date:
        errors["new_end_date"] = (
            f"The new end date must be on or after the start date, "
            f"{govuk_date(agreement.start_date)}."
        )
    elif new_end_date == terms.end_date:
        errors["new_end_date"] = "The new end date is the end date in force."
    if not reason.strip():
        errors["reason"] = REASON_MISSING
    if errors:
        raise InvalidInput.on_fields(errors)
    assert new_end_date is not None
    period = fee_in_force(agreement)
    effective_from = max(
        timezone.localdate(),
        agreement.start_date,
        period.starts if period else agreement.start_date,
    )
    return _propose(
        actor=actor,
        agreement=agreement,
        party=party,
        kind=VariationKind.END_DATE_CHANGE,
        terms=terms.with_changes(end_date=new_end_date),
        effective_from=effective_from,
        reason=reason.strip(),
        fields={"new_end_date": new_end_date},
        described=f"Change of end date to {govuk_date(new_end_date)}",
    )
