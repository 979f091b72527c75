"""Scheduled re-check and expiry jobs. Each is thin, idempotent and safe to run twice or at once:
every step is taken under the row's lock with its state re-checked, and each notice is a row
unique per step (quality.services.recheck_schedule, quality.services.expiry)."""

from __future__ import annotations

from celery import shared_task

from quality.services.expiry import expiry_clocks_run
from quality.services.recheck_schedule import rechecks_open_due, rechecks_remind


@shared_task(name="quality.open_due_rechecks")
def open_due_rechecks() -> int:
    return rechecks_open_due()


@shared_task(name="quality.remind_overdue_rechecks")
def remind_overdue_rechecks() -> int:
    return rechecks_remind()


@shared_task(name="quality.run_expiry_clocks")
def run_expiry_clocks() -> int:
    return expiry_clocks_run()
