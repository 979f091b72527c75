"""Issue 13's "done means", end to end: a lead evaluator imports a current Ofsted file (the
report-card format) on the upload page or through the API, the worker's task runs it (eager in
the suite), and every affected authority's senior managers are told, in-app and by e-mail, with
their own affected placements and nothing of another authority's; the same file again changes
nothing and alerts nobody, and nor does next month's file with the same inspections.

The world (tests/quality/world.py): Marsh Lane School, judged Good in 2022, where Sefton has two
children placed and Wirral one (active agreements), a Sefton placement that has ended, and a
Knowsley child at another school."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fps_portal.notifications.models import Notification
from providers.models import InspectionJudgement, Setting
from quality.models import (
    AlertRecipient,
    DecisionState,
    ImportStatus,
    InspectionImport,
    RatingAlert,
)
from tests.factories import api_client_for
from tests.quality.imports_world import REPORT_CARDS, csv_bytes, rows_of
from tests.quality.world import AlertWorld, build

pytestmark = pytest.mark.django_db

PAGE = reverse("quality:import-list")
API = "/api/v1/inspection-imports/"
#: The fixture's row (Bootle Park School, report card of 2 December 2025) made Marsh Lane's.
ROW = "100001"


@pytest.fixture
def world() -> AlertWorld:
    return build()


def _ofsted_file(world: AlertWorld, *, pupils: str = "120") -> bytes:
    """The current report-card file with Marsh Lane School's row: safeguarding not met,
    leadership urgent improvement, special measures (a fail band). `pupils` changes a row of a
    school not on the FPS, as next month's file would."""
    rows = rows_of(REPORT_CARDS)
    header = rows[0]

    def put(cells: list[str], column: str, value: str) -> None:
        cells[header.index(column)] = value

    for cells in rows[1:]:
        if cells[header.index("URN")] == ROW:
            put(cells, "URN", str(world.setting.urn))
            put(cells, "School name", world.setting.name)
            put(cells, "Safeguarding standards", "Not met")
            put(cells, "Leadership and governance", "Urgent improvement")
            put(cells, "Category of concern", "SM")
        elif cells[header.index("URN")] == "999999":
            put(cells, "Total number of pupils", pupils)
    return csv_bytes(rows)


