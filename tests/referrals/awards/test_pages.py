"""The evaluation and award pages: who may open each, bad input at the field with nothing
written, and the journey from marks to award, approval and sign-off in the browser's forms."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role
from providers.models import Setting
from referrals.models import (
    AuthorityPlacementRules,
    Award,
    AwardState,
    CriterionMark,
    Referral,
    ReferralState,
)
from tests.factories import authority, person
from tests.referrals.awards.world import Evaluation, closed_competition, mark_all

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _award_post(world: Evaluation, **overrides: str) -> dict[str, str]:
    start = world.referral.start_date
    data = {
        "reasons": "The best match, with therapy on site.",
        "agreed_weekly_price": "3250.00",
        "start_date_day": str(start.day),
        "start_date_month": str(start.month),
        "start_date_year": str(start.year),
        "parental_preference_reason": "The preferred school has no sensory room.",
        "service_rows": "2",
        "service_0_name": "Speech therapy",
        "service_0_unit": "hour",
        "service_0_rate": "60",
        "service_0_quantity": "2",
    }
    data.update(overrides)
    return data


def test_the_evaluation_page_ranks_and_shows_prices_and_the_preference() -> None:
    world = closed_competition()
    mark_all(world)
    page = signed_in(world.commissioner).get(
        reverse("referrals:evaluation", args=[world.referral.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    marks_a = reverse("referrals:response-marks", args=[world.response_a.pk])
    marks_b = reverse("referrals:response-marks", args=[world.response_b.pk])
    assert text.index(f'href="{marks_a}"') < text.index(f'href="{marks_b}"')  # A ranks first
    assert "84.96" in text and "£3,175.00" in text and "Preferred" in text
    assert reverse("referrals:award-create", args=[world.response_a.pk]) in text


@pytest.mark.parametrize(
    ("who", "status"),
    [("provider", 403), ("qa", 403), ("forum", 403), ("other_authority", 404), ("senior", 200)],
)
def test_who_may_open_the_evaluation(who: str, status: int) -> None:
    world = closed_competition()
    user = {
        "provider": world.provider_a_user,
        "qa": person(Role.QA_OFFICER, world.authority),
        "forum": person(Role.FORUM_MEMBER),
        "other_authority": person(Role.COMMISSIONER, authority("Blackpool")),
        "senior": world.head_of_service,
    }[who]
    for name, pk in (
        ("referrals:evaluation", world.referral.pk),
        ("referrals:response-marks", world.response_a.pk),
        ("referrals:award-create", world.response_a.pk),
        ("referrals:no-suitable-provider", world.referral.pk),
    ):
        assert signed_in(user).get(reverse(name, args=[pk])).status_code == status, name


def test_anonymous_people_are_sent_to_sign_in() -> None:
    world = closed_competition()
    answer = Client().get(reverse("referrals:evaluation", args=[world.referral.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))


def test_marks_posted_wrong_are_shown_at_the_field_and_nothing_is_written() -> None:
    world = closed_competition()
    client = signed_in(world.commissioner)
    url = reverse("referrals:response-marks", args=[world.response_a.pk])
    answer = client.post(
        url,
        {
            f"passed_{world.safeguarding.pk}": "yes",
            f"note_{world.safeguarding.pk}": "Seen.",
            f"score_{world.best_match.pk}": "9",
            f"note_{world.best_match.pk}": "Great.",
        },
    )
    assert answer.status_code == 400
    assert "The score must be a whole number from 0 to 5." in answer.content.decode()
    assert not CriterionMark.objects.exists()
    answer = client.post(
        url,
        {
            f"passed_{world.safeguarding.pk}": "yes",
            f"note_{world.safeguarding.pk}": "Seen.",
            f"score_{world.best_match.pk}": "4",
            f"note_{world.best_match.pk}": "Great.",
        },
    )
    assert answer.status_code == 302
    assert CriterionMark.objects.filter(response=world.response_a).count() == 2


def test_the_award_form_needs_its_reasons_and_a_note_for_a_negotiated_price() -> None:
    world = closed_competition()
    mark_all(world)
    client = signed_in(world.commissioner)
    url = reverse("referrals:award-create", args=[world.response_a.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'value="Speech therapy"' in form.content.decode()
    answer = client.post(url, _award_post(world, reasons="", agreed_weekly_price="3100"))
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "Enter the reasons for the award" in text
    assert not Award.objects.exists()
    answer = client.post(url, _award_post(world, agreed_weekly_price="3100"))
    assert answer.status_code == 400
    assert "Enter why the agreed price differs from the bid" in answer.content.decode()
    answer = client.post(url, _award_post(world, parental_preference_reason=""))
    assert answer.status_code == 400
    assert "differs from the parents" in answer.content.decode()
    answer = client.post(url, _award_post(world, service_0_quantity="0"))
    assert answer.status_code == 400 and "quantity greater than 0" in answer.content.decode()
    assert not Award.objects.exists()

    answer = client.post(url, _award_post(world, service_0_rate="55"))
    award = Award.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "referrals:award-detail", args=[award.pk]
    )
    assert award.state == AwardState.COMPLETE
    assert [(s.name, s.rate) for s in award.services.all()] == [("Speech therapy", Decimal(55))]
    # The referral is awarded: a second try is refused as a wrong state, nothing added.
    again = client.post(url, _award_post(world))
    assert again.status_code == 409 and Award.objects.count() == 1


def test_approval_and_sign_off_through_the_pages() -> None:
    world = closed_competition()
    mark_all(world)
    Setting.objects.filter(pk=world.setting_a.pk).update(current_band="fail")
    AuthorityPlacementRules.objects.create(
        authority=world.authority, reference_prefix="SEF", award_approval_threshold=1000
    )
    client = signed_in(world.commissioner)
    url = reverse("referrals:award-create", args=[world.response_a.pk])
    assert client.post(url, _award_post(world)).status_code == 400  # no approver named
    answer = client.post(url, _award_post(world, approver=str(world.head_of_service.pk)))
    award = Award.objects.get()
    assert answer.status_code == 302 and award.state == AwardState.AWAITING_APPROVAL

    head = signed_in(world.head_of_service)
    queue = head.get(reverse("referrals:award-approvals"))
    assert reverse("referrals:award-approval", args=[award.pk]) in queue.content.decode()
    # The commissioner cannot use the senior managers' pages at all.
    assert client.get(reverse("referrals:award-approvals")).status_code == 403
    # Another senior manager sees the award but is not its approver.
    refused = signed_in(world.csw_manager).post(
        reverse("referrals:award-approval", args=[award.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 403
    approved = head.post(
        reverse("referrals:award-approval", args=[award.pk]), {"decision": "approve"}
    )
    assert approved.status_code == 302
    award.refresh_from_db()
    assert award.state == AwardState.AWAITING_SIGN_OFF

    csw = signed_in(world.csw_manager)
    sign_url = reverse("referrals:risk-sign-off", args=[award.pk])
    assert (
        reverse("referrals:risk-sign-off", args=[award.pk])
        in csw.get(reverse("referrals:award-approvals")).content.decode()
    )
    too_early = csw.post(sign_url, {"confirm": "on"})
    assert (
        too_early.status_code == 409
        and "Attach the inspection summary" in too_early.content.decode()
    )
    docs = client.post(
        reverse("referrals:risk-documents", args=[award.pk]),
        {
            "inspection_summary": SimpleUploadedFile(
                "summary.pdf", b"%PDF-1.4\n%" + uuid.uuid4().hex.encode(), "application/pdf"
            ),
            "action_plan": SimpleUploadedFile(
                "plan.pdf", b"%PDF-1.4\n%" + uuid.uuid4().hex.encode(), "application/pdf"
            ),
        },
    )
    assert docs.status_code == 302
    visit = timezone.localdate() + datetime.timedelta(days=10)
    approach = client.post(
        reverse("referrals:risk-approach", args=[award.pk]),
        {
            "risk_approach": "Fortnightly calls; a QA visit.",
            "quality_visit_planned_on_day": str(visit.day),
            "quality_visit_planned_on_month": str(visit.month),
            "quality_visit_planned_on_year": str(visit.year),
        },
    )
    assert approach.status_code == 302
    assert csw.post(sign_url, {}).status_code == 400  # not confirmed
    assert csw.post(sign_url, {"confirm": "on"}).status_code == 302
    assert (
        signed_in(world.commissioning_manager).post(sign_url, {"confirm": "on"}).status_code == 302
    )
    award.refresh_from_db()
    assert award.state == AwardState.COMPLETE and award.additional_monitoring
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.AWARDED


def test_no_suitable_provider_and_rerun_pages() -> None:
    world = closed_competition()
    client = signed_in(world.commissioner)
    url = reverse("referrals:no-suitable-provider", args=[world.referral.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "None has a sensory room."}).status_code == 302
    rerun_url = reverse("referrals:rerun", args=[world.referral.pk])
    assert client.post(rerun_url, {"route": "open_competition"}).status_code == 400
    assert client.post(rerun_url, {"route": "preselected_competition"}).status_code == 302
    assert Referral.objects.filter(rerun_of=world.referral).count() == 1
