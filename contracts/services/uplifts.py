"""Regional uplifts (issue 12): the lead authority publishes an uplift for the region (the year's
inflation award, say); a provider applies it to many of its agreements at once, each becoming a
price uplift variation that its own placing authority still signs.

Applying is all-or-nothing: if any agreement chosen cannot take the uplift (another version is
being signed, it started after the uplift took effect, it has it already), nothing is made and
the provider is told which and why, so it can apply to the rest. A half-applied batch would leave
the business manager to work out which agreements have it; the page lists only those that can
take it, so a refusal is rare (another person's change in between) and easy to act on.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse

from contracts.models import (
    Agreement,
    AgreementState,
    RegionalUplift,
    Variation,
    VariationState,
)
from contracts.services.signing_rules import OPEN_STATES, is_provider_party
from contracts.services.variation_rules import MAX_PERCENT
from contracts.services.variations import variation_propose_uplift
from fps_portal.accounts.recipients import registered_provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import DomainError, InvalidInput, NotAllowed
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from providers.models import PurchasingSystem

PUBLISHED = "notifications/contracts_regional_uplift_published"
TITLE_MISSING = "Enter a title for the uplift, for example Annual uplift 2027 to 2028."
TITLE_TAKEN = "An uplift with this title has already been published."
PERCENT_RANGE = "The uplift must be more than 0% and no more than 50%."
EFFECTIVE_MISSING = "Enter the date the uplift takes effect."
REASON_MISSING = "Enter the reason for the uplift."
NONE_CHOSEN = "Select at least one agreement to apply the uplift to."
ALREADY_APPLIED = "The uplift has already been applied to this agreement."
FIELD_PREFIX = "agreement_"


@transaction.atomic
def regional_uplift_publish(
    *,
    actor: Actor,
    purchasing_system: PurchasingSystem,
    title: str,
    percent: Decimal | None,
    effective_from: datetime.date | None,
    reason: str,
) -> RegionalUplift:
    """The lead authority publishes an uplift; every provider's users hear of it."""
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can publish a regional uplift.")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = TITLE_MISSING
    elif (
        dangerously_unscoped(RegionalUplift)
        .filter(purchasing_system_id=purchasing_system.pk, title__iexact=title.strip())
        .exists()
    ):
        errors["title"] = TITLE_TAKEN
    if percent is None or not Decimal("0") < percent <= MAX_PERCENT:
        errors["percent"] = PERCENT_RANGE
    if effective_from is None:
        errors["effective_from"] = EFFECTIVE_MISSING
    if not reason.strip():
        errors["reason"] = REASON_MISSING
    if errors:
        raise InvalidInput.on_fields(errors)
    assert percent is not None and effective_from is not None
    uplift = RegionalUplift.objects.create(
        purchasing_system=purchasing_system,
        title=title.strip(),
        percent=percent,
        effective_from=effective_from,
        reason=reason.strip(),
        published_by=actor.user,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=uplift,
        after={
            "title": uplift.title,
            "percent": str(percent),
            "effective_from": effective_from.isoformat(),
        },
        reason=uplift.reason,
    )
    notify(
        recipients=registered_provider_users(),
        event_key=f"contracts.regional_uplift.{uplift.pk}.published",
        template=PUBLISHED,
        context={"uplift": uplift},
        url=reverse("contracts:regional-uplift-apply", args=[uplift.pk]),
    )
    return uplift


def _applied(uplift: RegionalUplift) -> QuerySet[Variation]:
    return (
        dangerously_unscoped(Variation)
        .filter(regional_uplift_id=uplift.pk)
        .exclude(state__in=[VariationState.REFUSED, VariationState.WITHDRAWN])
    )


def applicable_agreements(actor: Actor, uplift: RegionalUplift) -> QuerySet[Agreement]:
    """The provider's signed or active agreements under the uplift's purchasing system that can
    take it now: started on or before it takes effect, no version being signed, not applied."""
    if not actor.is_provider:
        return dangerously_unscoped(Agreement).none()
    applied = _applied(uplift)
    return (
        dangerously_unscoped(Agreement)
        .filter(
            provider_id=actor.organisation_id,
            state__in=[AgreementState.SIGNED, AgreementState.ACTIVE],
            referral__purchasing_system_id=uplift.purchasing_system_id,
            start_date__lte=uplift.effective_from,
        )
        .exclude(end_date__lt=uplift.effective_from)
        .exclude(versions__state__in=OPEN_STATES)
        .exclude(pk__in=applied.values("agreement_id"))
        .select_related("order", "setting")
        .order_by("reference", "pk")
    )


@transaction.atomic
def regional_uplift_apply(
    *, actor: Actor, uplift: RegionalUplift, agreements: Sequence[Agreement]
) -> list[Variation]:
    """One price uplift variation per agreement, each awaiting the provider's signature and then
    its authority's. All or nothing: errors are keyed `agreement_<id>`."""
    if not actor.is_provider:
        raise NotAllowed("Only providers apply a regional uplift to their agreements.")
    if not agreements:
        raise InvalidInput.on_fields({"agreements": NONE_CHOSEN})
    made: list[Variation] = []
    errors: dict[str, str] = {}
    reason = f"{uplift.title}: {uplift.reason}"
    for agreement in agreements:
        key = f"{FIELD_PREFIX}{agreement.pk}"
        if not is_provider_party(actor, agreement):
            errors[key] = "This is not one of your agreements."
            continue
        if agreement.referral.purchasing_system_id != uplift.purchasing_system_id:
            errors[key] = "This agreement is not under the purchasing system of the uplift."
            continue
        if _applied(uplift).filter(agreement_id=agreement.pk).exists():
            errors[key] = f"{agreement.reference}: {ALREADY_APPLIED}"
            continue
        try:
            with transaction.atomic():
                made.append(
                    variation_propose_uplift(
                        actor=actor,
                        agreement=agreement,
                        percent=uplift.percent,
                        new_weekly_fee=None,
                        effective_from=uplift.effective_from,
                        reason=reason,
                        regional_uplift=uplift,
                    )
                )
        except IntegrityError:  # applied by someone else in between
            errors[key] = f"{agreement.reference}: {ALREADY_APPLIED}"
        except DomainError as exc:
            messages = [m for found in exc.fields.values() for m in found] or [exc.message]
            errors[key] = f"{agreement.reference}: {' '.join(messages)}"
    if errors:
        first = next(iter(errors.values()))
        raise InvalidInput(
            f"The uplift was not applied to any agreement. {first}",
            fields=errors,
        )
    return made
