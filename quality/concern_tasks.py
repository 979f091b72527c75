"""The concerns' tasks: the escalation job (beat) and the letter's render. Each is thin and
idempotent: the escalation takes each concern's row lock and looks again (run twice, one
escalation); a letter is stored once per stage (quality.services.concern_escalation,
quality.services.concern_letters)."""

from __future__ import annotations

from celery import shared_task

from quality.services.concern_escalation import concerns_escalate_overdue
from quality.services.concern_letters import (
    concern_letter_render,
    concern_letters_missing_requested,
)


@shared_task(name="quality.escalate_overdue_concerns")
def escalate_overdue_concerns() -> int:
    return concerns_escalate_overdue()


@shared_task(name="quality.render_concern_letter", autoretry_for=(OSError,), max_retries=3)
def render_concern_letter(stage_id: int) -> int | None:
    letter = concern_letter_render(stage_id=stage_id)
    return letter.pk if letter is not None else None


@shared_task(name="quality.render_missing_concern_letters")
def render_missing_concern_letters() -> int:
    return concern_letters_missing_requested()
