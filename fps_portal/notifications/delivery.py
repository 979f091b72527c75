"""Sending the e-mail behind a notification: the outbox's delivery side, run by workers.

Apart from `services.py` so the tasks can call it while `notify` queues those tasks:
`services` -> `tasks` -> `delivery`, no cycle.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from fps_portal.notifications.models import ExternalEmail, Notification

SUBJECT_SUFFIX = " – North West SEND Placements"
# An e-mail still unsent this long after its notification was created lost its task.
UNSENT_AFTER = datetime.timedelta(minutes=10)
SWEEP_BATCH = 500


def notification_deliver_email(*, notification_id: int) -> bool:
    """Send the e-mail for one notification unless it has gone already. True when sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, send_email=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"{notification.subject}{SUBJECT_SUFFIX}",
            message=f"{notification.body}{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def external_email_deliver(*, email_id: int) -> bool:
    """Send one outbox e-mail to an outside address unless it has gone already (the row's lock
    is held while sending, so a racing worker waits and then finds it sent). True when sent
    now; a failed send raises, leaving the row unsent for the task's retry or the sweep."""
    with transaction.atomic():
        email = (
            ExternalEmail.objects.select_for_update()
            .filter(pk=email_id, emailed_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        send_mail(
            subject=f"{email.subject}{SUBJECT_SUFFIX}",
            message=f"{email.body}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email.address],
        )
        email.emailed_at = timezone.now()
        email.body = ""
        email.save(update_fields=["emailed_at", "body"])
    return True


def notification_deliver_unsent(*, now: datetime.datetime | None = None) -> int:
    """Send e-mails whose task was lost (e.g. the broker was down at commit), to users and to
    outside addresses; how many went."""
    stale = (now or timezone.now()) - UNSENT_AFTER
    ids = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, created_at__lt=stale
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    sent = sum(notification_deliver_email(notification_id=pk) for pk in ids)
    outside = ExternalEmail.objects.filter(emailed_at__isnull=True, created_at__lt=stale)
    external_ids = outside.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    return sent + sum(external_email_deliver(email_id=pk) for pk in external_ids)
