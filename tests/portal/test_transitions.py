"""fps_portal.transitions: every state change goes through its table, under a lock, stamped,
and audited with before and after in the same transaction when given the actor."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import WrongState
from fps_portal.transitions import lock, transition
from providers.models import WINDOW_TRANSITIONS, MembershipState, WindowState
from providers.models.fps import MEMBERSHIP_TRANSITIONS
from tests.factories import person
from tests.providers.onboarding.factories import actor, make_membership, scheduled_window

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


def test_the_actor_is_stamped_where_the_model_records_one_and_the_change_is_audited() -> None:
    membership = make_membership()
    lead = actor(person(Role.LEAD_EVALUATOR))
    with transaction.atomic():
        change = transition(
            lock(membership),
            to=MembershipState.SUSPENDED,
            table=MEMBERSHIP_TRANSITIONS,
            event="state_changed",
            by=lead.user,
            also={"state_reason": "Insurance expired"},
            actor=lead,
            reason="Insurance expired",
        )
    membership.refresh_from_db()
    assert (membership.state_changed_by_id, membership.state_reason) == (
        lead.user.pk,
        "Insurance expired",
    )
    assert change.after["state_changed_by"] == lead.user.pk
    # Given the actor, the row of the change is written in the same transaction.
    event = AuditEvent.objects.get(object_type="providers.fpsmembership")
    assert (event.verb, event.actor, event.object_id, event.reason) == (
        AuditVerb.STATE_CHANGED,
        lead.user,
        str(membership.pk),
        "Insurance expired",
    )
    assert event.before is not None and event.before["state"] == MembershipState.ACTIVE
    assert event.after == {
        "state": MembershipState.SUSPENDED,
        "state_changed_at": change.after["state_changed_at"].isoformat(),
        "state_changed_by": lead.user.pk,
        "state_reason": "Insurance expired",
    }


def test_a_change_the_table_does_not_allow_is_refused_and_nothing_is_saved() -> None:
    membership = make_membership(state=MembershipState.REMOVED)
    lead = actor(person(Role.LEAD_EVALUATOR))
    with transaction.atomic(), pytest.raises(WrongState, match="This membership is removed"):
        transition(
            lock(membership),
            to=MembershipState.ACTIVE,
            table=MEMBERSHIP_TRANSITIONS,
            event="state_changed",
            what="membership",
            actor=lead,
            reason="Reinstated",
        )
    membership.refresh_from_db()
    assert membership.state == MembershipState.REMOVED
    assert not AuditEvent.objects.filter(object_type="providers.fpsmembership").exists()


def test_outside_the_callers_transaction_it_refuses_to_run() -> None:
    window = scheduled_window()
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        transition(window, to=WindowState.OPEN, table=WINDOW_TRANSITIONS, event="opened")
    with pytest.raises(RuntimeError):
        lock(window)
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED


def test_the_system_is_the_actor_of_a_change_beat_makes_and_a_caller_may_name_the_verb() -> None:
    window = scheduled_window()
    with transaction.atomic():
        transition(
            lock(window),
            to=WindowState.OPEN,
            table=WINDOW_TRANSITIONS,
            event="opened",
            actor=None,
            verb=AuditVerb.UPDATED,
        )
    event = AuditEvent.objects.get(object_type="providers.evaluationwindow")
    assert (event.verb, event.actor, event.actor_label, event.reason) == (
        AuditVerb.UPDATED,
        None,
        "system",
        "",
    )


def test_without_the_actor_it_writes_no_audit_row() -> None:
    window = scheduled_window()
    with transaction.atomic():
        transition(lock(window), to=WindowState.OPEN, table=WINDOW_TRANSITIONS, event="opened")
    assert not AuditEvent.objects.filter(object_type="providers.evaluationwindow").exists()


def test_the_audit_row_rolls_back_with_the_change() -> None:
    window = scheduled_window()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        transition(
            lock(window), to=WindowState.OPEN, table=WINDOW_TRANSITIONS, event="opened", actor=None
        )
        _ = 1 / 0
    window.refresh_from_db()
    assert window.state == WindowState.SCHEDULED
    assert not AuditEvent.objects.filter(object_type="providers.evaluationwindow").exists()
