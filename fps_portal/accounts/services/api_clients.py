"""API clients: another council's system, registered, rotated and revoked by the authority's
administrator.

A credential is `fps_<prefix>_<secret>`: the prefix (48 random bits) finds the row, the secret
(256 random bits) is never stored; the row keeps the SHA-256 of the whole credential. A fast hash
is enough because the secret is random and long (nothing to guess, unlike a password), and it
keeps each API request to one indexed look-up. The credential is returned once, to be shown once.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import (
    API_CLIENT_ROLES,
    ApiClient,
    Membership,
    User,
    membership_problems,
)
from fps_portal.accounts.services.people import require_authority_admin
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record, snapshot
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.once import create_once
from fps_portal.text import API_CLIENT_EMAIL_DOMAIN

CREDENTIAL_PREFIX = "fps_"
#: How long a credential may live, in days, as offered when a client is registered.
LIFETIMES = {30: "1 month", 90: "3 months", 180: "6 months", 365: "12 months"}
DEFAULT_LIFETIME_DAYS = 365
MAX_LIFETIME_DAYS = max(LIFETIMES)
CLIENT_FIELDS = ["name", "key_prefix", "expires_at", "revoked_at", "rotated_at"]


@dataclass(frozen=True)
class IssuedCredential:
    client: ApiClient
    #: The whole credential; shown once and never stored. Empty when a form sent twice returns
    #: the client the first sending made (its credential was shown to that one).
    credential: str


def credential_hash(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


def split_credential(credential: str) -> str | None:
    """The prefix of a well-formed credential; None for anything else."""
    if not credential.startswith(CREDENTIAL_PREFIX):
        return None
    prefix, _, secret = credential[len(CREDENTIAL_PREFIX) :].partition("_")
    if len(prefix) != 12 or not secret:
        return None
    return prefix


def _new_credential(prefix: str) -> str:
    return f"{CREDENTIAL_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_client_create(
    *,
    actor: Actor,
    name: str,
    role: str,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    submission_key: uuid.UUID | None = None,
) -> IssuedCredential:
    organisation = require_authority_admin(actor)
    name = name.strip()
    fields: dict[str, str] = {}
    if not name:
        fields["name"] = "Enter a name for the system, like 'Sefton case management'."
    elif len(name) > ApiClient._meta.get_field("name").max_length:  # type: ignore[operator]
        fields["name"] = "Name must be 100 characters or fewer."
    if role not in API_CLIENT_ROLES:
        fields["role"] = "Select the role the system acts in."
    elif problem := membership_problems(organisation=organisation, role=role).get("role"):
        fields["role"] = problem
    if lifetime_days not in LIFETIMES:
        fields["lifetime_days"] = "Select how long the credential lasts."
    if fields:
        raise InvalidInput.on_fields(fields)
    now = timezone.now()
    prefix = secrets.token_hex(6)
    credential = _new_credential(prefix)

    def create() -> ApiClient:
        user = User.objects.create_user(
            f"{prefix}@{API_CLIENT_EMAIL_DOMAIN}", None, full_name=f"API client: {name}"
        )
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        return ApiClient.objects.create(
            organisation=organisation,
            name=name,
            user=user,
            membership=membership,
            key_prefix=prefix,
            secret_hash=credential_hash(credential),
            lifetime_days=lifetime_days,
            expires_at=now + datetime.timedelta(days=lifetime_days),
            created_at=now,
            created_by=actor.user,
            submission_key=submission_key,
        )

    with transaction.atomic():
        client, created = create_once(
            earlier=ApiClient.objects.filter(organisation=organisation),
            submission_key=submission_key,
            create=create,
        )
        if not created:
            return IssuedCredential(client=client, credential="")
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=client,
            after={**snapshot(client, CLIENT_FIELDS), "role": role},
            reason="API client registered",
        )
    return IssuedCredential(client=client, credential=credential)


def _locked_live(actor: Actor, client: ApiClient) -> ApiClient:
    organisation = require_authority_admin(actor)
    locked = ApiClient.objects.select_for_update().get(pk=client.pk, organisation=organisation)
    if locked.is_revoked:
        raise WrongState("This API client was revoked; register a new one.")
    return locked


def api_client_rotate(*, actor: Actor, client: ApiClient, reason: str = "") -> IssuedCredential:
    """A new credential, living as long as the first one was given; the old one stops at once."""
    with transaction.atomic():
        locked = _locked_live(actor, client)
        before = snapshot(locked, CLIENT_FIELDS)
        credential = _new_credential(locked.key_prefix)
        now = timezone.now()
        locked.secret_hash = credential_hash(credential)
        locked.rotated_at = now
        locked.expires_at = now + datetime.timedelta(days=locked.lifetime_days)
        locked.save(update_fields=["secret_hash", "rotated_at", "expires_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.CREDENTIAL_ROTATED,
            obj=locked,
            before=before,
            after=snapshot(locked, CLIENT_FIELDS),
            reason=reason,
        )
    return IssuedCredential(client=locked, credential=credential)


def api_client_revoke(*, actor: Actor, client: ApiClient, reason: str) -> ApiClient:
    if not reason.strip():
        raise InvalidInput.on_fields({"reason": "Enter why the API client is revoked."})
    with transaction.atomic():
        locked = _locked_live(actor, client)
        before = snapshot(locked, CLIENT_FIELDS)
        now = timezone.now()
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
        Membership.objects.filter(pk=locked.membership_id).update(is_active=False, ended_at=now)
        audit_record(
            actor=actor,
            verb=AuditVerb.REVOKED,
            obj=locked,
            before=before,
            after=snapshot(locked, CLIENT_FIELDS),
            reason=reason.strip(),
        )
    return locked


def api_client_authenticate(credential: str) -> ApiClient | None:
    """The live client this credential belongs to; None for a wrong, expired or revoked one.
    Stamps `last_used_at` at most once a minute, so a busy client writes little."""
    prefix = split_credential(credential)
    if prefix is None:
        return None
    client = (
        ApiClient.objects.select_related("user", "membership__organisation")
        .filter(key_prefix=prefix)
        .first()
    )
    if client is None or not secrets.compare_digest(
        client.secret_hash, credential_hash(credential)
    ):
        return None
    now = timezone.now()
    if client.is_revoked or client.expires_at <= now or not client.membership.is_active:
        return None
    if client.last_used_at is None or now - client.last_used_at > datetime.timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client
