"""An award becomes an Order and an Individual Placement Agreement (issue 12).

`order_for_award` runs inside the award's own transaction: `award_complete` in
`referrals.services.awards` calls each handler named in `settings.AWARD_COMPLETED_HANDLERS`
(ADR 0017), and this is the one there. `referrals` cannot import `contracts` (the layers), and a
Django signal would hide who acts on an award; a named setting keeps the call explicit and in the
same transaction, so an award never stands without its Order. Called twice for one award it
returns the Order it made.
"""

from __future__ import annotations

from django.db import transaction

from contracts.models import Agreement, AgreementVersion, Order, OrderSequence
from contracts.services.draft_terms import initial_terms
from contracts.services.rendering import pdf_requested
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.scoping import dangerously_unscoped
from referrals.models import Award, AwardState, ReferralKind, Route

ORDER_FIELDS = [
    "number",
    "route",
    "provider_name",
    "setting_name",
    "under_fps_agreement",
    "places",
    "weekly_price",
    "start_date",
    "end_date",
]


def next_order_number(authority_id: int, prefix: str, year: int) -> str:
    """The authority's next Order number, e.g. SEF-ORD-2026-0007; the row lock on the sequence
    makes two awards at once take two numbers."""
    sequence, _ = OrderSequence.objects.get_or_create(authority_id=authority_id)
    sequence = OrderSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-ORD-{year}-{sequence.last_number:04d}"


@transaction.atomic
def order_for_award(*, award: Award, actor: Actor | None) -> Order:
    existing = dangerously_unscoped(Order).filter(award_id=award.pk).first()
    if existing is not None:
        return existing
    assert award.state == AwardState.COMPLETE, "only a complete award makes an Order"
    award = (
        dangerously_unscoped(Award)
        .select_related(
            "referral__authority",
            "referral__child",
            "referral__lot",
            "referral__route_case",
            "provider",
            "setting",
        )
        .get(pk=award.pk)
    )
    referral = award.referral
    authority = referral.authority
    case = getattr(referral, "route_case", None)
    provider_name = (
        award.provider.name if award.provider else getattr(case, "outside_provider_name", "")
    )
    setting_name = (
        award.setting.name if award.setting else getattr(case, "outside_setting_name", "")
    )
    user = actor.user if actor is not None and actor.user.pk else None
    order = Order.objects.create(
        authority=authority,
        number=next_order_number(authority.pk, _prefix(referral), award.start_date.year),
        award=award,
        referral=referral,
        route=referral.route,
        provider=award.provider,
        setting=award.setting,
        provider_name=provider_name,
        setting_name=setting_name,
        under_fps_agreement=referral.route != Route.SPOT_PURCHASE,
        places=referral.places,
        weekly_price=award.agreed_weekly_price,
        weeks_per_year=award.weeks_per_year,
        start_date=award.start_date,
        end_date=award.end_date,
        issued_by=user,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=order,
        after=snapshot(order, ORDER_FIELDS),
        reason=f"Made from the award for referral {referral.reference}.",
    )
    agreement = Agreement.objects.create(
        order=order,
        reference=f"{order.number}-IPA",
        authority=authority,
        provider=award.provider,
        setting=award.setting,
        referral=referral,
        child=referral.child if referral.kind == ReferralKind.INDIVIDUAL else None,
        weekly_fee=award.agreed_weekly_price,
        weeks_per_year=award.weeks_per_year,
        start_date=award.start_date,
        end_date=award.end_date,
    )
    terms = initial_terms(order=order, agreement=agreement, award=award)
    agreement.weekly_services = terms.weekly_services
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        terms=terms.to_json(),
        reason="The agreement as first drawn up from the award.",
        effective_from=award.start_date,
        created_by=user,
    )
    agreement.current_version = version
    # No fee period until both sign: the cost in force is the fee of its terms, on any day.
    agreement.weekly_cost_per_place_now = agreement.weekly_fee + agreement.weekly_services
    agreement.weekly_cost_now = agreement.weekly_cost_per_place_now * order.places
    agreement.save(
        update_fields=[
            "weekly_services",
            "current_version",
            "weekly_cost_per_place_now",
            "weekly_cost_now",
        ]
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=agreement,
        after={"reference": agreement.reference, "version": 1},
        reason="Drafted from the award; the commissioner completes and issues it.",
    )
    pdf_requested(order=order)
    return order


def _prefix(referral: object) -> str:
    reference = getattr(referral, "reference", "") or ""
    return reference.split("-", 1)[0] or "ORD"
