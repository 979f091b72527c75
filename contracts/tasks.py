"""Scheduled jobs on IPAs (issue 12). Each is thin and idempotent: the services change each
agreement under its row lock with its state re-checked, and notifications are keyed per event."""

from __future__ import annotations

from celery import shared_task

from contracts.services import beat


@shared_task(name="contracts.activate_started_agreements")
def activate_started_agreements() -> int:
    return beat.activate_started_agreements()


@shared_task(name="contracts.remind_unsigned_agreements")
def remind_unsigned_agreements() -> int:
    return beat.remind_unsigned_agreements()
