"""Scheduled referral jobs. Each is thin, idempotent and safe to run twice or at once: every
referral is changed under its row lock with its state re-checked, and notifications are keyed
per event so nobody is told twice."""

from __future__ import annotations

from celery import shared_task

from referrals.services.deadlines import (
    referral_close_at_deadline,
    referral_remind_deadline,
    referrals_due,
)


@shared_task(name="referrals.close_due_referrals")
def close_due_referrals() -> int:
    to_close, _ = referrals_due()
    return sum(referral_close_at_deadline(referral_id=pk) for pk in to_close)


@shared_task(name="referrals.remind_referral_deadlines")
def remind_referral_deadlines() -> int:
    _, to_remind = referrals_due()
    return sum(referral_remind_deadline(referral_id=pk) for pk in to_remind)
