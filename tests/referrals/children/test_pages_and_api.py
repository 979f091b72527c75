"""The children's pages and API: list with search, record, create and edit forms, documents and
export; every read audited; bad input a field error with nothing written."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from fps_portal.audit.models import AuditEvent, AuditVerb
from referrals.models import Child, ChildDocument
from referrals.services.child_documents import child_document_add
from referrals.services.children import child_create
from tests.factories import api_client_for
from tests.providers.onboarding.factories import upload
from tests.referrals.children.helpers import api_body, details, form_data, placing

pytestmark = pytest.mark.django_db


def _browser(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _views(child_id: int | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED_CHILD_RECORD, object_type="referrals.child"
    )
    if child_id is not None:
        events = events.filter(object_id=str(child_id))
    return list(events.order_by("id"))


def test_the_list_searches_by_name_and_case_number_and_audits_the_ids_shown() -> None:
    p = placing()
    first = child_create(actor=p.actor, details=details())
    second = child_create(
        actor=p.actor, details=details(given_name="Bramble", family_name="Ash", case_number="C-9")
    )
    browser = _browser(p.user)
    page = browser.get("/children/")
    assert page.status_code == 200
    assert (
        "Thistlewood, Marigold" in page.content.decode() and "Ash, Bramble" in page.content.decode()
    )
    listed = _views()[-1]
    assert listed.object_id == "" and sorted(listed.after["listed"]) == sorted(
        [first.pk, second.pk]
    )
    found = browser.get("/children/", {"q": "ics-4242"}).content.decode()
    assert "Thistlewood" in found and "Bramble" not in found
    assert _views()[-1].after == {"listed": [first.pk], "searched": True}
    by_name = browser.get("/children/", {"q": "bram"}).content.decode()
    assert "Bramble" in by_name and "Marigold" not in by_name
    nothing = browser.get("/children/", {"q": "nobody"})
    assert "No child's name or case number matches" in nothing.content.decode()
    assert len(_views()) == 3  # a list that showed nobody saw nobody's data


def test_the_record_page_shows_the_record_and_audits_the_view() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    page = _browser(p.user).get(f"/children/{child.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("Marigold Thistlewood", "9 February 2014", "Iris Reviewer", "Oakfield School"):
        assert text in body
    assert "govuk-summary-list" in body
    (event,) = _views(child.pk)
    assert (event.reason, event.actor_id) == ("record page", p.user.pk)


def test_the_create_form_saves_a_child_and_a_second_sending_makes_no_second() -> None:
    p = placing()
    browser = _browser(p.user)
    start = browser.get("/children/new/")
    assert start.status_code == 302 and "once=" in start["Location"]
    address = start["Location"]
    assert browser.get(address).status_code == 200
    key = address.split("once=")[1]
    sent = browser.post(address, form_data(submission_key=key))
    child = Child.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/children/{child.pk}/"
    assert child.parent_carers.get().preferred_setting_other == "Oakfield School"
    assert child.outcomes.count() == 2
    again = browser.post(address, form_data(submission_key=key))
    assert again["Location"] == f"/children/{child.pk}/"
    assert Child.objects.count() == 1


def test_bad_form_input_is_shown_at_the_fields_and_nothing_is_written() -> None:
    p = placing()
    browser = _browser(p.user)
    before = AuditEvent.objects.count()
    answer = browser.post(
        "/children/new/?once=3f1f0a3e-1111-4a5b-8c9d-0123456789ab",
        form_data(
            date_of_birth_month="",
            legal_status="looked_after_s20",
            home_postcode="nowhere",
            carer_0_relationship="",
        ),
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert "There is a problem" in body
    assert "The child&#x27;s date of birth must include a month" in body
    assert "Enter a real postcode, like L20 3NJ." in body
    assert "Enter the name of the child&#x27;s social worker." in body
    assert "Enter their relationship to the child, like mother." in body
    assert Child.objects.count() == 0 and AuditEvent.objects.count() == before


def test_the_edit_form_changes_the_record() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    browser = _browser(p.user)
    form = browser.get(f"/children/{child.pk}/edit/")
    assert form.status_code == 200 and 'value="Thistlewood"' in form.content.decode()
    sent = browser.post(
        f"/children/{child.pk}/edit/", form_data(case_number="ICS-424242", family_name="Hart")
    )
    assert sent.status_code == 302
    child.refresh_from_db()
    assert child.family_name == "Hart" and child.legal_status == "ehcp_only"


def test_documents_upload_twice_refused_download_audited_remove() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    browser = _browser(p.user)
    address = f"/children/{child.pk}/documents/new/?once=3f1f0a3e-2222-4a5b-8c9d-0123456789ab"
    file = upload("plan.pdf")
    content = file.read()
    sent = browser.post(
        address, {"kind": "ehc_plan", "title": "EHC plan 2026", "file": upload("plan.pdf", content)}
    )
    assert sent.status_code == 302
    document = ChildDocument.objects.get()
    twice = browser.post(
        f"/children/{child.pk}/documents/new/?once=3f1f0a3e-3333-4a5b-8c9d-0123456789ab",
        {"kind": "report", "title": "Again", "file": upload("again.pdf", content)},
    )
    assert twice.status_code == 400
    assert "This file is already on the record as &#x27;EHC plan 2026&#x27;" in (
        twice.content.decode()
    )
    assert ChildDocument.objects.count() == 1
    download = browser.get(f"/children/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DOWNLOADED, object_type="referrals.childdocument", object_id=str(document.pk)
    ).exists()
    removed = browser.post(f"/children/documents/{document.pk}/remove/")
    assert removed.status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None
    assert browser.get(f"/children/documents/{document.pk}/download/").status_code == 404


def test_a_program_renamed_to_pdf_is_refused() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    exe = upload("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64)
    with pytest.raises(Exception) as caught:
        child_document_add(actor=p.actor, child=child, kind="ehc_plan", title="Plan", upload=exe)
    assert "must be a PDF, DOCX, PNG or JPEG" in str(caught.value)
    assert not ChildDocument.objects.exists()


def test_the_export_is_the_record_as_csv_and_is_audited() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details(given_name="=HYPERLINK"))
    answer = _browser(p.user).get(f"/children/{child.pk}/export.csv")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="child-record-{child.pk}.csv"'
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert ["Child", "Given name", "'=HYPERLINK"] in rows  # never a formula
    assert ["Contacts", "Independent Reviewing Officer", "Iris Reviewer"] in rows
    assert ["EHC plan", "Outcome 2", "To travel to school independently"] in rows
    assert _views(child.pk)[-1].reason == "export as CSV"


def test_the_api_creates_lists_retrieves_and_updates_with_audits() -> None:
    p = placing()
    api = api_client_for(p.user)
    created = api.post("/api/v1/children/", api_body(), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["outcomes"] == ["To read at age level by Year 9"]
    listed = api.get("/api/v1/children/", {"search": "marigold"})
    assert [c["id"] for c in listed.json()["results"]] == [pk]
    assert _views()[-1].after == {"listed": [pk], "searched": True}
    got = api.get(f"/api/v1/children/{pk}/")
    assert got.json()["parent_carers"][0]["relationship"] == "mother"
    assert _views(pk)[-1].reason == "API"
    put = api.put(f"/api/v1/children/{pk}/", api_body(family_name="Hart"), format="json")
    assert put.status_code == 200 and put.json()["family_name"] == "Hart"


def test_the_api_names_bad_fields_and_writes_nothing() -> None:
    p = placing()
    api = api_client_for(p.user)
    before = AuditEvent.objects.count()
    answer = api.post(
        "/api/v1/children/",
        api_body(legal_status="looked_after_s20", primary_need="NOPE", home_postcode="zz"),
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"primary_need"}
    answer = api.post(
        "/api/v1/children/",
        api_body(legal_status="looked_after_s20", home_postcode="zz"),
        format="json",
    )
    assert set(answer.json()["error"]["fields"]) >= {
        "social_worker_name",
        "iro_email",
        "home_postcode",
    }
    assert not Child.objects.exists() and AuditEvent.objects.count() == before


def test_the_api_uploads_lists_downloads_and_removes_documents() -> None:
    p = placing()
    child = child_create(actor=p.actor, details=details())
    api = api_client_for(p.user)
    content = upload().read()
    sent = api.post(
        f"/api/v1/children/{child.pk}/documents/",
        {"kind": "redacted_ehc_plan", "title": "Redacted plan", "file": upload("r.pdf", content)},
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    twice = api.post(
        f"/api/v1/children/{child.pk}/documents/",
        {"kind": "report", "title": "Again", "file": upload("again.pdf", content)},
        format="multipart",
    )
    assert twice.status_code == 400
    assert "already on the record" in twice.json()["error"]["fields"]["file"][0]
    doc_id = sent.json()["id"]
    assert [d["id"] for d in api.get(f"/api/v1/children/{child.pk}/documents/").json()] == [doc_id]
    download = api.get(f"/api/v1/child-documents/{doc_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    assert api.delete(f"/api/v1/child-documents/{doc_id}/").status_code == 204
    assert api.get(f"/api/v1/child-documents/{doc_id}/").status_code == 404


def test_the_administrator_sets_the_placement_rules() -> None:
    from fps_portal.accounts.models import Role
    from referrals.models import AuthorityPlacementRules
    from tests.factories import person

    admin = person(Role.AUTHORITY_ADMIN, placing().authority)
    browser = _browser(admin)
    page = browser.get(reverse("referrals:placement-rules"))
    assert page.status_code == 200 and 'value="SEF"' in page.content.decode()
    bad = browser.post(
        reverse("referrals:placement-rules"),
        {
            "planned_response_working_days": "0",
            "emergency_response_hours": "48",
            "reminder_hours_before_deadline": "24",
            "reference_prefix": "S3F",
        },
    )
    assert bad.status_code == 400 and not AuthorityPlacementRules.objects.exists()
    good = browser.post(
        reverse("referrals:placement-rules"),
        {
            "planned_response_working_days": "7",
            "emergency_response_hours": "24",
            "reminder_hours_before_deadline": "12",
            "award_approval_threshold": "250000",
            "reference_prefix": "sft",
        },
    )
    assert good.status_code == 302
    rules = AuthorityPlacementRules.objects.get()
    assert (rules.planned_response_working_days, rules.reference_prefix) == (7, "SFT")
    assert 'value="SFT"' in browser.get(reverse("referrals:placement-rules")).content.decode()


def test_commissioners_have_the_children_link_and_administrators_the_rules_link() -> None:
    from fps_portal.accounts.models import Role
    from tests.factories import person

    p = placing()
    nav = _browser(p.user).get("/dashboard/").content.decode()
    assert 'href="/children/"' in nav and "/account/placement-rules/" not in nav
    admin = person(Role.AUTHORITY_ADMIN, p.authority)
    admin_nav = _browser(admin).get("/dashboard/").content.decode()
    assert "/account/placement-rules/" in admin_nav and 'href="/children/"' not in admin_nav


def test_the_api_names_a_parent_or_carers_bad_field_by_its_place() -> None:
    p = placing()
    api = api_client_for(p.user)
    answer = api.post(
        "/api/v1/children/",
        api_body(parent_carers=[{"name": "Rowan", "relationship": "mother", "email": "nope"}]),
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "parent_carers.0.email": [
            "Enter an e-mail address in the correct format, like name@example.org."
        ]
    }
    assert not Child.objects.exists()
