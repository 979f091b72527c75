"""The end of a placement (issue 12): recorded by the authority, or given as notice by the
provider; ended at once when the last day has passed, else by the beat job; warnings 90 and 30
days ahead, once each; bad input refused on the field, nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.ending_tasks import end_due_placements, warn_upcoming_ends
from contracts.models import (
    AgreementState,
    FeePeriod,
    PlacementEnd,
    VariationState,
    VersionState,
)
from contracts.services.endings import placement_end_record, placements_end_due, upcoming_ends_warn
from contracts.services.variations import variation_propose_uplift
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from tests.contracts.signed_world import signed
from tests.contracts.world import placed
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _started(p, days_ago: int = 200) -> None:
    """Move the placement's start into the past (the world's referral starts in the future)."""
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    p.agreement.start_date = start
    p.agreement.state = AgreementState.ACTIVE
    p.agreement.save(update_fields=["start_date", "state"])
    FeePeriod.objects.filter(agreement=p.agreement).update(starts=start)


def _end(p, *, by=None, **changes):
    today = timezone.localdate()
    values = {
        "kind": "breakdown",
        "reason": "needs_not_met",
        "details": "The setting could no longer meet the child's sensory needs.",
        "requested_by": "authority",
        "notice_given_on": today - 10 * DAY,
        "last_day": today - DAY,
    }
    return placement_end_record(
        actor=as_actor(by or p.commissioner), agreement=p.agreement, **{**values, **changes}
    )


def test_an_early_end_by_breakdown_ends_the_agreement_at_once_and_leaves_its_history():
    p = signed()
    _started(p)
    variation = variation_propose_uplift(
        actor=as_actor(p.provider_user),
        agreement=p.agreement,
        percent=Decimal("2"),
        new_weekly_fee=None,
        effective_from=timezone.localdate(),
        reason="Annual uplift.",
    )
    end = _end(p)
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ENDED
    assert p.agreement.ended_by == p.commissioner and p.agreement.ended_at is not None
    assert end.kind == "breakdown" and end.reason == "needs_not_met"
    # The open variation went with it; version 1 and the fee history stay readable.
    variation.refresh_from_db()
    assert variation.state == VariationState.WITHDRAWN
    assert variation.version.state == VersionState.WITHDRAWN
    assert p.agreement.current_version_id == p.draft.pk
    assert FeePeriod.objects.filter(agreement=p.agreement).count() == 1
    assert Notification.objects.filter(
        event_key=f"contracts.placement_end.{end.pk}.recorded", recipient=p.provider_user
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="contracts.agreement", object_id=str(p.agreement.pk), verb="state_changed"
    ).exists()
    with pytest.raises(WrongState):  # once
        _end(p)


def test_a_future_end_waits_for_the_beat_job_which_is_idempotent():
    p = signed()
    _started(p)
    today = timezone.localdate()
    _end(p, kind="planned", reason="", last_day=today + 5 * DAY)
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ACTIVE
    assert placements_end_due(today=today + 5 * DAY) == 0  # the last day itself: still placed
    assert placements_end_due(today=today + 6 * DAY) == 1
    assert placements_end_due(today=today + 6 * DAY) == 0
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ENDED and p.agreement.ended_by is None


def test_the_beat_task_runs_the_service():
    p = signed()
    _started(p)
    end = _end(p, kind="planned", reason="", last_day=timezone.localdate())
    PlacementEnd.objects.filter(pk=end.pk).update(last_day=timezone.localdate() - DAY)
    assert end_due_placements.apply().get() == 1
    assert end_due_placements.apply().get() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_day": datetime.date(2000, 1, 1)}, "last_day"),  # before the start
        ({"notice_given_on": timezone.localdate() + DAY}, "notice_given_on"),
        ({"last_day": timezone.localdate() - 20 * DAY}, "notice_given_on"),  # notice after it
        ({"kind": "breakdown", "reason": ""}, "reason"),
        ({"kind": "nonsense"}, "kind"),
        ({"kind": "move", "reason": "", "move_to_name": " "}, "move_to_name"),
        ({"details": ""}, "details"),
        ({"requested_by": "someone"}, "requested_by"),
        ({"notice_given_on": None}, "notice_given_on"),
        ({"last_day": None}, "last_day"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_written(changes, field):
    p = signed()
    _started(p)
    audit = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        _end(p, **changes)
    assert field in caught.value.fields
    assert not PlacementEnd.objects.exists()
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ACTIVE
    assert AuditEvent.objects.count() == audit


def test_the_provider_gives_notice_within_the_notice_period_but_never_a_move():
    p = signed()
    _started(p)
    today = timezone.localdate()
    provider = p.provider_user
    with pytest.raises(InvalidInput) as caught:  # 12 weeks' notice
        _end(p, by=provider, kind="planned", reason="", notice_given_on=today, last_day=today + DAY)
    assert "last_day" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        _end(p, by=provider, kind="move", reason="", move_to_name="Elsewhere School")
    assert "kind" in caught.value.fields
    end = _end(
        p,
        by=provider,
        kind="planned",
        reason="",
        requested_by="authority",  # a provider's notice is the provider's, whatever is sent
        notice_given_on=today,
        last_day=today + 12 * 7 * DAY,
    )
    assert end.requested_by == "provider"
    assert Notification.objects.filter(
        event_key=f"contracts.placement_end.{end.pk}.recorded", recipient=p.commissioner
    ).exists()


def test_only_the_parties_and_only_a_signed_placement():
    p = placed()
    with pytest.raises(WrongState):
        _end(p)
    p = signed()
    _started(p)
    with pytest.raises(NotAllowed):
        _end(p, by=p.other_provider_user)
    assert not PlacementEnd.objects.exists()


def test_a_move_to_a_setting_on_the_fps():
    p = signed()
    _started(p)
    other = p.world.response_b.setting
    end = _end(p, kind="move", reason="", move_to_setting=other, move_to_name="")
    assert end.move_to_setting == other and end.move_to_name == other.name


def test_ends_coming_up_warn_both_parties_once_at_90_and_at_30_days():
    p = signed()
    _started(p)
    today = timezone.localdate()
    _end(p, kind="planned", reason="", last_day=today + 80 * DAY)
    commissioner_told = Notification.objects.filter(recipient=p.commissioner)
    before = commissioner_told.count()
    assert upcoming_ends_warn(today=today) >= 2
    assert upcoming_ends_warn(today=today) == 0
    assert commissioner_told.count() == before + 1
    assert Notification.objects.filter(
        recipient=p.provider_user, event_key__startswith=f"contracts.ending.{p.agreement.pk}.90"
    ).exists()
    assert upcoming_ends_warn(today=today + 60 * DAY) >= 2  # 20 days left: the 30-day warning
    assert upcoming_ends_warn(today=today + 61 * DAY) == 0
    assert warn_upcoming_ends.apply().get() == 0


def test_an_end_date_in_the_agreement_warns_too():
    p = signed()
    _started(p)
    p.agreement.end_date = timezone.localdate() + 25 * DAY
    p.agreement.save(update_fields=["end_date"])
    assert upcoming_ends_warn() >= 2
    assert Notification.objects.filter(
        event_key__startswith=f"contracts.ending.{p.agreement.pk}.30"
    ).exists()
