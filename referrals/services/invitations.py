"""An invited provider answers no (with a structured reason), changes its mind, opens the
invitation, and downloads the documents the authority shared; and the one check every
provider-side change makes: the referral is open and its deadline has not passed.

Lock order for every provider-side change, here and in `responses.py` and `questions.py`: the
referral, then the invitation, then the response. Beat closing the referral at its deadline
(`deadlines.py`) locks the referral first too, so a submission racing the close either lands
before it (and counts) or waits for it and is refused: never both, never half.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.dates import govuk_datetime
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from referrals.models import (
    INVITATION_TRANSITIONS,
    ChildDocument,
    DeclineReason,
    Invitation,
    InvitationState,
    Referral,
    ReferralState,
)

REASON_MISSING = "Select why you are declining."
OTHER_NEEDS_WORDS = "Enter your reason in your own words."
NOTE_TOO_LONG = "Your reason must be 2,000 characters or fewer."
NOT_YOUR_INVITATION = "Only the invited provider's own users can do this."
NOTE_LIMIT = 2000


def deadline_passed_message(referral: Referral) -> str:
    """What a provider is told when the referral no longer takes answers."""
    if referral.state == ReferralState.WITHDRAWN:
        return f"Referral {referral.reference} was withdrawn, so it takes no more answers."
    when = govuk_datetime(referral.response_deadline) if referral.response_deadline else ""
    return (
        f"The deadline for referral {referral.reference} passed"
        f"{' at ' + when if when else ''}, so it takes no more responses, changes or questions."
    )


def require_invitee(actor: Actor, invitation: Invitation) -> None:
    if not (actor.is_provider and actor.organisation_id == invitation.provider_id):
        raise NotAllowed(NOT_YOUR_INVITATION)


def lock_open_referral(referral_id: int, *, now: datetime.datetime | None = None) -> Referral:
    """Within the caller's transaction: the referral locked, or WrongState when it no longer
    takes answers (closed, withdrawn, or its deadline has passed even if beat has not yet
    closed it). `now` is read after the lock, so the time checked is the time it is written."""
    referral = dangerously_unscoped(Referral).select_for_update().get(pk=referral_id)
    now = now or timezone.now()
    if referral.state != ReferralState.OPEN or (
        referral.response_deadline is not None and referral.response_deadline <= now
    ):
        raise WrongState(deadline_passed_message(referral))
    return referral


def lock_invitation(invitation: Invitation) -> Invitation:
    return (
        dangerously_unscoped(Invitation)
        .select_for_update()
        .select_related("referral")
        .get(pk=invitation.pk)
    )


def can_answer(invitation: Invitation, *, now: datetime.datetime | None = None) -> bool:
    """Whether a page offers the provider's buttons: the referral is open before its deadline
    and the invitation is not lapsed or withdrawn (the services check again under the lock)."""
    referral = invitation.referral
    now = now or timezone.now()
    return (
        referral.state == ReferralState.OPEN
        and (referral.response_deadline is None or referral.response_deadline > now)
        and invitation.state
        in (InvitationState.INVITED, InvitationState.RESPONDED, InvitationState.DECLINED)
    )


def reopen_locked(invitation: Invitation, *, actor: Actor, reason: str) -> None:
    """Within the caller's locks: a declined invitation is invited again."""
    moved = transition(
        invitation,
        to=InvitationState.INVITED,
        table=INVITATION_TRANSITIONS,
        also={"decline_reason": "", "decline_note": ""},
        what="invitation",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=invitation,
        before=moved.before,
        after=moved.after,
        reason=reason,
    )


@transaction.atomic
def invitation_decline(
    *,
    actor: Actor,
    invitation: Invitation,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Invitation:
    """Declines the invitation with a structured reason (`DeclineReason`; "other" needs words).

    InvalidInput naming `reason` or `note`; WrongState after the deadline, or when a response
    is already submitted (withdraw it first); NotAllowed for anyone but the invitee.
    """
    require_invitee(actor, invitation)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in DeclineReason.values:
        errors["reason"] = [REASON_MISSING]
    elif reason == DeclineReason.OTHER and not note:
        errors["note"] = [OTHER_NEEDS_WORDS]
    if len(note) > NOTE_LIMIT:
        errors["note"] = [NOTE_TOO_LONG]
    if errors:
        raise InvalidInput.on_fields(errors)
    lock_open_referral(invitation.referral_id, now=now)
    locked = lock_invitation(invitation)
    if locked.state == InvitationState.RESPONDED:
        raise WrongState(
            "You have a submitted response to this referral. Withdraw it before you decline."
        )
    moved = transition(
        locked,
        to=InvitationState.DECLINED,
        table=INVITATION_TRANSITIONS,
        event="declined",
        by=actor.user if actor.user.pk else None,
        at=now,
        also={"decline_reason": reason, "decline_note": note},
        what="invitation",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=moved.before,
        after=moved.after,
        reason=note or DeclineReason(reason).label,
    )
    return locked


@transaction.atomic
def invitation_reopen(
    *, actor: Actor, invitation: Invitation, now: datetime.datetime | None = None
) -> Invitation:
    """A provider that declined changes its mind before the deadline: invited again."""
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    locked = lock_invitation(invitation)
    if locked.state != InvitationState.DECLINED:
        raise WrongState("You have not declined this referral, so there is nothing to undo.")
    reopen_locked(locked, actor=actor, reason="The provider changed its mind.")
    return locked


def invitation_viewed(*, actor: Actor, invitation: Invitation) -> None:
    """Stamps when the invitee first opened the invitation (the authority sees who has)."""
    if invitation.first_viewed_at is not None or not actor.is_provider:
        return
    now = timezone.now()
    dangerously_unscoped(Invitation).filter(pk=invitation.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=now
    )
    invitation.first_viewed_at = now


@transaction.atomic
def shared_document_record_download(
    *, actor: Actor, invitation: Invitation, document: ChildDocument
) -> None:
    """Every download of a child's document writes an audit row (its title, never the child)."""
    require_invitee(actor, invitation)
    audit_record(
        actor=actor,
        verb=AuditVerb.DOWNLOADED,
        obj=document,
        reason=f"Shared with the invitees of referral {invitation.referral.reference}.",
    )
