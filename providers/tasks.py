"""Scheduled onboarding jobs. Each is thin, idempotent and safe to run twice or at once: every
window is changed under its row lock with its state re-checked, and notifications are keyed per
event so nobody is told twice."""

from __future__ import annotations

from celery import shared_task

from providers.services.clarifications import clarifications_remind
from providers.services.windows import window_close, window_open, window_remind_closing, windows_due


@shared_task(name="providers.open_due_windows")
def open_due_windows() -> int:
    to_open, _, _ = windows_due()
    return sum(window_open(window_id=pk) for pk in to_open)


@shared_task(name="providers.close_due_windows")
def close_due_windows() -> int:
    _, to_close, _ = windows_due()
    return sum(window_close(window_id=pk) for pk in to_close)


@shared_task(name="providers.remind_windows_closing")
def remind_windows_closing() -> int:
    _, _, to_remind = windows_due()
    return sum(window_remind_closing(window_id=pk) for pk in to_remind)


@shared_task(name="providers.remind_clarifications_due")
def remind_clarifications_due() -> int:
    return clarifications_remind()
