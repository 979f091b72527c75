"""Deciding on a proposed variation (issue 12): the other party refuses it with a reason, or the
proposing party withdraws it; either way its version is withdrawn and the terms in force stay as
they were. The other party is told."""

from __future__ import annotations

from django.db import transaction

from contracts.models import VARIATION_TRANSITIONS, Agreement, Variation, VariationState
from contracts.services.variation_rules import can_refuse, party_of
from contracts.services.variations import REFUSED, WITHDRAWN, tell_other_party
from contracts.services.versions import withdraw_locked
from fps_portal.actors import Actor
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.transitions import lock, transition

REFUSAL_MISSING = "Enter why the variation is refused."
WITHDRAWAL_MISSING = "Enter why the variation is withdrawn."


def _locked_variation(variation: Variation) -> tuple[Agreement, Variation]:
    agreement = lock(variation.agreement)
    return agreement, lock(variation)


@transaction.atomic
def variation_refuse(*, actor: Actor, variation: Variation, reason: str) -> Variation:
    """The other party refuses, with its reason: the variation is refused and its version
    withdrawn; the terms in force stay as they are."""
    agreement, variation = _locked_variation(variation)
    if party_of(actor, agreement) is None:
        raise NotAllowed("Only the two parties to the agreement can refuse a variation.")
    if variation.state != VariationState.PROPOSED:
        raise WrongState(f"This variation is {variation.get_state_display().lower()}.")
    if not can_refuse(actor, variation):
        if party_of(actor, agreement) == variation.proposed_by_party:
            raise NotAllowed("You proposed this variation: withdraw it instead of refusing it.")
        raise WrongState("You have signed this variation, so you can no longer refuse it.")
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": REFUSAL_MISSING})
    transition(
        variation,
        to=VariationState.REFUSED,
        table=VARIATION_TRANSITIONS,
        event="refused",
        by=actor.user,
        also={"refusal_reason": reason.strip()},
        actor=actor,
        reason=reason.strip(),
    )
    withdraw_locked(
        actor=actor,
        agreement=agreement,
        version=variation.version,
        reason=f"The variation was refused: {reason.strip()}",
    )
    party = party_of(actor, agreement)
    assert party is not None
    tell_other_party(variation, party, REFUSED, variation.get_kind_display())
    return variation


@transaction.atomic
def variation_withdraw(*, actor: Actor, variation: Variation, reason: str) -> Variation:
    """The proposing party withdraws its variation before both have signed it."""
    agreement, variation = _locked_variation(variation)
    party = party_of(actor, agreement)
    if party is None:
        raise NotAllowed("Only the two parties to the agreement can withdraw a variation.")
    if variation.state != VariationState.PROPOSED:
        raise WrongState(f"This variation is {variation.get_state_display().lower()}.")
    if party != variation.proposed_by_party:
        raise NotAllowed(
            "Only the party that proposed a variation can withdraw it: refuse it instead."
        )
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": WITHDRAWAL_MISSING})
    withdraw_locked(
        actor=actor, agreement=agreement, version=variation.version, reason=reason.strip()
    )
    variation.refresh_from_db()
    tell_other_party(variation, party, WITHDRAWN, variation.get_kind_display())
    return variation
