"""A referral's moves after drafting: publishing (snapshot, deadline, invitations, notices),
return to the referrer, withdrawal and closing early.

Each is made on the referral's locked row through `fps_portal.transitions`. What providers are
shown is snapshotted at publishing (`shown_age_years`, `shown_gender`,
`shown_postcode_district`) and no notice to a provider names the child: their notices carry the
reference, lot, deadline and the snapshot only.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.recipients import provider_users
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.notifications.services import email_outside, notify
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock, transition
from providers.postcodes import parse_district
from referrals.models import (
    INVITATION_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    Invitation,
    InvitationState,
    Referral,
    ReferralState,
    Route,
)
from referrals.services.publish_check import publish_problems
from referrals.services.referral_rules import (
    offers_on_the_lot,
    placement_rules,
    response_deadline,
)
from referrals.services.referrals import acting_user, require_placing

RETURN_REASON_MISSING = "Enter what the referrer needs to add or change."
WITHDRAW_REASON_MISSING = "Enter why the referral is withdrawn: invited providers are told."
CLOSE_REASON_MISSING = "Enter why the competition closes before its deadline."


def age_in_years(born: datetime.date, on: datetime.date) -> int:
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - (1 if before_birthday else 0)


def _invited_providers(referral: Referral) -> list[int]:
    offers = offers_on_the_lot(referral)
    if referral.route == Route.PRESELECTED_COMPETITION:
        offers = offers.filter(setting_id__in=referral.shortlist.values("setting_id"))
    return sorted(set(offers.values_list("setting__provider_id", flat=True)))


def invitation_url(invitation: Invitation) -> str:
    """The provider's page for the invitation."""
    return reverse("referrals:invitation-detail", args=[invitation.pk])


@transaction.atomic
def referral_publish(*, actor: Actor, referral: Referral) -> Referral:
    """Publishes a draft competition: snapshots what providers are shown, sets the deadline from
    the authority's rules, invites every provider with an active membership and an approved
    setting on the lot (open) or the shortlist's (preselected), and tells each invitee.

    Raises WrongState when it is not a draft (published already: two at once publish once,
    because both wait on the referral's row lock), InvalidInput listing what is missing.
    """
    require_placing(actor)
    locked = lock(referral)
    if locked.state != ReferralState.DRAFT:
        raise WrongState(
            f"This referral is {locked.get_state_display().lower()}, so it cannot be published."
        )
    problems = publish_problems(locked)
    if problems:
        raise InvalidInput.on_fields(
            {p.field: [p.message] for p in problems},
            message="The referral is not ready for providers: " + problems[0].message,
        )
    now = timezone.now()
    rules = placement_rules(locked.authority)
    child = locked.child
    shown: dict[str, Any] = {
        "shown_age_years": None,
        "shown_gender": "",
        "shown_postcode_district": "",
        "response_deadline": response_deadline(
            rules, emergency=locked.is_emergency, published_at=now
        ),
    }
    if child is not None:
        shown["shown_age_years"] = age_in_years(child.date_of_birth, timezone.localdate(now))
        shown["shown_gender"] = child.gender
        shown["shown_postcode_district"] = parse_district(
            child.home_postcode, allow_outward_only=False
        )
    change = transition(
        locked,
        to=ReferralState.OPEN,
        table=REFERRAL_TRANSITIONS,
        event="published",
        by=acting_user(actor),
        at=now,
        also=shown,
    )
    providers = _invited_providers(locked)
    Invitation.objects.bulk_create(
        [Invitation(referral=locked, provider_id=pk, invited_at=now) for pk in providers]
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invited_providers": providers},
    )
    invitations = dangerously_unscoped(Invitation).filter(referral=locked)
    for invitation in invitations:
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-invited:{invitation.pk}",
            template="notifications/referrals_invited",
            context={"referral": locked},
            url=invitation_url(invitation),
        )
    return locked


# -- return, withdraw, close early ------------------------------------------------------------


def _send_to_referrer(
    referral: Referral, template: str, context: Mapping[str, Any], *, event_key: str
) -> None:
    """An e-mail to the referrer (who may have no account), through the outbox for outside
    addresses: sent by a worker once the change commits, retried by the sweep if lost, and
    never twice for one event."""
    if referral.referrer_email:
        email_outside(
            addresses=[referral.referrer_email],
            event_key=event_key,
            template=template,
            context=context,
        )


@transaction.atomic
def referral_return(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """Sends a draft back to the referrer for more information, with what they must add."""
    require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [RETURN_REASON_MISSING]})
    locked = lock(referral)
    change = transition(
        locked,
        to=ReferralState.RETURNED,
        table=REFERRAL_TRANSITIONS,
        event="returned",
        by=acting_user(actor),
        also={"return_reason": reason},
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
    _send_to_referrer(
        locked,
        "notifications/referrals_returned",
        {"referral": locked, "reason": reason, "authority": locked.authority},
        # One e-mail per return: a referral returned again later is told again.
        event_key=f"referral-returned:{locked.pk}:{change.after.get('returned_at', '')}",
    )
    return locked


def _end_invitations(referral: Referral, *, to: str, at: datetime.datetime) -> list[Invitation]:
    """Moves every invitation the table allows to `to`; the ones moved."""
    moved = []
    for invitation in (
        dangerously_unscoped(Invitation).select_for_update().filter(referral=referral)
    ):
        if to in INVITATION_TRANSITIONS.get(invitation.state, frozenset()):
            invitation.state = to
            fields = ["state"]
            if to == InvitationState.LAPSED:
                invitation.lapsed_at = at
                fields.append("lapsed_at")
            invitation.save(update_fields=fields)
            moved.append(invitation)
    return moved


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The authority no longer needs it: withdrawn with a reason, every invitee told."""
    require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [WITHDRAW_REASON_MISSING]})
    locked = lock(referral)
    now = timezone.now()
    change = transition(
        locked,
        to=ReferralState.WITHDRAWN,
        table=REFERRAL_TRANSITIONS,
        event="withdrawn",
        by=acting_user(actor),
        at=now,
        also={"withdrawal_reason": reason},
        what="referral",
    )
    told = _end_invitations(locked, to=InvitationState.WITHDRAWN, at=now)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invitations_withdrawn": len(told)},
        reason=reason,
    )
    for invitation in told:
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-withdrawn:{invitation.pk}",
            template="notifications/referrals_withdrawn",
            context={"referral": locked, "reason": reason},
            url=invitation_url(invitation),
        )
    return locked


@transaction.atomic
def referral_close(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """Closes an open competition before its deadline (e.g. every invitee has answered):
    responses can be evaluated at once, invitations not yet answered lapse, invitees are told."""
    require_placing(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_fields({"reason": [CLOSE_REASON_MISSING]})
    locked = lock(referral)
    now = timezone.now()
    change = transition(
        locked,
        to=ReferralState.CLOSED,
        table=REFERRAL_TRANSITIONS,
        event="closed",
        by=acting_user(actor),
        at=now,
        what="referral",
    )
    lapsed = _end_invitations(locked, to=InvitationState.LAPSED, at=now)
    audit_record(
        actor=actor,
        verb=AuditVerb.STATE_CHANGED,
        obj=locked,
        before=change.before,
        after={**change.after, "invitations_lapsed": len(lapsed)},
        reason=reason,
    )
    for invitation in dangerously_unscoped(Invitation).filter(referral=locked):
        notify(
            recipients=provider_users(invitation.provider_id),
            event_key=f"referral-closed-early:{invitation.pk}",
            template="notifications/referrals_closed_early",
            context={"referral": locked},
            url=invitation_url(invitation),
        )
    return locked
