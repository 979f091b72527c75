"""The rows of one large-set agreement beyond its first version (demo/large_contracts.py): the
versions and signatures, each year's agreed price uplift with its fee period, an uplift still
being signed, and the end of a placement, as the services would have left them."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from contracts.models import (
    Agreement,
    AgreementVersion,
    BreakdownReason,
    EndKind,
    EndRequestedBy,
    FeePeriod,
    Order,
    Party,
    PlacementEnd,
    Signature,
    Variation,
    VariationKind,
    VariationState,
    VersionState,
)
from fps_portal.accounts.models import User

DAY = datetime.timedelta(days=1)
UPLIFT_PERCENTS = (Decimal("2.50"), Decimal("3.00"), Decimal("3.50"), Decimal("4.00"))
MAX_UPLIFTS = 3
BREAKDOWNS = [r for r in BreakdownReason.values if r != BreakdownReason.OTHER]


@dataclass
class Rows:
    """Everything the build writes, parents first (bulk_create sets each row's id)."""

    orders: list[Order] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    versions: list[AgreementVersion] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    fee_periods: list[FeePeriod] = field(default_factory=list)
    variations: list[Variation] = field(default_factory=list)
    ends: list[PlacementEnd] = field(default_factory=list)


def at_hour(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def sha256_of(data: dict[str, Any]) -> str:
    """`Terms.content_sha256()` of the terms whose JSON this is, without rebuilding them (the
    build's costliest step otherwise): the same canonical form, so the same hash."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def with_fee(data: dict[str, Any], fee: Decimal) -> dict[str, Any]:
    """The terms' JSON with another weekly core fee (how `Terms.to_json` writes a Decimal)."""
    return {**data, "core_weekly_fee": str(fee)}


def version_row(
    agreement: Agreement,
    number: int,
    data: dict[str, Any],
    effective_from: datetime.date,
    at: datetime.datetime,
    by: User,
) -> AgreementVersion:
    return AgreementVersion(
        agreement=agreement,
        number=number,
        terms=data,
        reason="The agreement as first drawn up from the award."
        if number == 1
        else "Price uplift: the annual uplift.",
        effective_from=effective_from,
        created_at=at,
        created_by=by,
    )


def signature_row(
    rows: Rows, version: AgreementVersion, party: str, user: User, organisation: str, at: Any
) -> None:
    rows.signatures.append(
        Signature(
            version=version,
            party=party,
            user=user,
            name=user.full_name,
            position="Business Manager" if party == Party.PROVIDER else "Head of Service",
            organisation_name=organisation,
            content_sha256=version.content_sha256,
            signed_at=at,
        )
    )


def uplifts_agreed(
    rows: Rows,
    rng: random.Random,
    agreement: Agreement,
    terms: Any,
    data: dict[str, Any],
    period: FeePeriod,
    running_until: datetime.date,
    provider_signatory: User,
    head: User,
) -> tuple[dict[str, Any], Decimal]:
    """An agreed price uplift from each anniversary the placement has reached (up to three),
    proposed by the provider a month before, each its own signed version and fee period; the
    terms' JSON and the fee in force after them."""
    fee = terms.core_weekly_fee
    for year in range(1, MAX_UPLIFTS + 1):
        effective = agreement.start_date + year * 365 * DAY
        if effective > running_until or (agreement.end_date and effective > agreement.end_date):
            break
        percent = rng.choice(UPLIFT_PERCENTS)
        fee = (fee * (100 + percent) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        data = with_fee(data, fee)
        proposed = at_hour(effective - 30 * DAY, 10)
        version = version_row(agreement, year + 1, data, effective, proposed, provider_signatory)
        version.issued_at, version.issued_by = proposed, provider_signatory
        version.content_sha256 = sha256_of(data)
        provider_signed, signed = proposed + DAY, proposed + rng.randint(3, 20) * DAY
        version.state = VersionState.SIGNED
        version.provider_signed_at, version.signed_at = provider_signed, signed
        rows.versions.append(version)
        signature_row(
            rows, version, Party.PROVIDER, provider_signatory, terms.provider.name, provider_signed
        )
        signature_row(rows, version, Party.AUTHORITY, head, terms.authority.name, signed)
        rows.variations.append(
            Variation(
                agreement=agreement,
                kind=VariationKind.PRICE_UPLIFT,
                state=VariationState.AGREED,
                version=version,
                reason="The annual uplift.",
                effective_from=effective,
                uplift_percent=percent,
                new_weekly_fee=fee,
                proposed_by_party=Party.PROVIDER,
                proposed_at=proposed,
                proposed_by=provider_signatory,
                agreed_at=signed,
            )
        )
        period.until = effective - DAY
        period = FeePeriod(
            agreement=agreement,
            version=version,
            weekly_fee=fee,
            weekly_services=terms.weekly_services,
            starts=effective,
        )
        rows.fee_periods.append(period)
        agreement.current_version, agreement.weekly_fee = version, fee
    return data, fee


def uplift_proposed(
    rows: Rows,
    rng: random.Random,
    agreement: Agreement,
    data: dict[str, Any],
    fee_in_force: Decimal,
    today: datetime.date,
    provider_signatory: User,
) -> None:
    """The provider has proposed this year's uplift from the next anniversary: its version
    awaits the provider's own signature, then the authority's."""
    years = (today - agreement.start_date).days // 365 + 1
    effective = agreement.start_date + years * 365 * DAY
    if agreement.end_date and effective > agreement.end_date:
        return
    assert agreement.current_version is not None  # the latest signed version
    number = agreement.current_version.number
    percent = rng.choice(UPLIFT_PERCENTS)
    fee = (fee_in_force * (100 + percent) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    proposed_terms = with_fee(data, fee)
    proposed = at_hour(today - rng.randint(1, 10) * DAY, 10)
    version = version_row(
        agreement, number + 1, proposed_terms, effective, proposed, provider_signatory
    )
    version.state = VersionState.ISSUED
    version.issued_at, version.issued_by = proposed, provider_signatory
    version.content_sha256 = sha256_of(proposed_terms)
    rows.versions.append(version)
    rows.variations.append(
        Variation(
            agreement=agreement,
            kind=VariationKind.PRICE_UPLIFT,
            version=version,
            reason="The annual uplift.",
            effective_from=effective,
            uplift_percent=percent,
            new_weekly_fee=fee,
            proposed_by_party=Party.PROVIDER,
            proposed_at=proposed,
            proposed_by=provider_signatory,
        )
    )


def placement_ended(
    rows: Rows,
    rng: random.Random,
    agreement: Agreement,
    kind: str,
    last_day: datetime.date,
    notice_weeks: int,
    commissioner: User,
) -> None:
    breakdown = kind == EndKind.BREAKDOWN
    notice = last_day - (rng.randint(0, 21) if breakdown else notice_weeks * 7) * DAY
    rows.ends.append(
        PlacementEnd(
            agreement=agreement,
            kind=kind,
            reason=rng.choice(BREAKDOWNS) if breakdown else "",
            details="The placement broke down; the child moved on."
            if breakdown
            else "The placement ended on its planned end date.",
            requested_by=rng.choice(EndRequestedBy.values) if breakdown else "authority",
            notice_given_on=max(notice, agreement.start_date),
            last_day=last_day,
            recorded_at=at_hour(max(notice, agreement.start_date), 11),
            recorded_by=commissioner,
        )
    )
    agreement.ended_at, agreement.ended_by = at_hour(last_day + DAY, 1), None
