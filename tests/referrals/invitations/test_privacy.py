"""A provider before an award never reaches the child's name, date of birth or case number:
not in a page, an API answer, an e-mail or a file of the provider's side, through a whole
competition (invited, a question answered, reminded, responded, closed)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fps_portal.notifications.models import Notification
from referrals import tasks
from referrals.models import Referral, ReferralQuestion, Response
from referrals.services import questions
from tests.factories import api_client_for
from tests.providers.onboarding.factories import actor
from tests.referrals.factories import Competition
from tests.referrals.invitations.conftest import pdf, share_document

pytestmark = pytest.mark.django_db


def _secrets(world: Competition) -> list[str]:
    child = world.child
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        child.case_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%d-%m-%Y"),
        f"{born.day} {born:%B %Y}",
        f"{born.day} {born:%b %Y}",
        born.strftime("%d%m%Y"),
    ]


def _assert_clean(text: str, world: Competition, where: str) -> None:
    for secret in _secrets(world):
        assert secret not in text, f"{where} shows {secret!r}"


def test_nothing_a_provider_reaches_names_the_child(
    world: Competition,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    document = share_document(world)
    browser = Client()
    browser.force_login(world.provider_user)
    api = api_client_for(world.provider_user)
    with django_capture_on_commit_callbacks(execute=True):
        # Asked and answered: every invitee is told.
        asked = questions.question_ask(
            actor=actor(world.provider_user), invitation=world.invitation, question="Transport?"
        )
        questions.question_answer(actor=actor(world.commissioner), question=asked, answer="Yes.")
        # The reminder before the deadline.
        Referral.objects.filter(pk=world.referral.pk).update(
            response_deadline=timezone.now() + datetime.timedelta(hours=2)
        )
        tasks.remind_referral_deadlines()
        browser.post(
            reverse("referrals:invitation-detail", args=[world.invitation.pk]),
            {"setting": world.setting.pk},
        )
        response = Response.objects.get()
        criterion = world.referral.criteria.get()
        api.patch(
            f"/api/v1/responses/{response.pk}/",
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
        api.post(
            f"/api/v1/responses/{response.pk}/attachments/",
            {"title": "Plan", "file": pdf()},
            format="multipart",
        )
        assert api.post(f"/api/v1/responses/{response.pk}/submit/").status_code == 200
    pages = [
        reverse("referrals:invitation-list"),
        reverse("referrals:invitation-detail", args=[world.invitation.pk]),
        reverse("referrals:invitation-decline", args=[world.invitation.pk]),
        reverse("referrals:invitation-question", args=[world.invitation.pk]),
        reverse("referrals:response-edit", args=[response.pk]),
        reverse("referrals:response-service-add", args=[response.pk]),
        reverse("referrals:response-attachment-add", args=[response.pk]),
    ]
    for url in pages:
        got = browser.get(url)
        assert got.status_code == 200, url
        _assert_clean(got.content.decode(), world, url)
    for url in (
        "/api/v1/invitations/",
        f"/api/v1/invitations/{world.invitation.pk}/",
        "/api/v1/responses/",
        f"/api/v1/responses/{response.pk}/",
    ):
        got = api.get(url)
        assert got.status_code == 200, url
        _assert_clean(got.content.decode(), world, url)
    file = browser.get(
        reverse("referrals:invitation-document", args=[world.invitation.pk, document.pk])
    )
    _assert_clean(
        b"".join(file.streaming_content).decode() + file["Content-Disposition"],
        world,
        "the shared file",
    )
    attachment = response.attachments.get()
    file = browser.get(reverse("referrals:response-attachment", args=[response.pk, attachment.pk]))
    _assert_clean(file["Content-Disposition"], world, "the attachment")
    # Beat closes it; the provider's pages and e-mails after the close too.
    Referral.objects.filter(pk=world.referral.pk).update(
        response_deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.close_due_referrals() == 1
    _assert_clean(
        browser.get(
            reverse("referrals:invitation-detail", args=[world.invitation.pk])
        ).content.decode(),
        world,
        "the closed invitation",
    )
    provider_mail = [m for m in mail.outbox if world.provider_user.email in m.to]
    assert len(provider_mail) >= 3  # the answer, the reminder, the receipt
    for message in provider_mail:
        _assert_clean(message.subject + message.body, world, f"the e-mail {message.subject!r}")
    for notice in Notification.objects.filter(recipient=world.provider_user):
        _assert_clean(notice.subject + notice.body, world, "an in-app notice")
    assert ReferralQuestion.objects.get().answer == "Yes."
