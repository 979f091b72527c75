"""Two commissioners awarding the same referral at once make one award: the second waits on the
referral's row lock while the first's transaction is open, then finds the first's award and is
refused (409), whichever response each chose."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from fps_portal.errors import WrongState
from referrals.models import Award, Referral, ReferralState
from referrals.services.awards import award_propose
from tests.referrals.awards.world import closed_competition, mark_all


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_awards_at_once_make_one() -> None:
    world = closed_competition()
    mark_all(world)
    actor = world.actor
    first_done, results, errors = threading.Event(), {}, []

    def award(label: str, response: object, hold_open: bool) -> None:
        try:
            with transaction.atomic():
                results[label] = award_propose(
                    actor=actor,
                    response=response,  # type: ignore[arg-type]
                    reasons="The best value for the child.",
                    agreed_weekly_price=response.weekly_price,  # type: ignore[attr-defined]
                    start_date=world.referral.start_date,
                    parental_preference_reason="Their preferred school is full.",
                )
                if hold_open:
                    first_done.set()
                    _wait_until_another_session_waits_on_a_lock()
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=award, args=("first", world.response_a, True))
    first.start()
    assert first_done.wait(20)
    second = threading.Thread(target=award, args=("second", world.response_b, False))
    second.start()
    first.join(30)
    second.join(30)
    assert set(results) == {"first"}
    assert len(errors) == 1 and isinstance(errors[0], WrongState)
    assert Award.objects.filter(referral=world.referral).count() == 1
    assert Award.objects.get(referral=world.referral).response_id == world.response_a.pk
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.AWARDED
    assert Award.objects.get().agreed_weekly_price == Decimal("3250.00")


def _wait_until_another_session_waits_on_a_lock(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second award never waited on the referral's lock")
