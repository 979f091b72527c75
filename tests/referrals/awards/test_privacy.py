"""Privacy of the award part: an unsuccessful provider, a provider before the award completes,
another authority and a forum never see the child's name, date of birth or case number in any
page, API answer, notification or e-mail they can reach; the winner does once the award is
complete, and each of its reads of the record and documents is audited."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from fps_portal.accounts.models import Role, User
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from providers.models import Setting
from referrals.models import Award, Child, ChildDocument
from referrals.services.awards import award_propose
from tests.factories import api_client_for, authority, person
from tests.referrals.awards.world import Evaluation, closed_competition, mark_all

pytestmark = pytest.mark.django_db


def identity(child: Child) -> list[str]:
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        child.case_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        f"{born.day} {born:%B %Y}",
        f"{born:%d %B %Y}",
    ]


def assert_absent(text: str, child: Child, where: str) -> None:
    for value in identity(child):
        assert value not in text, f"{value!r} reached {where}"


def _document(child: Child) -> ChildDocument:
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode()
    document = ChildDocument(
        child=child,
        kind="ehc_plan",
        title="EHC plan",
        original_filename="plan.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    document.file.save("plan.bin", ContentFile(body), save=False)
    document.save()
    return document


def _reachable(user: User, world: Evaluation, award: Award | None) -> list[tuple[str, str]]:
    """Every page and API answer of this part the user can ask for, with what it answered."""
    browser = Client()
    browser.force_login(user)
    api = api_client_for(user)
    paths = [
        reverse("referrals:evaluation", args=[world.referral.pk]),
        reverse("referrals:response-marks", args=[world.response_a.pk]),
        reverse("referrals:award-create", args=[world.response_b.pk]),
        reverse("referrals:awarded-placement-list"),
        reverse("referrals:invitation-outcome", args=[world.invitation_a.pk]),
        reverse("referrals:invitation-outcome", args=[world.invitation_b.pk]),
        reverse("referrals:award-approvals"),
    ]
    if award is not None:
        paths += [
            reverse("referrals:awarded-placement", args=[award.pk]),
            reverse("referrals:award-detail", args=[award.pk]),
        ]
    answers = [(p, browser.get(p).content.decode()) for p in paths]
    for path in (
        f"/api/v1/referrals/{world.referral.pk}/ranking/",
        "/api/v1/awards/",
        "/api/v1/awarded-placements/",
        *([f"/api/v1/awarded-placements/{award.pk}/"] if award else []),
    ):
        answers.append((path, api.get(path).content.decode()))
    return answers


def _award(world: Evaluation) -> Award:
    mark_all(world)
    return award_propose(
        actor=world.actor,
        response=world.response_a,
        reasons="Best value: therapy on site and close to home.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=world.referral.start_date,
        parental_preference_reason="The preferred school has no sensory room.",
    )


def test_nobody_but_the_placing_authority_sees_the_child_before_the_award_completes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    child = world.referral.child
    _document(child)
    # At a concern setting the award waits for the sign-offs: not complete, so still hidden.
    Setting.objects.filter(pk=world.setting_a.pk).update(current_band="concern")
    with django_capture_on_commit_callbacks(execute=True):
        award = _award(world)
    outsiders = [
        world.provider_a_user,
        world.provider_b_user,
        person(Role.COMMISSIONER, authority("Blackpool")),
        person(Role.FORUM_MEMBER),
    ]
    for user in outsiders:
        for path, text in _reachable(user, world, award):
            assert_absent(text, child, f"{user.email} at {path}")
    browser = Client()
    browser.force_login(world.provider_a_user)
    document = ChildDocument.objects.get()
    assert browser.get(reverse("referrals:awarded-document", args=[document.pk])).status_code == 404


def test_unsuccessful_providers_letters_and_pages_never_name_the_child(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    child = world.referral.child
    with django_capture_on_commit_callbacks(execute=True):
        award = _award(world)
    loser = world.provider_b_user
    for note in Notification.objects.filter(recipient=loser):
        assert_absent(note.subject + note.body, child, "the outcome notification")
    letters = [m for m in mail.outbox if loser.email in m.to]
    assert len(letters) == 1
    assert_absent(letters[0].subject + letters[0].body, child, "the outcome e-mail")
    for path, text in _reachable(loser, world, award):
        assert_absent(text, child, f"the unsuccessful provider at {path}")
    outcome = Client()
    outcome.force_login(loser)
    page = outcome.get(reverse("referrals:invitation-outcome", args=[world.invitation_b.pk]))
    assert "Best match to her needs" in page.content.decode() and "84.96" in page.content.decode()
    # The winner's news names no child either: it is an e-mail.
    winner_mail = [m for m in mail.outbox if world.provider_a_user.email in m.to]
    assert winner_mail and all(
        v not in winner_mail[0].body for v in (child.given_name, child.case_number)
    )


def test_the_winner_reads_the_record_and_documents_after_completion_audited() -> None:
    world = closed_competition()
    child = world.referral.child
    document = _document(child)
    award = _award(world)
    browser = Client()
    browser.force_login(world.provider_a_user)
    page = browser.get(reverse("referrals:awarded-placement", args=[award.pk]))
    assert page.status_code == 200
    assert child.given_name in page.content.decode() and child.case_number in page.content.decode()
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED_CHILD_RECORD, actor=world.provider_a_user
    ).exists()
    download = browser.get(reverse("referrals:awarded-document", args=[document.pk]))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(
        verb=AuditVerb.DOWNLOADED, object_id=str(document.pk), actor=world.provider_a_user
    ).exists()
    # The loser's page for the same award, and the document: as if missing.
    loser = Client()
    loser.force_login(world.provider_b_user)
    assert loser.get(reverse("referrals:awarded-placement", args=[award.pk])).status_code == 404
    assert loser.get(reverse("referrals:awarded-document", args=[document.pk])).status_code == 404
