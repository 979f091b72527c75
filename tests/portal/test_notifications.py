"""Notifications: one per person per event, e-mailed once, after commit, by a Celery task."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from fps_portal.notifications.delivery import notification_deliver_email
from fps_portal.notifications.models import Notification
from fps_portal.notifications.services import Notice, notify, notify_many
from fps_portal.notifications.tasks import resend_unsent_emails
from tests.factories import person

pytestmark = pytest.mark.django_db


def _notify_once(
    recipients: Iterable[User], key: str = "window-opened:1", *, send_email: bool = True
) -> list[Notification]:
    return notify(
        recipients=recipients,
        event_key=key,
        template="notifications/membership_active",
        url="/dashboard/",
        send_email=send_email,
    )


def test_notifying_twice_for_one_event_creates_one_row_and_sends_one_email(
    django_capture_on_commit_callbacks,
) -> None:
    user = person(Role.PROVIDER_USER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _notify_once([user])
        second = _notify_once([user, user])
    assert len(first) == 1 and second == []
    assert len(callbacks) == 1
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject.startswith("You are now a member of the FPS")
    assert "http://localhost:8000/dashboard/" in message.body
    assert Notification.objects.get(recipient=user).emailed_at is not None


def test_no_email_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks,
) -> None:
    user = person(Role.PROVIDER_USER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify_once([user])
    assert mail.outbox == []
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_rolled_back_notification_sends_nothing(django_capture_on_commit_callbacks) -> None:
    user = person(Role.PROVIDER_USER)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify_once([user])
        raise RuntimeError("the change being notified failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_delivering_an_already_sent_notification_sends_nothing(
    django_capture_on_commit_callbacks,
) -> None:
    user = person(Role.COMMISSIONER)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify_once([user])
    assert len(mail.outbox) == 1
    assert notification_deliver_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_in_app_only_notifications_are_never_emailed(django_capture_on_commit_callbacks) -> None:
    user = person(Role.COMMISSIONER)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (notification,) = _notify_once([user], send_email=False)
    assert callbacks == []
    assert notification_deliver_email(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_inactive_users_are_skipped(django_capture_on_commit_callbacks) -> None:
    active = person(Role.COMMISSIONER)
    inactive = person(Role.COMMISSIONER, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = _notify_once([active, inactive])
    assert [n.recipient for n in created] == [active]
    assert not Notification.objects.filter(recipient=inactive).exists()
    assert [m.to for m in mail.outbox] == [[active.email]]


def test_each_recipient_is_told_once_per_event_and_again_for_a_new_event(
    django_capture_on_commit_callbacks,
) -> None:
    first, second = person(Role.COMMISSIONER), person(Role.QA_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        _notify_once([first, second], key="event:1")
        _notify_once([first, second], key="event:1")
        _notify_once([first], key="event:2")
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email, first.email])


def test_the_sweep_resends_only_stale_unsent_emails() -> None:
    user = person(Role.COMMISSIONER)
    # As if the broker had been down at commit: rows exist, no task ran.
    stale = Notification.objects.create(
        recipient=user,
        event_key="lost",
        subject="Lost",
        body="b",
        created_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    Notification.objects.create(recipient=user, event_key="fresh", subject="Fresh", body="b")
    assert resend_unsent_emails.delay().get() == 1
    assert [m.subject for m in mail.outbox] == ["Lost – North West SEND Placements"]
    stale.refresh_from_db()
    assert stale.emailed_at is not None
    assert resend_unsent_emails.delay().get() == 0


def _notice(recipients: list[User], key: str, *, send_email: bool = True) -> Notice:
    return Notice(
        recipients=recipients,
        event_key=key,
        template="notifications/membership_active",
        url="/dashboard/",
        send_email=send_email,
    )


def test_notify_many_tells_as_notify_would_and_skips_who_was_told(
    django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    users = [person(Role.PROVIDER_USER) for _ in range(3)]
    users[2].is_active = False
    _notify_once([users[0]], "window-opened:1")  # told already, through notify
    mail.outbox.clear()
    notices = [
        _notice(users, "window-opened:1"),
        _notice([users[1], users[1]], "window-opened:2"),
        _notice([users[0]], "window-opened:3", send_email=False),
    ]
    # Who was told already, then a savepoint, the insert and its release.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with django_assert_num_queries(4):
            created = notify_many(notices)
        again = notify_many(notices)
    assert again == []
    assert [(n.recipient_id, n.event_key) for n in created] == [
        (users[1].pk, "window-opened:1"),
        (users[1].pk, "window-opened:2"),
        (users[0].pk, "window-opened:3"),
    ]
    assert len(callbacks) == 2  # e-mails only where asked, after commit
    assert sorted(m.to[0] for m in mail.outbox) == [users[1].email] * 2
    one = Notification.objects.get(recipient=users[1], event_key="window-opened:1")
    assert one.subject.startswith("You are now a member of the FPS") and one.url == "/dashboard/"


def test_notify_many_meeting_a_row_made_meanwhile_tells_each_event_through_notify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, other = person(Role.PROVIDER_USER), person(Role.PROVIDER_USER)
    _notify_once([user], "window-opened:1")
    # As if the other transaction's row appeared after notify_many looked.
    monkeypatch.setattr(Notification.objects, "filter", lambda **kw: Notification.objects.none())
    created = notify_many([_notice([user, other], "window-opened:1")])
    monkeypatch.undo()
    assert [(n.recipient_id, n.event_key) for n in created] == [(other.pk, "window-opened:1")]
    assert Notification.objects.filter(event_key="window-opened:1").count() == 2
