"""E-mail to outside addresses (people who are not portal users) through the outbox: one row
per event and address, sent once after commit by the e-mail task under the row's lock, a retried
job sending nothing twice, and a failed send picked up by the resend sweep."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from fps_portal.notifications.delivery import external_email_deliver
from fps_portal.notifications.models import ExternalEmail
from fps_portal.notifications.services import email_outside
from fps_portal.notifications.tasks import resend_unsent_emails, send_notification_email

pytestmark = pytest.mark.django_db

SOCIAL_WORKER = "sam.social@sefton.example"
IRO = "ira.reviewer@sefton.example"


def _alert(*addresses: str, key: str = "risk-alert:1") -> list[ExternalEmail]:
    # Any plain-text pair of templates does; this one needs no context.
    return email_outside(
        addresses=addresses, event_key=key, template="notifications/referrals_review_due"
    )


def _stale(email: ExternalEmail) -> None:
    ExternalEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=30)
    )


def test_each_address_is_sent_once_after_commit_and_a_second_call_makes_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _alert(SOCIAL_WORKER, IRO, SOCIAL_WORKER, "")
    assert mail.outbox == []  # nothing before the commit
    assert len(first) == 2 and len(callbacks) == 2
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert _alert(SOCIAL_WORKER, IRO) == []  # the job retried: nothing new
    assert again == []
    assert sorted(m.to[0] for m in mail.outbox) == [IRO, SOCIAL_WORKER]
    assert mail.outbox[0].subject.endswith(" – North West SEND Placements")
    rows = ExternalEmail.objects.all()
    assert rows.count() == 2
    # Sent, and the outbox keeps no copy of what it said.
    assert all(r.emailed_at is not None and r.body == "" for r in rows)
    # Another event to the same address is another e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_alert(SOCIAL_WORKER, key="risk-alert:2")) == 1
    assert len(mail.outbox) == 3


def test_a_retried_task_or_a_second_worker_sends_nothing_twice(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (email,) = _alert(SOCIAL_WORKER)
    assert len(mail.outbox) == 1
    assert external_email_deliver(email_id=email.pk) is False
    assert send_notification_email.delay(external_email_id=email.pk).get() is False
    _stale(email)
    assert resend_unsent_emails.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_leaves_nothing_to_send(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _alert(SOCIAL_WORKER)
        raise RuntimeError("the award failed")
    assert not ExternalEmail.objects.exists() and mail.outbox == []


def test_a_failed_send_stays_in_the_outbox_and_the_sweep_sends_it_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    down = mock.patch(
        "fps_portal.notifications.delivery.send_mail", side_effect=OSError("mail server down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        (email,) = _alert(IRO)
    email.refresh_from_db()
    assert email.emailed_at is None and email.body  # kept to send again
    assert mail.outbox == []
    assert resend_unsent_emails.delay().get() == 0  # not yet stale: its task may still retry
    _stale(email)
    assert resend_unsent_emails.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[IRO]]
    email.refresh_from_db()
    assert email.emailed_at is not None
    assert resend_unsent_emails.delay().get() == 0  # swept twice: sent once
    assert len(mail.outbox) == 1
