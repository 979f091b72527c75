"""Membership of the purchasing system: the agreement that starts it, and every later change.

A provider whose application passed becomes an active member only when someone for it signs the
overarching agreement (name, role, time): the membership row is created (or re-activated) at that
moment, so there is never an active member without a signature on record.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.dates import govuk_date
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from fps_portal.scoping import scoped
from fps_portal.transitions import transition
from providers.models import Application, ApplicationState, FpsMembership, MembershipState
from providers.models.fps import MEMBERSHIP_TRANSITIONS
from providers.services._common import (
    check_transition,
    lead_evaluators,
    provider_users,
    require_provider,
)
from providers.services.agreement_documents import (
    current_agreement_document,
    not_published_blocker,
)

WITHDRAWN_REJOINS = (
    "A withdrawn provider rejoins by applying in a window and signing the agreement."
)
SUSPENSION_ENDS_WITH_THE_LEAD = (
    "The membership is suspended. Only the lead authority can end a suspension, by reinstating "
    "or removing the provider; contact them about the review."
)

SIGNATURE_FIELDS = [
    "state",
    "agreement_signed_at",
    "agreement_signatory_name",
    "agreement_signatory_role",
    "agreement_version_id",
]


def agreement_membership(application: Application) -> FpsMembership | None:
    """The provider's membership of the application's purchasing system, if it has one."""
    return FpsMembership.objects.filter(
        purchasing_system_id=application.purchasing_system_id,
        provider_id=application.provider_id,
    ).first()


def agreement_sign_blocker(
    application: Application,
    membership: FpsMembership | None,
    *,
    now: datetime.datetime | None = None,
) -> str | None:
    """Why the agreement cannot be signed for this application, or None. The service raises
    WrongState (409) with it under its row locks; the page shows it instead of the form.

    A suspension ends only when the lead authority reinstates, removal is final, and a withdrawn
    provider rejoins only through an application that passed after it withdrew: the application
    that admitted it before can never be signed again.
    """
    if application.state != ApplicationState.PASSED:
        return "Only a provider whose application passed can sign the agreement."
    if membership is None:
        return None
    if membership.state == MembershipState.REMOVED:
        return "This provider was removed from the purchasing system; contact the lead authority."
    if membership.state == MembershipState.SUSPENDED:
        return "The membership is suspended; the lead authority must reinstate it first."
    if membership.state == MembershipState.WITHDRAWN and (
        application.outcome_at is None or application.outcome_at <= membership.state_changed_at
    ):
        return (
            f"Your organisation withdrew from the purchasing system on "
            f"{govuk_date(membership.state_changed_at)}, after this application "
            f"passed. {WITHDRAWN_REJOINS}"
        )
    if (
        membership.state == MembershipState.ACTIVE
        and membership.agreement_signed_at is not None
        and membership.agreement_signed_at >= (application.outcome_at or now or timezone.now())
    ):
        return "The agreement has already been signed."
    return None


def agreement_to_sign(application: Application, membership: FpsMembership | None) -> bool:
    """Is there an agreement still to sign for this application? The one definition the
    application page (its button), the dashboard's count and `agreement_sign` all use."""
    return agreement_sign_blocker(application, membership) is None


def applications_with_agreement_to_sign(actor: Actor) -> list[Application]:
    """The actor's passed applications with an agreement still to sign (`agreement_to_sign`):
    what the dashboard counts. A provider has a handful of passed applications at most; the
    memberships are read only when there is one."""
    passed = list(scoped(Application, actor).filter(state=ApplicationState.PASSED))
    if not passed:
        return []
    memberships = {
        m.purchasing_system_id: m
        for m in scoped(FpsMembership, actor).filter(provider_id=actor.organisation_id)
    }
    return [
        application
        for application in passed
        if agreement_to_sign(application, memberships.get(application.purchasing_system_id))
    ]


def newer_version_message(version: int) -> str:
    return (
        f"Version {version} of the agreement was published after you opened the page. "
        "Read it, then sign."
    )


