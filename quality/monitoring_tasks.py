"""Scheduled monitoring jobs. Each is thin, idempotent and safe to run twice or at once: a return
is unique per provider and quarter (created in a savepoint, so the constraint decides a race),
and each reminder is stamped under the return's lock (quality.services.monitoring_rounds)."""

from __future__ import annotations

from celery import shared_task

from quality.services.monitoring_rounds import monitoring_reminders_send, monitoring_requests_send


@shared_task(name="quality.request_monitoring_returns")
def request_monitoring_returns() -> int:
    return monitoring_requests_send()


@shared_task(name="quality.remind_monitoring_returns")
def remind_monitoring_returns() -> int:
    return monitoring_reminders_send()
