"""Submitting a provider's response (complete, priced, every criterion answered, the inspection
judgement confirmed), withdrawing it and resubmitting it, until the deadline. Lock order as in
`responses`: the referral, the invitation, the response."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput
from fps_portal.notifications.services import notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import transition
from referrals.models import (
    INVITATION_TRANSITIONS,
    RESPONSE_TRANSITIONS,
    Criterion,
    InvitationState,
    Response,
    ResponseState,
)
from referrals.selectors.invitations import indicative_price
from referrals.services.invitations import (
    lock_invitation,
    lock_open_referral,
    reopen_locked,
    require_invitee,
)
from referrals.services.responses import (
    START_IN_PAST,
    acting_user,
    jsonable,
    lock_draft,
    lock_response,
)

PRICE_MISSING = "Enter the weekly price, like 3250.00."
REASON_NEEDED = (
    "Your weekly price differs from your approved indicative price for this lot. Give the "
    "evidenced reason for the difference."
)
START_MISSING = "Enter the date you propose the placement starts."
NEEDS_MISSING = "Say how you will meet the child's needs."
OUTCOMES_MISSING = "Say how you will achieve the outcomes sought."
ANSWER_MISSING = "Answer this criterion."
JUDGEMENT_MISSING = "Enter the setting's current inspection judgement."
JUDGEMENT_DATE_MISSING = "Enter the date of the setting's last inspection or review."
NOT_CONFIRMED = "Confirm the inspection judgement and its date are current."

_UNSET: Any = object()


def submission_problems(
    response: Response,
    *,
    criteria: list[Criterion] | None = None,
    indicative: Decimal | None = _UNSET,
) -> dict[str, list[str]]:
    """What the response still lacks before it can be submitted, by field (the page lists them
    and offers Submit only when there are none). A page that has read the referral's criteria
    and the indicative price passes them."""
    problems: dict[str, list[str]] = {}
    if indicative is _UNSET:
        indicative = indicative_price(response.setting, response.invitation.referral.lot_id)
    if response.weekly_price is None:
        problems["weekly_price"] = [PRICE_MISSING]
    elif (
        indicative is not None
        and response.weekly_price != indicative
        and not response.price_difference_reason.strip()
    ):
        problems["price_difference_reason"] = [REASON_NEEDED]
    if response.proposed_start_date is None:
        problems["proposed_start_date"] = [START_MISSING]
    elif response.proposed_start_date < timezone.localdate():
        problems["proposed_start_date"] = [START_IN_PAST]
    if not response.how_needs_met.strip():
        problems["how_needs_met"] = [NEEDS_MISSING]
    if not response.how_outcomes_met.strip():
        problems["how_outcomes_met"] = [OUTCOMES_MISSING]
    # Read through the response's answers (prefetched by the page, fresh in a service).
    answered = {a.criterion_id for a in response.answers.all() if a.answer.strip()}
    if criteria is None:
        criteria = list(
            dangerously_unscoped(Criterion).filter(referral_id=response.invitation.referral_id)
        )
    for criterion in criteria:
        if criterion.pk not in answered:
            problems[f"answers.{criterion.pk}"] = [f"{ANSWER_MISSING[:-1]}: {criterion.title}."]
    if not response.inspection_judgement.strip():
        problems["inspection_judgement"] = [JUDGEMENT_MISSING]
    if response.inspection_date is None:
        problems["inspection_date"] = [JUDGEMENT_DATE_MISSING]
    if not response.inspection_confirmed:
        problems["inspection_confirmed"] = [NOT_CONFIRMED]
    return problems


@transaction.atomic
def response_submit(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """Submits a complete draft before the deadline; the invitation is then responded (a
    declined one is reopened first). InvalidInput lists what is missing; WrongState after the
    deadline (the same under a race with beat's close: the referral's row lock decides)."""
    invitation, locked = lock_draft(actor, response, now=now)
    problems = submission_problems(locked)
    if problems:
        raise InvalidInput.on_fields(
            problems, message="The response is not complete: " + next(iter(problems.values()))[0]
        )
    at = now or timezone.now()
    moved = transition(
        locked,
        to=ResponseState.SUBMITTED,
        table=RESPONSE_TRANSITIONS,
        event="submitted",
        by=acting_user(actor),
        at=at,
        also={
            "indicative_price": indicative_price(locked.setting, invitation.referral.lot_id),
            "updated_at": at,
        },
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=jsonable(moved.before),
        after=jsonable(moved.after),
    )
    if invitation.state == InvitationState.DECLINED:
        reopen_locked(invitation, actor=actor, reason="The provider responded after declining.")
    if invitation.state == InvitationState.INVITED:
        moved_invitation = transition(
            invitation,
            to=InvitationState.RESPONDED,
            table=INVITATION_TRANSITIONS,
            what="invitation",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=invitation,
            before=moved_invitation.before,
            after=moved_invitation.after,
        )
    notify(
        recipients=provider_users(invitation.provider_id),
        event_key=f"response-submitted:{locked.pk}:{at.timestamp():.6f}",
        template="notifications/referrals_response_submitted",
        context={"response": locked, "referral": invitation.referral, "setting": locked.setting},
        url=reverse("referrals:response-edit", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def response_withdraw(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """Withdraws a submitted response before the deadline; with no other submitted response
    the invitation is invited again (still to answer, and reminded)."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    locked_invitation = lock_invitation(invitation)
    locked = lock_response(response)
    moved = transition(
        locked,
        to=ResponseState.WITHDRAWN,
        table=RESPONSE_TRANSITIONS,
        event="withdrawn",
        by=acting_user(actor),
        at=now,
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=moved.before,
        after=moved.after,
    )
    others = (
        dangerously_unscoped(Response)
        .filter(invitation=locked_invitation, state=ResponseState.SUBMITTED)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not others and locked_invitation.state == InvitationState.RESPONDED:
        back = transition(
            locked_invitation,
            to=InvitationState.INVITED,
            table=INVITATION_TRANSITIONS,
            what="invitation",
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.STATE_CHANGED,
            obj=locked_invitation,
            before=back.before,
            after=back.after,
            reason="Its last submitted response was withdrawn.",
        )
    locked.invitation = locked_invitation
    return locked


@transaction.atomic
def response_resubmit(
    *, actor: Actor, response: Response, now: datetime.datetime | None = None
) -> Response:
    """A withdrawn response becomes a draft again, with its answers, to change and submit."""
    invitation = response.invitation
    require_invitee(actor, invitation)
    lock_open_referral(invitation.referral_id, now=now)
    lock_invitation(invitation)
    locked = lock_response(response)
    moved = transition(
        locked,
        to=ResponseState.DRAFT,
        table=RESPONSE_TRANSITIONS,
        also={"inspection_confirmed": False, "updated_at": now or timezone.now()},
        what="response",
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=jsonable(moved.before),
        after=jsonable(moved.after),
        reason="Reopened to change and submit again.",
    )
    return locked
