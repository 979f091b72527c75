"""Scheduled jobs for the end of placements (issue 12). Kept apart from `contracts/tasks.py` (the
signing part's reminders and activation) and registered from `ContractsConfig.ready()`. Each is
thin and idempotent: an ended placement is not due again, and each warning is keyed per event."""

from __future__ import annotations

from celery import shared_task

from contracts.services.endings import placements_end_due, upcoming_ends_warn


@shared_task(name="contracts.end_due_placements")
def end_due_placements() -> int:
    return placements_end_due()


@shared_task(name="contracts.warn_upcoming_ends")
def warn_upcoming_ends() -> int:
    return upcoming_ends_warn()
