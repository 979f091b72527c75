"""An authority administrator runs their own authority's people: invites colleagues, gives and
removes roles and senior positions, and deactivates leavers. Every write is atomic and audited,
and each reaches only the administrator's own authority (`require_authority_admin`).

An invitation is Django's password-reset link for the new account: an HMAC over the user's id,
password hash and last sign-in, so it is signed, stops working once a password is set (single
use) and expires after PASSWORD_RESET_TIMEOUT. The invitee then signs in and sets up the
authenticator app every authority role must use (fps_portal.accounts.mfa).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from fps_portal.accounts.models import (
    AUTHORITY_STAFF_ROLES,
    Membership,
    Organisation,
    Role,
    User,
    membership_problems,
)
from fps_portal.accounts.selectors import awaiting_first_sign_in
from fps_portal.accounts.services import membership_create, user_create
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify

MEMBERSHIP_FIELDS = ["user_id", "organisation_id", "role", "senior_position", "is_active"]


def require_authority_admin(actor: Actor | None) -> Organisation:
    """The actor's authority, when they act for it as its administrator; else NotAllowed."""
    if actor is None or not actor.is_authority_admin or actor.api_client is not None:
        raise NotAllowed("Only the authority's administrators can do this.")
    organisation = actor.organisation
    assert organisation is not None
    return organisation


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _role_problems(organisation: Organisation, role: str, senior_position: str) -> dict[str, str]:
    if role not in AUTHORITY_STAFF_ROLES:
        return {"role": "Select a role."}
    return membership_problems(
        organisation=organisation, role=role, senior_position=senior_position
    )


def _invite_refusal(email: str, organisation: Organisation) -> str:
    """Why this address cannot be invited; empty when it can. An invitation only creates a new
    account (or resends the link to one invited here that has not signed in yet): adding a role
    to anyone else's account would let this authority act for someone it does not employ."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return ""
    here = Membership.objects.filter(user=existing, organisation=organisation)
    if here.filter(is_active=True).exists():
        if existing.is_active and awaiting_first_sign_in(existing):
            return ""
        return (
            f"{email} is already a member of {organisation.name}: give them a role on their page."
        )
    if here.exists():
        return f"{email} used to work for {organisation.name}: give them a role on their page."
    return (
        "This e-mail address already has an account with another organisation. Ask them to use "
        f"a different address for {organisation.name}."
    )


def colleague_invite(
    *, actor: Actor, email: str, full_name: str, role: str, senior_position: str = ""
) -> Membership:
    """Creates the colleague's account with one role in the administrator's authority and
    e-mails them a link to set their password; nothing is written when anything is refused."""
    organisation = require_authority_admin(actor)
    email = email.strip().lower()
    full_name = full_name.strip()
    with transaction.atomic():
        fields: dict[str, str] = {}
        if not email or "@" not in email:
            fields["email"] = "Enter an email address in the correct format, like name@example.com."
        elif refusal := _invite_refusal(email, organisation):
            fields["email"] = refusal
        if not full_name:
            fields["full_name"] = "Enter your colleague's full name."
        fields.update(_role_problems(organisation, role, senior_position))
        if fields:
            raise InvalidInput.on_fields(fields)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(actor=actor, email=email, full_name=full_name)
            membership = membership_create(
                actor=actor,
                user=user,
                organisation=organisation,
                role=role,
                senior_position=senior_position,
            )
            event_key = f"invited:{membership.pk}"
        else:
            # _invite_refusal let only this case through: invited here, never signed in.
            membership = Membership.objects.filter(
                user=user, organisation=organisation, is_active=True
            ).first()  # type: ignore[assignment]
            assert membership is not None
            event_key = f"invited:{membership.pk}:{timezone.now():%Y%m%dT%H%M%S.%f}"
        audit_record(
            actor=actor,
            verb=AuditVerb.INVITED,
            obj=user,
            after={"email": email, "role": membership.role},
            reason="Invited to set a password",
        )
        notify(
            recipients=[user],
            event_key=event_key,
            template="notifications/colleague_invited",
            context={
                "inviter": actor.user,
                "organisation": organisation.name,
                "link_lifetime": link_lifetime(),
            },
            url=set_password_path(user),
        )
    return membership


def link_lifetime() -> str:
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
    return f"{days} day{'s' if days != 1 else ''}" if days else "a few hours"


def _person_here(actor: Actor, person: User) -> Organisation:
    organisation = require_authority_admin(actor)
    if not Membership.objects.filter(user=person, organisation=organisation).exists():
        raise NotAllowed("This person has never worked for your authority.")
    if hasattr(person, "api_client"):
        raise NotAllowed("API clients are managed on the API clients page.")
    return organisation


def role_give(
    *, actor: Actor, person: User, role: str, senior_position: str = "", reason: str = ""
) -> Membership:
    """Gives a colleague (or a former colleague) one more role in the authority."""
    organisation = _person_here(actor, person)
    if problems := _role_problems(organisation, role, senior_position):
        raise InvalidInput.on_fields(problems)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=person, organisation=organisation, role=role)
            .first()
        )
        before = snapshot(membership, MEMBERSHIP_FIELDS) if membership else None
        if membership is not None and membership.is_active:
            raise InvalidInput.on_fields({"role": f"{person} is already a {role_label(role)}."})
        if membership is None:
            membership = Membership.objects.create(
                user=person, organisation=organisation, role=role, senior_position=senior_position
            )
        else:
            membership.is_active, membership.ended_at = True, None
            membership.senior_position = senior_position
            membership.save(update_fields=["is_active", "ended_at", "senior_position"])
        audit_record(
            actor=actor,
            verb=AuditVerb.ROLE_GIVEN,
            obj=membership,
            before=before,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
            reason=reason,
        )
    return membership


def role_label(role: str) -> str:
    return Role(role).label.lower() if role in Role.values else role


def _locked_admins(organisation: Organisation) -> list[Membership]:
    """Every active administrator membership of the authority, locked: two administrators
    removing each other at once are serialised, so one always remains."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.AUTHORITY_ADMIN, is_active=True)
        .order_by("pk")
    )


