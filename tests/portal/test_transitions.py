"""fps_portal.transitions: every state change goes through its table, under a lock, stamped,
with before and after for the audit row."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.errors import WrongState
from fps_portal.transitions import lock, transition
from providers.models import WINDOW_TRANSITIONS, MembershipState, WindowState
from providers.models.fps import MEMBERSHIP_TRANSITIONS
from tests.factories import person
from tests.providers.onboarding.factories import make_membership, scheduled_window

pytestmark = pytest.mark.django_db


def test_a_change_the_table_allows_is_stamped_saved_and_described() -> None:
    window = scheduled_window()
    now = timezone.now()
    with transaction.atomic():
        change = transition(
            lock(window), to=WindowState.OPEN, table=WINDOW_TRANSITIONS, event="opened", at=now
        )
    window.refresh_from_db()
    assert (window.state, window.opened_at) == (WindowState.OPEN, now)
    # The window records who opened it by hand (opened_by); opened on time by beat, nobody.
    assert change.before == {"state": WindowState.SCHEDULED, "opened_at": None, "opened_by": None}
    assert change.after == {"state": WindowState.OPEN, "opened_at": now, "opened_by": None}


def test_the_actor_is_stamped_where_the_model_records_one() -> None:
    membership = make_membership()
    lead = person(Role.LEAD_EVALUATOR)
    with transaction.atomic():
        change = transition(
            lock(membership),
            to=MembershipState.SUSPENDED,
            table=MEMBERSHIP_TRANSITIONS,
            event="state_changed",
            by=lead,
            also={"state_reason": "Insurance expired"},
        )
    membership.refresh_from_db()
    assert (membership.state_changed_by_id, membership.state_reason) == (
        lead.pk,
        "Insurance expired",
    )
    assert change.after["state_changed_by"] == lead.pk


def test_a_change_the_table_does_not_allow_is_refused_and_nothing_is_saved() -> None:
    membership = make_membership(state=MembershipState.REMOVED)
    with transaction.atomic(), pytest.raises(WrongState, match="This membership is removed"):
        transition(
            lock(membership),
            to=MembershipState.ACTIVE,
            table=MEMBERSHIP_TRANSITIONS,
            event="state_changed",
            what="membership",
        )
    membership.refresh_from_db()
    assert membership.state == MembershipState.REMOVED


def test_outside_the_callers_transaction_it_refuses_to_run() -> None:
    window = scheduled_window()
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        transition(window, to=WindowState.OPEN, table=WINDOW_TRANSITIONS, event="opened")
    with pytest.raises(RuntimeError):
        lock(window)
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED
