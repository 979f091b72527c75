"""The referral pages: the list and its filters, the forms, publishing, the senior managers'
queue and the dashboard panel; another authority's referral is 404 on every page, bad input is
a form error with nothing written."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role, User
from referrals.models import Invitation, Referral, ReferralState, Route, RouteCase
from referrals.services.referral_states import referral_publish
from referrals.services.referrals import referral_create
from referrals.services.routes import RouteCaseInput, route_case_submit
from tests.factories import person
from tests.referrals.referrals.cast import Cast, actor, build_cast, details, ready_referral

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], Client]
REFERRAL_PAGES = [
    "referral-detail",
    "referral-edit",
    "referral-criteria",
    "referral-scale",
    "referral-shortlist",
    "referral-publish",
    "referral-return",
    "referral-withdraw",
    "referral-close",
    "referral-route-case",
    "authorisation-decide",
]


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def _case(cast: Cast) -> RouteCase:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    return route_case_submit(
        actor=actor(cast.commissioner),
        referral=referral,
        data=RouteCaseInput(
            justification="Only this school offers it.",
            weekly_price=Decimal("3300"),
            ground="best_interests",
            setting_id=cast.member_setting.pk,
            review_on=timezone.localdate() + datetime.timedelta(days=60),
        ),
    )


def test_the_list_filters_by_status_route_lot_deadline_and_child(
    cast: Cast, signed_in: SignIn
) -> None:
    draft = referral_create(actor=actor(cast.commissioner), data=details(cast))
    published = ready_referral(cast, is_emergency=True)  # 48 hours to respond
    referral_publish(actor=actor(cast.commissioner), referral=published)
    direct = _case(cast).referral
    client = signed_in(cast.commissioner)

    def listed(query: str) -> set[str]:
        response = client.get(f"/referrals/?{query}")
        assert response.status_code == 200
        return {r.reference for r in response.context["page"].object_list}

    assert listed("") == {draft.reference, published.reference, direct.reference}
    assert listed("state=draft") == {draft.reference}
    assert listed("route=direct_award") == {direct.reference}
    assert listed(f"lot={cast.lot.pk}") == {draft.reference, published.reference, direct.reference}
    assert listed("deadline=week") == {published.reference}
    assert listed("deadline=passed") == set()
    assert listed(f"child={cast.child.pk}") == {
        draft.reference,
        published.reference,
        direct.reference,
    }
    assert client.get("/referrals/?state=nonsense").status_code == 400


def test_a_referral_is_started_on_its_page_and_bad_input_writes_nothing(
    cast: Cast, signed_in: SignIn
) -> None:
    client = signed_in(cast.commissioner)
    first = client.get("/referrals/new/")
    assert first.status_code == 302 and "once=" in first["Location"]
    address = first["Location"]
    response = client.post(address, {"kind": "individual", "route": "open_competition"})
    assert response.status_code == 400
    assert "Enter the start date." in response.content.decode()
    assert Referral.objects.count() == 0
    start = timezone.localdate() + datetime.timedelta(days=20)
    form = {
        "kind": "individual",
        "child": str(cast.child.pk),
        "places": "1",
        "route": "open_competition",
        "lot": str(cast.lot.pk),
        "start_date_day": str(start.day),
        "start_date_month": str(start.month),
        "start_date_year": str(start.year),
        "primary_need": "ASD",
        "outcomes_sought": "Full-time attendance.",
        "provider_summary": "Needs a calm, small class.",
        "submission_key": address.split("once=")[1],
    }
    response = client.post(address, form)
    assert response.status_code == 302
    again = client.post(address, form)  # sent twice: one referral
    assert again.status_code == 302 and Referral.objects.count() == 1


def test_the_detail_page_lists_what_is_missing_with_links(cast: Cast, signed_in: SignIn) -> None:
    referral = referral_create(actor=actor(cast.commissioner), data=details(cast))
    page = signed_in(cast.commissioner).get(f"/referrals/{referral.pk}/").content.decode()
    assert "govuk-task-list" in page
    assert "Add at least one criterion." in page
    assert f'href="/referrals/{referral.pk}/criteria/#add"' in page


def test_publishing_on_the_page_invites_providers(cast: Cast, signed_in: SignIn) -> None:
    referral = ready_referral(cast)
    client = signed_in(cast.commissioner)
    assert "invites 1 provider" in client.get(f"/referrals/{referral.pk}/publish/").content.decode()
    assert client.post(f"/referrals/{referral.pk}/publish/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN
    assert Invitation.objects.filter(referral=referral).count() == 1
    assert client.post(f"/referrals/{referral.pk}/publish/").status_code == 409


def test_criteria_and_scale_pages_refuse_bad_input_and_write_nothing(
    cast: Cast, signed_in: SignIn
) -> None:
    referral = referral_create(actor=actor(cast.commissioner), data=details(cast))
    client = signed_in(cast.commissioner)
    response = client.post(f"/referrals/{referral.pk}/criteria/", {"form": "add"})
    assert response.status_code == 400 and referral.criteria.count() == 0
    response = client.post(
        f"/referrals/{referral.pk}/criteria/",
        {
            "form": "add",
            "add-kind": "scored",
            "add-category": "price",
            "add-title": "Price",
            "add-weight": "100",
        },
    )
    assert response.status_code == 302 and referral.criteria.count() == 1
    response = client.post(
        f"/referrals/{referral.pk}/scale/", {"scale_max": "2", "price_scoring": "formula"}
    )
    assert response.status_code == 400
    assert "Enter what a score of 0 means." in response.content.decode()
    assert referral.descriptors.count() == 0


def test_another_authoritys_referral_is_404_on_every_page(cast: Cast, signed_in: SignIn) -> None:
    referral = _case(cast).referral
    knowsley_senior = person(
        Role.SENIOR_MANAGER, cast.other_commissioner.memberships.get().organisation
    )
    for user in (cast.other_commissioner, knowsley_senior):
        client = signed_in(user)
        for name in REFERRAL_PAGES:
            url = reverse(f"referrals:{name}", args=[referral.pk])
            if name == "authorisation-decide" and user == cast.other_commissioner:
                assert client.get(url).status_code == 403  # not a senior manager at all
                continue
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"reason": "x", "decision": "authorise"}).status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.AWAITING_AUTHORISATION


def test_providers_and_qa_officers_are_refused(cast: Cast, signed_in: SignIn) -> None:
    referral = ready_referral(cast)
    for user in (cast.member_user, person(Role.QA_OFFICER, cast.sefton)):
        client = signed_in(user)
        assert client.get("/referrals/").status_code == 403
        assert client.get(f"/referrals/{referral.pk}/").status_code == 403
        assert client.post(f"/referrals/{referral.pk}/publish/").status_code == 403
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT


def test_the_senior_queue_and_deciding(cast: Cast, signed_in: SignIn) -> None:
    case = _case(cast)
    assert signed_in(cast.commissioner).get("/senior/").status_code == 403
    csw = signed_in(cast.csw_manager)
    queue = csw.get("/senior/").content.decode()
    assert case.referral.reference in queue and "Only a head of service or a director" in queue
    url = f"/senior/authorisations/{case.referral.pk}/"
    assert csw.post(url, {"decision": "authorise"}).status_code == 403
    director = signed_in(cast.director)
    assert director.post(url, {"decision": "refuse", "note": ""}).status_code == 400
    case.refresh_from_db()
    assert case.state == "awaiting"
    assert director.post(url, {"decision": "authorise", "note": "Agreed."}).status_code == 302
    case.refresh_from_db()
    assert case.state == "authorised" and case.authorised_by == cast.director


def test_the_route_case_page(cast: Cast, signed_in: SignIn) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    client = signed_in(cast.commissioner)
    page = client.get(f"/referrals/{referral.pk}/route-case/")
    assert page.status_code == 200 and cast.member_setting.name in page.content.decode()
    response = client.post(f"/referrals/{referral.pk}/route-case/", {"justification": ""})
    assert response.status_code == 400 and not RouteCase.objects.exists()
    review = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        f"/referrals/{referral.pk}/route-case/",
        {
            "ground": "extreme_urgency",
            "justification": "Tonight.",
            "setting": str(cast.member_setting.pk),
            "weekly_price": "3300",
            "review_on_day": str(review.day),
            "review_on_month": str(review.month),
            "review_on_year": str(review.year),
        },
    )
    assert response.status_code == 302
    assert RouteCase.objects.get(referral=referral).state == "awaiting"


def test_the_dashboard_panel_counts_the_queues(cast: Cast, signed_in: SignIn) -> None:
    _case(cast)
    closing = ready_referral(cast)
    referral_publish(actor=actor(cast.commissioner), referral=closing)
    Referral.objects.filter(pk=closing.pk).update(response_deadline=timezone.now())
    page = signed_in(cast.commissioner).get("/dashboard/")
    panel = next(p for p in page.context["panels"] if p.title == "Referrals")
    counts = {item.label: item.count for item in panel.items}
    assert counts == {
        "Responses to evaluate": 0,
        "Deadlines today": 1,
        "Direct awards and spot purchases awaiting authorisation": 1,
        "Direct award reviews due": 0,
    }
