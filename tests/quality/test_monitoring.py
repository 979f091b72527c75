"""Quarterly monitoring returns: beat asks once per provider and quarter (run twice, and racing),
the provider saves and sends with bad input refused at the field and nothing written, each
placing authority's QA officer rates or returns its own part, reminders go once per stage, and
the child-level rows reach only the placing authority of that child."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from quality.models import (
    MonitoringReturn,
    MonitoringRound,
    OutcomeProgress,
    PlacementReturn,
    ReturnReview,
    ReturnState,
    SettingReturn,
)
from quality.services.monitoring import (
    monitoring_return_review,
    monitoring_return_save,
    monitoring_return_submit,
)
from quality.services.monitoring_rounds import (
    financial_label,
    monitoring_reminders_send,
    monitoring_requests_send,
    monitoring_return_request,
    quarter_before,
)
from tests.quality.monitoring_world import (
    ASKED_ON,
    MonitoringWorld,
    build_monitoring,
    complete_figures,
    requested,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> MonitoringWorld:
    return build_monitoring()


def test_quarters_are_the_financial_years() -> None:
    assert quarter_before(datetime.date(2026, 10, 1)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    assert quarter_before(datetime.date(2027, 1, 15)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert financial_label(datetime.date(2026, 7, 1)) == "Q2 2026-27"
    assert financial_label(datetime.date(2027, 1, 1)) == "Q4 2026-27"
    assert financial_label(datetime.date(2026, 4, 1)) == "Q1 2026-27"


def test_beat_asks_each_provider_once_whole_and_run_twice_asks_nothing(
    world: MonitoringWorld,
) -> None:
    assert monitoring_requests_send(today=ASKED_ON) == 2  # Marsh Lane's provider, Hill Top's
    assert monitoring_requests_send(today=ASKED_ON) == 0
    assert MonitoringRound.objects.count() == 1
    made = requested(world)
    assert made.round.label == "Q2 2026-27"
    assert made.due_on == datetime.date(2026, 10, 21)
    assert made.settings.count() == 1
    assert sorted(made.placements.values_list("authority__name", flat=True)) == [
        "Sefton",
        "Sefton",
        "Wirral",
    ]
    assert OutcomeProgress.objects.filter(placement_return__monitoring_return=made).count() == 6
    told = Notification.objects.filter(
        recipient=world.provider_user, event_key=f"monitoring-requested:{made.pk}"
    )
    assert told.count() == 1


def test_a_racing_second_request_is_refused_by_the_constraint(world: MonitoringWorld) -> None:
    made = requested(world)
    agreements = [p.agreement for p in made.placements.all()]
    assert (
        monitoring_return_request(
            round_=made.round, provider_id=made.provider_id, agreements=agreements
        )
        is None
    )
    with pytest.raises(IntegrityError):
        MonitoringReturn.objects.create(
            round=made.round, provider=made.provider, due_on=made.due_on
        )


def _actor(world: MonitoringWorld, user: object) -> Actor:
    return world.alerts.actor(user)  # type: ignore[arg-type]


def test_bad_figures_are_refused_at_the_field_and_nothing_written(world: MonitoringWorld) -> None:
    made = requested(world)
    row = made.settings.get()
    placement = made.placements.first()
    assert placement is not None
    figures = complete_figures(made)
    figures[f"s{row.pk}_complaints"] = "-1"
    figures[f"p{placement.pk}_attendance_percent"] = "101"
    with pytest.raises(InvalidInput) as refused:
        monitoring_return_save(
            actor=_actor(world, world.provider_user), monitoring_return=made, figures=figures
        )
    assert refused.value.fields == {
        f"s{row.pk}_complaints": ["Complaints received must be 0 or more"],
        f"p{placement.pk}_attendance_percent": ["Attendance must be between 0% and 100%"],
    }
    assert SettingReturn.objects.filter(pk=row.pk, incidents__isnull=False).count() == 0
    assert PlacementReturn.objects.filter(attendance_percent__isnull=False).count() == 0


def test_a_draft_keeps_what_is_given_and_sending_needs_everything(world: MonitoringWorld) -> None:
    made = requested(world)
    row = made.settings.get()
    provider = _actor(world, world.provider_user)
    monitoring_return_save(
        actor=provider, monitoring_return=made, figures={f"s{row.pk}_complaints": "3"}
    )
    row.refresh_from_db()
    assert row.complaints == 3
    with pytest.raises(InvalidInput) as refused:
        monitoring_return_submit(
            actor=provider, monitoring_return=made, figures={f"s{row.pk}_complaints": "3"}
        )
    assert refused.value.fields[f"s{row.pk}_incidents"] == ["Enter the number of incidents, or 0"]
    made.refresh_from_db()
    assert made.state == ReturnState.OPEN
    monitoring_return_submit(actor=provider, monitoring_return=made, figures=complete_figures(made))
    made.refresh_from_db()
    assert (made.state, made.submissions) == (ReturnState.SUBMITTED, 1)
    assert (
        Notification.objects.filter(
            recipient__in=[world.sefton_qa, world.wirral_qa], event_key__startswith="monitoring-sub"
        ).count()
        == 2
    )
    assert not Notification.objects.filter(recipient=world.knowsley_qa).exists()
    with pytest.raises(WrongState):
        monitoring_return_save(actor=provider, monitoring_return=made, figures={})


def test_each_placing_authority_rates_its_part_then_it_is_reviewed(world: MonitoringWorld) -> None:
    made = requested(world)
    monitoring_return_submit(
        actor=_actor(world, world.provider_user),
        monitoring_return=made,
        figures=complete_figures(made),
    )
    with pytest.raises(InvalidInput) as refused:
        monitoring_return_review(
            actor=_actor(world, world.sefton_qa), monitoring_return=made, decision="rated"
        )
    assert "rating" in refused.value.fields
    with pytest.raises(NotAllowed):
        monitoring_return_review(
            actor=_actor(world, world.knowsley_qa),
            monitoring_return=made,
            decision="rated",
            rating="good",
        )
    monitoring_return_review(
        actor=_actor(world, world.sefton_qa),
        monitoring_return=made,
        decision="rated",
        rating="good",
    )
    with pytest.raises(WrongState):
        monitoring_return_review(
            actor=_actor(world, world.sefton_qa),
            monitoring_return=made,
            decision="rated",
            rating="good",
        )
    made.refresh_from_db()
    assert made.state == ReturnState.SUBMITTED
    monitoring_return_review(
        actor=_actor(world, world.wirral_qa),
        monitoring_return=made,
        decision="rated",
        rating="requires_improvement",
        comments="Attendance is lower than last year.",
    )
    made.refresh_from_db()
    assert made.state == ReturnState.REVIEWED


def test_returned_for_correction_needs_a_reason_and_is_rated_again(world: MonitoringWorld) -> None:
    made = requested(world)
    provider = _actor(world, world.provider_user)
    monitoring_return_submit(actor=provider, monitoring_return=made, figures=complete_figures(made))
    with pytest.raises(InvalidInput) as refused:
        monitoring_return_review(
            actor=_actor(world, world.sefton_qa), monitoring_return=made, decision="returned"
        )
    assert refused.value.fields == {"comments": ["Enter what the provider must correct."]}
    monitoring_return_review(
        actor=_actor(world, world.sefton_qa),
        monitoring_return=made,
        decision="returned",
        comments="The restraint figure does not match the incident log.",
    )
    made.refresh_from_db()
    assert made.state == ReturnState.RETURNED
    told = Notification.objects.get(
        recipient=world.provider_user, event_key__startswith="monitoring-returned"
    )
    assert "incident log" in told.body
    monitoring_return_submit(actor=provider, monitoring_return=made, figures=complete_figures(made))
    made.refresh_from_db()
    assert (made.state, made.submissions) == (ReturnState.SUBMITTED, 2)
    monitoring_return_review(
        actor=_actor(world, world.sefton_qa),
        monitoring_return=made,
        decision="rated",
        rating="good",
    )
    assert ReturnReview.objects.filter(monitoring_return=made).count() == 2


def test_reminders_go_once_per_stage_and_overdue_is_listed(world: MonitoringWorld) -> None:
    made = requested(world)
    soon = made.due_on - datetime.timedelta(days=3)
    # Two returns are due: Marsh Lane's provider's and Hill Top's.
    assert monitoring_reminders_send(today=soon) == 2
    assert monitoring_reminders_send(today=soon) == 0
    late = made.due_on + datetime.timedelta(days=1)
    assert monitoring_reminders_send(today=late) == 2
    assert monitoring_reminders_send(today=late) == 0
    keys = sorted(
        Notification.objects.filter(recipient=world.provider_user).values_list(
            "event_key", flat=True
        )
    )
    assert [k.split(":")[0] for k in keys] == [
        "monitoring-due_soon",
        "monitoring-overdue",
        "monitoring-requested",
    ]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_each_authority_sees_only_its_own_children(world: MonitoringWorld) -> None:
    made = requested(world)
    provider = _actor(world, world.provider_user)
    monitoring_return_submit(actor=provider, monitoring_return=made, figures=complete_figures(made))
    sefton_names = [c.family_name for c in world.alerts.children("Sefton")]
    wirral_names = [c.family_name for c in world.alerts.children("Wirral")]
    page = reverse("quality:monitoring-return", args=[made.pk])
    api = reverse("monitoring-return-detail", args=[made.pk])
    for user, mine, theirs in (
        (world.sefton_qa, sefton_names, wirral_names),
        (world.wirral_qa, wirral_names, sefton_names),
    ):
        client = _client(user)
        for url in (page, api, reverse("monitoring-return-list")):
            body = client.get(url).content.decode()
            for name in theirs:
                assert name not in body, (user.email, url)
        body = client.get(page).content.decode()
        for name in mine:
            assert name in body
        assert "Marsh Lane School" in body  # the setting totals are shared
    both = _client(world.provider_user).get(page).content.decode()
    assert all(name in both for name in sefton_names + wirral_names)
    knowsley = _client(world.knowsley_qa)
    assert knowsley.get(page).status_code == 404
    assert knowsley.get(api).status_code == 404
    assert _client(world.alerts.sefton_commissioner).get(page).status_code == 403
    viewed = AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED_CHILD_RECORD, object_type="quality.monitoringreturn"
    )
    assert viewed.filter(actor=world.sefton_qa).exists()
