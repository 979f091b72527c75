from celery import shared_task

from fps_portal.notifications.services import notification_deliver_email


@shared_task(
    name="notifications.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_notification_email(notification_id: int) -> bool:
    return notification_deliver_email(notification_id=notification_id)


@shared_task(name="notifications.resend_unsent")
def resend_unsent_emails() -> int:
    """Sweep for e-mails whose task was lost (e.g. the broker was down at commit)."""
    import datetime

    from django.utils import timezone

    from fps_portal.notifications.models import Notification

    stale = timezone.now() - datetime.timedelta(minutes=10)
    ids = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, created_at__lt=stale
    ).values_list("pk", flat=True)[:500]
    return sum(notification_deliver_email(notification_id=pk) for pk in ids)
