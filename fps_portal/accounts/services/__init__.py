"""Writes for people, organisations and memberships. Each is atomic and audited."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from fps_portal.accounts.models import Membership, Organisation, User, membership_problems
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput


def user_create(
    *, actor: Actor | None, email: str, full_name: str, password: str | None = None
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise InvalidInput(
            "A user with this email address already exists.", fields={"email": "Already in use."}
        )
    with transaction.atomic():
        user = User.objects.create_user(email, password, full_name=full_name)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=user,
            after={"email": email, "full_name": full_name},
        )
    return user


def membership_create(
    *,
    actor: Actor | None,
    user: User,
    organisation: Organisation,
    role: str,
    senior_position: str = "",
) -> Membership:
    if problems := membership_problems(
        organisation=organisation, role=role, senior_position=senior_position
    ):
        raise InvalidInput(next(iter(problems.values())), fields=problems)
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            role=role,
            defaults={"senior_position": senior_position},
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=membership,
            after=snapshot(membership, ["user_id", "organisation_id", "role", "senior_position"]),
        )
    return membership


def api_token_issue(*, actor: Actor | None, user: User) -> Token:
    """A fresh API token for the user; any earlier token stops working."""
    if not user.is_active:
        raise InvalidInput("This user is deactivated; reactivate them before issuing a token.")
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(actor=actor, verb=AuditVerb.ISSUED_TOKEN, obj=user, reason="API token issued")
    return token
