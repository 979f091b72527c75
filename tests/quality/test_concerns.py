"""Concerns and their four-stage escalation (issue 14; seed 002, l.307-336 and l.514-550):
raising, the immediate safety flag, recording, escalating by hand and by itself (run twice: one
escalation), closing only with the outcome for the child, working-day clocks across bank
holidays, and the per-setting risk signal with its query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from fps_portal.scoping import scoped
from quality.models import Concern, ConcernEntry, ConcernStage, EntryKind, StageEnd
from quality.services.concern_escalation import concern_escalate, concerns_escalate_overdue
from quality.services.concerns import (
    OUTCOME_MISSING,
    PLACEMENT_NAMES_CHILD,
    TIMESCALE_WRONG,
    concern_close,
    concern_record,
    stage_due_on,
)
from quality.visits.part_signals import open_concerns_by_setting
from tests.quality.concern_world import ConcernWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ConcernWorld:
    return build()


# -- working days ---------------------------------------------------------------------------------


def test_a_stage_over_christmas_skips_the_bank_holidays_and_the_weekends() -> None:
    # Friday 18 December 2026: Christmas Day (Fri 25), Boxing Day's substitute (Mon 28) and New
    # Year's Day (Fri 1 January 2027) are not working days.
    assert stage_due_on(datetime.date(2026, 12, 18), 10) == datetime.date(2027, 1, 6)


def test_a_stage_over_easter_skips_good_friday_and_easter_monday() -> None:
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert stage_due_on(datetime.date(2027, 3, 22), 10) == datetime.date(2027, 4, 7)
    assert stage_due_on(datetime.date(2027, 3, 25), 1) == datetime.date(2027, 3, 30)


# -- raising --------------------------------------------------------------------------------------


def test_raising_opens_stage_one_with_its_due_date_and_consults_the_safeguarding_lead(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern(timescale_days=5)
    stage = ConcernStage.objects.get(concern=concern)
    assert (concern.stage, stage.number, stage.timescale_days) == (1, 1, 5)
    assert stage.due_on == stage_due_on(stage.opened_at.date(), 5)
    assert concern.provider_id == world.setting.provider_id
    assert Notification.objects.filter(
        recipient=world.safeguarding, event_key=f"concern-raised:{concern.pk}"
    ).exists()
    informed = ConcernEntry.objects.get(concern=concern, kind=EntryKind.INFORMED)
    assert "Hannah Safeguarding" in informed.text
    assert AuditEvent.objects.filter(object_id=str(concern.pk), verb="created").exists()
    # The provider hears nothing at stage 1.
    assert not Notification.objects.filter(recipient=world.provider_user).exists()


def test_an_immediate_safety_concern_is_flagged_at_once_to_the_named_safeguarding_contact(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern(immediate_safety=True)
    concern.refresh_from_db()
    assert concern.safety_flagged_at is not None
    note = Notification.objects.get(recipient=world.safeguarding)
    assert note.subject.startswith("Immediate safety concern")
    flag = ConcernEntry.objects.get(concern=concern, kind=EntryKind.SAFETY_FLAGGED)
    assert "Hannah Safeguarding" in flag.text


def test_without_a_named_safeguarding_lead_the_dcs_is_told_and_the_record_says_so(
    world: ConcernWorld,
) -> None:
    world.safeguarding.memberships.update(is_active=False)
    concern = world.raise_concern(immediate_safety=True)
    flag = ConcernEntry.objects.get(concern=concern, kind=EntryKind.SAFETY_FLAGGED)
    assert "Morgan Director" in flag.text and "no safeguarding lead is named" in flag.text
    assert Notification.objects.filter(recipient=world.dcs).exists()


def test_a_concern_from_outside_the_council_records_who_raised_it(world: ConcernWorld) -> None:
    concern = world.raise_concern(
        source="external", raised_by_name="Alex Parent", raised_by_role="parent"
    )
    assert (concern.raised_by_id, concern.recorded_by_id) == (None, world.qa.pk)
    assert concern.raised_by_name == "Alex Parent"


def test_bad_input_is_answered_on_each_field_and_writes_nothing(world: ConcernWorld) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.raise_concern(
            setting=None,
            category="nonsense",
            summary=" ",
            description="",
            source="external",
            timescale_days=11,
        )
    assert set(refused.value.fields) == {
        "about",
        "category",
        "summary",
        "description",
        "raised_by_name",
        "timescale_days",
    }
    assert refused.value.fields["timescale_days"] == [TIMESCALE_WRONG]
    assert not Concern.objects.exists() and not ConcernStage.objects.exists()


def test_a_qa_officer_cannot_raise_one_about_a_placement_which_names_the_child(
    world: ConcernWorld,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.raise_concern(setting=None, agreement=world.placement)
    assert refused.value.fields["agreement"] == [PLACEMENT_NAMES_CHILD]
    concern = world.raise_concern(by=world.commissioner, setting=None, agreement=world.placement)
    assert (concern.setting_id, concern.provider_id) == (
        world.setting.pk,
        world.setting.provider_id,
    )


def test_another_authority_cannot_raise_one_about_sefton_s_placement(world: ConcernWorld) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.raise_concern(by=world.other_commissioner, setting=None, agreement=world.placement)
    assert "agreement" in refused.value.fields


def test_the_same_form_sent_twice_makes_one_concern(world: ConcernWorld) -> None:
    import uuid

    key = uuid.uuid4()
    first = world.raise_concern(submission_key=key)
    second = world.raise_concern(submission_key=key)
    assert first.pk == second.pk and Concern.objects.count() == 1


# -- scoping --------------------------------------------------------------------------------------


def test_the_provider_sees_a_concern_about_itself_only_from_stage_two(world: ConcernWorld) -> None:
    concern = world.raise_concern(immediate_safety=True)
    provider = world.actor(world.provider_user)
    assert not scoped(Concern, provider).exists()
    concern_escalate(
        actor=world.actor(world.qa),
        concern=concern,
        reason="No improvement after a week.",
        provider_contact="Head teacher",
    )
    assert list(scoped(Concern, provider)) == [concern]
    # Never another provider's, and never the authority's safeguarding flag.
    assert not scoped(Concern, world.actor(world.other_provider_user)).exists()
    kinds = set(scoped(ConcernEntry, provider).values_list("kind", flat=True))
    assert EntryKind.SAFETY_FLAGGED not in kinds and EntryKind.ESCALATED in kinds


def test_another_authority_sees_nothing_of_sefton_s_concerns(world: ConcernWorld) -> None:
    world.raise_concern()
    assert not scoped(Concern, world.actor(world.other_commissioner)).exists()


# -- recording, escalating and closing ------------------------------------------------------------


def test_the_provider_answers_from_stage_two_and_the_authority_is_told(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern()
    provider = world.actor(world.provider_user)
    with pytest.raises(NotAllowed):
        concern_record(actor=provider, concern=concern, kind="answered", text="Fixed.")
    concern_escalate(
        actor=world.actor(world.qa), concern=concern, reason="Unresolved.", provider_contact="Head"
    )
    concern.refresh_from_db()
    entry = concern_record(
        actor=provider, concern=concern, kind="answered", text="A second night worker from Monday."
    )
    assert entry.by_provider and entry.stage.number == 2
    assert Notification.objects.filter(
        recipient=world.qa, event_key=f"concern-answered:{entry.pk}"
    ).exists()
    assert not Notification.objects.filter(
        recipient=world.provider_user, event_key=f"concern-answered:{entry.pk}"
    ).exists()


def test_escalating_to_stage_four_needs_who_at_the_partnership_was_informed(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern()
    qa = world.actor(world.qa)
    concern = concern_escalate(actor=qa, concern=concern, reason="1", provider_contact="Head")
    concern = concern_escalate(actor=qa, concern=concern, reason="2")
    with pytest.raises(InvalidInput) as refused:
        concern_escalate(actor=qa, concern=concern, reason="3")
    assert "informed" in refused.value.fields
    concern = concern_escalate(
        actor=qa, concern=concern, reason="3", informed="Sefton Safeguarding Partnership, e-mail"
    )
    assert concern.stage == 4
    with pytest.raises(WrongState):
        concern_escalate(actor=qa, concern=concern, reason="5", informed="x")


def test_closing_without_the_outcome_for_the_child_is_refused_at_the_field(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern()
    with pytest.raises(InvalidInput) as refused:
        concern_close(actor=world.actor(world.qa), concern=concern, outcome_for_child="  ")
    assert refused.value.fields == {"outcome_for_child": [OUTCOME_MISSING]}
    concern.refresh_from_db()
    assert concern.state == "open"
    closed = concern_close(
        actor=world.actor(world.qa), concern=concern, outcome_for_child="Settled, attending."
    )
    assert closed.state == "closed" and closed.closed_by_id == world.qa.pk
    assert ConcernStage.objects.get(concern=concern).ended == StageEnd.RESOLVED
    with pytest.raises(WrongState):
        concern_record(actor=world.actor(world.qa), concern=concern, kind="decided", text="x")


# -- the escalation job ---------------------------------------------------------------------------


def _past_due(concern: Concern) -> datetime.date:
    stage = ConcernStage.objects.get(concern=concern, number=concern.stage)
    return stage.due_on + datetime.timedelta(days=1)


def test_an_overdue_stage_escalates_by_itself_once_however_often_the_job_runs(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern()
    later = _past_due(concern)
    assert concerns_escalate_overdue(today=later) == 1
    assert concerns_escalate_overdue(today=later) == 0
    concern.refresh_from_db()
    assert concern.stage == 2
    first, second = ConcernStage.objects.filter(concern=concern).order_by("number")
    assert first.ended == StageEnd.ESCALATED_AUTOMATICALLY and second.automatic
    assert second.due_on > later
    said = ConcernEntry.objects.get(concern=concern, kind=EntryKind.ESCALATED_AUTOMATICALLY)
    assert "escalated by itself" in said.text
    # The people concerned hear of it, the provider now among them, once.
    told = Notification.objects.filter(event_key=f"concern-escalated:{concern.pk}:2")
    assert {n.recipient_id for n in told} >= {world.qa.pk, world.manager.pk, world.provider_user.pk}
    assert told.count() == len({n.recipient_id for n in told})


def test_a_stage_four_overdue_is_referred_to_the_partnership_once(
    world: ConcernWorld,
) -> None:
    concern = world.raise_concern()
    for _ in range(4):
        concern.refresh_from_db()
        later = _past_due(concern)
        concerns_escalate_overdue(today=later)
    concern.refresh_from_db()
    assert concern.stage == 4 and concern.partnership_referred_at is not None
    assert concerns_escalate_overdue(today=later) == 0
    assert ConcernEntry.objects.filter(concern=concern, kind=EntryKind.REFERRED).count() == 1


# -- the risk signal ------------------------------------------------------------------------------


def test_open_concerns_by_setting_counts_and_takes_the_highest_stage_in_one_query(
    world: ConcernWorld,
) -> None:
    qa = world.actor(world.qa)
    world.raise_concern()
    higher = world.raise_concern()
    concern_escalate(actor=qa, concern=higher, reason="Unresolved.", provider_contact="Head")
    closed = world.raise_concern()
    concern_close(actor=qa, concern=closed, outcome_for_child="Resolved.")
    # About the provider as a whole: it weighs on its setting too.
    world.raise_concern(setting=None, provider=world.setting.provider)
    world.raise_concern(by=world.other_commissioner)  # Blackpool's: not Sefton's signal
    with CaptureQueriesContext(connection) as queries:
        signal = open_concerns_by_setting(world.sefton, [world.setting.pk, world.other_setting.pk])
    assert len(queries) == 1
    assert signal == {world.setting.pk: (3, 2)}
    assert open_concerns_by_setting(world.sefton.pk, []) == {}


def test_a_concern_about_a_setting_starts_an_improvement_plan_and_a_foreign_or_settingless_one_does_not(  # noqa: E501
    world: ConcernWorld, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from fps_portal.accounts.models import Role
    from quality.models import ImprovementPlan, PlanOrigin
    from quality.services.improvement_plans import plan_create
    from tests.factories import person

    concern = world.raise_concern()
    page = signed_in(world.qa).get(reverse("quality:concern", args=[concern.pk])).content.decode()
    new = reverse("quality:improvement-plan-new")
    link = f"{new}?origin=concern&amp;origin_concern={concern.pk}"
    assert link in page
    answer = signed_in(world.qa).get(link.replace("&amp;", "&"), follow=True)
    assert answer.status_code == 200, answer
    new_plan = answer.content.decode()
    assert f'<option value="{concern.pk}" selected>Marsh Lane School: Night staffing' in new_plan
    plan = plan_create(
        actor=world.actor(world.qa),
        title="After the concern",
        cause="Night staffing below the agreed ratio.",
        origin=PlanOrigin.CONCERN,
        origin_id=concern.pk,
    )
    assert plan.origin_concern_id == concern.pk and plan.setting_id == world.setting.pk
    about_provider = world.raise_concern(setting=None, provider=world.setting.provider)
    other_qa = person(Role.QA_OFFICER, world.blackpool)
    for who, origin in ((world.qa, about_provider), (other_qa, concern)):
        with pytest.raises(InvalidInput) as refused:
            plan_create(
                actor=world.actor(who),
                title="x",
                cause="y",
                origin=PlanOrigin.CONCERN,
                origin_id=origin.pk,
            )
        assert refused.value.fields == {
            "origin_id": ["Select one of your authority's concerns about a setting."]
        }
    assert ImprovementPlan.objects.count() == 1
    provider_only = signed_in(world.qa).get(reverse("quality:concern", args=[about_provider.pk]))
    assert "origin=concern" not in provider_only.content.decode()
