"""A placing authority's referral, its draft: who it is for, the place and what providers are
shown, created and edited while it is a draft or returned to the referrer. The criteria and
scale are `referral_criteria`, the check before publishing `publish_check`, and publishing,
return, withdrawal and closing early `referral_states`; the rules they share (who may place a
child, the messages) are here.

Every write is keyword-only, atomic and audited in its transaction.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import User
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.once import already_made, create_once
from fps_portal.scoping import dangerously_unscoped, scoped
from fps_portal.transitions import lock, transition
from providers.models import Lot, PrimaryNeed
from referrals.models import (
    REFERRAL_TRANSITIONS,
    Child,
    ChildDocument,
    Referral,
    ReferralKind,
    ReferralState,
    Route,
    ShortlistEntry,
)
from referrals.scope_rules import places_children
from referrals.services.referral_rules import (
    next_reference,
    placement_rules_locked,
)

EDITABLE_STATES = frozenset({ReferralState.DRAFT, ReferralState.RETURNED})
DETAIL_FIELDS = [
    "kind",
    "child",
    "places",
    "price_per_place",
    "route",
    "lot",
    "purchasing_system",
    "is_emergency",
    "start_date",
    "expected_end_date",
    "primary_need",
    "outcomes_sought",
    "provider_summary",
    "referrer_name",
    "referrer_email",
]

NOT_PLACING = "Only the placing authority's commissioners and senior managers can do this."
CHILD_MISSING = "Choose the child this referral is for."
CHILD_UNKNOWN = "Choose a child from your authority's records."
LOT_MISSING = "Choose the lot the place is bought under."
ROUTE_MISSING = "Choose how the place will be bought."
START_MISSING = "Enter the date the placement should start."
END_BEFORE_START = "The expected end must be after the start date."
DPS_NO_DIRECT_AWARD = (
    "This purchasing system is a dynamic purchasing system: every order needs a competition, "
    "so it cannot be directly awarded. Choose an open or preselected mini-competition."
)
NOT_EDITABLE = (
    "This referral is {state}, so it can no longer be changed. Withdraw it and start a new one "
    "if what is needed has changed."
)
WEIGHTS_TOTAL = "The weights of the scored criteria must total 100 (they total {total})."


def can_place(actor: Actor) -> bool:
    return places_children(actor)


def require_placing(actor: Actor) -> None:
    if not can_place(actor):
        raise NotAllowed(NOT_PLACING)


def acting_user(actor: Actor) -> User | None:
    return actor.user if actor.user.pk else None


# -- the draft --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    """What a commissioner writes in a referral (a page's form or the API's body)."""

    kind: str = ReferralKind.INDIVIDUAL
    child_id: int | None = None
    places: int = 1
    price_per_place: Decimal | None = None
    route: str = ""
    lot_id: int | None = None
    is_emergency: bool = False
    start_date: datetime.date | None = None
    expected_end_date: datetime.date | None = None
    primary_need_code: str = ""
    need_codes: tuple[str, ...] = ()
    outcomes_sought: str = ""
    provider_summary: str = ""
    shared_document_ids: tuple[int, ...] = ()
    referrer_name: str = ""
    referrer_email: str = ""


@dataclass(frozen=True)
class _Resolved:
    child: Child | None
    lot: Lot
    primary_need: PrimaryNeed | None
    needs: list[PrimaryNeed]
    documents: list[ChildDocument]


def _resolve(actor: Actor, data: ReferralInput) -> _Resolved:
    """The input's references, looked up within what the actor may see; every problem at once."""
    errors: dict[str, list[str]] = {}
    child = None
    if data.kind not in ReferralKind.values:
        errors["kind"] = ["Choose whether the referral is for one child or a block purchase."]
    if data.child_id is not None:
        child = scoped(Child, actor).filter(pk=data.child_id).first()
        if child is None:
            errors["child"] = [CHILD_UNKNOWN]
    elif data.kind == ReferralKind.INDIVIDUAL:
        errors["child"] = [CHILD_MISSING]
    if data.places < 1 or data.places > 500:
        errors["places"] = ["Enter the number of places, from 1 to 500."]
    elif data.kind == ReferralKind.INDIVIDUAL and data.places != 1:
        errors["places"] = ["A referral for one child is for one place."]
    if data.price_per_place is not None and data.price_per_place <= 0:
        errors["price_per_place"] = ["Enter a price per place above £0, or leave it empty."]
    if data.route not in Route.values:
        errors["route"] = [ROUTE_MISSING]
    lot = scoped(Lot, actor).select_related("purchasing_system").filter(pk=data.lot_id or 0).first()
    if lot is None:
        errors["lot"] = [LOT_MISSING]
    elif data.route == Route.DIRECT_AWARD and not lot.purchasing_system.direct_award_allowed:
        errors["route"] = [DPS_NO_DIRECT_AWARD]
    if data.start_date is None:
        errors["start_date"] = [START_MISSING]
    elif data.expected_end_date is not None and data.expected_end_date <= data.start_date:
        errors["expected_end_date"] = [END_BEFORE_START]
    primary_need = None
    if data.primary_need_code:
        primary_need = PrimaryNeed.objects.filter(code=data.primary_need_code).first()
        if primary_need is None:
            errors["primary_need"] = ["Choose a primary need from the list."]
    needs = list(PrimaryNeed.objects.filter(code__in=set(data.need_codes)))
    if len(needs) != len(set(data.need_codes)):
        errors["needs"] = ["Choose needs from the list."]
    documents: list[ChildDocument] = []
    if data.shared_document_ids:
        if child is None:
            errors["shared_documents"] = ["Only a child's documents can be shared."]
        else:
            documents = list(
                scoped(ChildDocument, actor).filter(
                    child=child, pk__in=set(data.shared_document_ids)
                )
            )
            if len(documents) != len(set(data.shared_document_ids)):
                errors["shared_documents"] = ["Choose documents from this child's record."]
    if errors:
        raise InvalidInput.on_fields(errors)
    assert lot is not None
    return _Resolved(
        child=child, lot=lot, primary_need=primary_need, needs=needs, documents=documents
    )


