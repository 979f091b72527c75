"""/api/v1/referrals/: the same services and scoping as the pages. Another authority's referral is
404 on every URL; bad input is 400 naming the field, with nothing written; a role that can never
act is 403 before its body is read."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from referrals.models import Invitation, Referral, ReferralState, Route, RouteCase
from referrals.services.referrals import referral_create
from tests.factories import api_client_for, person
from tests.referrals.referrals.cast import Cast, actor, build_cast, details, ready_referral

pytestmark = pytest.mark.django_db

ACTIONS = [
    ("post", "publish"),
    ("post", "return"),
    ("post", "withdraw"),
    ("post", "close"),
    ("put", "criteria"),
    ("put", "scale"),
    ("put", "shortlist"),
    ("post", "route-case"),
    ("post", "authorise"),
    ("post", "refuse"),
]


@pytest.fixture
def cast() -> Cast:
    return build_cast()


def _body(cast: Cast, **changes: Any) -> dict[str, Any]:
    body = {
        "child": cast.child.pk,
        "route": "open_competition",
        "lot": cast.lot.pk,
        "start_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "primary_need": "ASD",
        "outcomes_sought": "Full-time attendance.",
        "provider_summary": "Calm, small classes suit best.",
    }
    body.update(changes)
    return body


def test_a_competition_from_draft_to_published_through_the_api(cast: Cast) -> None:
    api = api_client_for(cast.commissioner)
    made = api.post("/api/v1/referrals/", _body(cast), format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["state"] == "draft"
    assert {p["field"] for p in made.json()["publish_problems"]} == {"criteria"}
    criteria = {
        "criteria": [
            {"kind": "pass_fail", "category": "quality", "title": "Good or better"},
            {"kind": "scored", "category": "best_match", "title": "Match", "weight": 60},
            {"kind": "scored", "category": "price", "title": "Price", "weight": 40},
        ]
    }
    assert api.put(f"/api/v1/referrals/{pk}/criteria/", criteria, format="json").status_code == 200
    scale = {
        "scale_max": 2,
        "price_scoring": "formula",
        "descriptors": [
            {"score": 0, "descriptor": "Not met"},
            {"score": 1, "descriptor": "Met"},
            {"score": 2, "descriptor": "Exceeded"},
        ],
    }
    assert api.put(f"/api/v1/referrals/{pk}/scale/", scale, format="json").status_code == 200
    published = api.post(f"/api/v1/referrals/{pk}/publish/", {}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["state"] == "open"
    assert published.json()["shown_postcode_district"] == "L20"
    assert Invitation.objects.filter(referral_id=pk).count() == 1
    again = api.post(f"/api/v1/referrals/{pk}/publish/", {}, format="json")
    assert again.status_code == 409
    listed = api.get("/api/v1/referrals/?state=open").json()["results"]
    assert [r["id"] for r in listed] == [pk]
    assert api.get("/api/v1/referrals/?state=draft").json()["results"] == []
    assert api.get("/api/v1/referrals/?deadline=soon").status_code == 400


def test_bad_input_is_400_naming_the_field_with_nothing_written(cast: Cast) -> None:
    api = api_client_for(cast.commissioner)
    response = api.post("/api/v1/referrals/", _body(cast, lot=987654, child=None), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"lot", "child"}
    response = api.post("/api/v1/referrals/", _body(cast, start_date="tomorrow"), format="json")
    assert response.status_code == 400 and "start_date" in response.json()["error"]["fields"]
    assert Referral.objects.count() == 0
    referral = ready_referral(cast)
    bad = {"criteria": [{"kind": "scored", "category": "price", "title": "P", "weight": 50}]}
    response = api.put(f"/api/v1/referrals/{referral.pk}/criteria/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["criteria"] == [
        "The weights of the scored criteria must total 100 (they total 50)."
    ]
    assert referral.criteria.count() == 3


def test_another_authoritys_referral_is_404_on_every_url(cast: Cast) -> None:
    referral = ready_referral(cast)
    knowsley = cast.other_commissioner.memberships.get().organisation
    for user in (cast.other_commissioner, person(Role.SENIOR_MANAGER, knowsley)):
        api = api_client_for(user)
        assert api.get("/api/v1/referrals/").json()["results"] == []
        assert api.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
        assert (
            api.put(f"/api/v1/referrals/{referral.pk}/", _body(cast), format="json").status_code
            == 404
        )
        for method, name in ACTIONS:
            if name in ("authorise", "refuse") and user == cast.other_commissioner:
                continue  # refused by role first (below)
            response = getattr(api, method)(
                f"/api/v1/referrals/{referral.pk}/{name}/", {"reason": "x"}, format="json"
            )
            assert response.status_code == 404, (name, response.json())
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT


def test_roles_that_never_place_children_are_refused_before_the_body(cast: Cast) -> None:
    referral = ready_referral(cast)
    for user in (cast.member_user, person(Role.QA_OFFICER, cast.sefton)):
        api = api_client_for(user)
        assert api.get("/api/v1/referrals/").status_code == 403
        assert (
            api.post(f"/api/v1/referrals/{referral.pk}/publish/", {}, format="json").status_code
            == 403
        )
    refused = api_client_for(cast.commissioner).post(
        f"/api/v1/referrals/{referral.pk}/authorise/", {}, format="json"
    )
    assert refused.status_code == 403 and "head of service" in refused.json()["error"]["message"]


def test_a_direct_award_is_authorised_through_the_api(cast: Cast) -> None:
    referral = referral_create(
        actor=actor(cast.commissioner), data=details(cast, route=Route.DIRECT_AWARD)
    )
    api = api_client_for(cast.commissioner)
    case = {
        "ground": "extreme_urgency",
        "justification": "Breakdown tonight.",
        "weekly_price": "3300.00",
        "setting": cast.member_setting.pk,
        "review_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    }
    response = api.post(f"/api/v1/referrals/{referral.pk}/route-case/", case, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["route_case"]["state"] == "awaiting"
    csw = api_client_for(cast.csw_manager).post(
        f"/api/v1/referrals/{referral.pk}/authorise/", {}, format="json"
    )
    assert csw.status_code == 403
    done = api_client_for(cast.director).post(
        f"/api/v1/referrals/{referral.pk}/authorise/", {"note": "Agreed."}, format="json"
    )
    assert done.status_code == 200 and done.json()["route_case"]["state"] == "authorised"
    assert RouteCase.objects.get(referral=referral).authorised_by == cast.director
