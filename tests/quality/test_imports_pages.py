"""The upload page, the import's page (progress, then the report or the refusal) and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fps_portal.accounts.models import Role
from quality.models import ImportStatus, InspectionImport
from tests.factories import api_client_for, person
from tests.quality.imports_world import EIF, FPS_URNS, REPORT_CARDS, changed, settings_for

pytestmark = pytest.mark.django_db

LIST = reverse("quality:import-list")


def _upload(name: str, raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="text/csv")


@pytest.fixture
def evaluator(signed_in: Any) -> Any:
    return signed_in(person(Role.LEAD_EVALUATOR))


def test_a_lead_evaluator_imports_a_file_and_reads_its_report(
    evaluator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings_for(*FPS_URNS)
    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(LIST, {"file": _upload("ofsted.csv", REPORT_CARDS.read_bytes())})
    job = InspectionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quality:import-detail", args=[job.pk])
    assert job.status == ImportStatus.DONE  # the worker's task ran (eager in the suite)
    assert job.uploaded_by is not None
    page = evaluator.get(response["Location"]).content.decode()
    assert "Rows read" in page and '<dd class="govuk-summary-list__value app-wrap">6</dd>' in page
    assert "Skipped: URN not on the FPS" in page
    assert "Settings whose band changed" in page
    listing = evaluator.get(LIST).content.decode()
    assert "ofsted.csv" in listing and "Imported" in listing


def test_the_page_shows_progress_while_queued_or_running(evaluator: Any) -> None:
    response = evaluator.post(LIST, {"file": _upload("ofsted.csv", EIF.read_bytes())})
    job = InspectionImport.objects.get()
    assert job.status == ImportStatus.QUEUED  # on commit: never, inside the test's transaction
    page = evaluator.get(response["Location"]).content.decode()
    assert "waiting for a worker" in page and "Check its progress again" in page
    InspectionImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        progress_phase="reading",
        progress_done=500,
        progress_total=2000,
    )
    page = evaluator.get(response["Location"]).content.decode()
    assert "500 of about 2000 (25%)" in page
    # The region a browser keeps current (static/js/progress.mjs) asks to be polled while the
    # import runs, and no longer once it is done.
    assert f'data-app-progress="{response["Location"]}"' in page
    InspectionImport.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    page = evaluator.get(response["Location"]).content.decode()
    assert 'id="import-progress"' in page and "data-app-progress" not in page


def test_the_file_as_sent_is_downloaded_whole_and_audited(evaluator: Any) -> None:
    from fps_portal.audit.models import AuditEvent, AuditVerb

    raw = EIF.read_bytes()
    response = evaluator.post(LIST, {"file": _upload("ofsted.csv", raw)})
    job = InspectionImport.objects.get()
    assert (
        reverse("quality:import-file", args=[job.pk])
        in evaluator.get(response["Location"]).content.decode()
    )
    download = evaluator.get(reverse("quality:import-file", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == raw
    assert download["Content-Type"] == "text/csv"
    assert 'filename="ofsted.csv"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DOWNLOADED, object_type="quality.inspectionimport", object_id=str(job.pk)
    ).exists()


def test_a_refused_file_shows_row_column_and_value(
    evaluator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings_for(*FPS_URNS)
    raw = changed(REPORT_CARDS, 3, "Inclusion", "Rather good")
    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(LIST, {"file": _upload("broken.csv", raw)})
    page = evaluator.get(response["Location"]).content.decode()
    assert "The file was refused: nothing of it was written" in page
    assert "Refused at row" in page and ">3<" in page
    assert "Inclusion" in page and "Rather good" in page


def test_the_same_file_again_goes_to_the_import_already_made(evaluator: Any) -> None:
    first = evaluator.post(LIST, {"file": _upload("ofsted.csv", EIF.read_bytes())})
    again = evaluator.post(LIST, {"file": _upload("renamed.csv", EIF.read_bytes())})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert InspectionImport.objects.count() == 1
    assert "already sent" in evaluator.get(again["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("ofsted.csv", b"", "The selected file is empty."),
        ("ofsted.pdf", b"%PDF-1.7", "must be Ofsted&#x27;s CSV or XLSX file"),
        ("ofsted.ods", b"PK\x03\x04", "Save the ODS file as XLSX or CSV"),
        ("ofsted.xlsx", b"URN,Name\n", "its contents are not"),
    ],
)
def test_a_file_that_is_not_one_is_refused_at_the_field(
    evaluator: Any, name: str, raw: bytes, message: str
) -> None:
    response = evaluator.post(LIST, {"file": _upload(name, raw)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InspectionImport.objects.exists()


def test_no_file_is_refused_at_the_field(evaluator: Any) -> None:
    response = evaluator.post(LIST, {})
    assert response.status_code == 400
    assert "Select Ofsted&#x27;s file to import." in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.SENIOR_MANAGER, Role.PROVIDER_USER, Role.QA_OFFICER]
)
def test_nobody_else_imports_or_sees_an_import(signed_in: Any, role: str) -> None:
    job_owner = signed_in(person(Role.LEAD_EVALUATOR))
    job_owner.post(LIST, {"file": _upload("ofsted.csv", EIF.read_bytes())})
    job = InspectionImport.objects.get()
    other = signed_in(person(role))
    assert other.get(LIST).status_code == 403
    assert (
        other.post(LIST, {"file": _upload("x.csv", REPORT_CARDS.read_bytes())}).status_code == 403
    )
    assert other.get(reverse("quality:import-detail", args=[job.pk])).status_code == 403
    assert other.get(reverse("quality:import-file", args=[job.pk])).status_code == 403
    assert InspectionImport.objects.count() == 1


def test_the_api_uploads_and_reports(django_capture_on_commit_callbacks: Any) -> None:
    settings_for(*FPS_URNS)
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    url = reverse("inspection-import-list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"file": _upload("ofsted.csv", REPORT_CARDS.read_bytes())}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    detail = client.get(reverse("inspection-import-detail", args=[response.json()["id"]])).json()
    assert detail["status"] == "done"
    assert detail["report"]["rows_read"] == 6
    assert detail["report"]["skipped"] == {"urn_not_on_fps": 1, "no_inspection": 1}
    assert detail["refusal"] == {}
    again = client.post(
        url, {"file": _upload("again.csv", REPORT_CARDS.read_bytes())}, format="multipart"
    )
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["file"]
    assert client.get(url).json()["results"][0]["id"] == detail["id"]


def test_the_api_refuses_other_roles() -> None:
    client = api_client_for(person(Role.COMMISSIONER))
    response = client.post(
        reverse("inspection-import-list"),
        {"file": _upload("ofsted.csv", EIF.read_bytes())},
        format="multipart",
    )
    assert response.status_code == 403
    assert client.get(reverse("inspection-import-list")).status_code == 403