def _apply(referral: Referral, data: ReferralInput, resolved: _Resolved) -> None:
    referral.kind = data.kind
    referral.child = resolved.child
    referral.places = data.places
    referral.price_per_place = data.price_per_place
    referral.route = data.route
    referral.lot = resolved.lot
    referral.purchasing_system = resolved.lot.purchasing_system
    referral.is_emergency = data.is_emergency
    assert data.start_date is not None
    referral.start_date = data.start_date
    referral.expected_end_date = data.expected_end_date
    referral.primary_need = resolved.primary_need
    referral.outcomes_sought = data.outcomes_sought.strip()
    referral.provider_summary = data.provider_summary.strip()
    referral.referrer_name = data.referrer_name.strip()
    referral.referrer_email = data.referrer_email.strip()


def _relations(referral: Referral, resolved: _Resolved) -> None:
    referral.needs.set(resolved.needs)
    referral.shared_documents.set(resolved.documents)


@transaction.atomic
def referral_create(
    *, actor: Actor, data: ReferralInput, submission_key: uuid.UUID | None = None
) -> Referral:
    """A draft referral with the authority's next reference number (taken under the lock of its
    placement rules, so two at once never share one). The same form sent twice makes one."""
    require_placing(actor)
    authority = actor.organisation
    assert authority is not None
    earlier = dangerously_unscoped(Referral).filter(authority=authority)
    made = already_made(earlier, submission_key)
    if made is not None:
        return made
    resolved = _resolve(actor, data)
    rules = placement_rules_locked(authority)
    now = timezone.now()

    def create() -> Referral:
        referral = Referral(
            authority=authority,
            reference=next_reference(rules, on=timezone.localdate(now)),
            created_by=acting_user(actor),
            created_at=now,
            updated_at=now,
            submission_key=submission_key,
        )
        _apply(referral, data, resolved)
        referral.save()
        return referral

    referral, created = create_once(earlier=earlier, submission_key=submission_key, create=create)
    if created:
        _relations(referral, resolved)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=referral,
            after=snapshot(referral, [*DETAIL_FIELDS, "reference", "state"]),
        )
    return referral


def require_editable(referral: Referral) -> None:
    if referral.state not in EDITABLE_STATES:
        raise WrongState(NOT_EDITABLE.format(state=referral.get_state_display().lower()))


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, data: ReferralInput) -> Referral:
    """Changes a draft (or a returned referral, which the change makes a draft again)."""
    require_placing(actor)
    locked = lock(referral)
    require_editable(locked)
    resolved = _resolve(actor, data)
    before = snapshot(locked, [*DETAIL_FIELDS, "state"])
    if locked.route != data.route and locked.route == Route.PRESELECTED_COMPETITION:
        # A shortlist belongs to a preselected competition only.
        dangerously_unscoped(ShortlistEntry).filter(referral=locked).delete()
    _apply(locked, data, resolved)
    locked.updated_at = timezone.now()
    locked.save()
    _relations(locked, resolved)
    if locked.state == ReferralState.RETURNED:
        transition(locked, to=ReferralState.DRAFT, table=REFERRAL_TRANSITIONS)
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after=snapshot(locked, [*DETAIL_FIELDS, "state"]),
    )
    return locked
