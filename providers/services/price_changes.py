"""A provider's change to an approved weekly price is a proposal the lead authority decides.

The approved price (`SettingLot.weekly_price` of an approved offer) was tendered and passed, and
every commissioner compares settings on it, so a change goes live only when the lead authority's
evaluators accept it. Until then commissioners see the approved price marked "change pending"
(`SettingLot.change_pending`, `Setting.price_change_pending`, kept here in the proposal's
transaction). A refusal needs a reason, which the provider is told. Prices not yet approved (a
draft, a tender under evaluation) are not proposals: `setting_set_price` changes them directly.

Lock order, as in `setting_set_price`: the setting, then the offer, then the change, so a
proposal, a decision and a direct price edit for the same setting queue rather than deadlock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped, scoped
from fps_portal.transitions import transition
from providers.models import (
    PRICE_CHANGE_TRANSITIONS,
    PriceChange,
    PriceChangeState,
    Setting,
    SettingLot,
)
from providers.services._common import lead_evaluators, provider_users
from providers.services.settings import require_setting_owner

DECISIONS = (PriceChangeState.ACCEPTED, PriceChangeState.REFUSED)
DECISION_MISSING = "Select whether to accept or refuse the price change."
REFUSAL_REASON_MISSING = "Enter why the price change is refused, so the provider can respond."
NOT_APPROVED = "This price is not approved yet, so it is changed directly, not proposed."
SAME_AS_PROPOSED = "This price change is already waiting for the lead authority."
REPLACED = "Replaced by a later proposal."
BACK_TO_APPROVED = "The provider went back to the approved price."


def can_decide_price_change(actor: Actor | None) -> bool:
    """The lead authority's evaluators only; never the provider, nor staff by being staff."""
    return actor is not None and actor.is_lead_evaluator


def price_changes_pending(actor: Actor) -> QuerySet[PriceChange]:
    """The queue: changes waiting for a decision that the actor may see, oldest first."""
    return (
        scoped(PriceChange, actor)
        .filter(state=PriceChangeState.PENDING)
        .select_related("offer__setting__provider", "offer__lot", "proposed_by")
        .order_by("proposed_at", "id")
    )


def _lock_offer(offer: SettingLot) -> tuple[Setting, SettingLot]:
    setting = dangerously_unscoped(Setting).select_for_update().get(pk=offer.setting_id)
    locked = (
        dangerously_unscoped(SettingLot).select_for_update().select_related("lot").get(pk=offer.pk)
    )
    return setting, locked


def _pending(offer: SettingLot) -> PriceChange | None:
    return (
        dangerously_unscoped(PriceChange)
        .select_for_update()
        .filter(offer=offer, state=PriceChangeState.PENDING)
        .first()
    )


def _refresh_flags(setting: Setting, offer: SettingLot) -> None:
    """Within the caller's transaction and locks: the offer's and the setting's pending flags.

    `update()`, not `save()`: the flags are not search fields, so the search-field signals need
    not run again.
    """
    pending = dangerously_unscoped(PriceChange).filter(
        offer__setting=setting, state=PriceChangeState.PENDING
    )
    offer.change_pending = pending.filter(offer=offer).exists()
    dangerously_unscoped(SettingLot).filter(pk=offer.pk).update(change_pending=offer.change_pending)
    setting.price_change_pending = pending.exists()
    dangerously_unscoped(Setting).filter(pk=setting.pk).update(
        price_change_pending=setting.price_change_pending
    )


