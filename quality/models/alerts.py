"""Rating alerts: a confirmed inspection judgement that lowers a setting's band, makes
safeguarding not met or brings a category of concern (`is_alert_worthy`) is told to the senior
managers of every authority with a child placed there, and to the lead authority.

The alert keeps the old and new judgement as they read when it was raised (framework, the
deciding grades, dates), so it still says what happened after a later inspection replaces them.
One `AlertRecipient` per person and authority records who was told and who acknowledged it.
A fail band also opens the lead authority's decision: suspend the provider's membership, or
record why not (`DecisionState`); until it is made the setting shows "under review".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.inspections.bands import Band


class DecisionState(models.TextChoices):
    """- none: the band is not a fail, so the lead authority has nothing to decide.
    - pending: on the lead authority's queue; the setting is under review.
    - suspended: the lead authority suspended the provider's membership.
    - kept: the lead authority kept the membership and recorded why."""

    NONE = "none", "No decision needed"
    PENDING = "pending", "Awaiting the lead authority's decision"
    SUSPENDED = "suspended", "Membership suspended"
    KEPT = "kept", "Membership kept, with the reason recorded"


DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionState.NONE: frozenset(),
    DecisionState.PENDING: frozenset({DecisionState.SUSPENDED, DecisionState.KEPT}),
    DecisionState.SUSPENDED: frozenset(),
    DecisionState.KEPT: frozenset(),
}


class RatingAlert(models.Model):
    setting = models.ForeignKey("providers.Setting", on_delete=models.PROTECT, related_name="+")
    judgement = models.ForeignKey(
        "providers.InspectionJudgement", on_delete=models.PROTECT, related_name="+"
    )
    # The grades that raised it, hashed: the same judgement recorded again alerts once, a
    # correction of its grades is a new alert.
    fingerprint = models.CharField(max_length=64, unique=True)
    previous_judgement = models.ForeignKey(
        "providers.InspectionJudgement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Each judgement as it read when the alert was raised: "Ofsted: Overall effectiveness: 4".
    previous_band = models.CharField(max_length=8, choices=Band.choices, blank=True)
    previous_summary = models.CharField(max_length=200, blank=True)
    previous_inspected_on = models.DateField(null=True, blank=True)
    previous_published_on = models.DateField(null=True, blank=True)
    new_band = models.CharField(max_length=8, choices=Band.choices)
    new_summary = models.CharField(max_length=200)
    new_inspected_on = models.DateField()
    new_published_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(help_text="Why it alerts, from is_alert_worthy.")
    created_at = models.DateTimeField(default=timezone.now)
    decision_state = models.CharField(
        max_length=12, choices=DecisionState.choices, default=DecisionState.NONE
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["decision_state", "created_at"]),
            models.Index(fields=["setting", "decision_state"]),
        ]

    def __str__(self) -> str:
        return f"Rating alert {self.pk}"

    @property
    def is_fail(self) -> bool:
        return self.new_band == Band.FAIL


class AlertRecipient(models.Model):
    """One person told of an alert, for one authority: what they see of it is that authority's."""

    alert = models.ForeignKey(RatingAlert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["alert", "authority", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "user", "authority"], name="one_recipient_per_person_authority"
            )
        ]
        indexes = [models.Index(fields=["authority", "alert"])]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} to {self.user_id}"