def _end(actor: Actor, membership: Membership, verb: str, reason: str) -> None:
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.is_active, membership.ended_at = False, timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    audit_record(
        actor=actor,
        verb=verb,
        obj=membership,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
        reason=reason,
    )


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": "Enter the reason."})
    return reason.strip()


def role_remove(*, actor: Actor, membership: Membership, reason: str) -> Membership:
    """Ends one role; the authority's last administrator stays (WrongState)."""
    organisation = _person_here(actor, membership.user)
    reason = _require_reason(reason)
    with transaction.atomic():
        admins = _locked_admins(organisation)
        locked = Membership.objects.select_for_update().get(
            pk=membership.pk, organisation=organisation
        )
        if not locked.is_active:
            raise WrongState("This role was already removed.")
        if locked.role == Role.AUTHORITY_ADMIN and [m.pk for m in admins] == [locked.pk]:
            raise WrongState(
                f"{locked.user} is the only administrator of {organisation.name}. "
                "Make someone else an administrator first."
            )
        _end(actor, locked, AuditVerb.ROLE_REMOVED, reason)
    return locked


def senior_position_change(
    *, actor: Actor, membership: Membership, senior_position: str, reason: str = ""
) -> Membership:
    """Gives a senior manager another senior position (rating alerts and sign-offs follow it)."""
    organisation = _person_here(actor, membership.user)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(
            pk=membership.pk, organisation=organisation
        )
        if not locked.is_active or locked.role != Role.SENIOR_MANAGER:
            raise WrongState("Only a current senior manager holds a senior position.")
        if problems := membership_problems(
            organisation=organisation, role=locked.role, senior_position=senior_position
        ):
            raise InvalidInput.on_fields(problems)
        before = snapshot(locked, MEMBERSHIP_FIELDS)
        locked.senior_position = senior_position
        locked.save(update_fields=["senior_position"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            before=before,
            after=snapshot(locked, MEMBERSHIP_FIELDS),
            reason=reason,
        )
    return locked


def person_deactivate(*, actor: Actor, person: User, reason: str) -> list[Membership]:
    """A leaver: every role they hold in the authority ends. Their sessions and API tokens act
    through those memberships only (fps_portal.actors), so from their next request nothing of
    this authority is theirs; their memberships elsewhere, if any, are not touched."""
    organisation = _person_here(actor, person)
    reason = _require_reason(reason)
    with transaction.atomic():
        admins = _locked_admins(organisation)
        held = list(
            Membership.objects.select_for_update().filter(
                user=person, organisation=organisation, is_active=True
            )
        )
        if not held:
            raise WrongState(f"{person} has no role in {organisation.name} to end.")
        if admins and all(m.user_id == person.pk for m in admins):
            raise WrongState(
                f"{person} is the only administrator of {organisation.name}. "
                "Make someone else an administrator first."
            )
        for membership in held:
            _end(actor, membership, AuditVerb.DEACTIVATED, reason)
        if not Membership.objects.filter(user=person, is_active=True).exists():
            # Nothing left to act for: a personal API token of theirs goes too.
            Token.objects.filter(user=person).delete()
    return held
