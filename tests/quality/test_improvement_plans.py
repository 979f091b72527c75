"""Issue 14, improvement plans: a placing authority's QA officer agrees a plan about a setting
with what caused it (a rating alert, the provider's action plan from the RI/Inadequate sign-off,
or something else with a reason) and its actions; each action's owner marks it done with its
evidence; the QA officer accepts or reopens it; the plan closes when every action is accepted."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from quality.models import (
    ActionOwner,
    ActionState,
    ImprovementAction,
    ImprovementEvent,
    ImprovementPlan,
    PlanOrigin,
    PlanState,
)
from quality.services.improvement_actions import (
    EVIDENCE_MISSING,
    REOPEN_REASON_MISSING,
    action_accept,
    action_comment,
    action_complete,
    action_reopen,
)
from quality.services.improvement_plans import (
    DUE_IN_PAST,
    ORIGIN_REASON_MISSING,
    action_add,
    plan_close,
    plan_create,
    plan_reopen,
)
from tests.quality.plan_world import World, a_plan, actor, an_action, build_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def world() -> World:
    return build_world()


def done(world: World, action: ImprovementAction, by: object = None) -> ImprovementAction:
    return action_complete(
        actor=actor(by or world.oak_user),  # type: ignore[arg-type]
        action=action,
        evidence_text="All 42 staff files audited; two references each. Audit log attached.",
    )


# -- agreeing a plan: its origin --------------------------------------------------------------


def test_a_plan_with_no_origin_on_the_portal_needs_a_reason_and_tells_the_provider(world):
    plan = a_plan(world)
    assert plan.authority == world.sefton and plan.setting == world.oak_house
    assert plan.origin == PlanOrigin.OTHER and plan.state == PlanState.OPEN
    assert ImprovementEvent.objects.filter(plan=plan, kind="created").count() == 1
    assert AuditEvent.objects.filter(object_type="quality.improvementplan", verb="created").exists()
    assert Notification.objects.filter(
        recipient=world.oak_user, event_key=f"improvement-plan-created:{plan.pk}"
    ).exists()
    with pytest.raises(InvalidInput) as refused:
        plan_create(
            actor=world.qa_actor,
            title="Another",
            cause="Something",
            origin=PlanOrigin.OTHER,
            setting=world.oak_house,
        )
    assert refused.value.fields == {"origin_reason": [ORIGIN_REASON_MISSING]}
    assert ImprovementPlan.objects.count() == 1


def test_a_plan_from_an_alert_takes_the_alerts_setting(world):
    plan = plan_create(
        actor=world.qa_actor,
        title="After the Inadequate judgement",
        cause="Ofsted found safeguarding ineffective.",
        origin=PlanOrigin.ALERT,
        origin_id=world.alert,
    )
    assert plan.origin_alert_id == world.alert and plan.setting == world.oak_house
    assert plan.origin_award_id is None


def test_an_alert_told_to_another_authority_or_about_another_setting_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        plan_create(
            actor=world.wirral_qa_actor,
            title="Not ours",
            cause="x",
            origin=PlanOrigin.ALERT,
            origin_id=world.alert,
        )
    assert "origin_id" in refused.value.fields
    with pytest.raises(InvalidInput) as elsewhere:
        plan_create(
            actor=world.qa_actor,
            title="Wrong setting",
            cause="x",
            origin=PlanOrigin.ALERT,
            origin_id=world.alert,
            setting=world.elm_lodge,
        )
    assert "setting" in elsewhere.value.fields
    assert not ImprovementPlan.objects.exists()


def test_the_providers_action_plan_from_the_sign_off_lives_here(world):
    plan = plan_create(
        actor=world.qa_actor,
        title="Oak House's own action plan after its RI judgement",
        cause="The provider's action plan, sent at the sign-off.",
        origin=PlanOrigin.SIGNOFF,
        origin_id=world.award.pk,
    )
    assert plan.origin_award == world.award and plan.setting == world.oak_house
    with pytest.raises(InvalidInput):
        plan_create(
            actor=world.wirral_qa_actor,
            title="Sefton's award",
            cause="x",
            origin=PlanOrigin.SIGNOFF,
            origin_id=world.award.pk,
        )


def test_the_database_holds_one_origin_at_most(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ImprovementPlan.objects.create(
            authority=world.sefton,
            setting=world.oak_house,
            title="Two origins",
            cause="x",
            origin=PlanOrigin.ALERT,
            origin_alert_id=world.alert,
            origin_award=world.award,
        )


def test_bad_input_says_so_at_each_field_and_writes_nothing(world):
    with pytest.raises(InvalidInput) as refused:
        plan_create(actor=world.qa_actor, title=" ", cause="", origin="nonsense")
    assert set(refused.value.fields) == {"title", "cause", "origin"}
    assert not ImprovementPlan.objects.exists()


@pytest.mark.parametrize("who", ["commissioner", "senior", "oak_user", "wirral_qa"])
def test_only_the_authoritys_qa_officers_manage_its_plans(world, who):
    plan = a_plan(world)
    user = getattr(world, who)
    if who != "wirral_qa":
        with pytest.raises(NotAllowed):
            a_plan(world, by=user)
    with pytest.raises(NotAllowed):
        an_action(world, plan, by=user)
    assert not plan.actions.exists()


# -- actions ------------------------------------------------------------------------------------


def test_an_action_due_in_the_past_is_refused(world):
    plan = a_plan(world)
    with pytest.raises(InvalidInput) as refused:
        an_action(world, plan, days=-1)
    assert refused.value.fields == {"due_on": [DUE_IN_PAST]}
    with pytest.raises(InvalidInput) as missing:
        action_add(actor=world.qa_actor, plan=plan, description="", owner="x", due_on=None)
    assert set(missing.value.fields) == {"description", "owner", "due_on"}
    assert not plan.actions.exists()


def test_the_same_form_sent_twice_adds_one_action(world):
    import uuid

    plan = a_plan(world)
    key = uuid.uuid4()
    due = TODAY() + datetime.timedelta(days=7)
    first = action_add(
        actor=world.qa_actor,
        plan=plan,
        description="A",
        owner="provider",
        due_on=due,
        submission_key=key,
    )
    again = action_add(
        actor=world.qa_actor,
        plan=plan,
        description="A",
        owner="provider",
        due_on=due,
        submission_key=key,
    )
    assert first.pk == again.pk and plan.actions.count() == 1


def test_the_owner_marks_it_done_with_evidence_and_the_officer_is_told(world):
    plan = a_plan(world)
    action = an_action(world, plan)
    with pytest.raises(InvalidInput) as refused:
        action_complete(actor=world.oak_user_actor, action=action, evidence_text="  ")
    assert refused.value.fields == {"evidence_text": [EVIDENCE_MISSING]}
    action.refresh_from_db()
    assert action.state == ActionState.OPEN
    upload = SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n% audit\n%%EOF\n", "application/pdf")
    action_complete(
        actor=world.oak_user_actor, action=action, evidence_text="Audited.", upload=upload
    )
    action.refresh_from_db()
    assert action.state == ActionState.COMPLETED and action.evidence_filename == "audit.pdf"
    assert action.completed_by == world.oak_user
    assert Notification.objects.filter(
        recipient=world.qa, event_key__startswith=f"improvement-action-completed:{action.pk}:"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="quality.improvementaction", verb="state_changed"
    ).exists()


def test_the_wrong_owner_cannot_mark_it_done(world):
    plan = a_plan(world)
    theirs = an_action(world, plan, owner=ActionOwner.PROVIDER)
    ours = an_action(world, plan, owner=ActionOwner.AUTHORITY)
    for user, action in (
        (world.qa, theirs),
        (world.oak_user, ours),
        (world.elm_user, theirs),
        (world.wirral_qa, ours),
        (world.commissioner, ours),
    ):
        with pytest.raises(NotAllowed):
            done(world, action, by=user)
    assert not ImprovementAction.objects.exclude(state=ActionState.OPEN).exists()
    done(world, ours, by=world.qa)  # the authority's own action: its QA officer


def test_accepting_every_action_closes_the_plan_and_reopening_opens_it(world):
    plan = a_plan(world)
    first, second = an_action(world, plan), an_action(world, plan, owner=ActionOwner.AUTHORITY)
    with pytest.raises(WrongState):
        action_accept(actor=world.qa_actor, action=first)  # not marked done yet
    done(world, first)
    done(world, second, by=world.qa)
    with pytest.raises(NotAllowed):
        action_accept(actor=world.oak_user_actor, action=first)
    action_accept(actor=world.qa_actor, action=first)
    plan.refresh_from_db()
    assert plan.state == PlanState.OPEN
    action_accept(actor=world.qa_actor, action=second)
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED and plan.closed_by == world.qa
    assert Notification.objects.filter(
        recipient=world.oak_user, event_key__startswith=f"improvement-plan-closed:{plan.pk}:"
    ).exists()
    with pytest.raises(InvalidInput) as refused:
        action_reopen(actor=world.qa_actor, action=first, reason=" ")
    assert refused.value.fields == {"reason": [REOPEN_REASON_MISSING]}
    with pytest.raises(InvalidInput):
        action_reopen(
            actor=world.qa_actor, action=first, reason="x", due_on=TODAY() - datetime.timedelta(1)
        )
    new_due = TODAY() + datetime.timedelta(days=21)
    action_reopen(
        actor=world.qa_actor,
        action=first,
        reason="Two files still lack a reference.",
        due_on=new_due,
    )
    plan.refresh_from_db()
    first.refresh_from_db()
    assert plan.state == PlanState.OPEN and first.state == ActionState.OPEN
    assert first.due_on == new_due
    kinds = list(plan.events.values_list("kind", flat=True))
    assert kinds.count("closed") == 1 and "plan_reopened" in kinds and "reopened" in kinds


def test_the_officer_closes_a_reopened_plan_by_hand_once_every_action_is_accepted(world):
    plan = a_plan(world)
    with pytest.raises(InvalidInput):
        plan_close(actor=world.qa_actor, plan=plan)  # no action yet
    action = an_action(world, plan)
    with pytest.raises(InvalidInput):
        plan_close(actor=world.qa_actor, plan=plan)
    done(world, action)
    action_accept(actor=world.qa_actor, action=action)
    plan_reopen(actor=world.qa_actor, plan=plan, reason="A follow-up visit is due.")
    plan.refresh_from_db()
    assert plan.state == PlanState.OPEN
    plan_close(actor=world.qa_actor, plan=plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED
    with pytest.raises(WrongState):
        an_action(world, plan)


def test_both_sides_comment_and_the_other_is_told(world):
    plan = a_plan(world)
    action = an_action(world, plan)
    action_comment(actor=world.oak_user_actor, action=action, text="Half the files are done.")
    action_comment(actor=world.qa_actor, action=action, text="Thank you.")
    with pytest.raises(NotAllowed):
        action_comment(actor=world.commissioner_actor, action=action, text="Hello")
    with pytest.raises(InvalidInput):
        action_comment(actor=world.qa_actor, action=action, text="")
    assert plan.events.filter(kind="commented").count() == 2
    assert Notification.objects.filter(
        recipient=world.qa, event_key__startswith="improvement-action-comment:"
    ).exists()


def test_accepting_the_same_action_twice_is_refused(world):
    plan = a_plan(world)
    action = an_action(world, plan)
    done(world, action)
    action_accept(actor=world.qa_actor, action=action)
    with pytest.raises(WrongState):
        action_accept(actor=world.qa_actor, action=action)
    assert plan.events.filter(kind="accepted").count() == 1
    assert plan.events.filter(kind="closed").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_acceptances_at_once_close_the_plan_once() -> None:
    """Two officers accept the last two actions at the same moment: the plan's row lock queues
    them, so it closes once; the same action twice: one acceptance, the other refused."""
    world = build_world()
    plan = a_plan(world)
    actions = [an_action(world, plan), an_action(world, plan)]
    for action in actions:
        done(world, action)
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def accept(action: ImprovementAction) -> None:
        try:
            barrier.wait(5)
            action_accept(actor=actor(world.qa), action=action)
            outcomes.append("accepted")
        except WrongState:
            outcomes.append("refused")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == [] and outcomes == ["accepted", "accepted"]
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED
    assert plan.events.filter(kind="closed").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_the_same_action_accepted_twice_at_once_is_accepted_once() -> None:
    world = build_world()
    plan = a_plan(world)
    action = an_action(world, plan)
    done(world, action)
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def accept() -> None:
        try:
            barrier.wait(5)
            action_accept(actor=actor(world.qa), action=action)
            outcomes.append("accepted")
        except WrongState:
            outcomes.append("refused")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == [] and sorted(outcomes) == ["accepted", "refused"]
    assert plan.events.filter(kind="accepted").count() == 1
    assert plan.events.filter(kind="closed").count() == 1
