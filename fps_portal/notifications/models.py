"""In-app notifications, which double as the outbox for e-mail."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One message to one person about one event.

    `event_key` names the event (e.g. "window-opened:12"); the unique constraint on
    (recipient, event_key) is what makes "never twice for one event" hold even when a job runs
    twice or two workers race. `emailed_at` is set once the e-mail has gone.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
