"""Improvement plans: overdue actions remind their owner once per stage (beat, run twice sends
once); the visit programme's risk signal counts overdue open actions per setting in one query;
each role reads only what the scope rules give it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fps_portal.notifications.models import Notification
from quality.models import ActionOwner, ImprovementAction
from quality.plan_tasks import remind_improvement_actions
from quality.selectors.improvement_plans import (
    action_detail,
    plan_detail,
    plans_for,
)
from quality.services.improvement_actions import action_complete
from quality.services.improvement_reminders import improvement_actions_remind
from quality.visits.part_signals import overdue_actions_by_setting
from tests.quality.plan_world import World, a_plan, an_action, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def overdue(action: ImprovementAction, days: int = 3) -> None:
    """Made overdue as time would (the service refuses a due date in the past)."""
    ImprovementAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=days)
    )


def test_the_reminder_task_run_twice_sends_once_per_stage(world):
    plan = a_plan(world)
    action = an_action(world, plan, days=5)
    today = timezone.localdate()
    assert improvement_actions_remind(today=today - datetime.timedelta(days=3)) == 0
    assert improvement_actions_remind(today=today) == 1  # due within a week
    assert improvement_actions_remind(today=today) == 0
    after_due = action.due_on + datetime.timedelta(days=1)
    assert improvement_actions_remind(today=after_due) == 1  # overdue
    assert improvement_actions_remind(today=after_due + datetime.timedelta(days=1)) == 0
    keys = set(
        Notification.objects.filter(recipient=world.oak_user).values_list("event_key", flat=True)
    )
    assert f"improvement-action-due-soon:{action.pk}:{action.due_on:%Y%m%d}" in keys
    assert f"improvement-action-overdue:{action.pk}:{action.due_on:%Y%m%d}" in keys
    assert plan.events.filter(kind="reminded").count() == 2


def test_the_beat_task_by_name_reminds_the_authority_of_its_own_overdue_action(world):
    plan = a_plan(world)
    ours = an_action(world, plan, owner=ActionOwner.AUTHORITY)
    overdue(ours)
    assert remind_improvement_actions() == 1
    assert remind_improvement_actions() == 0
    assert (
        Notification.objects.filter(
            recipient=world.qa, event_key__startswith=f"improvement-action-overdue:{ours.pk}:"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=world.oak_user, event_key__startswith="improvement-action-overdue:"
    ).exists()


def test_an_action_done_is_not_reminded(world):
    plan = a_plan(world)
    action = an_action(world, plan, days=1)
    action_complete(actor=world.oak_user_actor, action=action, evidence_text="Done.")
    overdue(action)
    assert improvement_actions_remind() == 0


def test_overdue_actions_by_setting_counts_the_authoritys_open_overdue_actions_in_one_query(world):
    oak_plan = a_plan(world)
    elm_plan = a_plan(world, setting=world.elm_lodge)
    wirral_plan = a_plan(world, by=world.wirral_qa)
    late = [an_action(world, oak_plan), an_action(world, oak_plan), an_action(world, elm_plan)]
    for action in late:
        overdue(action)
    an_action(world, oak_plan)  # not yet due
    done = an_action(world, oak_plan)
    action_complete(actor=world.oak_user_actor, action=done, evidence_text="Done.")
    overdue(done)  # done late: not open, so not counted
    overdue(an_action(world, wirral_plan, by=world.wirral_qa))  # Wirral's plan
    ids = [world.oak_house.pk, world.elm_lodge.pk]
    with CaptureQueriesContext(connection) as queries:
        counts = overdue_actions_by_setting(world.sefton, ids)
    assert len(queries) == 1
    assert counts == {world.oak_house.pk: 2, world.elm_lodge.pk: 1}
    assert overdue_actions_by_setting(world.sefton.pk, [world.elm_lodge.pk]) == {
        world.elm_lodge.pk: 1
    }
    assert overdue_actions_by_setting(world.wirral, ids) == {world.oak_house.pk: 1}
    assert overdue_actions_by_setting(world.sefton, []) == {}


def test_each_role_reads_only_its_own(world):
    oak_plan = a_plan(world)
    elm_plan = a_plan(world, setting=world.elm_lodge)
    action = an_action(world, oak_plan)
    for who in ("qa", "commissioner", "senior"):
        reader = getattr(world, f"{who}_actor")
        assert {p.pk for p in plans_for(reader)} == {oak_plan.pk, elm_plan.pk}
    assert {p.pk for p in plans_for(world.oak_user_actor)} == {oak_plan.pk}
    assert {p.pk for p in plans_for(world.elm_user_actor)} == {elm_plan.pk}
    assert not plans_for(world.wirral_qa_actor).exists()
    for stranger in (world.wirral_qa_actor, world.elm_user_actor):
        with pytest.raises(Http404):
            plan_detail(stranger, oak_plan.pk)
        with pytest.raises(Http404):
            action_detail(stranger, oak_plan.pk, action.pk)
    with pytest.raises(Http404):
        action_detail(world.qa_actor, elm_plan.pk, action.pk)  # under another plan
    overdue(action)
    assert plans_for(world.qa_actor, state="overdue").get() == oak_plan
    assert plans_for(world.oak_user_actor, state="overdue").get().overdue_count == 1
