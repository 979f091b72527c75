"""The lead authority decides a suspension proposal (an overdue re-check): suspend the
membership through the membership service, in the same transaction, or record why not.
Nothing is suspended without a person deciding it."""

from __future__ import annotations

import datetime

from django.db import transaction

from fps_portal.actors import Actor
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.transitions import lock, transition
from providers.models import FpsMembership
from providers.services.membership import membership_change
from quality.models import PROPOSAL_TRANSITIONS, ProposalState, SuspensionProposal

PROPOSAL_OUTCOMES = (ProposalState.SUSPENDED, ProposalState.NOT_SUSPENDED)
PROPOSAL_DECISION_MISSING = "Select whether to suspend the membership or not."
PROPOSAL_REASON_MISSING = "Enter the reason for the decision: the provider is told a suspension's."
PROPOSAL_DECIDED = "This proposal was decided already. A decision stands."


def suspension_proposal_decide(
    *,
    actor: Actor,
    proposal: SuspensionProposal,
    outcome: str,
    reason: str,
    review_on: datetime.date | None = None,
) -> SuspensionProposal:
    if not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority's evaluators can decide a suspension.")
    reason = reason.strip()
    fields: dict[str, str] = {}
    if outcome not in PROPOSAL_OUTCOMES:
        fields["outcome"] = PROPOSAL_DECISION_MISSING
    if not reason:
        fields["reason"] = PROPOSAL_REASON_MISSING
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = lock(proposal)
        if locked.state != ProposalState.PENDING:
            raise WrongState(PROPOSAL_DECIDED)
        if outcome == ProposalState.SUSPENDED:
            membership = FpsMembership.objects.get(pk=locked.membership_id)
            # Its own checks: the review date, and a membership no longer active (409).
            membership_change(
                actor=actor,
                membership=membership,
                action="suspend",
                reason=reason,
                review_on=review_on,
            )
        transition(
            locked,
            to=outcome,
            table=PROPOSAL_TRANSITIONS,
            event="decided",
            by=actor.user,
            also={"decision_reason": reason},
            what="suspension proposal",
            actor=actor,
            reason=reason,
        )
    return locked
