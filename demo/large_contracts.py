"""The large data set's Orders and Individual Placement Agreements (issue 12): 20,000 agreements
with their versions, signatures, fee history, annual uplifts and ends, for the placements list
and API at the size the region will have (`make bench`, `make demo-large`).

Synthetic scale data, written with bulk_create in batches, not through the services: the
services would take an hour for what this writes in well under a minute, and what is measured is
the reading of the rows, not their making. The demo's own agreements (demo/contracts.py) are made
through the services. Each row carries what the services would leave: an Order numbered from the
authority's sequence (and the sequence moved on, so a real award takes the next number), the
terms of every version as `contracts.terms.Terms` JSON with its SHA-256, two signatures on each
signed version (the provider's, then the authority's head of service), one fee period per signed
version, an agreed price uplift variation for each year a placement has run (up to three), and a
`PlacementEnd` for each ended placement (a planned end at its end date, or a breakdown).

Built on the large set's newest complete awards (demo.large_referrals), deterministic (one
seeded generator, dates measured from the build's day). Left out to keep the build quick: the
PDFs (the beat's sweep, `contracts.render_missing_pdfs`, renders them in the background, 200 of
each kind every ten minutes, when a worker runs) and the notifications the signing would send.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementState,
    AgreementVersion,
    EndKind,
    FeePeriod,
    Order,
    OrderSequence,
    Party,
    PlacementEnd,
    Signature,
    Variation,
    VersionState,
)
from contracts.terms import Signatory, Terms
from contracts.weekly_cost import Period, cost_in_force
from demo.guard import require_demo_data_allowed
from demo.large_contracts_rows import (
    Rows,
    at_hour,
    placement_ended,
    sha256_of,
    signature_row,
    uplift_proposed,
    uplifts_agreed,
    version_row,
)
from demo.large_contracts_terms import TermsMaker
from demo.large_referrals.places import BATCH
from fps_portal.accounts.models import Membership, Organisation, Role, User
from referrals.models import Award, AwardState, Route

DAY = datetime.timedelta(days=1)
#: A provider's signatory in the large set (no usable password: nobody signs in as them).
SIGNATORY_EMAIL = "large.signatory@provider-{id}.example"


def large_contracts_exist() -> bool:
    return Order.objects.filter(referral__created_by__email__startswith="large.").exists()


def _signatories(provider_ids: set[int]) -> dict[int, User]:
    """One signatory per provider with an agreement, made once."""
    emails = {pk: SIGNATORY_EMAIL.format(id=pk) for pk in provider_ids}
    known = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    made: dict[int, User] = {}
    for pk, email in emails.items():
        if email not in known:
            user = User(email=email, full_name=f"Large Signatory {pk}")
            user.set_unusable_password()
            made[pk] = user
    User.objects.bulk_create(made.values(), batch_size=BATCH)
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation_id=pk, role=Role.PROVIDER_USER)
            for pk, user in made.items()
        ],
        batch_size=BATCH,
    )
    return {pk: made.get(pk) or known[email] for pk, email in emails.items()}


def _staff(authority_ids: set[int]) -> dict[int, dict[str, User]]:
    """The large set's commissioner and head of service at each authority (large_referrals)."""
    staff: dict[int, dict[str, User]] = defaultdict(dict)
    memberships = Membership.objects.filter(
        organisation_id__in=authority_ids, user__email__startswith="large."
    ).select_related("user")
    for m in memberships:
        staff[m.organisation_id][m.user.email.split("@")[0].removeprefix("large.")] = m.user
    return staff


