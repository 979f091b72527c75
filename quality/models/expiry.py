"""Evidence expiry clocks: every evidence item with a `valid_until` (insurance first, then
registrations and policies with review dates) reminds the provider 60, 30 and 7 days before it
expires; on expiry it becomes an `EvidenceLapse` flagged to the lead authority, which stays open
until the lead authority accepts a renewal. While an insurance lapse is open, commissioners see
"insurance expired" on the provider's settings (`Setting.insurance_expired`, kept by
quality.services.expiry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ExpiryStage(models.TextChoices):
    DAYS_60 = "60", "60 days before expiry"
    DAYS_30 = "30", "30 days before expiry"
    DAYS_7 = "7", "7 days before expiry"
    EXPIRED = "expired", "Expired"


#: Days before `valid_until` at which each reminder is due, latest first.
REMINDER_DAYS: tuple[tuple[int, str], ...] = (
    (7, ExpiryStage.DAYS_7),
    (30, ExpiryStage.DAYS_30),
    (60, ExpiryStage.DAYS_60),
)


class ExpiryNotice(models.Model):
    """One stage of one item's clock, sent once: beat run twice, or two workers, send one."""

    evidence = models.ForeignKey(
        "providers.Evidence", on_delete=models.CASCADE, related_name="expiry_notices"
    )
    stage = models.CharField(max_length=8, choices=ExpiryStage.choices)
    valid_until = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evidence_id", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "stage"], name="one_expiry_notice_a_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} for evidence {self.evidence_id}"


class LapseState(models.TextChoices):
    """- expired: flagged to the lead authority; waiting for the provider's renewal.
    - renewal_sent: the provider uploaded a renewal; the lead authority accepts or returns it.
    - resolved: the lead authority accepted a renewal (here or in a re-check).
    """

    EXPIRED = "expired", "Expired: waiting for a renewal"
    RENEWAL_SENT = "renewal_sent", "Renewal waiting for the lead authority"
    RESOLVED = "resolved", "Renewal accepted"


LAPSE_TRANSITIONS: dict[str, frozenset[str]] = {
    LapseState.EXPIRED: frozenset({LapseState.RENEWAL_SENT, LapseState.RESOLVED}),
    LapseState.RENEWAL_SENT: frozenset({LapseState.EXPIRED, LapseState.RESOLVED}),
    LapseState.RESOLVED: frozenset(),
}
OPEN_LAPSE_STATES = (LapseState.EXPIRED, LapseState.RENEWAL_SENT)


class EvidenceLapse(models.Model):
    """An evidence item that expired without being replaced, flagged to the lead authority."""

    evidence = models.OneToOneField(
        "providers.Evidence", on_delete=models.PROTECT, related_name="lapse"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="evidence_lapses"
    )
    expired_on = models.DateField()
    state = models.CharField(max_length=16, choices=LapseState.choices, default=LapseState.EXPIRED)
    flagged_at = models.DateTimeField(default=timezone.now)
    renewal = models.ForeignKey(
        "providers.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renewal_sent_at = models.DateTimeField(null=True, blank=True)
    renewal_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_reason = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["expired_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="renewal_sent") | Q(renewal__isnull=False),
                name="lapse_renewal_sent_has_renewal",
            )
        ]
        indexes = [models.Index(fields=["provider", "state"], name="lapse_provider_state_idx")]

    def __str__(self) -> str:
        return f"Expired: {self.evidence}"
