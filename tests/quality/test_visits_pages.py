"""The QA visit pages and API end to end (issue 14): the QA officer plans, schedules and
records a visit through the forms (a message at the field for bad input, nothing written; the
same form sent twice makes one visit); the provider reads its own setting's report without the
children's views and answers it; another authority's visit is 404 while its summary is shared;
the PDF download is audited."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from fps_portal.audit.models import AuditEvent, AuditVerb
from quality.models import QaVisit, QaVisitReport, ReportAudience, VisitState
from tests.factories import api_client_for
from tests.quality.visit_world import CHILD_VIEWS, build, completed, planned

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_qa_officer_plans_schedules_and_records_a_visit_through_the_pages():
    w = build(settings=1)
    setting = w.settings[0]
    browser = _browser(w.qa)
    programme = browser.get("/quality/visit-programme/")
    assert programme.status_code == 200
    assert setting.name in programme.content.decode()
    assert "Never visited by your authority" in programme.content.decode()
    key = str(uuid.uuid4())
    month = timezone.localdate().strftime("%Y-%m")
    form = {"setting": setting.pk, "kind": "programmed", "planned_month": month}
    sent = browser.post("/quality/visits/new/", {**form, "submission_key": key})
    assert sent.status_code == 302
    again = browser.post("/quality/visits/new/", {**form, "submission_key": key})
    assert again.status_code == 302 and again.url == sent.url
    visit = QaVisit.objects.get()
    today = timezone.localdate()
    scheduled = browser.post(
        f"/quality/visits/{visit.pk}/",
        {
            "action": "schedule",
            "schedule-visit_date_day": today.day,
            "schedule-visit_date_month": today.month,
            "schedule-visit_date_year": today.year,
            "schedule-visitors": "Ravi Shah",
        },
    )
    assert scheduled.status_code == 302
    body = {
        "visit_date_day": today.day,
        "visit_date_month": today.month,
        "visit_date_year": today.year,
        "visitors": "Ravi Shah",
        "overall_rating": "good",
        "main_findings": "A calm school.",
        "recommendations": "None.",
        "children_views": CHILD_VIEWS,
    }
    for area in ("feedback", "inspections", "policies", "premises", "staff", "outcomes"):
        body[f"{area}_rating"] = "good"
    done = browser.post(f"/quality/visits/{visit.pk}/complete/", body)
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.state == VisitState.COMPLETED
    page = browser.get(f"/quality/visits/{visit.pk}/").content.decode()
    assert CHILD_VIEWS in page


def test_bad_input_on_the_forms_is_shown_at_the_field_and_writes_nothing():
    w = build(settings=1)
    browser = _browser(w.qa)
    answer = browser.post("/quality/visits/new/", {"kind": "responsive"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is a problem" in page
    assert "Select a setting where your authority has children placed." in page
    assert "Select what the responsive visit answers" in page
    assert not QaVisit.objects.exists()
    visit = planned(w, w.settings[0])
    answer = browser.post(f"/quality/visits/{visit.pk}/", {"action": "schedule"})
    assert answer.status_code == 400
    assert "Enter the date of the visit." in answer.content.decode()
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED


def test_the_provider_reads_its_report_without_the_childrens_views_and_answers_it():
    w = build(settings=1)
    visit = completed(w, w.settings[0])
    browser = _browser(w.provider_user)
    listed = browser.get("/quality/visits/").content.decode()
    assert w.settings[0].name in listed
    page = browser.get(f"/quality/visits/{visit.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Calm classrooms" in text
    assert "Zephyrine" not in text and "children's views" not in text.lower()
    api = api_client_for(w.provider_user).get(f"/api/v1/qa-visits/{visit.pk}/")
    assert api.status_code == 200 and "Zephyrine" not in api.content.decode()
    assert "children_views" not in api.json()
    answered = browser.post(
        f"/quality/visits/{visit.pk}/",
        {"action": "respond", "respond-response": "We have 40 places, not 30."},
    )
    assert answered.status_code == 302
    visit.refresh_from_db()
    assert visit.provider_response == "We have 40 places, not 30."
    # Another provider: 404 on the page and the API.
    other = _browser(w.other_provider_user)
    assert other.get(f"/quality/visits/{visit.pk}/").status_code == 404
    assert (
        api_client_for(w.other_provider_user).get(f"/api/v1/qa-visits/{visit.pk}/").status_code
        == 404
    )


def test_another_authority_gets_404_for_the_visit_and_reads_its_summary():
    w = build(settings=1)
    visit = completed(w, w.settings[0])
    other = _browser(w.other_qa)
    assert other.get(f"/quality/visits/{visit.pk}/").status_code == 404
    assert other.get(f"/quality/visits/{visit.pk}/report.pdf").status_code == 404
    api = api_client_for(w.other_qa)
    assert api.get(f"/api/v1/qa-visits/{visit.pk}/").status_code == 404
    assert api.get("/api/v1/qa-visits/").json()["results"] == []
    summaries = other.get("/quality/visit-summaries/").content.decode()
    assert "Calm classrooms and a strong therapy offer." in summaries
    assert "Zephyrine" not in summaries
    shared = api.get("/api/v1/qa-visit-summaries/").json()["results"]
    assert [s["setting"] for s in shared] == [w.settings[0].pk]
    assert "Zephyrine" not in str(shared)


def test_the_api_plans_and_completes_a_visit_and_refuses_bad_input():
    w = build(settings=1)
    api = api_client_for(w.qa)
    bad = api.post(
        "/api/v1/qa-visits/",
        {
            "setting": 999999,
            "kind": "programmed",
            "planned_month": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert bad.status_code == 400 and "setting" in str(bad.json())
    made = api.post(
        "/api/v1/qa-visits/",
        {
            "setting": w.settings[0].pk,
            "kind": "programmed",
            "planned_month": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    today = timezone.localdate().isoformat()
    assert (
        api.post(
            f"/api/v1/qa-visits/{pk}/schedule/",
            {"visit_date": today, "visitors": "R"},
            format="json",
        ).status_code
        == 200
    )
    findings = [
        {"area": a, "rating": "good"}
        for a in ("feedback", "inspections", "policies", "premises", "staff", "outcomes")
    ]
    done = api.post(
        f"/api/v1/qa-visits/{pk}/complete/",
        {
            "visit_date": today,
            "visitors": "R",
            "findings": findings,
            "overall_rating": "good",
            "main_findings": "Fine.",
            "recommendations": "None.",
        },
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert len(done.json()["findings"]) == 6
    # The senior manager reads it but may not write.
    senior = api_client_for(w.senior)
    assert senior.get(f"/api/v1/qa-visits/{pk}/").status_code == 200
    assert senior.post(f"/api/v1/qa-visits/{pk}/cancel/", {"reason": "x"}).status_code == 403


def test_the_report_download_is_audited_and_the_provider_gets_its_own_copy():
    w = build(settings=1)
    visit = completed(w, w.settings[0])
    for audience in ReportAudience.values:
        report = QaVisitReport(
            visit=visit, audience=audience, sha256=audience[0] * 64, size_bytes=9, pages=1
        )
        report.file.save(f"{audience}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        report.save()
    answer = _browser(w.provider_user).get(f"/quality/visits/{visit.pk}/report.pdf")
    assert answer.status_code == 200
    assert "provider.pdf" in answer["Content-Disposition"]
    downloaded = AuditEvent.objects.get(verb=AuditVerb.DOWNLOADED)
    assert downloaded.after["audience"] == ReportAudience.PROVIDER


def test_the_qa_officer_sees_the_programme_in_the_navigation_and_the_panel():
    w = build(settings=1)
    planned(w, w.settings[0])
    dashboard = _browser(w.qa).get("/dashboard/").content.decode()
    assert "QA visits" in dashboard
    assert "Planned visits with no date yet" in dashboard


def test_a_visit_in_the_past_month_cannot_be_planned():
    w = build(settings=1)
    last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    answer = _browser(w.qa).post(
        "/quality/visits/new/",
        {"setting": w.settings[0].pk, "kind": "programmed", "planned_month": last},
    )
    # The month is not one of the choices: refused at the field.
    assert answer.status_code == 400
    assert not QaVisit.objects.exists()


def test_the_programme_is_paged_and_each_page_keeps_the_riskiest_first_positions(monkeypatch):
    from quality.views import visits as visit_views

    monkeypatch.setattr(visit_views, "PROGRAMME_PAGE_SIZE", 2)
    w = build(settings=3)
    browser = _browser(w.qa)
    first = browser.get("/quality/visit-programme/").content.decode()
    last = browser.get("/quality/visit-programme/?page=2").content.decode()
    assert "3 settings, riskiest first: positions 1 to 2" in first
    assert "3 settings, riskiest first: positions 3 to 3" in last
    assert 'rel="next"' in first and 'rel="prev"' in last
    shown = [[s.name for s in w.settings if s.name in page] for page in (first, last)]
    assert len(shown[0]) == 2 and len(shown[1]) == 1
    assert set(shown[0]) | set(shown[1]) == {s.name for s in w.settings}
