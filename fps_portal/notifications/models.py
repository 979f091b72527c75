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


class ExternalEmail(models.Model):
    """One e-mail about one event to an address that is no portal user's (a child's social
    worker or Independent Reviewing Officer, who cannot hold a `Notification`): the outbox row.

    The unique constraint on (event_key, address) makes a repeated call, a retried job or two
    racing workers create nothing twice; `emailed_at` is set under the row's lock when it has
    gone, so it is sent at most once, and the resend sweep picks up a row whose task was lost.
    Once sent, the body is emptied: the row stays as the record that it went, and the outbox
    keeps no copy of what it said (which may name a child).
    """

    event_key = models.CharField(max_length=200)
    address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "address"], name="one_external_email_per_event"
            )
        ]
        # The resend sweep: unsent rows, oldest first.
        indexes = [models.Index(fields=["emailed_at", "created_at"], name="external_email_unsent")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.address}"