def agreement_sign(
    *,
    actor: Actor,
    application: Application,
    signatory_name: str,
    signatory_role: str,
    version: int | None = None,
) -> FpsMembership:
    """Sign the current version of the agreement. `version` is the one the signatory was shown:
    when a newer one was published since, nothing is signed (they have not read it)."""
    require_provider(actor, application.provider_id)
    fields: dict[str, str] = {}
    if not signatory_name.strip():
        fields["signatory_name"] = "Enter the full name of the person signing."
    if not signatory_role.strip():
        fields["signatory_role"] = "Enter the signatory's role, like 'Director'."
    if fields:
        raise InvalidInput.on_fields(fields)
    now = timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        membership = (
            FpsMembership.objects.select_for_update()
            .filter(
                purchasing_system_id=locked.purchasing_system_id, provider_id=locked.provider_id
            )
            .first()
        )
        if message := agreement_sign_blocker(locked, membership, now=now):
            raise WrongState(message)
        document = current_agreement_document(locked.purchasing_system_id)
        if message := not_published_blocker(document):
            raise WrongState(message)
        assert document is not None
        if version is not None and version != document.version:
            raise WrongState(newer_version_message(document.version))
        signature = {
            "agreement_version": document,
            "agreement_signed_at": now,
            "agreement_signed_by": actor.user,
            "agreement_signatory_name": signatory_name.strip(),
            "agreement_signatory_role": signatory_role.strip(),
        }
        if membership is None:
            try:
                with transaction.atomic():
                    membership = FpsMembership.objects.create(
                        purchasing_system_id=locked.purchasing_system_id,
                        provider_id=locked.provider_id,
                        state=MembershipState.ACTIVE,
                        joined_at=now,
                        state_changed_at=now,
                        state_changed_by=actor.user,
                        **signature,
                    )
            except IntegrityError as exc:
                raise WrongState("The agreement has just been signed by someone else.") from exc
            before = None
        else:
            before = snapshot(membership, SIGNATURE_FIELDS)
            if membership.state == MembershipState.ACTIVE:
                # Signed again for a later application: no change of state.
                for name, value in signature.items():
                    setattr(membership, name, value)
                membership.save(update_fields=list(signature))
            else:
                # Withdrawn -> active, after a new application passed (agreement_sign_blocker).
                # Not audited here: the SIGNED row below records the move with the signature.
                transition(
                    membership,
                    to=MembershipState.ACTIVE,
                    table=MEMBERSHIP_TRANSITIONS,
                    event="state_changed",
                    by=actor.user,
                    at=now,
                    also={**signature, "state_reason": ""},
                    what="membership",
                )
        audit_record(
            actor=actor,
            verb=AuditVerb.SIGNED,
            obj=membership,
            before=before,
            after=snapshot(membership, SIGNATURE_FIELDS),
            reason=f"FPS agreement version {document.version} signed by "
            f"{signatory_name.strip()}, {signatory_role.strip()}",
        )
        notify(
            recipients=lead_evaluators(),
            event_key=f"agreement-signed:{locked.pk}",
            template="notifications/agreement_signed",
            context={
                "provider": locked.provider,
                "signatory_name": signatory_name.strip(),
                "signatory_role": signatory_role.strip(),
            },
            url=reverse("providers:membership-list"),
            send_email=False,
        )
        notify(
            recipients=provider_users(locked.provider_id),
            event_key=f"membership-active:{locked.pk}",
            template="notifications/membership_active",
            url=reverse("providers:membership-status"),
        )
    return membership


MEMBERSHIP_ACTIONS: dict[str, str] = {
    "suspend": MembershipState.SUSPENDED,
    "reinstate": MembershipState.ACTIVE,
    "remove": MembershipState.REMOVED,
    "withdraw": MembershipState.WITHDRAWN,
}


def membership_actions_allowed(state: str) -> list[str]:
    """The `membership_change` actions the transition table allows from `state`, in the order of
    MEMBERSHIP_ACTIONS, so a page offers only what would succeed.

    Withdrawn → active is in the table for the agreement signed after a new application
    (`agreement_sign`), not for a lead authority's "reinstate", so it is left out here.
    """
    allowed = MEMBERSHIP_TRANSITIONS.get(state, frozenset())
    return [
        action
        for action, target in MEMBERSHIP_ACTIONS.items()
        if target in allowed and not (action == "reinstate" and state == MembershipState.WITHDRAWN)
    ]


def membership_change(
    *,
    actor: Actor,
    membership: FpsMembership,
    action: str,
    reason: str,
    review_on: datetime.date | None = None,
) -> FpsMembership:
    """Suspend (reason and review date), reinstate, remove (lead authority) or withdraw (either
    side; a provider not while suspended, since only the lead authority ends a suspension)."""
    target = MEMBERSHIP_ACTIONS.get(action)
    if target is None:
        raise InvalidInput(
            "Choose what to do.",
            fields={"action": "Choose suspend, reinstate, remove or withdraw."},
        )
    if action == "withdraw" and actor.is_provider:
        require_provider(actor, membership.provider_id)
    elif not actor.is_lead_evaluator:
        raise NotAllowed("Only the lead authority can suspend, reinstate or remove a provider.")
    fields: dict[str, str] = {}
    if not reason.strip():
        fields["reason"] = "Give the reason for the change."
    if target == MembershipState.SUSPENDED:
        if review_on is None:
            fields["review_on"] = "Enter the date the suspension will be reviewed."
        elif review_on <= timezone.localdate():
            fields["review_on"] = "The review date must be in the future."
    if fields:
        raise InvalidInput.on_fields(fields)
    with transaction.atomic():
        locked = FpsMembership.objects.select_for_update().get(pk=membership.pk)
        # The same two checks as `membership_actions_allowed`, which pages offer from.
        check_transition(
            current=locked.state,
            target=target,
            transitions=MEMBERSHIP_TRANSITIONS,
            what="membership",
            label=locked.get_state_display(),
        )
        if action == "reinstate" and locked.state == MembershipState.WITHDRAWN:
            raise WrongState(WITHDRAWN_REJOINS)
        if actor.is_provider and locked.state == MembershipState.SUSPENDED:
            # Withdrawing would end the suspension without the lead authority (and, before
            # `agreement_sign_blocker` knew better, let the old agreement be signed again).
            raise WrongState(SUSPENSION_ENDS_WITH_THE_LEAD)
        transition(
            locked,
            to=target,
            table=MEMBERSHIP_TRANSITIONS,
            event="state_changed",
            by=actor.user,
            also={
                "state_reason": reason.strip(),
                "review_on": review_on if target == MembershipState.SUSPENDED else None,
            },
            what="membership",
            actor=actor,
            reason=reason,
        )
        event_key = f"membership-{locked.pk}-{target}-{locked.state_changed_at:%Y%m%d%H%M%S%f}"
        told = {
            "provider": locked.provider,
            "state_label": locked.get_state_display().lower(),
            "reason": reason.strip(),
            "review_on": review_on if target == MembershipState.SUSPENDED else None,
        }
        notify(
            recipients=provider_users(locked.provider_id),
            event_key=event_key,
            template="notifications/membership_changed",
            context=told,
            url=reverse("providers:membership-status"),
        )
        notify(
            recipients=lead_evaluators(),
            event_key=event_key,
            template="notifications/membership_changed",
            context=told,
            url=reverse("providers:membership-list"),
            send_email=False,
        )
    return locked