def _withdraw(change: PriceChange, *, actor: Actor, reason: str) -> None:
    transition(
        change,
        to=PriceChangeState.WITHDRAWN,
        table=PRICE_CHANGE_TRANSITIONS,
        event="withdrawn",
        also={"decision_reason": reason},
        what="price change",
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def price_change_propose(
    *, actor: Actor, offer: SettingLot, weekly_price: Decimal, reason: str = ""
) -> PriceChange | None:
    """Proposes `weekly_price` for an approved offer; answers the pending change, or None when
    the price asked for is the approved one (any pending change is then withdrawn).

    Proposing again replaces the pending change (withdrawn, then a new one), so the lead
    authority decides on the latest price; the decision names the change it decides, so one
    taken on the replaced change is refused (409).
    """
    require_setting_owner(actor, offer.setting.provider_id)
    setting, locked = _lock_offer(offer)
    if locked.approved_at is None:
        raise WrongState(NOT_APPROVED)
    pending = _pending(locked)
    if pending is not None and pending.proposed_price == weekly_price:
        return pending
    if pending is not None:
        same = weekly_price == locked.weekly_price
        _withdraw(pending, actor=actor, reason=BACK_TO_APPROVED if same else REPLACED)
    if weekly_price == locked.weekly_price:
        _refresh_flags(setting, locked)
        return None
    change = PriceChange.objects.create(
        offer=locked,
        approved_price=locked.weekly_price,
        proposed_price=weekly_price,
        reason=reason.strip(),
        proposed_by=actor.user if actor.user.pk else None,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=change,
        after=snapshot(change, ["offer_id", "approved_price", "proposed_price", "reason", "state"]),
        reason=change.reason,
    )
    _refresh_flags(setting, locked)
    change.offer = locked
    locked.setting = setting
    notify(
        recipients=lead_evaluators(),
        event_key=f"price-change-proposed:{change.pk}",
        template="notifications/price_change_proposed",
        context={"change": change, "setting": setting, "lot": locked.lot},
        url=reverse("providers:price-change", args=[change.pk]),
    )
    return change


@transaction.atomic
def price_change_decide(
    *, actor: Actor, change: PriceChange, outcome: str, reason: str
) -> PriceChange:
    """Accepts or refuses a pending change (`outcome` is PriceChangeState.ACCEPTED or REFUSED).

    NotAllowed for anyone but the lead authority's evaluators; InvalidInput for an unknown
    outcome or a refusal without a reason; WrongState when it was decided, withdrawn or replaced
    meanwhile (two evaluators deciding at once: the second waits on the lock, then is refused).
    Accepting makes the proposed price the approved price from today.
    """
    if not can_decide_price_change(actor):
        raise NotAllowed("Only the lead authority's evaluators can decide a price change.")
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in DECISIONS:
        errors["outcome"] = [DECISION_MISSING]
    if outcome == PriceChangeState.REFUSED and not reason:
        errors["reason"] = [REFUSAL_REASON_MISSING]
    if errors:
        raise InvalidInput.on_fields(errors)
    setting, offer = _lock_offer(change.offer)
    locked = dangerously_unscoped(PriceChange).select_for_update().get(pk=change.pk)
    if locked.state != PriceChangeState.PENDING:
        raise WrongState(_decided_message(locked))
    transition(
        locked,
        to=outcome,
        table=PRICE_CHANGE_TRANSITIONS,
        event=outcome,
        by=actor.user if actor.user.pk else None,
        also={"decision_reason": reason},
        what="price change",
        actor=actor,
        reason=reason or "Price change accepted.",
    )
    if outcome == PriceChangeState.ACCEPTED:
        fields = ["weekly_price", "price_effective_from"]
        before = snapshot(offer, fields)
        offer.weekly_price = locked.proposed_price
        offer.price_effective_from = timezone.localdate()
        # save(): the search fields (cheapest price) follow the approved price.
        offer.save(update_fields=fields)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=offer,
            before=before,
            after=snapshot(offer, fields),
            reason=f"Price change {locked.pk} accepted by the lead authority.",
        )
    _refresh_flags(setting, offer)
    offer.setting = setting
    locked.offer = offer
    _tell_provider(locked)
    change.state, change.decision_reason = locked.state, locked.decision_reason
    return locked


def _decided_message(change: PriceChange) -> str:
    if change.state == PriceChangeState.WITHDRAWN:
        return (
            "The provider replaced or withdrew this price change, so there is nothing to decide. "
            "Any later proposal is in the queue."
        )
    return f"This price change was already {change.get_state_display().lower()}. A decision stands."


def _tell_provider(change: PriceChange) -> None:
    setting = change.offer.setting
    accepted = change.state == PriceChangeState.ACCEPTED
    notify(
        recipients=provider_users(setting.provider_id),
        event_key=f"price-change-decided:{change.pk}",
        template=(
            "notifications/price_change_accepted"
            if accepted
            else "notifications/price_change_refused"
        ),
        context={"change": change, "setting": setting, "lot": change.offer.lot},
        url=reverse("providers:setting-prices", args=[setting.pk]),
    )
