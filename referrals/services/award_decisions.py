"""A senior manager's decision on an award waiting for them: approve it (it completes) or reject
it with a reason (the referral can be awarded again). Lock order as in `awards`."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from referrals.models import (
    AWARD_TRANSITIONS,
    Award,
    AwardState,
    Referral,
)
from referrals.permissions import can_sign_off_as, is_senior_manager
from referrals.services.awards import RISK_BANDS, award_complete, open_sign_off

REJECTION_REASON_MISSING = "Enter why the award is rejected."


def can_approve(actor: Actor, award: Award) -> bool:
    return (
        is_senior_manager(actor)
        and award.approver_id == actor.user.pk
        and award.referral.authority_id == actor.organisation_id
    )


def locked_award(award: Award) -> tuple[Referral, Award]:
    referral = lock(dangerously_unscoped(Referral).get(pk=award.referral_id))
    locked = dangerously_unscoped(Award).select_for_update().get(pk=award.pk)
    return referral, locked


@transaction.atomic
def award_approve(*, actor: Actor, award: Award, note: str = "") -> Award:
    """The named approver approves: the award completes, or waits for the risk sign-offs."""
    if not can_approve(actor, award):
        raise NotAllowed("Only the senior manager named as this award's approver can approve it.")
    referral, locked = locked_award(award)
    target = (
        AwardState.AWAITING_SIGN_OFF if locked.band_at_award in RISK_BANDS else AwardState.COMPLETE
    )
    change = transition(locked, to=target, table=AWARD_TRANSITIONS, event="approved", what="award")
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=locked,
        before=change.before,
        after=change.after,
        reason=note.strip() or "Approved.",
    )
    if target == AwardState.AWAITING_SIGN_OFF:
        open_sign_off(locked, referral)
    else:
        award_complete(award=locked, referral=referral, actor=actor)
    return locked


def can_reject(actor: Actor, award: Award) -> bool:
    if award.state == AwardState.AWAITING_SIGN_OFF:
        return bool(can_sign_off_as(actor)) and award.referral.authority_id == actor.organisation_id
    return can_approve(actor, award)


@transaction.atomic
def award_reject(*, actor: Actor, award: Award, reason: str) -> Award:
    """The approver (or, at the risk step, a signing manager) rejects the award with a reason;
    the referral stays closed for another decision."""
    if not can_reject(actor, award):
        raise NotAllowed("Only this award's approver or a signing manager can reject it.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": REJECTION_REASON_MISSING})
    referral, locked = locked_award(award)
    change = transition(
        locked,
        to=AwardState.REJECTED,
        table=AWARD_TRANSITIONS,
        event="rejected",
        also={"rejection_reason": reason},
        what="award",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.DECIDED,
        obj=locked,
        before=change.before,
        after=change.after,
        reason=reason,
    )
    if locked.proposed_by is not None:
        notify(
            recipients=[locked.proposed_by],
            event_key=f"referral-award-rejected:{locked.pk}",
            template="notifications/referrals_award_rejected",
            context={"award": locked, "referral": referral, "reason": reason},
            url=reverse("referrals:evaluation", args=[referral.pk]),
        )
    return locked
