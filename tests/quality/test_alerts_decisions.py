"""The lead authority's decision on a fail band (suspend the membership or record why not), and
the RI/Inadequate sign-off gate an imported fail band puts in force for new awards."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.inspections.services import JudgementData, judgement_record
from providers.models import FpsMembership, MembershipState, Setting
from quality.models import DecisionState, RatingAlert
from quality.services.decisions import NOTHING_TO_SUSPEND, REASON_MISSING, alert_decide
from tests.quality.world import build, import_inadequate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    built = build()
    import_inadequate(built)
    built.alert = RatingAlert.objects.get()  # type: ignore[attr-defined]
    return built


def _review_on() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=60)


def test_suspending_goes_through_the_membership_service_and_ends_the_review(world):
    lead = world.actor(world.lead_evaluator)
    decided = alert_decide(
        actor=lead,
        alert=world.alert,
        outcome=DecisionState.SUSPENDED,
        reason="Inadequate with safeguarding not effective.",
        review_on=_review_on(),
    )
    assert decided.decision_state == DecisionState.SUSPENDED
    assert decided.decided_by == world.lead_evaluator and decided.decided_at is not None
    membership = FpsMembership.objects.get(provider=world.setting.provider)
    assert membership.state == MembershipState.SUSPENDED
    assert membership.review_on == _review_on()
    assert Setting.objects.get(pk=world.setting.pk).under_review_since is None
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DECIDED, object_type="quality.ratingalert", object_id=str(decided.pk)
    ).exists()
    with pytest.raises(WrongState, match="already decided"):
        alert_decide(actor=lead, alert=world.alert, outcome=DecisionState.KEPT, reason="No.")


def test_keeping_the_membership_records_why(world):
    alert_decide(
        actor=world.actor(world.lead_evaluator),
        alert=world.alert,
        outcome=DecisionState.KEPT,
        reason="The children placed there are safe; a monitoring visit is booked.",
    )
    alert = RatingAlert.objects.get()
    assert alert.decision_state == DecisionState.KEPT
    assert "monitoring visit" in alert.decision_reason
    assert FpsMembership.objects.get(provider=world.setting.provider).state == "active"
    assert Setting.objects.get(pk=world.setting.pk).under_review_since is None


def test_bad_input_is_refused_at_its_field_and_writes_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        alert_decide(
            actor=world.actor(world.lead_evaluator),
            alert=world.alert,
            outcome=DecisionState.SUSPENDED,
            reason=" ",
        )
    assert refused.value.fields["reason"] == [REASON_MISSING]
    assert "review_on" in refused.value.fields
    assert AuditEvent.objects.count() == before
    assert RatingAlert.objects.get().decision_state == DecisionState.PENDING


def test_a_provider_with_no_active_membership_has_none_to_suspend(world):
    FpsMembership.objects.filter(provider=world.setting.provider).update(
        state=MembershipState.SUSPENDED
    )
    with pytest.raises(InvalidInput) as refused:
        alert_decide(
            actor=world.actor(world.lead_evaluator),
            alert=world.alert,
            outcome=DecisionState.SUSPENDED,
            reason="Inadequate.",
            review_on=_review_on(),
        )
    assert refused.value.fields["outcome"] == [NOTHING_TO_SUSPEND]
    assert RatingAlert.objects.get().decision_state == DecisionState.PENDING


def test_only_the_lead_authoritys_evaluators_decide(world):
    with pytest.raises(NotAllowed):
        alert_decide(
            actor=world.actor(world.sefton_dcs),
            alert=world.alert,
            outcome=DecisionState.KEPT,
            reason="Not ours.",
        )


def test_the_decision_page_shows_errors_then_records_it(world):
    client = Client()
    client.force_login(world.lead_evaluator)
    assert "Marsh Lane School" in client.get("/quality/decisions/").content.decode()
    url = f"/quality/decisions/{world.alert.pk}/"
    refused = client.post(url, {"outcome": "suspended", "reason": ""})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert REASON_MISSING in text and "Enter the date the suspension will be reviewed." in text
    review = _review_on()
    done = client.post(
        url,
        {
            "outcome": "suspended",
            "reason": "Inadequate.",
            "review_on_day": review.day,
            "review_on_month": review.month,
            "review_on_year": review.year,
        },
    )
    assert done.status_code == 302
    assert RatingAlert.objects.get().decision_state == DecisionState.SUSPENDED
    assert "No fail band is awaiting" in client.get("/quality/decisions/").content.decode()


def test_a_second_fail_is_decided_with_the_first(world):
    # A residential school's social care inspection: another remit, another fail band.
    judgement_record(
        actor=None,
        setting=world.setting,
        data=JudgementData(
            framework="sccif",
            inspection_start_date=datetime.date(2026, 10, 20),
            grades={
                "overall_experiences_and_progress": "Inadequate",
                "helped_and_protected": "Inadequate",
                "leaders_and_managers": "Inadequate",
            },
            inspection_number="SC1",
            source="ofsted_file",
        ),
    )
    assert RatingAlert.objects.filter(decision_state=DecisionState.PENDING).count() == 2
    alert_decide(
        actor=world.actor(world.lead_evaluator),
        alert=world.alert,
        outcome=DecisionState.KEPT,
        reason="Both inspections reviewed together.",
    )
    assert not RatingAlert.objects.filter(decision_state=DecisionState.PENDING).exists()


def test_an_imported_fail_band_puts_the_sign_off_gate_in_force_for_a_new_award():
    from referrals.models import AwardState
    from tests.quality.world import ofsted as imported
    from tests.referrals.awards.world import awarded, closed_competition

    competition = closed_competition()
    judgement_record(
        actor=None,
        setting=competition.setting_a,
        data=imported({"overall_effectiveness": "4"}, number="77"),
    )
    assert Setting.objects.get(pk=competition.setting_a.pk).current_band == "fail"
    award = awarded(competition)
    assert award.state == AwardState.AWAITING_SIGN_OFF
    assert award.band_at_award == "fail"
