"""Beat's job for the routes: remind once when a direct award's review date comes. Imported from
the app's ready() (the responses part owns `referrals/tasks.py`; the lead may move it there)."""

from __future__ import annotations

from celery import shared_task

from referrals.services.routes import direct_award_reviews_remind


@shared_task(name="referrals.remind_direct_award_reviews")
def remind_direct_award_reviews() -> int:
    return direct_award_reviews_remind()
