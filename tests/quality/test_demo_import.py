"""The demo's Ofsted import (`load_demo_data`, demo/quality_import.py): November's report-card
file, run through the import services, lowers Mersey Vale School (where Sefton's SEF-2026-0005 is
active) to a fail band; Sefton's senior managers in the alerted posts and the lead authority's
evaluators have the alert waiting, unacknowledged, naming Sefton's placement only; the lead
authority's decision is pending and the setting under review; loading again adds nothing.

One load serves each test's many checks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.test import Client

from contracts.models import Agreement, AgreementState
from demo.contracts import JOINTLY_FUNDED
from demo.quality_import import LOWERED_SETTING, OFSTED_FILE, load_ofsted_import
from fps_portal.accounts.models import User
from fps_portal.notifications.models import Notification
from providers.models import Setting
from quality.models import (
    AlertRecipient,
    DecisionState,
    ImportStatus,
    InspectionImport,
    RatingAlert,
)
from referrals.models import Child
from tests.quick_pdfs import quick_pdfs

pytestmark = pytest.mark.django_db

SEFTON_TOLD = {
    "dcs@sefton.example",
    "headofservice@sefton.example",
    "commissioningmanager@sefton.example",
}
LEAD_TOLD = {"lead@cheshireeast.example", "evaluator@cheshireeast.example"}


@pytest.fixture
def demo(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # The e-mails are queued on commit, as the loader's transaction commits in `make run`; the
    # PDFs that the commit renders are not what these tests read (tests/quick_pdfs.py).
    with quick_pdfs(), django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=StringIO())


def _signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _alert() -> RatingAlert:
    return RatingAlert.objects.get(setting__name=LOWERED_SETTING)


def _alert_mail() -> list:  # type: ignore[type-arg]
    # The rating alert's own mails: later demo steps (plans, concerns) also name the setting.
    return [m for m in mail.outbox if m.subject.startswith(f"Rating alert: {LOWERED_SETTING}")]


def _name(child: Child) -> str:
    return f"{child.given_name} {child.family_name}"


def test_the_file_is_imported_through_the_services_by_the_lead_evaluator(demo: None) -> None:
    job = InspectionImport.objects.get()
    assert job.original_name == OFSTED_FILE.name
    assert job.status == ImportStatus.DONE and job.refusal == {}
    assert job.file_format == "report_card"
    assert job.uploaded_by is not None and job.uploaded_by.email == "lead@cheshireeast.example"
    assert (job.rows_read, job.rows_matched, job.bands_changed) == (3, 1, 1)
    assert (job.inspections_new, job.inspections_updated) == (1, 0)
    assert job.skipped == {"urn_not_on_fps": 2}
    setting = Setting.objects.get(name=LOWERED_SETTING)
    assert setting.current_band == "fail"
    assert setting.under_review_since is not None
    judgement = setting.judgements.get(inspection_number="10398211")
    assert judgement.source == "ofsted_file" and judgement.framework == "ofsted_report_card"
    assert OFSTED_FILE.name in judgement.source_reference


def test_seftons_senior_managers_have_the_alert_waiting_and_blackpool_nothing(demo: None) -> None:
    alert = _alert()
    assert alert.setting.name == LOWERED_SETTING
    assert (alert.previous_band, alert.new_band) == ("pass", "fail")
    assert alert.decision_state == DecisionState.PENDING
    told = AlertRecipient.objects.filter(alert=alert).select_related("user", "authority")
    assert {(r.user.email, r.authority.name) for r in told} == {
        *((email, "Sefton") for email in SEFTON_TOLD),
        *((email, "Cheshire East") for email in LEAD_TOLD),
    }
    assert not told.exclude(acknowledged_at=None).exists()  # waiting for each of them
    for email in SEFTON_TOLD:
        note = Notification.objects.get(
            recipient__email=email, event_key__startswith=f"quality.rating_alert.{alert.pk}."
        )
        assert "Sefton has 1 child placed there now" in note.body
    assert sorted(m.to[0] for m in _alert_mail()) == sorted(SEFTON_TOLD | LEAD_TOLD)
    assert not Notification.objects.filter(
        recipient__email__endswith="@blackpool.example",
        event_key__startswith=f"quality.rating_alert.{alert.pk}.",
    ).exists()
    assert (
        _signed_in("headofservice@blackpool.example")
        .get(f"/quality/alerts/{alert.pk}/")
        .status_code
        == 404
    )


def test_the_alert_shows_seftons_placement_and_no_other_authoritys_child(demo: None) -> None:
    alert = _alert()
    placed = Agreement.objects.get(child__case_number=JOINTLY_FUNDED)
    assert placed.state == AgreementState.ACTIVE and placed.setting is not None
    assert placed.setting.name == LOWERED_SETTING
    page = _signed_in("dcs@sefton.example").get(f"/quality/alerts/{alert.pk}/").content.decode()
    assert placed.child is not None and _name(placed.child) in page
    others = [_name(c) for c in Child.objects.exclude(pk=placed.child.pk)]
    assert others and not [n for n in others if n in page]
    assert _alert_mail()
    for message in _alert_mail():
        assert not [n for n in [_name(c) for c in Child.objects.all()] if n in message.body]


def test_loading_again_adds_nothing(demo: None) -> None:
    def counts() -> dict[str, int]:
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    before = counts()
    assert load_ofsted_import() is None
    call_command("load_demo_data", stdout=StringIO())
    assert counts() == before
    assert InspectionImport.objects.count() == 1
    assert RatingAlert.objects.filter(setting__name=LOWERED_SETTING).count() == 1
