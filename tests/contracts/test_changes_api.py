"""The variations, regional uplifts and placement ends API (issue 12): each kind proposed, the
other party refusing, the proposer withdrawing, an uplift applied to many agreements, an end
recorded; another provider's 404, a wrong state 409, bad input 400 with nothing written, one
error shape."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contracts.models import AgreementState, PlacementEnd, RegionalUplift, Variation
from fps_portal.accounts.models import Role
from tests.contracts.changes_world import regional_uplift
from tests.contracts.signed_world import another_signed, sign_both, signed
from tests.contracts.world import placed
from tests.factories import api_client_for, person

pytestmark = pytest.mark.django_db


def _uplift_body(p, **changes):
    effective = p.agreement.start_date + datetime.timedelta(days=30)
    return {
        "agreement": p.agreement.pk,
        "kind": "price_uplift",
        "uplift_percent": "4.00",
        "effective_from": effective.isoformat(),
        "reason": "Annual uplift.",
        **changes,
    }


def _error(response, status):
    assert response.status_code == status, response.json()
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_propose_an_uplift_and_both_sign_it_then_the_fee_history_holds_both_periods():
    p = signed()
    provider = api_client_for(p.provider_user)
    answer = provider.post("/api/v1/variations/", _uplift_body(p), format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["state"] == "proposed" and body["version_number"] == 2
    assert body["proposed_by_party"] == "provider"
    variation = Variation.objects.get(pk=body["id"])
    sign_both(p, variation.version)
    detail = api_client_for(p.commissioner).get(f"/api/v1/variations/{variation.pk}/").json()
    assert detail["state"] == "agreed" and detail["version_state"] == "signed"
    assert p.agreement.fee_periods.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uplift_percent": "0.00"}, "percent"),
        ({"uplift_percent": "75.00"}, "uplift_percent"),  # over the column's 3 digits: parsed
        ({"uplift_percent": None, "new_weekly_fee": "-5.00"}, "new_weekly_fee"),
        ({"effective_from": "2000-01-01"}, "effective_from"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_writes_nothing(changes, field):
    p = signed()
    answer = api_client_for(p.commissioner).post(
        "/api/v1/variations/", _uplift_body(p, **changes), format="json"
    )
    error = _error(answer, 400)
    assert field in error["fields"] or "percent" in error["fields"], error
    assert not Variation.objects.exists()


def test_provision_and_end_date_kinds():
    p = signed()
    client = api_client_for(p.commissioner)
    terms = p.terms
    provision = {
        "education": True,
        "residential_care": False,
        "health_and_therapies": True,
        "weeks_per_year": terms.provision.weeks_per_year,
        "description": "Day education with occupational therapy.",
        "services": [{"name": "OT", "unit": "hour", "rate": "60.00", "quantity": "2.00"}],
        "funding": [
            {"stream": "education", "funder": "Sefton", "percent": "50.00"},
            {"stream": "health", "funder": "NHS", "percent": "40.00"},
        ],
        "summary": "OT added.",
    }
    body = {
        "agreement": p.agreement.pk,
        "kind": "provision_change",
        "effective_from": p.agreement.start_date.isoformat(),
        "reason": "Review.",
        "provision": provision,
    }
    error = _error(client.post("/api/v1/variations/", body, format="json"), 400)
    assert "funding" in error["fields"]
    provision["funding"][1]["percent"] = "50.00"
    made = client.post("/api/v1/variations/", body, format="json")
    assert made.status_code == 201, made.json()
    # One at a time: the next is a wrong state.
    end = {
        "agreement": p.agreement.pk,
        "kind": "end_date_change",
        "new_end_date": (p.agreement.start_date + datetime.timedelta(days=700)).isoformat(),
        "reason": "Extended.",
    }
    _error(client.post("/api/v1/variations/", end, format="json"), 409)
    withdrawn = client.post(
        f"/api/v1/variations/{made.json()['id']}/withdraw/", {"reason": "Wrong."}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert client.post("/api/v1/variations/", end, format="json").status_code == 201


def test_refuse_and_withdraw_by_the_right_party_only_and_another_provider_sees_nothing():
    p = signed()
    made = api_client_for(p.provider_user).post(
        "/api/v1/variations/", _uplift_body(p), format="json"
    )
    pk = made.json()["id"]
    other = api_client_for(p.other_provider_user)
    _error(other.get(f"/api/v1/variations/{pk}/"), 404)
    _error(other.post(f"/api/v1/variations/{pk}/refuse/", {"reason": "No."}, format="json"), 404)
    assert other.get("/api/v1/variations/").json()["results"] == []
    _error(other.post("/api/v1/variations/", _uplift_body(p), format="json"), 400)
    provider = api_client_for(p.provider_user)
    _error(provider.post(f"/api/v1/variations/{pk}/refuse/", {"reason": "x"}, format="json"), 403)
    authority = api_client_for(p.commissioner)
    _error(
        authority.post(f"/api/v1/variations/{pk}/withdraw/", {"reason": "x"}, format="json"), 403
    )
    _error(authority.post(f"/api/v1/variations/{pk}/refuse/", {"reason": ""}, format="json"), 400)
    refused = authority.post(
        f"/api/v1/variations/{pk}/refuse/", {"reason": "Budget."}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["refusal_reason"] == "Budget."
    _error(
        authority.post(f"/api/v1/variations/{pk}/refuse/", {"reason": "Again."}, format="json"), 409
    )


def test_a_draft_agreement_is_a_wrong_state():
    p = placed()
    _error(
        api_client_for(p.commissioner).post("/api/v1/variations/", _uplift_body(p), format="json"),
        409,
    )


def test_regional_uplifts_published_by_the_lead_and_applied_by_the_provider():
    p = signed()
    q = another_signed(p)
    lead = api_client_for(person(Role.LEAD_EVALUATOR))
    body = {
        "purchasing_system": p.world.referral.purchasing_system.pk,
        "title": "Annual uplift 2027 to 2028",
        "percent": "2.50",
        "effective_from": (p.agreement.start_date + datetime.timedelta(days=40)).isoformat(),
        "reason": "Inflation.",
    }
    _error(
        api_client_for(p.commissioner).post("/api/v1/regional-uplifts/", body, format="json"), 403
    )
    _error(lead.post("/api/v1/regional-uplifts/", {**body, "percent": "0.00"}, format="json"), 400)
    published = lead.post("/api/v1/regional-uplifts/", body, format="json")
    assert published.status_code == 201, published.json()
    pk = published.json()["id"]
    assert [
        u["id"]
        for u in api_client_for(p.commissioner).get("/api/v1/regional-uplifts/").json()["results"]
    ] == [pk]
    provider = api_client_for(p.provider_user)
    _error(
        provider.post(f"/api/v1/regional-uplifts/{pk}/apply/", {"agreements": []}, format="json"),
        400,
    )
    _error(
        api_client_for(p.other_provider_user).post(
            f"/api/v1/regional-uplifts/{pk}/apply/", {"agreements": [p.agreement.pk]}, format="json"
        ),
        400,
    )
    applied = provider.post(
        f"/api/v1/regional-uplifts/{pk}/apply/",
        {"agreements": [p.agreement.pk, q.agreement.pk]},
        format="json",
    )
    assert applied.status_code == 201, applied.json()
    assert len(applied.json()["variations"]) == 2
    again = provider.post(
        f"/api/v1/regional-uplifts/{pk}/apply/", {"agreements": [p.agreement.pk]}, format="json"
    )
    _error(again, 400)
    assert Variation.objects.filter(regional_uplift_id=pk).count() == 2
    assert RegionalUplift.objects.count() == 1


def test_placement_ends_by_the_api():
    p = signed()
    today = timezone.localdate()
    p.agreement.start_date = today - datetime.timedelta(days=100)
    p.agreement.state = AgreementState.ACTIVE
    p.agreement.save(update_fields=["start_date", "state"])
    body = {
        "agreement": p.agreement.pk,
        "kind": "breakdown",
        "reason": "needs_changed",
        "details": "The child's needs changed.",
        "requested_by": "parent_carer",
        "notice_given_on": (today - datetime.timedelta(days=5)).isoformat(),
        "last_day": (today - datetime.timedelta(days=200)).isoformat(),
    }
    client = api_client_for(p.commissioner)
    error = _error(client.post("/api/v1/placement-ends/", body, format="json"), 400)
    assert "last_day" in error["fields"]
    assert not PlacementEnd.objects.exists()
    body["last_day"] = (today - datetime.timedelta(days=1)).isoformat()
    _error(
        api_client_for(p.other_provider_user).post("/api/v1/placement-ends/", body, format="json"),
        400,
    )
    made = client.post("/api/v1/placement-ends/", body, format="json")
    assert made.status_code == 201, made.json()
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ENDED
    _error(client.post("/api/v1/placement-ends/", body, format="json"), 409)
    listed = api_client_for(p.provider_user).get("/api/v1/placement-ends/").json()["results"]
    assert [e["kind"] for e in listed] == ["breakdown"]
    _error(
        api_client_for(p.other_provider_user).get(f"/api/v1/placement-ends/{made.json()['id']}/"),
        404,
    )
    # An ended placement takes no variation.
    _error(client.post("/api/v1/variations/", _uplift_body(p), format="json"), 409)


def test_a_regional_uplift_reads_for_every_provider_but_never_for_a_forum():
    p = signed()
    uplift = regional_uplift(p.award)
    assert (
        api_client_for(p.other_provider_user)
        .get(f"/api/v1/regional-uplifts/{uplift.pk}/")
        .status_code
        == 200
    )
    _error(api_client_for(person(Role.FORUM_MEMBER)).get("/api/v1/regional-uplifts/"), 403)
