"""Evaluation windows: the rounds in which an FPS admits new providers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class WindowState(models.TextChoices):
    """States of an evaluation window.

    - scheduled: announced; applications may be drafted but not submitted.
    - open: providers submit applications (opened by beat at `opens_at`).
    - evaluating: closed to submissions (by beat at `closes_at`); submitted applications are
      under evaluation, clarifications run until `evaluation_deadline`.
    - completed: every application has an outcome; the round is over.
    - cancelled: withdrawn by the lead authority before it opened (a typo, a change of plan);
      it never opens, and its name and dates are free for another window.

    A scheduled window may also be rescheduled (scheduled -> scheduled: its name or dates
    corrected), opened early by the lead authority, and an open one closed early; each correction
    carries a reason, kept in the audit log.
    """

    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    EVALUATING = "evaluating", "Closed for evaluation"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


WINDOW_TRANSITIONS: dict[str, frozenset[str]] = {
    # scheduled -> scheduled is a reschedule: the only state in which name and dates may change.
    WindowState.SCHEDULED: frozenset(
        {WindowState.SCHEDULED, WindowState.OPEN, WindowState.CANCELLED}
    ),
    WindowState.OPEN: frozenset({WindowState.EVALUATING}),
    WindowState.EVALUATING: frozenset({WindowState.COMPLETED}),
    WindowState.COMPLETED: frozenset(),
    WindowState.CANCELLED: frozenset(),
}
WINDOW_REASON_LIMIT = 1000


class EvaluationWindow(models.Model):
    """One round of admission to a purchasing system that admits by windows (see WindowState)."""

    purchasing_system = models.ForeignKey(
        "providers.PurchasingSystem", on_delete=models.PROTECT, related_name="windows"
    )
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    evaluation_deadline = models.DateTimeField(
        help_text="Evaluation, clarifications and outcomes are due by this time."
    )
    state = models.CharField(
        max_length=16, choices=WindowState.choices, default=WindowState.SCHEDULED
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # Who opened or closed it by hand (early); empty when beat did, on time.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    rescheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Shown on the window's page: why a round everyone could see never ran.
    cancellation_reason = models.CharField(max_length=WINDOW_REASON_LIMIT, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="window_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(evaluation_deadline__gt=F("closes_at")),
                name="window_evaluated_after_closing",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "opens_at"]),
            models.Index(fields=["state", "closes_at"]),
        ]

    def __str__(self) -> str:
        return self.name