def _upload(raw: bytes, name: str = "ofsted-management-information.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _name(child: Any) -> str:
    return f"{child.given_name} {child.family_name}"


def _names(world: AlertWorld, authority: str) -> list[str]:
    return [_name(c) for c in world.children(authority)]


def _every_name(world: AlertWorld) -> list[str]:
    ended = [world.ended.child] if world.ended is not None and world.ended.child else []
    placed = [n for a in ("Sefton", "Wirral", "Knowsley") for n in _names(world, a)]
    return [*placed, *(_name(c) for c in ended)]


def _snapshot() -> tuple[int, int, int, int, int]:
    return (
        RatingAlert.objects.count(),
        AlertRecipient.objects.count(),
        Notification.objects.count(),
        len(mail.outbox),
        InspectionJudgement.objects.count(),
    )


def _assert_each_told_their_own(world: AlertWorld) -> RatingAlert:
    alert = RatingAlert.objects.get()
    assert alert.setting_id == world.setting.pk
    assert (alert.previous_band, alert.new_band) == ("pass", "fail")
    assert alert.decision_state == DecisionState.PENDING
    assert Setting.objects.get(pk=world.setting.pk).under_review_since is not None
    told = {
        (world.sefton_dcs, world.sefton, "Sefton has 2 children placed there now"),
        (world.sefton_csm, world.sefton, "Sefton has 2 children placed there now"),
        (world.wirral_hcs, world.wirral, "Wirral has 1 child placed there now"),
        (world.lead_dcs, world.lead, "you are told as the lead authority"),
        (world.lead_evaluator, world.lead, "you are told as the lead authority"),
    }
    assert set(AlertRecipient.objects.values_list("user_id", "authority_id")) == {
        (user.pk, authority.pk) for user, authority, _ in told
    }
    names = _every_name(world)
    for user, _, own_count in told:
        note = Notification.objects.get(recipient=user)  # in-app, once
        assert own_count in note.body and world.setting.name in note.body
        (message,) = [m for m in mail.outbox if m.to == [user.email]]  # by e-mail, once
        assert own_count in message.body
        assert not [n for n in names if n in note.body or n in message.body + message.subject]
    # Wirral's count is not in Sefton's message, nor Sefton's in Wirral's.
    assert "Wirral" not in Notification.objects.get(recipient=world.sefton_dcs).body
    assert "Sefton" not in Notification.objects.get(recipient=world.wirral_hcs).body
    # The alert's page names each authority's own children, and no one else's.
    for user, authority in ((world.sefton_dcs, "Sefton"), (world.wirral_hcs, "Wirral")):
        page = _signed_in(user).get(f"/quality/alerts/{alert.pk}/").content.decode()
        assert sorted(n for n in names if n in page) == sorted(_names(world, authority))
    # Knowsley places no child there: told nothing, shown nothing; a CSW post is not alerted.
    assert not Notification.objects.filter(recipient=world.knowsley_dcs).exists()
    assert not [m for m in mail.outbox if m.to == [world.knowsley_dcs.email]]
    knowsley = _signed_in(world.knowsley_dcs)
    assert knowsley.get(f"/quality/alerts/{alert.pk}/").status_code == 404
    assert not Notification.objects.filter(recipient=world.sefton_csw).exists()
    assert not AlertRecipient.objects.exclude(acknowledged_at=None).exists()
    return alert


def test_an_upload_on_the_page_tells_each_authority_of_its_own_placements_once(
    world: AlertWorld, django_capture_on_commit_callbacks: Any
) -> None:
    evaluator = _signed_in(world.lead_evaluator)
    raw = _ofsted_file(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = evaluator.post(PAGE, {"file": _upload(raw)})
    job = InspectionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quality:import-detail", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.uploaded_by == world.lead_evaluator
    assert (job.rows_matched, job.inspections_new, job.bands_changed) == (1, 2, 1)
    _assert_each_told_their_own(world)

    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        again = evaluator.post(PAGE, {"file": _upload(raw, "the-same-file-again.csv")})
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert InspectionImport.objects.count() == 1
    assert _snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        evaluator.post(PAGE, {"file": _upload(_ofsted_file(world, pupils="131"), "next.csv")})
    later = InspectionImport.objects.exclude(pk=job.pk).get()
    assert later.status == ImportStatus.DONE
    assert (later.rows_matched, later.inspections_unchanged, later.bands_changed) == (1, 2, 0)
    assert (later.inspections_new, later.inspections_updated) == (0, 0)
    assert _snapshot() == before  # the same inspections: nothing changed, nobody alerted


def test_an_upload_through_the_api_tells_each_authority_of_its_own_placements_once(
    world: AlertWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_client_for(world.lead_evaluator)
    raw = _ofsted_file(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(API, {"file": _upload(raw)}, format="multipart")
    assert response.status_code == 202, response.json()
    detail = client.get(f"{API}{response.json()['id']}/").json()
    assert detail["status"] == "done"
    assert detail["report"]["rows_matched"] == 1 and detail["report"]["bands_changed"] == 1
    alert = _assert_each_told_their_own(world)
    # The alerts API: Sefton's DCS has it, with no child's name; Knowsley's DCS has nothing.
    sefton = api_client_for(world.sefton_dcs).get("/api/v1/alerts/").json()["results"]
    assert [a["id"] for a in sefton] == [alert.pk]
    assert not [n for n in _every_name(world) if n in str(sefton)]
    assert api_client_for(world.knowsley_dcs).get("/api/v1/alerts/").json()["results"] == []

    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(API, {"file": _upload(raw, "again.csv")}, format="multipart")
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["file"]
    assert InspectionImport.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        later = client.post(
            API, {"file": _upload(_ofsted_file(world, pupils="131"))}, format="multipart"
        )
    assert later.status_code == 202
    report = client.get(f"{API}{later.json()['id']}/").json()["report"]
    assert report["inspections_unchanged"] == 2 and report["bands_changed"] == 0
    assert _snapshot() == before
