"""Two publishes of one referral at once (a double click, two commissioners): both wait on the
referral's row lock, so one publishes and the other finds it open (409). One set of
invitations, one notice per invitee, one audit row. Needs PostgreSQL (SQLite has no row locks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import WrongState
from fps_portal.notifications.models import Notification
from referrals.models import Invitation, Referral, ReferralState
from referrals.services.referral_states import referral_publish
from tests.referrals.referrals.cast import actor, build_cast, ready_referral

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL"),
]


def _race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run `first` in a transaction held open until `second`, in another thread, waits on a
    lock; then let both finish. Each side's result or the exception it raised."""
    results: dict[str, object] = {}
    first_done = threading.Event()

    def run(label: str, act: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                results[label] = act()
                if hold:
                    first_done.set()
                    _wait_until_another_session_waits_on_a_lock()
        except Exception as exc:  # the result the other side has to live with
            results[label] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    assert first_done.wait(10)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    one.join(20)
    two.join(20)
    return results


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
    raise AssertionError("the second publish never waited on the referral's row lock")


def test_two_publishes_at_once_publish_once() -> None:
    cast = build_cast()
    referral = ready_referral(cast)
    by = actor(cast.commissioner)

    def publish() -> object:
        return referral_publish(actor=by, referral=Referral.objects.get(pk=referral.pk))

    results = _race(publish, publish)
    assert isinstance(results["first"], Referral)
    assert isinstance(results["second"], WrongState)
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN
    assert Invitation.objects.filter(referral=referral).count() == 1
    assert Notification.objects.filter(recipient=cast.member_user).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_type="referrals.referral", object_id=str(referral.pk), verb="state_changed"
        ).count()
        == 1
    )
