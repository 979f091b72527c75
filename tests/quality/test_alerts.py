"""Rating alerts raised through `judgement_record` and `judgement_check` (the hook of
providers.inspections.services.hooks): who is told, once, and what never alerts."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from providers.inspections.services import judgement_check, judgement_record
from providers.models import Setting
from quality.models import AlertRecipient, DecisionState, RatingAlert
from tests.providers.factories import ReportedJudgementFactory
from tests.quality.world import build, import_inadequate, ofsted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return build()


def _told(alert: RatingAlert) -> set[tuple[int, int]]:
    return set(AlertRecipient.objects.filter(alert=alert).values_list("user_id", "authority_id"))


def test_an_imported_inadequate_tells_exactly_the_senior_posts_of_placing_authorities_and_lead(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        judgement = import_inadequate(world)
    alert = RatingAlert.objects.get()
    assert alert.judgement == judgement and alert.setting == world.setting
    assert _told(alert) == {
        (world.sefton_dcs.pk, world.sefton.pk),
        (world.sefton_csm.pk, world.sefton.pk),
        (world.wirral_hcs.pk, world.wirral.pk),
        (world.lead_dcs.pk, world.lead.pk),
        (world.lead_evaluator.pk, world.lead.pk),
    }
    # Knowsley places no child here; a CSW service manager and a commissioner are not the posts.
    told_users = {u for u, _ in _told(alert)}
    assert world.knowsley_dcs.pk not in told_users
    assert world.sefton_csw.pk not in told_users
    assert world.sefton_commissioner.pk not in told_users
    # The old and new judgement with their dates, and why.
    assert alert.previous_band == "pass" and alert.previous_judgement == world.good
    assert alert.previous_inspected_on == datetime.date(2022, 5, 10)
    assert alert.new_band == "fail" and alert.new_inspected_on == datetime.date(2026, 10, 6)
    assert "fell from Pass to Fail" in alert.reasons
    assert "Safeguarding became not met" in alert.reasons
    assert "Overall effectiveness: 4" in alert.new_summary
    # In-app and by e-mail, one per person, each authority's own count of placements.
    sefton_notes = Notification.objects.filter(recipient=world.sefton_dcs)
    assert sefton_notes.count() == 1
    assert "Sefton has 2 children placed there now" in sefton_notes.get().body
    wirral_note = Notification.objects.get(recipient=world.wirral_hcs)
    assert "Wirral has 1 child placed there now" in wirral_note.body
    lead_note = Notification.objects.get(recipient=world.lead_evaluator)
    assert "you are told as the lead authority" in lead_note.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email
        for u in (
            world.sefton_dcs,
            world.sefton_csm,
            world.wirral_hcs,
            world.lead_dcs,
            world.lead_evaluator,
        )
    )
    # Audited, with who was told.
    created = AuditEvent.objects.get(verb=AuditVerb.CREATED, object_type="quality.ratingalert")
    assert len(created.after["recipients"]) == 5


def test_the_same_judgement_recorded_twice_alerts_once(world):
    import_inadequate(world)
    import_inadequate(world)
    assert RatingAlert.objects.count() == 1
    assert AlertRecipient.objects.count() == 5
    assert Notification.objects.filter(recipient=world.sefton_dcs).count() == 1


def test_a_predecessor_schools_inspection_never_alerts(world):
    import_inadequate(world, relates=False)
    assert not RatingAlert.objects.exists()
    assert not Notification.objects.filter(recipient=world.sefton_dcs).exists()


def test_a_better_or_equal_judgement_alerts_nobody(world):
    judgement_record(actor=None, setting=world.setting, data=ofsted({"overall_effectiveness": "1"}))
    assert not RatingAlert.objects.exists()


def test_an_older_inspection_filed_late_does_not_alert(world):
    import_inadequate(world, start="2019-03-04", number="9000")
    assert not RatingAlert.objects.exists()


def test_requires_improvement_alerts_without_a_decision(world):
    judgement_record(actor=None, setting=world.setting, data=ofsted({"overall_effectiveness": "3"}))
    alert = RatingAlert.objects.get()
    assert alert.new_band == "concern" and alert.decision_state == DecisionState.NONE
    assert Setting.objects.get(pk=world.setting.pk).under_review_since is None


def test_a_fail_band_puts_the_setting_under_review_and_on_the_lead_authoritys_queue(world):
    import_inadequate(world)
    alert = RatingAlert.objects.get()
    assert alert.decision_state == DecisionState.PENDING
    assert Setting.objects.get(pk=world.setting.pk).under_review_since is not None


def test_a_correction_that_lowers_the_grade_alerts_again(world):
    judgement_record(
        actor=None,
        setting=world.setting,
        data=ofsted({"overall_effectiveness": "3"}, number="555"),
    )
    judgement_record(
        actor=None,
        setting=world.setting,
        data=ofsted({"overall_effectiveness": "4"}, number="555"),
    )
    first, second = RatingAlert.objects.order_by("pk")
    assert (first.new_band, second.new_band) == ("concern", "fail")
    assert second.previous_band == "concern"


def test_a_category_of_concern_appearing_alerts(world):
    judgement_record(
        actor=None,
        setting=world.setting,
        data=ofsted({"overall_effectiveness": "4"}, category="SM"),
    )
    assert "Category of concern SM" in RatingAlert.objects.get().reasons


def test_a_providers_report_alerts_only_when_the_lead_authority_confirms_it(world):
    report = ReportedJudgementFactory(
        setting=world.setting,
        inspection_start_date=datetime.date(2026, 9, 1),
        publication_date=datetime.date(2026, 9, 30),
        grades={"overall_effectiveness": "4"},
    )
    assert not RatingAlert.objects.exists()
    judgement_check(
        judgement=report, actor=world.actor(world.lead_evaluator), outcome="confirmed", reason=""
    )
    alert = RatingAlert.objects.get()
    assert alert.judgement_id == report.pk and alert.previous_band == "pass"


def test_a_failing_handler_rolls_the_judgement_back(world, settings):
    settings.JUDGEMENT_CONFIRMED_HANDLERS = ["tests.quality.test_alerts.refuse"]
    with pytest.raises(RuntimeError):
        import_inadequate(world)
    assert not world.setting.judgements.filter(inspection_number="20000002").exists()
    assert Setting.objects.get(pk=world.setting.pk).current_band == "pass"


def refuse(events: object) -> None:
    raise RuntimeError("handler failed")
