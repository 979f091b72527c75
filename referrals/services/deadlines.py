"""The response deadline, kept by beat: each open referral past its deadline is closed exactly
once (open -> closed; invitations still unanswered lapse; the authority is told its responses
are ready), and providers yet to answer are reminded once, `reminder_hours_before_deadline`
(the authority's `AuthorityPlacementRules`, 24 by default) before it.

Safe to run twice or at once: each referral is changed under its row lock with its state and
stamps re-checked, and notifications are keyed per event. A provider's submission locks the
same row first (`invitations.lock_open_referral`), so a submission at the moment of the close
is either in before it or refused after it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from referrals.models import (
    INVITATION_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    AuthorityPlacementRules,
    Invitation,
    InvitationState,
    Referral,
    ReferralState,
    Response,
    ResponseState,
)
from referrals.services.questions import authority_placers

DEFAULT_REMINDER_HOURS = AuthorityPlacementRules._meta.get_field(
    "reminder_hours_before_deadline"
).default


def _reminder_hours(authority_ids: set[int]) -> dict[int, int]:
    rules = dangerously_unscoped(AuthorityPlacementRules).filter(authority_id__in=authority_ids)
    return {r.authority_id: r.reminder_hours_before_deadline for r in rules}


def referrals_due(*, now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """Ids of open referrals past their deadline (to close) and of those due their reminder."""
    now = now or timezone.now()
    open_ = dangerously_unscoped(Referral).filter(
        state=ReferralState.OPEN, response_deadline__isnull=False
    )
    to_close = list(
        open_.filter(response_deadline__lte=now)
        .order_by("response_deadline", "pk")
        .values_list("pk", flat=True)
    )
    waiting = list(
        open_.filter(response_deadline__gt=now, deadline_reminded_at__isnull=True).values_list(
            "pk", "authority_id", "response_deadline"
        )
    )
    hours = _reminder_hours({authority for _, authority, _ in waiting})
    to_remind = [
        pk
        for pk, authority, deadline in waiting
        if deadline is not None
        and deadline <= now + datetime.timedelta(hours=hours.get(authority, DEFAULT_REMINDER_HOURS))
    ]
    return to_close, to_remind


def close_locked(
    referral: Referral,
    *,
    actor: Actor | None,
    now: datetime.datetime,
    reason: str = "",
) -> int:
    """Within the caller's transaction and the referral's row lock: open -> closed, every
    invitation still unanswered lapses, and the authority is told its responses are ready.
    Beat at the deadline and an authority closing early both come here. Answers the number of
    submitted responses."""
    change = transition(
        referral,
        to=ReferralState.CLOSED,
        table=REFERRAL_TRANSITIONS,
        event="closed",
        by=actor.user if actor is not None and actor.user.pk else None,
        at=now,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=referral,
        before=change.before,
        after=change.after,
        reason=reason or "The response deadline passed.",
    )
    unanswered = list(
        dangerously_unscoped(Invitation)
        .select_for_update()
        .filter(referral=referral, state=InvitationState.INVITED)
    )
    for invitation in unanswered:
        lapsed = transition(
            invitation,
            to=InvitationState.LAPSED,
            table=INVITATION_TRANSITIONS,
            event="lapsed",
            at=now,
            what="invitation",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=invitation,
            before=lapsed.before,
            after=lapsed.after,
            reason="No answer by the deadline.",
        )
    submitted = (
        dangerously_unscoped(Response)
        .filter(invitation__referral=referral, state=ResponseState.SUBMITTED)
        .count()
    )
    notify(
        recipients=authority_placers(referral),
        event_key=f"referral-responses-ready:{referral.pk}",
        template="notifications/referrals_responses_ready",
        context={"referral": referral, "submitted": submitted, "lapsed": len(unanswered)},
        url=referral_url(referral),
    )
    return submitted


def referral_url(referral: Referral) -> str:
    """The authority's page of the referral (the referrals part's), or its dashboard."""
    try:
        return reverse("referrals:referral-detail", args=[referral.pk])
    except NoReverseMatch:
        return reverse("dashboard")


def referral_close_at_deadline(*, referral_id: int, now: datetime.datetime | None = None) -> bool:
    """Closes the referral if it is open and its deadline has passed; False if not (already
    closed by another run, withdrawn, or not yet due)."""
    with transaction.atomic():
        referral = dangerously_unscoped(Referral).select_for_update().get(pk=referral_id)
        now = now or timezone.now()
        if (
            referral.state != ReferralState.OPEN
            or referral.response_deadline is None
            or referral.response_deadline > now
        ):
            return False
        close_locked(referral, actor=None, now=now)
    return True


def referral_remind_deadline(*, referral_id: int, now: datetime.datetime | None = None) -> int:
    """Reminds, once, every invitee yet to answer (still invited: no submitted response, not
    declined) that the deadline is near. Answers how many providers were reminded."""
    with transaction.atomic():
        referral = dangerously_unscoped(Referral).select_for_update().get(pk=referral_id)
        now = now or timezone.now()
        if (
            referral.state != ReferralState.OPEN
            or referral.deadline_reminded_at is not None
            or referral.response_deadline is None
            or referral.response_deadline <= now
        ):
            return 0
        referral.deadline_reminded_at = now
        referral.save(update_fields=["deadline_reminded_at"])
        waiting = list(
            dangerously_unscoped(Invitation)
            .select_for_update()
            .filter(referral=referral, state=InvitationState.INVITED)
        )
        audit_record(
            actor=None,
            verb=AuditVerb.UPDATED,
            obj=referral,
            before={"deadline_reminded_at": None},
            after={"deadline_reminded_at": now},
            reason=f"Reminded {len(waiting)} provider(s) yet to answer.",
        )
        for invitation in waiting:
            dangerously_unscoped(Invitation).filter(pk=invitation.pk).update(reminded_at=now)
            notify(
                recipients=provider_users(invitation.provider_id),
                event_key=f"referral-deadline-reminder:{invitation.pk}",
                template="notifications/referrals_deadline_reminder",
                context={"referral": referral},
                url=reverse("referrals:invitation-detail", args=[invitation.pk]),
            )
    return len(waiting)
