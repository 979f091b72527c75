"""Reads for the award pages: the senior managers' queue, an award with its steps, and the
awarded provider's placements. One definition each, for the page and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fps_portal.accounts.models import SeniorPosition
from fps_portal.actors import Actor
from fps_portal.scoping import dangerously_unscoped, scoped
from referrals.models import Award, AwardState, Invitation, Outcome, Referral
from referrals.permissions import can_sign_off_as, is_senior_manager

#: An award that still stands (every award but a rejected one); one per referral at most.
LIVE = ~Q(state=AwardState.REJECTED)

AWARD_JOINS = ("referral", "referral__lot", "setting", "provider", "response", "approver")


def live_award(referral: Referral) -> Award | None:
    """The referral's award that still stands, whatever the actor (callers have checked access)."""
    return dangerously_unscoped(Award).filter(LIVE, referral_id=referral.pk).first()


def awards_awaiting(actor: Actor) -> QuerySet[Award]:
    """What waits for this senior manager: awards naming them approver, and awards at the risk
    step their post signs and has not yet signed."""
    if not is_senior_manager(actor):
        return scoped(Award, actor).none()
    wanted = Q(state=AwardState.AWAITING_APPROVAL, approver_id=actor.user.pk)
    position = can_sign_off_as(actor)
    if position == SeniorPosition.CSW_SERVICE_MANAGER:
        wanted |= Q(
            state=AwardState.AWAITING_SIGN_OFF, risk_approval__csw_manager_signed_at__isnull=True
        )
    elif position == SeniorPosition.COMMISSIONING_SERVICE_MANAGER:
        wanted |= Q(
            state=AwardState.AWAITING_SIGN_OFF,
            risk_approval__commissioning_manager_signed_at__isnull=True,
        )
    return (
        scoped(Award, actor)
        .filter(wanted)
        .select_related(*AWARD_JOINS, "risk_approval")
        .order_by("proposed_at", "pk")
    )


def awarded_placements(actor: Actor) -> QuerySet[Award]:
    """The provider's complete awards (its placements), newest first. The children are read
    through their own scope by the caller, not joined here."""
    return (
        scoped(Award, actor)
        .filter(state=AwardState.COMPLETE)
        .select_related("referral", "referral__lot", "setting")
        .order_by("-completed_at", "-pk")
    )


def outcomes_told(actor: Actor) -> QuerySet[Invitation]:
    """The provider's invitations whose outcome letter went."""
    return (
        scoped(Invitation, actor)
        .filter(outcome=Outcome.UNSUCCESSFUL, outcome_notified_at__isnull=False)
        .select_related("referral")
        .order_by("-outcome_notified_at", "-pk")
    )
