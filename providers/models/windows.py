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
    """

    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    EVALUATING = "evaluating", "Closed for evaluation"
    COMPLETED = "completed", "Completed"


WINDOW_TRANSITIONS: dict[str, frozenset[str]] = {
    WindowState.SCHEDULED: frozenset({WindowState.OPEN}),
    WindowState.OPEN: frozenset({WindowState.EVALUATING}),
    WindowState.EVALUATING: frozenset({WindowState.COMPLETED}),
    WindowState.COMPLETED: frozenset(),
}


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
    closed_at = models.DateTimeField(null=True, blank=True)
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
