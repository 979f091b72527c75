"""Completing, issuing, signing and countersigning an IPA through its pages (issue 12): each part
of the draft saved through its page, bad input shown on the field with nothing written, a stale
signing page refused (409), the notifications of each step (never naming the child)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from contracts.models import AgreementState, AgreementVersion, Signature, VersionState
from contracts.terms import CARE_PLAN, Terms
from fps_portal.audit.models import AuditEvent
from fps_portal.notifications.models import Notification
from tests.contracts.world import Placed, placed, ready_to_issue

pytestmark = pytest.mark.django_db


def _terms(p: Placed) -> Terms:
    p.draft.refresh_from_db()
    return Terms.from_json(p.draft.terms)


def _complete_through_the_pages(client, p: Placed) -> None:
    pk = p.agreement.pk
    client.force_login(p.commissioner)
    answers = {
        f"/agreements/{pk}/draft/": {
            "authority_legal_name": "Sefton Metropolitan Borough Council",
            "authority_address": "Bootle Town Hall\nOriel Road",
            "authority_postcode": "l20 7ae",
            "authority_registrations": "ONS code: E08000014",
            "provider_legal_name": "Oak School Limited",
            "provider_address": "1 School Lane, Southport",
            "provider_postcode": "PR8 1AA",
            "provider_registrations": "Companies House number: 01234567\nURN: 123456",
            "purpose_authority": "Commissions and pays for the placement.",
            "purpose_provider": "Delivers the provision at the setting.",
        },
        f"/agreements/{pk}/draft/provision/": {
            "types": ["education", "health_and_therapies"],
            "weeks_per_year": "38",
            "description": "Full-time day education with speech and language therapy.",
            "start_date_day": "1",
            "start_date_month": "9",
            "start_date_year": "2027",
            "end_date_day": "",
            "end_date_month": "",
            "end_date_year": "",
            "notice_weeks": "12",
            "contact_name": "Jo Bursar",
            "contact_email": "jo.bursar@school.example",
            "contact_phone": "0161 496 0000",
        },
        f"/agreements/{pk}/draft/costs/": {
            "core_weekly_fee": "3250.00",
            "service_rows": "1",
            "service_0_name": "Speech and language therapy",
            "service_0_unit": "hour",
            "service_0_rate": "60",
            "service_0_quantity": "2",
            "cost_rows": "1",
            "cost_0_item": "Transport",
            "cost_0_amount": "40",
            "cost_0_period": "week",
            "cost_0_paid_by": "The placing authority",
            "payment_terms": "Monthly in arrears; paid within 30 days.",
            "invoicing": "Invoices to sendfinance@sefton.example quoting the Order number.",
        },
        f"/agreements/{pk}/draft/funding/": {
            "share_rows": "2",
            "share_0_stream": "education",
            "share_0_funder": "Sefton Council (education)",
            "share_0_percent": "70",
            "share_1_stream": "health",
            "share_1_funder": "NHS Cheshire and Merseyside",
            "share_1_percent": "30",
            "care_plan": "on",
        },
        f"/agreements/{pk}/draft/signatories/": {
            "authority_signatory": str(p.commissioner.pk),
            "authority_position": "Head of SEND",
            "provider_name": "Pat Head",
            "provider_position": "Headteacher",
        },
    }
    for url, data in answers.items():
        assert client.get(url).status_code == 200
        response = client.post(url, data)
        assert response.status_code == 302, (
            url,
            re.findall(r"error-message[^>]*>(.*?)</", response.content.decode(), re.S),
        )


def test_the_commissioner_completes_every_part_and_issues_and_both_sign(client):
    p = placed()
    _complete_through_the_pages(client, p)
    terms = _terms(p)
    assert terms.authority.postcode == "L20 7AE"
    assert [r.number for r in terms.provider.registrations] == ["01234567", "123456"]
    assert terms.provision.types == ["Education", "Health and therapies"]
    assert terms.provision.weeks_per_year == 38
    assert terms.end_date is None
    contact = next(c for c in terms.contacts if c.role == "Provider's contact")
    assert (contact.name, contact.phone) == ("Jo Bursar", "+441614960000")
    assert terms.services[0].weekly == Decimal("120.00")
    assert terms.child_costs[0].paid_by == "The placing authority"
    assert [(f.stream, f.percent) for f in terms.funding] == [
        ("education", Decimal("70")),
        ("health", Decimal("30")),
    ]
    assert CARE_PLAN in terms.documents
    assert terms.signatory("authority").name == p.commissioner.full_name
    p.agreement.refresh_from_db()
    assert p.agreement.authority_signatory_id == p.commissioner.pk

    page = client.get(f"/agreements/{p.agreement.pk}/").content.decode()
    assert "Issue the agreement to the provider" in page
    assert client.post(f"/agreements/{p.agreement.pk}/issue/").status_code == 302
    p.draft.refresh_from_db()
    assert p.draft.state == VersionState.ISSUED
    # Issued: nothing is left to draft, and a post to a drafting page changes nothing (409).
    closed = client.get(f"/agreements/{p.agreement.pk}/draft/costs/")
    assert closed.status_code == 409
    assert "There is no draft to complete" in closed.content.decode()
    assert client.post(f"/agreements/{p.agreement.pk}/draft/costs/", {}).status_code == 409
    told = Notification.objects.filter(recipient=p.provider_user)
    assert told.count() == 1
    assert p.terms.child_name not in told.get().subject + told.get().body
    assert p.agreement.reference in told.get().subject

    client.force_login(p.provider_user)
    sign_url = f"/agreements/{p.agreement.pk}/sign/"
    page = client.get(sign_url).content.decode()
    assert p.draft.content_sha256 in page
    data = {
        "name": "Pat Head",
        "position": "Headteacher",
        "confirm": "on",
        "version": "1",
        "content_sha256": p.draft.content_sha256,
    }
    assert client.post(sign_url, data).status_code == 302
    assert Notification.objects.filter(
        recipient=p.commissioner, event_key__contains="provider_signed"
    ).exists()

    client.force_login(p.commissioner)
    assert "countersign" in client.get(sign_url).content.decode()
    response = client.post(sign_url, data | {"name": "Sam Commissioner", "position": "Head"})
    assert response.status_code == 302
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.SIGNED
    page = client.get(f"/agreements/{p.agreement.pk}/").content.decode()
    assert "Signed by both parties" in page
    assert "Sam Commissioner" in page and "Pat Head" in page
    both = Notification.objects.filter(event_key__startswith="contracts.version_signed")
    assert {n.recipient_id for n in both} >= {p.commissioner.pk, p.provider_user.pk}
    for notification in Notification.objects.filter(event_key__startswith="contracts."):
        assert p.terms.child_name not in notification.subject + notification.body


def test_funding_that_does_not_add_up_is_refused_on_the_field_and_nothing_is_written(client):
    p = placed()
    client.force_login(p.commissioner)
    before = p.draft.terms
    audits = AuditEvent.objects.count()
    response = client.post(
        f"/agreements/{p.agreement.pk}/draft/funding/",
        {
            "share_rows": "2",
            "share_0_stream": "education",
            "share_0_funder": "Sefton",
            "share_0_percent": "60",
            "share_1_stream": "health",
            "share_1_funder": "NHS",
            "share_1_percent": "30",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "they add up to 90%" in page
    p.draft.refresh_from_db()
    assert p.draft.terms == before
    assert AuditEvent.objects.count() == audits


def test_an_end_before_the_start_and_a_bad_phone_are_refused_and_nothing_is_written(client):
    p = placed()
    client.force_login(p.commissioner)
    before = p.draft.terms
    response = client.post(
        f"/agreements/{p.agreement.pk}/draft/provision/",
        {
            "types": ["education"],
            "weeks_per_year": "60",
            "start_date_day": "1",
            "start_date_month": "9",
            "start_date_year": "2027",
            "end_date_day": "31",
            "end_date_month": "8",
            "end_date_year": "2027",
            "notice_weeks": "12",
            "contact_phone": "not a number",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end date must be on or after the start date." in page
    assert "Weeks of provision a year must be between 1 and 52." in page
    assert "Enter a phone number" in page
    p.draft.refresh_from_db()
    assert p.draft.terms == before


def test_a_half_filled_service_row_says_what_is_missing_and_a_removed_row_goes(client):
    p = placed()
    client.force_login(p.commissioner)
    url = f"/agreements/{p.agreement.pk}/draft/costs/"
    base = {"core_weekly_fee": "3250", "payment_terms": "Monthly.", "invoicing": "By e-mail."}
    response = client.post(
        url, base | {"service_rows": "1", "service_0_name": "Therapy", "cost_rows": "0"}
    )
    assert response.status_code == 400
    assert "Enter the rate of service 1." in response.content.decode()
    row = {
        "service_rows": "1",
        "service_0_name": "Therapy",
        "service_0_unit": "hour",
        "service_0_rate": "50",
        "service_0_quantity": "1",
        "cost_rows": "0",
    }
    response = client.post(url, base | row | {"add": "service"})
    # "Add another service": the same answers and one more blank row; nothing saved yet.
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="service_1_name"' in page and 'value="Therapy"' in page
    assert "There is a problem" not in page
    assert _terms(p).services == ()
    assert client.post(url, base | row).status_code == 302
    assert len(_terms(p).services) == 1
    client.post(url, base | row | {"service_0_remove": "on"})
    assert _terms(p).services == ()


def test_a_choice_of_signatory_outside_the_authority_is_refused(client):
    p = placed()
    client.force_login(p.commissioner)
    response = client.post(
        f"/agreements/{p.agreement.pk}/draft/signatories/",
        {
            "authority_signatory": str(p.provider_user.pk),
            "authority_position": "Head of SEND",
            "provider_name": "Pat Head",
            "provider_position": "Headteacher",
        },
    )
    assert response.status_code == 400
    p.agreement.refresh_from_db()
    assert p.agreement.authority_signatory_id is None


def test_an_incomplete_draft_lists_what_is_missing_with_links_and_is_not_issued(client):
    p = placed()
    client.force_login(p.commissioner)
    page = client.get(f"/agreements/{p.agreement.pk}/").content.decode()
    assert "Before it can be issued" in page
    assert f"/agreements/{p.agreement.pk}/draft/signatories/" in page
    assert "Issue the agreement to the provider" not in page
    response = client.post(f"/agreements/{p.agreement.pk}/issue/")
    assert response.status_code == 400
    assert "Name the signatory for the provider" in response.content.decode()
    p.draft.refresh_from_db()
    assert p.draft.state == VersionState.DRAFT


def test_a_stale_signing_page_is_refused_with_409_and_signs_nothing(client):
    p = placed()
    ready_to_issue(p)
    client.force_login(p.commissioner)
    client.post(f"/agreements/{p.agreement.pk}/issue/")
    p.draft.refresh_from_db()
    client.force_login(p.provider_user)
    data = {
        "name": "Pat Head",
        "position": "Headteacher",
        "confirm": "on",
        "version": "1",
        "content_sha256": "0" * 64,
    }
    response = client.post(f"/agreements/{p.agreement.pk}/sign/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "The version has changed" in page
    # The page comes back with the version's own hash, to read and sign again.
    assert p.draft.content_sha256 in page
    assert not Signature.objects.exists()


def test_signing_needs_a_name_a_role_and_the_confirmation(client):
    p = placed()
    ready_to_issue(p)
    client.force_login(p.commissioner)
    client.post(f"/agreements/{p.agreement.pk}/issue/")
    client.force_login(p.provider_user)
    response = client.post(f"/agreements/{p.agreement.pk}/sign/", {"version": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter your full name as you sign." in page
    assert "Enter the role you sign in" in page
    assert not Signature.objects.exists()


def test_only_the_named_signatory_countersigns_and_a_withdrawn_version_is_redrafted(client):
    p = placed()
    ready_to_issue(p)
    client.force_login(p.commissioner)
    client.post(f"/agreements/{p.agreement.pk}/issue/")
    # Provider signs; a senior manager of the authority who is not the named signatory cannot
    # countersign: the page says who can, and a post is refused.
    client.force_login(p.provider_user)
    p.draft.refresh_from_db()
    signature = {
        "name": "Pat Head",
        "position": "Headteacher",
        "confirm": "on",
        "version": "1",
        "content_sha256": p.draft.content_sha256,
    }
    assert client.post(f"/agreements/{p.agreement.pk}/sign/", signature).status_code == 302
    client.force_login(p.world.head_of_service)
    sign_url = f"/agreements/{p.agreement.pk}/sign/"
    assert "can countersign this agreement" in client.get(sign_url).content.decode()
    assert client.post(sign_url, signature).status_code == 403
    assert Signature.objects.count() == 1
    client.force_login(p.commissioner)
    url = f"/agreements/{p.agreement.pk}/versions/1/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "The start date is wrong."}).status_code == 302
    states = dict(AgreementVersion.objects.values_list("number", "state"))
    assert states == {1: VersionState.WITHDRAWN, 2: VersionState.DRAFT}
    # A draft is changed, not withdrawn.
    assert (
        client.post(
            f"/agreements/{p.agreement.pk}/versions/2/withdraw/", {"reason": "No."}
        ).status_code
        == 409
    )


def test_the_waiting_page_and_the_dashboard_count_what_is_each_actors_turn(client):
    p = placed()
    client.force_login(p.commissioner)
    page = client.get("/agreements/waiting/").content.decode()
    assert p.agreement.reference in page
    assert p.terms.child_name not in page
    dashboard = client.get("/dashboard/").content.decode()
    assert "Agreements to complete or countersign" in dashboard
    client.force_login(p.provider_user)
    assert p.agreement.reference not in client.get("/agreements/waiting/").content.decode()
    ready_to_issue(p)
    client.force_login(p.commissioner)
    client.post(f"/agreements/{p.agreement.pk}/issue/")
    client.force_login(p.provider_user)
    assert p.agreement.reference in client.get("/agreements/waiting/").content.decode()
    assert "Agreements to sign" in client.get("/dashboard/").content.decode()


def test_a_draft_is_not_signed_before_it_is_issued(client):
    p = placed()
    client.force_login(p.provider_user)
    url = f"/agreements/{p.agreement.pk}/sign/"
    assert "No version of this agreement is waiting for you." in client.get(url).content.decode()
    data = {"name": "Pat Head", "position": "Head", "confirm": "on", "version": "1"}
    response = client.post(url, data | {"content_sha256": "0" * 64})
    assert response.status_code == 409
    assert "still a draft" in response.content.decode()
    assert not Signature.objects.exists()