@transaction.atomic
def build_large_contracts(*, agreements: int = 20_000, seed: int = 2026) -> dict[str, int]:
    """Orders and agreements for the newest `agreements` complete awards of the large set's
    referrals, unless they are there already; returns what it created."""
    require_demo_data_allowed()
    if large_contracts_exist():
        return {"agreements": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    awards = list(
        Award.objects.filter(
            state=AwardState.COMPLETE,
            referral__created_by__email__startswith="large.",
            order__isnull=True,
        )
        .select_related("referral__lot", "referral__child", "referral__authority", "setting")
        .order_by("-completed_at", "-pk")[:agreements]
    )
    awards.reverse()  # numbered oldest first, as they were made
    provider_ids = {a.provider_id for a in awards if a.provider_id}
    authority_ids = {a.referral.authority_id for a in awards}
    organisations = Organisation.objects.in_bulk(provider_ids | authority_ids)
    signatories = _signatories(provider_ids)
    staff = _staff(authority_ids)
    numbers = dict(
        OrderSequence.objects.filter(authority_id__in=authority_ids).values_list(
            "authority_id", "last_number"
        )
    )
    terms_for = TermsMaker(organisations)
    rows = Rows()
    # The first awards yet to start take each state before signing, so that even a small build
    # (a test's) has every state whatever today's date leaves in the future; the rest are rolled.
    first_to_start: list[str] = [
        AgreementState.PROVIDER_SIGNED,
        AgreementState.ISSUED,
        AgreementState.DRAFT,
    ]
    for award in awards:
        referral = award.referral
        authority_id = referral.authority_id
        numbers[authority_id] = numbers.get(authority_id, 0) + 1
        prefix = referral.reference.split("-", 1)[0]
        number = f"{prefix}-ORD-{award.start_date.year}-{numbers[authority_id]:04d}"
        _placement(
            rows,
            rng,
            today,
            award=award,
            number=number,
            terms=_signed_by(terms_for(award, number), staff[authority_id], award.provider_id),
            people=staff[authority_id],
            provider_signatory=signatories.get(award.provider_id or 0),
            first_to_start=first_to_start,
        )
    _weekly_costs(rows, today)
    _write(rows)
    sequences = [OrderSequence(authority_id=pk, last_number=n) for pk, n in numbers.items()]
    OrderSequence.objects.bulk_create(
        sequences,
        update_conflicts=True,
        unique_fields=["authority"],
        update_fields=["last_number"],
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "orders": len(rows.orders),
        "agreements": len(rows.agreements),
        "versions": len(rows.versions),
        "signatures": len(rows.signatures),
        "fee_periods": len(rows.fee_periods),
        "variations": len(rows.variations),
        "ends": len(rows.ends),
    }


def _signed_by(terms: Terms, people: dict[str, User], provider_id: int | None) -> Terms:
    """The terms name the people whose signatures the build records."""
    provider = f"Large Signatory {provider_id}" if provider_id else ""
    return terms.with_changes(
        signatories=(
            Signatory("authority", people["headofservice"].full_name, "Head of Service"),
            Signatory("provider", provider, "Business Manager" if provider else ""),
        )
    )


def _state_for(
    rng: random.Random, award: Award, today: datetime.date, first_to_start: list[str]
) -> tuple[str, datetime.date | None, str]:
    """The agreement's state, its last day if it has ended (or will, recorded), and how; an
    award yet to start takes the next of `first_to_start` while any is left."""
    start, end = award.start_date, award.end_date
    if award.provider_id is None:  # a spot purchase outside the portal: its provider cannot sign
        return AgreementState.DRAFT, None, ""
    if start > today and first_to_start:
        return first_to_start.pop(0), None, ""
    if start > today:
        roll = rng.random()
        if roll < 0.08:
            return AgreementState.DRAFT, None, ""
        if roll < 0.16:
            return AgreementState.ISSUED, None, ""
        if roll < 0.24:
            return AgreementState.PROVIDER_SIGNED, None, ""
        return AgreementState.SIGNED, None, ""
    ran = (min(end, today) - start).days if end else (today - start).days
    if rng.random() < 0.12 and ran > 30:  # a breakdown before the planned end
        last_day = start + rng.randint(20, ran - 1) * DAY
        return AgreementState.ENDED, last_day, EndKind.BREAKDOWN
    if end is not None and end < today:
        return AgreementState.ENDED, end, EndKind.PLANNED
    if rng.random() < 0.03:  # started before its paperwork was signed
        return AgreementState.ISSUED, None, ""
    return AgreementState.ACTIVE, None, ""


def _placement(
    rows: Rows,
    rng: random.Random,
    today: datetime.date,
    *,
    award: Award,
    number: str,
    terms: Any,
    people: dict[str, User],
    provider_signatory: User | None,
    first_to_start: list[str],
) -> None:
    referral = award.referral
    made_at = award.completed_at or at_hour(award.start_date, 9)
    commissioner, head = people["placements"], people["headofservice"]
    state, last_day, end_kind = _state_for(rng, award, today, first_to_start)
    order = Order(
        authority_id=referral.authority_id,
        number=number,
        award=award,
        referral=referral,
        route=referral.route,
        provider_id=award.provider_id,
        setting_id=award.setting_id,
        provider_name=terms.provider.name,
        setting_name=terms.provision.setting_name,
        under_fps_agreement=referral.route != Route.SPOT_PURCHASE,
        places=referral.places,
        weekly_price=award.agreed_weekly_price,
        weeks_per_year=award.weeks_per_year,
        start_date=award.start_date,
        end_date=award.end_date,
        issued_at=made_at,
        issued_by=commissioner,
    )
    agreement = Agreement(
        order=order,
        reference=f"{number}-IPA",
        authority_id=referral.authority_id,
        provider_id=award.provider_id,
        setting_id=award.setting_id,
        referral=referral,
        child=referral.child,
        state=state,
        weekly_fee=award.agreed_weekly_price,
        weekly_services=terms.weekly_services,
        weeks_per_year=award.weeks_per_year,
        start_date=award.start_date,
        end_date=award.end_date,
        authority_signatory=head,
        created_at=made_at,
    )
    rows.orders.append(order)
    rows.agreements.append(agreement)
    data = terms.to_json()  # once: each later version changes only its fee
    issued_at = made_at + 2 * DAY
    if state == AgreementState.DRAFT:
        version = version_row(agreement, 1, data, award.start_date, made_at, commissioner)
        rows.versions.append(version)
        agreement.current_version = version
        return
    agreement.issued_at, agreement.issued_by = issued_at, commissioner
    version = version_row(agreement, 1, data, award.start_date, made_at, commissioner)
    version.issued_at, version.issued_by = issued_at, commissioner
    version.content_sha256 = sha256_of(data)
    rows.versions.append(version)
    agreement.current_version = version
    if state == AgreementState.ISSUED:
        version.state = VersionState.ISSUED
        return
    assert provider_signatory is not None
    provider_signed = issued_at + rng.randint(1, 6) * DAY
    signature_row(
        rows, version, Party.PROVIDER, provider_signatory, terms.provider.name, provider_signed
    )
    version.provider_signed_at = agreement.provider_signed_at = provider_signed
    if state == AgreementState.PROVIDER_SIGNED:
        version.state = VersionState.PROVIDER_SIGNED
        return
    signed = provider_signed + rng.randint(1, 4) * DAY
    signature_row(rows, version, Party.AUTHORITY, head, terms.authority.name, signed)
    version.state, version.signed_at = VersionState.SIGNED, signed
    agreement.signed_at = signed
    period = FeePeriod(
        agreement=agreement,
        version=version,
        weekly_fee=terms.core_weekly_fee,
        weekly_services=terms.weekly_services,
        starts=award.start_date,
    )
    rows.fee_periods.append(period)
    if state == AgreementState.SIGNED:
        return
    agreement.activated_at = max(signed, at_hour(award.start_date, 6))
    running_until = last_day or today
    data, fee = uplifts_agreed(
        rows, rng, agreement, terms, data, period, running_until, provider_signatory, head
    )
    if state == AgreementState.ACTIVE and rng.random() < 0.05:
        uplift_proposed(rows, rng, agreement, data, fee, today, provider_signatory)
    if state == AgreementState.ENDED:
        assert last_day is not None
        placement_ended(rows, rng, agreement, end_kind, last_day, terms.notice_weeks, commissioner)


def _weekly_costs(rows: Rows, today: datetime.date) -> None:
    """Each agreement's weekly cost in force today on its row, as the services keep it
    (`contracts.weekly_cost`): from its fee periods, in the order they were made."""
    periods: dict[int, list[Period]] = defaultdict(list)
    for period in rows.fee_periods:
        periods[id(period.agreement)].append(
            Period(period.starts, period.weekly_fee, period.weekly_services)
        )
    for agreement in rows.agreements:
        cost = cost_in_force(
            periods.get(id(agreement), []), agreement.weekly_fee + agreement.weekly_services, today
        )
        agreement.weekly_cost_per_place_now = cost.per_place
        agreement.weekly_cost_now = cost.per_place * agreement.order.places
        agreement.weekly_cost_from, agreement.weekly_cost_until = cost.valid_from, cost.valid_until


def _write(rows: Rows) -> None:
    """bulk_create takes each parent's id once it is written (`_prepare_related_fields_for_save`);
    the agreement's current version is set after its versions exist."""
    Order.objects.bulk_create(rows.orders, batch_size=BATCH)
    current = [(a, a.current_version) for a in rows.agreements]
    for agreement in rows.agreements:
        agreement.current_version = None
    Agreement.objects.bulk_create(rows.agreements, batch_size=BATCH)
    AgreementVersion.objects.bulk_create(rows.versions, batch_size=BATCH)
    for agreement, version in current:
        agreement.current_version = version
    Agreement.objects.bulk_update(rows.agreements, ["current_version"], batch_size=BATCH)
    Signature.objects.bulk_create(rows.signatures, batch_size=BATCH)
    FeePeriod.objects.bulk_create(rows.fee_periods, batch_size=BATCH)
    Variation.objects.bulk_create(rows.variations, batch_size=BATCH)
    PlacementEnd.objects.bulk_create(rows.ends, batch_size=BATCH)
