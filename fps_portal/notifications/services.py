"""Telling people things: an in-app notification now, an e-mail from a worker after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from fps_portal.notifications.models import Notification
from fps_portal.notifications.tasks import send_notification_email

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fps_portal.accounts.models import User


def notify(
    *,
    recipients: Iterable[User],
    event_key: str,
    subject: str,
    body: str,
    url: str = "",
    send_email: bool = True,
) -> list[Notification]:
    """Create one notification per recipient for this event, skipping anyone already told.

    Safe to call twice for the same event: the second call creates nothing and sends nothing.
    E-mails are queued only once the surrounding transaction commits.
    """

    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        with transaction.atomic():
            notification, was_created = Notification.objects.get_or_create(
                recipient=user,
                event_key=event_key,
                defaults={
                    "subject": subject[:200],
                    "body": body,
                    "url": url,
                    "send_email": send_email,
                },
            )
        if was_created:
            created.append(notification)
            if send_email:
                notification_id = notification.pk
                transaction.on_commit(
                    lambda nid=notification_id: _queue_email(nid)  # type: ignore[misc]
                )
    return created


def _queue_email(notification_id: int) -> None:
    """Hand the e-mail to a worker. The notification row is the outbox: if the broker cannot take
    the task now, the change that caused it still stands and the resend sweep sends it later."""
    try:
        send_notification_email.delay(notification_id)
    except Exception:
        logger.warning(
            "Could not queue e-mail for notification %s; the sweep will retry.",
            notification_id,
            exc_info=True,
        )


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
