from celery import shared_task

from fps_portal.notifications.delivery import (
    external_email_deliver,
    notification_deliver_email,
    notification_deliver_unsent,
)


@shared_task(
    name="notifications.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_notification_email(
    notification_id: int | None = None, external_email_id: int | None = None
) -> bool:
    """Send one outbox e-mail: a notification's, or one to an outside address."""
    if external_email_id is not None:
        return external_email_deliver(email_id=external_email_id)
    assert notification_id is not None
    return notification_deliver_email(notification_id=notification_id)


@shared_task(name="notifications.resend_unsent")
def resend_unsent_emails() -> int:
    """Sweep for e-mails whose task was lost (e.g. the broker was down at commit)."""
    return notification_deliver_unsent()
