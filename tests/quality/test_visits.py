"""QA visits (issue 14): the risk-ordered programme and its signals, the visit's states through
the one transition helper, the report and its two PDFs, the shared summary, scoping (another
authority's visit is 404; the provider sees only its own setting's completed visits and never
the children's views) and bad input (a message at the field, nothing written)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import scoped
from providers.inspections.bands import Band
from providers.models import Setting
from quality.models import (
    AreaRating,
    QaVisit,
    QaVisitFinding,
    QaVisitReport,
    QaVisitSummary,
    ReportAudience,
    VisitKind,
    VisitState,
    VisitTrigger,
)
from quality.selectors.visits import programme_for, summaries_for, visit_detail
from quality.services.visit_reports import render_visit_report
from quality.services.visits import (
    visit_cancel,
    visit_complete,
    visit_plan,
    visit_respond,
    visit_schedule,
)
from quality.visit_tasks import render_visit_report as render_task
from quality.visits.risk import NEVER, RISK_SIGNALS, RiskSignal, Signal, rank
from tests.contracts.pdf_world import text_of
from tests.quality.visit_world import (
    CHILD_VIEWS,
    add_setting,
    all_areas,
    as_actor,
    build,
    completed,
    place,
    planned,
)

pytestmark = pytest.mark.django_db


def _names(rows) -> list[str]:
    return [row.setting.name for row in rows]


def test_the_programme_lists_only_the_settings_where_the_authority_has_children_placed_now():
    w = build(settings=2)
    elsewhere = add_setting(w)
    # Knowsley's child at a setting Sefton does not use: not in Sefton's programme.
    from tests.providers.factories import SettingFactory

    knowsley_only = SettingFactory(provider=w.provider)
    place(w, knowsley_only, who=w.knowsley)
    rows = programme_for(as_actor(w.qa))
    assert {r.setting.pk for r in rows} == {s.pk for s in w.settings}
    assert elsewhere.pk in {r.setting.pk for r in rows}
    assert knowsley_only.pk not in {r.setting.pk for r in rows}
    assert _names(programme_for(as_actor(w.other_qa))) == [knowsley_only.name]
    # Senior managers and commissioners read it; a provider does not.
    assert len(programme_for(as_actor(w.senior))) == 3
    assert len(programme_for(as_actor(w.commissioner))) == 3
    assert programme_for(as_actor(w.provider_user)) == []


def test_the_order_is_fail_then_concern_then_sign_off_then_alerts_then_time_then_children():
    w = build(settings=0)
    add_setting(w, name="Quiet School")
    busy = add_setting(w, name="Busy School")
    place(w, busy)  # two children there
    concern = add_setting(w, name="Concern School")
    fail = add_setting(w, name="Fail School")
    Setting.objects.filter(pk=concern.pk).update(current_band=Band.CONCERN)
    Setting.objects.filter(pk=fail.pk).update(
        current_band=Band.FAIL, current_band_summary="Ofsted: Inadequate"
    )
    visited = add_setting(w, name="Visited School")
    completed(w, visited, on=timezone.localdate() - datetime.timedelta(days=30))
    rows = programme_for(as_actor(w.qa))
    assert _names(rows) == [
        "Fail School",
        "Concern School",
        # Never visited, so above the one visited 30 days ago; more children breaks the tie.
        "Busy School",
        "Quiet School",
        "Visited School",
    ]
    assert rows[0].reasons[0] == "Inspection band: fail (Ofsted: Inadequate)"
    assert "2 of your children placed" in rows[2].reasons
    assert any("30 days ago" in reason for reason in rows[4].reasons)
    assert [r.position for r in rows] == [1, 2, 3, 4, 5]


def test_a_recent_sign_off_moves_a_setting_up_within_its_band():
    from referrals.models import Award, RiskApproval

    w = build(settings=0)
    first = add_setting(w, name="A concern School")
    signed_off = add_setting(w, name="B signed-off School")
    Setting.objects.filter(pk__in=[first.pk, signed_off.pk]).update(current_band=Band.CONCERN)
    place(w, first)  # more children: first without the sign-off
    assert _names(programme_for(as_actor(w.qa)))[0] == "A concern School"
    award = Award.objects.filter(setting=signed_off).get()
    RiskApproval.objects.create(
        award=award,
        risk_approach="Weekly calls.",
        quality_visit_planned_on=timezone.localdate() + datetime.timedelta(days=14),
        alerted_at=timezone.now(),
    )
    rows = programme_for(as_actor(w.qa))
    assert _names(rows)[0] == "B signed-off School"
    assert rows[0].reasons[1].startswith("Through the RI/Inadequate sign-off on ")


def test_an_alert_told_to_the_authority_counts_and_another_authoritys_does_not():
    from providers.models import InspectionJudgement
    from quality.models import AlertRecipient, RatingAlert
    from tests.providers.factories import InspectionJudgementFactory

    w = build(settings=2)
    told, other = w.settings
    for setting, to in ((told, w.sefton), (other, w.knowsley)):
        judgement: InspectionJudgement = InspectionJudgementFactory(setting=setting)
        alert = RatingAlert.objects.create(
            setting=setting,
            judgement=judgement,
            fingerprint=f"fp-{setting.pk}",
            new_band=Band.CONCERN,
            new_summary="Ofsted: Requires improvement",
            new_inspected_on=timezone.localdate(),
            reasons="Lowered.",
        )
        AlertRecipient.objects.create(alert=alert, user=w.senior, authority=to)
    rows = programme_for(as_actor(w.qa))
    assert _names(rows)[0] == told.name
    assert "1 rating alert not acknowledged or recent" in rows[0].reasons
    assert not any("alert" in reason for reason in rows[1].reasons)


def test_another_part_adds_a_signal_and_it_ranks_where_it_is_placed():
    w = build(settings=2)
    a, b = w.settings

    def loud(authority, setting_ids):
        return {b.pk: Signal(1, "A signal from another part")}

    signals = (RISK_SIGNALS[0], RiskSignal("loud", loud), *RISK_SIGNALS[1:])
    ranked = rank(w.sefton, [a.pk, b.pk], signals)
    assert ranked[0].setting_id == b.pk
    assert "A signal from another part" in ranked[0].reasons
    assert ranked[1].key[RISK_SIGNALS.index(RISK_SIGNALS[-2]) + 1] == NEVER


def _programme_queries(w) -> int:
    actor = as_actor(w.qa)
    assert actor.organisation is not None  # the membership's organisation, loaded once
    with CaptureQueriesContext(connection) as queries:
        programme_for(actor)
    return len(queries.captured_queries)


def test_the_programme_makes_as_many_queries_for_fifty_settings_as_for_one():
    w = build(settings=1)
    planned(w, w.settings[0])
    one = _programme_queries(w)
    for _ in range(49):
        add_setting(w)
    planned(w, w.settings[-1])
    completed(w, w.settings[-2])
    assert len(programme_for(as_actor(w.qa))) == 50
    assert _programme_queries(w) == one
    # placements, then one per signal, then the settings and the open visits.
    assert one == 1 + len(RISK_SIGNALS) + 2


def test_a_visit_goes_planned_scheduled_completed_through_the_transition_helper():
    w = build(settings=1)
    setting = w.settings[0]
    visit = planned(w, setting)
    assert visit.state == VisitState.PLANNED
    assert visit.planned_month == timezone.localdate().replace(day=1)
    visit = completed(w, setting)
    assert visit.state == VisitState.COMPLETED
    visit.refresh_from_db()
    assert visit.children_views == CHILD_VIEWS
    assert QaVisitFinding.objects.filter(visit=visit).count() == 6
    summary = QaVisitSummary.objects.get(visit=visit)
    assert summary.main_findings == "Calm classrooms and a strong therapy offer."
    assert summary.overall_rating == AreaRating.GOOD
    moves = AuditEvent.objects.filter(
        verb=AuditVerb.STATE_CHANGED, object_id=str(visit.pk)
    ).values_list("after__state", flat=True)
    assert set(moves) == {VisitState.SCHEDULED, VisitState.COMPLETED}
    # A completed visit cannot be cancelled or completed again.
    with pytest.raises(WrongState):
        visit_cancel(actor=as_actor(w.qa), visit=visit, reason="Changed our minds.")


def test_a_visit_is_cancelled_with_a_reason_and_not_without():
    w = build(settings=1)
    visit = planned(w, w.settings[0])
    with pytest.raises(InvalidInput) as refused:
        visit_cancel(actor=as_actor(w.qa), visit=visit, reason="  ")
    assert "reason" in refused.value.fields
    visit = visit_cancel(actor=as_actor(w.qa), visit=visit, reason="The school is closed.")
    assert visit.state == VisitState.CANCELLED


def test_a_planned_visit_cannot_be_completed_before_it_has_a_date():
    w = build(settings=1)
    visit = planned(w, w.settings[0])
    with pytest.raises(WrongState):
        visit_complete(
            actor=as_actor(w.qa),
            visit=visit,
            visit_date=timezone.localdate(),
            visitors="A",
            findings=all_areas(),
            overall_rating=AreaRating.GOOD,
            main_findings="x",
            recommendations="y",
        )


def test_bad_input_is_refused_at_each_field_and_writes_nothing():
    w = build(settings=1)
    before = QaVisit.objects.count()
    with pytest.raises(InvalidInput) as refused:
        visit_plan(
            actor=as_actor(w.qa),
            setting_id=999999,
            kind="sometimes",
            planned_month=timezone.localdate() - datetime.timedelta(days=62),
        )
    assert set(refused.value.fields) >= {"setting", "kind", "planned_month"}
    with pytest.raises(InvalidInput) as refused:
        visit_plan(
            actor=as_actor(w.qa),
            setting_id=w.settings[0].pk,
            kind=VisitKind.RESPONSIVE,
            planned_month=timezone.localdate(),
        )
    assert "trigger" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        visit_plan(
            actor=as_actor(w.qa),
            setting_id=w.settings[0].pk,
            kind=VisitKind.RESPONSIVE,
            trigger=VisitTrigger.ALERT,
            trigger_alert_id=12345,
            planned_month=timezone.localdate(),
        )
    assert "trigger_alert" in refused.value.fields
    assert QaVisit.objects.count() == before
    visit = planned(w, w.settings[0])
    with pytest.raises(InvalidInput) as refused:
        visit_schedule(
            actor=as_actor(w.qa),
            visit=visit,
            visit_date=timezone.localdate() - datetime.timedelta(days=1),
            visitors="",
        )
    assert set(refused.value.fields) == {"visit_date", "visitors"}
    visit = visit_schedule(
        actor=as_actor(w.qa), visit=visit, visit_date=timezone.localdate(), visitors="A"
    )
    with pytest.raises(InvalidInput) as refused:
        visit_complete(
            actor=as_actor(w.qa),
            visit=visit,
            visit_date=timezone.localdate() + datetime.timedelta(days=3),
            visitors="A",
            findings={},
            overall_rating="",
            main_findings="",
            recommendations="",
        )
    fields = set(refused.value.fields)
    assert {"visit_date", "overall_rating", "main_findings", "recommendations"} <= fields
    assert "feedback_rating" in fields and "outcomes_rating" in fields
    visit.refresh_from_db()
    assert visit.state == VisitState.SCHEDULED
    assert not QaVisitFinding.objects.filter(visit=visit).exists()
    assert not QaVisitSummary.objects.exists()


def test_a_responsive_visit_records_what_it_answers():
    w = build(settings=1)
    visit = planned(
        w,
        w.settings[0],
        kind=VisitKind.RESPONSIVE,
        trigger=VisitTrigger.CONCERN,
        trigger_note="A parent raised concerns about transport.",
    )
    assert visit.trigger == VisitTrigger.CONCERN
    assert visit.trigger_note == "A parent raised concerns about transport."


def test_the_same_form_sent_twice_plans_one_visit():
    import uuid

    w = build(settings=1)
    key = uuid.uuid4()
    first = planned(w, w.settings[0], submission_key=key)
    again = planned(w, w.settings[0], submission_key=key)
    assert first.pk == again.pk
    assert QaVisit.objects.count() == 1


def test_only_the_authoritys_qa_officers_run_visits():
    w = build(settings=1)
    for user in (w.senior, w.commissioner, w.provider_user):
        with pytest.raises(NotAllowed):
            visit_plan(
                actor=as_actor(user),
                setting_id=w.settings[0].pk,
                kind=VisitKind.PROGRAMMED,
                planned_month=timezone.localdate(),
            )
    visit = planned(w, w.settings[0])
    with pytest.raises(NotAllowed):
        visit_cancel(actor=as_actor(w.other_qa), visit=visit, reason="Not ours.")


def test_another_authoritys_visit_is_404_and_its_summary_is_shared():
    w = build(settings=1)
    visit = completed(w, w.settings[0])
    with pytest.raises(Http404):
        visit_detail(as_actor(w.other_qa), visit.pk)
    assert not scoped(QaVisitFinding, as_actor(w.other_qa)).exists()
    shared = list(summaries_for(as_actor(w.other_qa)))
    assert [s.visit_id for s in shared] == [visit.pk]
    assert CHILD_VIEWS not in str(vars(shared[0]))


def test_the_provider_sees_its_own_completed_visits_only():
    w = build(settings=2)
    done = completed(w, w.settings[0])
    open_visit = planned(w, w.settings[1])
    provider = as_actor(w.provider_user)
    assert visit_detail(provider, done.pk).pk == done.pk
    with pytest.raises(Http404):
        visit_detail(provider, open_visit.pk)
    with pytest.raises(Http404):
        visit_detail(as_actor(w.other_provider_user), done.pk)


def test_the_provider_answers_on_factual_accuracy_once_and_the_officer_is_told():
    from fps_portal.notifications.models import Notification

    w = build(settings=1)
    visit = completed(w, w.settings[0])
    with pytest.raises(InvalidInput):
        visit_respond(actor=as_actor(w.provider_user), visit=visit, response=" ")
    with pytest.raises(NotAllowed):
        visit_respond(actor=as_actor(w.other_provider_user), visit=visit, response="Wrong.")
    visit_respond(
        actor=as_actor(w.provider_user), visit=visit, response="We have 40 places, not 30."
    )
    visit.refresh_from_db()
    assert visit.provider_response == "We have 40 places, not 30."
    assert Notification.objects.filter(recipient=w.qa, event_key__startswith="qa-visit-response")
    with pytest.raises(WrongState):
        visit_respond(actor=as_actor(w.provider_user), visit=visit, response="Again.")


def test_the_report_renders_twice_into_one_pdf_per_audience_and_the_providers_has_no_child():
    w = build(settings=1)
    visit = completed(w, w.settings[0])
    # The test's transaction never commits, so the on-commit render did not run: run it twice.
    first = render_task(visit.pk, ReportAudience.PROVIDER)
    second = render_task(visit.pk, ReportAudience.PROVIDER)
    assert first == second
    assert QaVisitReport.objects.filter(visit=visit, audience=ReportAudience.PROVIDER).count() == 1
    full = render_visit_report(visit_id=visit.pk, audience=ReportAudience.AUTHORITY)
    provider_copy = QaVisitReport.objects.get(pk=first)
    assert len(provider_copy.sha256) == 64
    full_text = " ".join(text_of(full.file.open("rb").read()).split())
    provider_text = " ".join(text_of(provider_copy.file.open("rb").read()).split())
    assert "Zephyrine" in full_text
    assert "Zephyrine" not in provider_text
    assert "Calm classrooms and a strong therapy offer." in provider_text
    assert "Staff skills and training" in provider_text


def test_a_visit_not_completed_has_no_report():
    w = build(settings=1)
    visit = planned(w, w.settings[0])
    assert render_visit_report(visit_id=visit.pk, audience=ReportAudience.AUTHORITY) is None


def test_overdue_improvement_actions_move_a_setting_up_and_another_authoritys_do_not():
    from quality.models import ActionOwner
    from quality.services.improvement_plans import action_add, plan_create

    w = build(settings=0)
    first = add_setting(w, name="A busy School")
    behind = add_setting(w, name="B behind School")
    place(w, first)  # more children: first, until its neighbour falls behind
    for by, setting in ((w.qa, behind), (w.other_qa, behind)):
        plan = plan_create(
            actor=as_actor(by),
            title="Safer recruitment",
            cause="Staff files lacked references.",
            origin="other",
            origin_reason="Found at a visit.",
            setting=setting,
        )
        action = action_add(
            actor=as_actor(by),
            plan=plan,
            description="Audit every staff file.",
            owner=ActionOwner.PROVIDER,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        )
        if by == w.other_qa:
            break  # Knowsley's is overdue too, but it is not Sefton's to count
        type(action).objects.filter(pk=action.pk).update(
            due_on=timezone.localdate() - datetime.timedelta(days=3)
        )
    rows = programme_for(as_actor(w.qa))
    assert _names(rows)[:2] == ["B behind School", "A busy School"]
    assert "1 improvement action overdue" in rows[0].reasons


def test_a_completed_visit_starts_an_improvement_plan_and_an_open_or_foreign_one_does_not(
    signed_in,
):
    from django.urls import reverse

    from quality.models import ImprovementPlan, PlanOrigin
    from quality.services.improvement_plans import plan_create

    w = build(settings=2)
    done = completed(w, w.settings[0])
    page = signed_in(w.qa).get(reverse("quality:visit", args=[done.pk])).content.decode()
    link = f"{reverse('quality:improvement-plan-new')}?origin=visit&amp;origin_visit={done.pk}"
    assert link in page
    plan = plan_create(
        actor=as_actor(w.qa),
        title="After the visit",
        cause="The visit's recommendations.",
        origin=PlanOrigin.VISIT,
        origin_id=done.pk,
    )
    assert plan.origin_visit_id == done.pk and plan.setting_id == w.settings[0].pk
    still_planned = planned(w, w.settings[1])
    for who, visit in ((w.qa, still_planned), (w.other_qa, done)):
        with pytest.raises(InvalidInput):
            plan_create(
                actor=as_actor(who),
                title="x",
                cause="y",
                origin=PlanOrigin.VISIT,
                origin_id=visit.pk,
            )
    assert ImprovementPlan.objects.count() == 1


def test_an_open_concern_moves_a_setting_up_and_an_escalated_one_further():
    from quality.services.concern_escalation import concern_escalate
    from quality.services.concerns import concern_raise

    w = build(settings=0)
    first = add_setting(w, name="A busy School")
    one = add_setting(w, name="B concern School")
    escalated = add_setting(w, name="C escalated School")
    place(w, first)  # more children: first, until the others' concerns
    qa = as_actor(w.qa)
    for setting in (one, escalated):
        concern = concern_raise(
            actor=qa,
            setting=setting,
            category="care_welfare",
            summary="Night staffing below the agreed ratio",
            description="Two nights with one member of staff for six children.",
        )
    concern_escalate(actor=qa, concern=concern, reason="Unresolved.", provider_contact="Head")
    rows = programme_for(qa)
    assert _names(rows) == ["C escalated School", "B concern School", "A busy School"]
    assert "1 open concern, at stage 2" in rows[0].reasons
