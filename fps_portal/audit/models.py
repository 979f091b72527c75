"""The append-only audit log: who did what to which object, why, and when (UTC)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditVerb(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"
    STATE_CHANGED = "state_changed", "Changed state"
    VIEWED_CHILD_RECORD = "viewed_child_record", "Viewed a child's record"
    SIGNED = "signed", "Signed"
    DECIDED = "decided", "Recorded a decision"
    ISSUED_TOKEN = "issued_token", "Issued an API token"
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_IN_FAILED = "signed_in_failed", "Failed to sign in"
    SIGNED_OUT = "signed_out", "Signed out"
    SWITCHED_ORGANISATION = "switched_organisation", "Switched the organisation acted for"
    DOWNLOADED = "downloaded", "Downloaded a document"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    RATE_LIMITED = "rate_limited", "Refused: too many requests"
    MFA_ENROLLED = "mfa_enrolled", "Set up an authenticator app"
    MFA_VERIFIED = "mfa_verified", "Entered a correct code"
    MFA_FAILED = "mfa_failed", "Entered a wrong code"
    RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Got new recovery codes"
    INVITED = "invited", "Invited a colleague"
    ROLE_GIVEN = "role_given", "Gave a role"
    ROLE_REMOVED = "role_removed", "Removed a role"
    DEACTIVATED = "deactivated", "Deactivated a leaver"
    CREDENTIAL_ROTATED = "credential_rotated", "Rotated an API credential"
    REVOKED = "revoked", "Revoked an API client"


class AuditEvent(models.Model):
    """One thing that happened. Rows are only ever inserted; PostgreSQL refuses UPDATE, DELETE
    (migration 0002) and TRUNCATE (0003) with triggers, the model refuses them in Python, and in
    production the portal's database role may only SELECT and INSERT here (docs/deployment.md)."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="E-mail at the time.")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=32, blank=True)
    verb = models.CharField(max_length=32, choices=AuditVerb.choices)
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
