"""A competition that ends without an award: no suitable provider (with the reason, every
invitee told), and re-running the referral on another route as a new referral."""

from __future__ import annotations

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from referrals.models import (
    REFERRAL_TRANSITIONS,
    Criterion,
    Invitation,
    Outcome,
    Referral,
    ReferralState,
    Route,
    ScaleDescriptor,
)
from referrals.selectors.awards import live_award
from referrals.services.award_letters import outcome_letters_send
from referrals.services.awards import ALREADY_DECIDED, NAMES_THE_CHILD, child_of, names_the_child
from referrals.services.evaluation import _closed_referral, can_evaluate

NO_SUITABLE_REASON_MISSING = "Enter why no response is suitable."
ROUTE_MISSING = "Select a route to re-run the referral on."
SAME_ROUTE = "Select a different route from the one the referral took."
DIRECT_AWARD_REFUSED = (
    "This purchasing system does not allow direct award: every order goes to competition."
)


@transaction.atomic
def referral_no_suitable_provider(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """No response is suitable (with the reason): every invitee is told, and the referral may be
    re-run on another route."""
    locked = _closed_referral(actor, referral)
    if (existing := live_award(locked)) is not None:
        raise WrongState(ALREADY_DECIDED.format(state=existing.get_state_display().lower()))
    reason = reason.strip()
    child = child_of(locked)
    if not reason:
        raise InvalidInput.on_fields({"reason": NO_SUITABLE_REASON_MISSING})
    if names_the_child(reason, child):
        raise InvalidInput.on_fields({"reason": NAMES_THE_CHILD})
    change = transition(
        locked,
        to=ReferralState.NO_SUITABLE_PROVIDER,
        table=REFERRAL_TRANSITIONS,
        event="no_suitable_provider",
        by=actor.user if actor.user.pk else None,
        also={"no_suitable_provider_reason": reason},
        what="referral",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after=change.after,
        reason=reason,
    )
    dangerously_unscoped(Invitation).filter(referral_id=locked.pk).update(
        outcome=Outcome.UNSUCCESSFUL
    )
    outcome_letters_send(referral=locked, actor=actor)
    return locked


RERUN_ROUTES = (
    Route.OPEN_COMPETITION,
    Route.PRESELECTED_COMPETITION,
    Route.DIRECT_AWARD,
    Route.SPOT_PURCHASE,
)
COPIED_FIELDS = [
    "authority_id",
    "purchasing_system_id",
    "kind",
    "child_id",
    "places",
    "price_per_place",
    "lot_id",
    "is_emergency",
    "start_date",
    "expected_end_date",
    "primary_need_id",
    "outcomes_sought",
    "provider_summary",
    "referrer_name",
    "referrer_email",
    "scale_max",
    "price_scoring",
]


def _rerun_reference(referral: Referral) -> str:
    """The first referral's reference with a re-run number (unique per authority: taken under
    the first referral's lock, and checked)."""
    taken = set(
        dangerously_unscoped(Referral)
        .filter(authority_id=referral.authority_id, reference__startswith=referral.reference)
        .values_list("reference", flat=True)
    )
    number = 1
    while (reference := f"{referral.reference[:25]}-R{number}") in taken:
        number += 1
    return reference


@transaction.atomic
def referral_rerun(*, actor: Actor, referral: Referral, route: str) -> Referral:
    """A new draft referral copying the first (its needs, summary, shared documents, criteria and
    scale) on another route, with `rerun_of`; the first stays as it is, in the evidence base."""
    if not can_evaluate(actor, referral):
        raise NotAllowed(
            "Only the placing authority's commissioners and senior managers can re-run."
        )
    first = lock(referral)
    if first.state != ReferralState.NO_SUITABLE_PROVIDER:
        raise WrongState("Only a referral with no suitable provider is re-run on another route.")
    if route not in RERUN_ROUTES:
        raise InvalidInput.on_fields({"route": ROUTE_MISSING})
    if route == first.route:
        raise InvalidInput.on_fields({"route": SAME_ROUTE})
    if route == Route.DIRECT_AWARD and not first.purchasing_system.direct_award_allowed:
        raise InvalidInput.on_fields({"route": DIRECT_AWARD_REFUSED})
    rerun = Referral(
        **{name: getattr(first, name) for name in COPIED_FIELDS},
        reference=_rerun_reference(first),
        route=route,
        rerun_of=first,
        created_by=actor.user if actor.user.pk else None,
    )
    rerun.save()
    rerun.needs.set(first.needs.all())
    rerun.specialisms.set(first.specialisms.all())
    rerun.shared_documents.set(first.shared_documents.all())
    for criterion in dangerously_unscoped(Criterion).filter(referral_id=first.pk):
        Criterion.objects.create(
            referral=rerun,
            kind=criterion.kind,
            category=criterion.category,
            title=criterion.title,
            guidance=criterion.guidance,
            weight=criterion.weight,
            position=criterion.position,
        )
    for descriptor in dangerously_unscoped(ScaleDescriptor).filter(referral_id=first.pk):
        ScaleDescriptor.objects.create(
            referral=rerun, score=descriptor.score, descriptor=descriptor.descriptor
        )
    audit_record(
        actor=actor,
        verb=AuditVerb.CREATED,
        obj=rerun,
        after={"rerun_of": first.pk, "route": route, "reference": rerun.reference},
        reason=f"Re-run of {first.reference} on another route.",
    )
    return rerun
