"""Telling people things: an in-app notification now, an e-mail from a worker after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from fps_portal.notifications.models import ExternalEmail, Notification
from fps_portal.notifications.tasks import send_notification_email
from fps_portal.text import is_api_client_address

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fps_portal.accounts.models import User


def notify(
    *,
    recipients: Iterable[User],
    event_key: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    url: str = "",
    send_email: bool = True,
) -> list[Notification]:
    """Create one notification per recipient for this event, skipping anyone already told.

    The words come from ``templates/<template>_subject.txt`` and ``<template>_body.txt``, rendered
    with ``context`` (see ``render_notification``). Safe to call twice for the same event: the
    second call creates nothing and sends nothing. E-mails are queued only once the surrounding
    transaction commits.
    """

    subject, body = render_notification(template, context or {})
    created: list[Notification] = []
    for user in _tellable(recipients).values():
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
            _email_on_commit(notification)
    return created


@dataclass(frozen=True)
class Notice:
    """One event for `notify_many`: the arguments `notify` takes."""

    recipients: Sequence[User]
    event_key: str
    template: str
    context: Mapping[str, Any] | None = None
    url: str = ""
    send_email: bool = True


def notify_many(notices: Sequence[Notice]) -> list[Notification]:
    """`notify` for many events at once (a bulk write's form of it), with the same rules: one
    notification per recipient and event, skipping anyone already told of it, e-mails queued once
    the surrounding transaction commits; in a few queries however many the events and people.

    If another transaction tells someone of one of these events meanwhile (the insert meets the
    unique constraint), each event is told through `notify` instead, which skips them."""
    rows: list[Notification] = []
    for notice in notices:
        people = _tellable(notice.recipients)
        if not people:
            continue
        subject, body = render_notification(notice.template, notice.context or {})
        rows += [
            Notification(
                recipient=user,
                event_key=notice.event_key,
                subject=subject[:200],
                body=body,
                url=notice.url,
                send_email=notice.send_email,
            )
            for user in people.values()
        ]
    if not rows:
        return []
    told = set(
        Notification.objects.filter(
            event_key__in={n.event_key for n in rows},
            recipient_id__in={n.recipient_id for n in rows},
        ).values_list("recipient_id", "event_key")
    )
    fresh = []
    for notification in rows:
        if (notification.recipient_id, notification.event_key) not in told:
            told.add((notification.recipient_id, notification.event_key))
            fresh.append(notification)
    if not fresh:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(fresh, batch_size=500)
    except IntegrityError:  # someone was told of one of these events meanwhile
        return [
            notification
            for notice in notices
            for notification in notify(
                recipients=notice.recipients,
                event_key=notice.event_key,
                template=notice.template,
                context=notice.context,
                url=notice.url,
                send_email=notice.send_email,
            )
        ]
    for notification in created:
        _email_on_commit(notification)
    return created


def _tellable(recipients: Iterable[User]) -> dict[int, User]:
    """The recipients who can be told, each once. An API client's own user is no one to tell
    (its address is in a reserved domain)."""
    return {u.pk: u for u in recipients if u.is_active and not is_api_client_address(u.email)}


def _email_on_commit(notification: Notification) -> None:
    if notification.send_email:
        notification_id = notification.pk
        transaction.on_commit(lambda nid=notification_id: _queue_email(nid))  # type: ignore[misc]


def email_outside(
    *,
    addresses: Iterable[str],
    event_key: str,
    template: str,
    context: Mapping[str, Any] | None = None,
) -> list[ExternalEmail]:
    """E-mail people who are not portal users (no in-app notification), through the outbox:
    one `ExternalEmail` per address for this event, skipping any already made, each sent by a
    worker once the surrounding transaction commits and swept up if its task is lost. Safe to
    call twice for the same event: the second call creates nothing and sends nothing."""
    subject, body = render_notification(template, context or {})
    created: list[ExternalEmail] = []
    for address in dict.fromkeys(a.strip() for a in addresses if a and a.strip()):
        with transaction.atomic():
            email, was_created = ExternalEmail.objects.get_or_create(
                event_key=event_key,
                address=address,
                defaults={"subject": subject[:200], "body": body},
            )
        if was_created:
            created.append(email)
            email_id = email.pk
            transaction.on_commit(lambda eid=email_id: _queue_external(eid))  # type: ignore[misc]
    return created


def render_notification(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The subject (one line) and body of a notification, from its pair of plain-text templates.

    The templates switch autoescaping off (``{% autoescape off %}``): the e-mail is text/plain, so
    "&" must stay "&"; the in-app page escapes the stored text when it shows it. Rendering is once
    per event, not per recipient: the words do not depend on who reads them.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", dict(context)).split())
    body = render_to_string(f"{template}_body.txt", dict(context)).strip()
    return subject, body


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


def _queue_external(email_id: int) -> None:
    try:
        send_notification_email.delay(external_email_id=email_id)
    except Exception:
        logger.warning(
            "Could not queue e-mail %s to an outside address; the sweep will retry.",
            email_id,
            exc_info=True,
        )


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
