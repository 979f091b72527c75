"""The improvement actions' scheduled reminders: thin and idempotent (each stage once per action
and due date, stamped under the action's lock: quality.services.improvement_reminders)."""

from __future__ import annotations

from celery import shared_task

from quality.services.improvement_reminders import improvement_actions_remind


@shared_task(name="quality.remind_improvement_actions")
def remind_improvement_actions() -> int:
    return improvement_actions_remind()
