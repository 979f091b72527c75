"""The API's award actions and ranking: the same services and scoping as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from referrals.models import AuthorityPlacementRules, Award, AwardState, CriterionMark
from tests.factories import api_client_for, authority, person
from tests.referrals.awards.world import closed_competition, mark_all

pytestmark = pytest.mark.django_db


def _url(world: object, action: str) -> str:
    return f"/api/v1/referrals/{world.referral.pk}/{action}/"  # type: ignore[attr-defined]


def test_ranking_and_marks_through_the_api() -> None:
    world = closed_competition()
    api = api_client_for(world.commissioner)
    bad = api.post(
        _url(world, "marks"),
        {"response": world.response_a.pk, "criterion": world.best_match.pk, "score": 7},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"score", "note"}
    assert not CriterionMark.objects.exists()
    mark_all(world)
    ranking = api.get(_url(world, "ranking")).json()
    assert [r["response"] for r in ranking["ranked"]] == [world.response_a.pk, world.response_b.pk]
    assert ranking["ranked"][0]["total"] == "84.96"
    assert ranking["regional_median_weekly_price"] == "3175.00"
    assert ranking["ranked"][1]["preferred_by_parents"] is True


def test_award_through_the_api_carries_the_responses_services() -> None:
    world = closed_competition()
    mark_all(world)
    api = api_client_for(world.commissioner)
    body = {
        "response": world.response_a.pk,
        "reasons": "Best value for the child.",
        "agreed_weekly_price": "3250.00",
        "start_date": world.referral.start_date.isoformat(),
    }
    refused = api.post(_url(world, "award"), body, format="json")
    assert refused.status_code == 400
    assert "parental_preference_reason" in refused.json()["error"]["fields"]
    body["parental_preference_reason"] = "Their preferred school is full."
    made = api.post(_url(world, "award"), body, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["state"] == AwardState.COMPLETE
    assert made.json()["services"] == [
        {"name": "Speech therapy", "unit": "hour", "rate": "60.00", "quantity": "2.00"}
    ]
    assert api.post(_url(world, "award"), body, format="json").status_code == 409
    assert Award.objects.count() == 1


def test_approve_and_reject_are_for_the_named_senior_manager() -> None:
    world = closed_competition()
    mark_all(world)
    AuthorityPlacementRules.objects.create(
        authority=world.authority, reference_prefix="SEF", award_approval_threshold=1
    )
    made = api_client_for(world.commissioner).post(
        _url(world, "award"),
        {
            "response": world.response_b.pk,
            "reasons": "Their preference and the best price.",
            "agreed_weekly_price": "3000.00",
            "start_date": world.referral.start_date.isoformat(),
            "approver": world.head_of_service.pk,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["state"] == AwardState.AWAITING_APPROVAL
    award = made.json()["id"]
    assert (
        api_client_for(world.commissioner).post(f"/api/v1/awards/{award}/approve/").status_code
        == 403
    )
    assert (
        api_client_for(world.csw_manager).post(f"/api/v1/awards/{award}/approve/").status_code
        == 403
    )
    other = api_client_for(person(Role.SENIOR_MANAGER, authority("Blackpool")))
    assert other.post(f"/api/v1/awards/{award}/approve/").status_code == 404
    head = api_client_for(world.head_of_service)
    assert (
        head.post(f"/api/v1/awards/{award}/reject/", {"reason": ""}, format="json").status_code
        == 400
    )
    approved = head.post(f"/api/v1/awards/{award}/approve/", {"note": "Fine."}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == AwardState.COMPLETE
    assert head.post(f"/api/v1/awards/{award}/approve/").status_code == 409


@pytest.mark.parametrize("who", ["provider", "qa", "forum"])
def test_other_roles_are_refused_before_anything_is_read(who: str) -> None:
    world = closed_competition()
    user = {
        "provider": world.provider_a_user,
        "qa": person(Role.QA_OFFICER, world.authority),
        "forum": person(Role.FORUM_MEMBER),
    }[who]
    api = api_client_for(user)
    assert api.get(_url(world, "ranking")).status_code == 403
    assert api.post(_url(world, "award"), {}, format="json").status_code == 403
    assert api.get("/api/v1/awards/").status_code == 403


def test_another_authority_finds_nothing() -> None:
    world = closed_competition()
    api = api_client_for(person(Role.COMMISSIONER, authority("Blackpool")))
    assert api.get(_url(world, "ranking")).status_code == 404
    assert (
        api.post(_url(world, "no-suitable-provider"), {"reason": "x"}, format="json").status_code
        == 404
    )


def test_no_suitable_provider_and_rerun_through_the_api() -> None:
    world = closed_competition()
    api = api_client_for(world.commissioner)
    assert (
        api.post(_url(world, "no-suitable-provider"), {"reason": " "}, format="json").status_code
        == 400
    )
    done = api.post(_url(world, "no-suitable-provider"), {"reason": "None fits."}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "no_suitable_provider"
    rerun = api.post(_url(world, "rerun"), {"route": "direct_award"}, format="json")
    assert rerun.status_code == 201 and rerun.json()["rerun_of"] == world.referral.pk


def test_the_awarded_provider_reads_the_child_after_completion_only_and_it_is_audited() -> None:
    world = closed_competition()
    mark_all(world)
    winner = api_client_for(world.provider_a_user)
    assert winner.get("/api/v1/awarded-placements/").json()["results"] == []
    api_client_for(world.commissioner).post(
        _url(world, "award"),
        {
            "response": world.response_a.pk,
            "reasons": "Best value for the child.",
            "agreed_weekly_price": "3250.00",
            "start_date": world.referral.start_date.isoformat(),
            "parental_preference_reason": "Their preferred school is full.",
        },
        format="json",
    )
    placements = winner.get("/api/v1/awarded-placements/").json()["results"]
    assert placements[0]["child"]["given_name"] == world.referral.child.given_name
    assert placements[0]["agreed_weekly_price"] == str(Decimal("3250.00"))
    # The page of the list is one event naming every child on it.
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED_CHILD_RECORD, after={"listed": [world.referral.child_id]}
    ).exists()
    loser = api_client_for(world.provider_b_user)
    assert loser.get("/api/v1/awarded-placements/").json()["results"] == []
    assert loser.get(f"/api/v1/awarded-placements/{placements[0]['id']}/").status_code == 404
