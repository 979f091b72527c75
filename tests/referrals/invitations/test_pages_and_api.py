"""The provider's pages and the API: the journey from invitation to submitted response, another
provider's invitation or response is a 404, bad input is a form error or a 400 with nothing
written, and a response after the deadline is refused with the deadline's message."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from referrals.models import (
    Invitation,
    InvitationState,
    Referral,
    ReferralQuestion,
    Response,
    ResponseAttachment,
    ResponseService,
    ResponseState,
)
from tests.factories import ProviderOrganisationFactory, api_client_for, person
from tests.referrals.factories import Competition
from tests.referrals.invitations.conftest import pdf, price_list_item, share_document

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_provider_answers_through_its_pages(world: Competition) -> None:
    browser = _browser(world.provider_user)
    listing = browser.get(reverse("referrals:invitation-list"))
    assert listing.status_code == 200
    assert world.referral.reference in listing.content.decode()
    detail = browser.get(reverse("referrals:invitation-detail", args=[world.invitation.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "A girl of 12 with autism" in page and "L20" in page
    assert Invitation.objects.get().first_viewed_at is not None
    started = browser.post(
        reverse("referrals:invitation-detail", args=[world.invitation.pk]),
        {"setting": world.setting.pk},
    )
    response = Response.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("referrals:response-edit", args=[response.pk])
    criterion = world.referral.criteria.get()
    saved = browser.post(
        reverse("referrals:response-edit", args=[response.pk]),
        {
            "weekly_price": "3250.00",
            "proposed_start_date": world.referral.start_date.isoformat(),
            "how_needs_met": "A quiet base room.",
            "how_outcomes_met": "Termly reviews.",
            "inspection_judgement": "Ofsted: Good",
            "inspection_date": "2024-05-01",
            "inspection_confirmed": "on",
            f"answer_{criterion.pk}": "Our speech therapist works with each pupil.",
        },
    )
    assert saved.status_code == 302
    item = price_list_item(world)
    added = browser.post(
        reverse("referrals:response-service-add", args=[response.pk]),
        {"price_list_item": item.pk, "quantity": "3"},
    )
    assert added.status_code == 302 and ResponseService.objects.get().rate == item.rate
    attached = browser.post(
        reverse("referrals:response-attachment-add", args=[response.pk]),
        {"title": "Transition plan", "file": pdf()},
    )
    assert attached.status_code == 302
    attachment = ResponseAttachment.objects.get()
    download = browser.get(
        reverse("referrals:response-attachment", args=[response.pk, attachment.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    submitted = browser.post(reverse("referrals:response-submit", args=[response.pk]), follow=True)
    shown = submitted.content.decode()
    assert "Your response is submitted" in shown
    # Read-only once submitted: the answers are shown, the draft's form is not.
    assert "Our speech therapist works with each pupil." in shown
    assert "Save the draft" not in shown
    assert Response.objects.get().state == ResponseState.SUBMITTED


def test_a_form_with_mistakes_is_shown_again_and_writes_nothing(world: Competition) -> None:
    browser = _browser(world.provider_user)
    audits = AuditEvent.objects.count()
    declined = browser.post(
        reverse("referrals:invitation-decline", args=[world.invitation.pk]), {"reason": "other"}
    )
    assert declined.status_code == 400
    assert "Enter your reason in your own words." in declined.content.decode()
    assert Invitation.objects.get().state == InvitationState.INVITED
    asked = browser.post(reverse("referrals:invitation-question", args=[world.invitation.pk]), {})
    assert asked.status_code == 400 and not ReferralQuestion.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_shared_documents_download_is_audited(world: Competition) -> None:
    document = share_document(world)
    browser = _browser(world.provider_user)
    page = browser.get(reverse("referrals:invitation-detail", args=[world.invitation.pk]))
    assert "EHC plan (redacted)" in page.content.decode()
    got = browser.get(
        reverse("referrals:invitation-document", args=[world.invitation.pk, document.pk])
    )
    assert got.status_code == 200
    event = AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).get()
    assert event.object_id == str(document.pk) and event.actor == world.provider_user


def test_another_providers_invitation_and_response_are_404(world: Competition) -> None:
    from tests.referrals.factories import ResponseFactory

    response = ResponseFactory(invitation=world.invitation, setting=world.setting)
    stranger = person(Role.PROVIDER_USER, ProviderOrganisationFactory())
    browser = _browser(stranger)
    for url in (
        reverse("referrals:invitation-detail", args=[world.invitation.pk]),
        reverse("referrals:invitation-decline", args=[world.invitation.pk]),
        reverse("referrals:response-edit", args=[response.pk]),
    ):
        assert browser.get(url).status_code == 404, url
    api = api_client_for(stranger)
    assert api.get(f"/api/v1/invitations/{world.invitation.pk}/").status_code == 404
    assert api.get(f"/api/v1/responses/{response.pk}/").status_code == 404
    assert api.post(f"/api/v1/responses/{response.pk}/submit/").status_code == 404
    # Authority staff have no provider's view at all.
    commissioner = api_client_for(world.commissioner)
    assert commissioner.get("/api/v1/invitations/").status_code == 403
    assert _browser(world.commissioner).get(reverse("referrals:invitation-list")).status_code == 403


def test_the_api_journey(world: Competition) -> None:
    api = api_client_for(world.provider_user)
    listed = api.get("/api/v1/invitations/").json()["results"]
    assert [i["id"] for i in listed] == [world.invitation.pk]
    assert listed[0]["referral"]["shown_postcode_district"] == "L20"
    created = api.post(
        "/api/v1/responses/",
        {"invitation": world.invitation.pk, "setting": world.setting.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["weekly_price"] == "3250.00"
    refused = api.post(f"/api/v1/responses/{pk}/submit/")
    assert refused.status_code == 400
    assert "how_needs_met" in refused.json()["error"]["fields"]
    criterion = world.referral.criteria.get()
    patched = api.patch(
        f"/api/v1/responses/{pk}/",
        {
            "how_needs_met": "Small classes.",
            "how_outcomes_met": "Termly reviews.",
            "inspection_judgement": "Ofsted: Good",
            "inspection_date": "2024-05-01",
            "inspection_confirmed": True,
            "answers": [{"criterion": criterion.pk, "answer": "Yes."}],
        },
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    service = api.post(
        f"/api/v1/responses/{pk}/services/",
        {"name": "Escort", "unit": "journey", "rate": "18.50", "quantity": "10"},
        format="json",
    )
    assert service.status_code == 201 and service.json()["services"][0]["name"] == "Escort"
    attached = api.post(
        f"/api/v1/responses/{pk}/attachments/",
        {"title": "Plan", "file": pdf()},
        format="multipart",
    )
    assert attached.status_code == 201, attached.json()
    assert attached.json()["attachments"][0]["title"] == "Plan"
    submitted = api.post(f"/api/v1/responses/{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    withdrawn = api.post(f"/api/v1/responses/{pk}/withdraw/")
    assert withdrawn.json()["state"] == "withdrawn"
    again = api.post(f"/api/v1/responses/{pk}/resubmit/")
    assert again.json()["state"] == "draft"
    asked = api.post(
        f"/api/v1/invitations/{world.invitation.pk}/questions/",
        {"question": "Is transport included?"},
        format="json",
    )
    assert asked.status_code == 201 and set(asked.json()) == {
        "id", "question", "asked_at", "answer", "answered_at",
    }  # fmt: skip


def test_the_api_refuses_after_the_deadline_and_bad_input(world: Competition) -> None:
    api = api_client_for(world.provider_user)
    bad = api.post(
        f"/api/v1/invitations/{world.invitation.pk}/decline/",
        {"reason": "other", "note": ""},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"note": ["Enter your reason in your own words."]}
    assert Invitation.objects.get().state == InvitationState.INVITED
    Referral.objects.filter(pk=world.referral.pk).update(
        response_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    late = api.post(
        "/api/v1/responses/",
        {"invitation": world.invitation.pk, "setting": world.setting.pk},
        format="json",
    )
    assert late.status_code == 409
    assert "passed" in late.json()["error"]["message"]
    assert not Response.objects.exists()
    page = _browser(world.provider_user).post(
        reverse("referrals:invitation-decline", args=[world.invitation.pk]),
        {"reason": "no_vacancy"},
    )
    assert page.status_code == 409 and "passed" in page.content.decode()


def test_the_authority_answers_on_its_own_page(world: Competition) -> None:
    question = ReferralQuestion.objects.create(
        referral=world.referral, asked_by_invitation=world.invitation, question="Transport?"
    )
    browser = _browser(world.commissioner)
    listing = browser.get(reverse("referrals:referral-questions", args=[world.referral.pk]))
    assert listing.status_code == 200 and "Transport?" in listing.content.decode()
    url = reverse("referrals:referral-question-answer", args=[world.referral.pk, question.pk])
    assert browser.post(url, {}).status_code == 400
    answered = browser.post(url, {"answer": "Yes, daily."})
    assert answered.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Yes, daily." and question.answered_by == world.commissioner
    assert (
        _browser(world.provider_user)
        .get(reverse("referrals:referral-questions", args=[world.referral.pk]))
        .status_code
        == 403
    )
