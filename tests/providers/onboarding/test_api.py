"""The onboarding API: anonymous 401, role matrix, 404 for another provider's application, 409 for
a wrong state, 400 naming the field, and results as the caller may see them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fps_portal.accounts.models import Role
from providers.models import Application, EvaluationWindow, Lot, PurchasingSystem
from providers.services.evaluation import application_moderate
from tests.conftest import ALL_ROLES
from tests.factories import api_client_for, person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    actor,
    evaluator,
    make_membership,
    make_system,
    open_window,
)
from tests.providers.onboarding.states import draft, provider, submitted, under_evaluation

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/windows/",
    "/api/v1/purchasing-systems/",
    "/api/v1/applications/",
    "/api/v1/memberships/",
    "/api/v1/evidence/",
    "/api/v1/clarifications/",
]


@pytest.mark.parametrize("path", LISTS)
def test_anonymous_gets_401(path: str) -> None:
    assert api_client_for(None).get(path).status_code == 401


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_role_matrix_for_lists(role: str, path: str) -> None:
    expected = 200
    if path in ("/api/v1/applications/", "/api/v1/clarifications/") and role not in (
        Role.PROVIDER_USER,
        Role.LEAD_EVALUATOR,
    ):
        expected = 403
    assert api_client_for(person(role)).get(path).status_code == expected


def test_a_provider_lists_only_its_own_applications_and_another_is_404() -> None:
    mine = provider()
    theirs = provider()
    window = open_window()
    own = draft(mine, window)
    other = draft(theirs, window)
    client = api_client_for(mine.user)
    assert [a["id"] for a in client.get("/api/v1/applications/").json()["results"]] == [own.pk]
    assert client.get(f"/api/v1/applications/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/applications/{other.pk}/submit/").status_code == 404


def test_evaluators_list_submitted_applications_only_without_growing_queries() -> None:
    window = open_window()
    draft(provider(), window)
    submitted(provider(), window)
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    with CaptureQueriesContext(connection) as first:
        body = client.get("/api/v1/applications/").json()
    assert len(body["results"]) == 1
    for _ in range(3):
        submitted(provider(), window)
    with CaptureQueriesContext(connection) as second:
        assert len(client.get("/api/v1/applications/").json()["results"]) == 4
    assert len(second.captured_queries) == len(first.captured_queries)


def test_a_provider_applies_through_the_api_and_a_double_submit_is_409() -> None:
    ready = provider()
    window = open_window()
    lot = Lot.objects.create(
        purchasing_system=window.purchasing_system,
        code="X1",
        name="Day",
        starts_on=datetime.date(2021, 4, 1),
    )
    client = api_client_for(ready.user)
    created = client.post(
        "/api/v1/applications/",
        {"purchasing_system": window.purchasing_system_id, "window": window.pk},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert (
        client.put(
            f"/api/v1/applications/{pk}/scope/",
            {"lots": [lot.pk], "settings": [ready.setting.pk]},
            format="json",
        ).status_code
        == 200
    )
    bad = client.put(
        f"/api/v1/applications/{pk}/prices/",
        {"prices": [{"setting": str(ready.setting.pk), "lot": str(lot.pk), "weekly_price": "-10"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert f"price_{ready.setting.pk}_{lot.pk}" in bad.json()["error"]["fields"]
    assert (
        client.put(
            f"/api/v1/applications/{pk}/prices/",
            {
                "prices": [
                    {
                        "setting": str(ready.setting.pk),
                        "lot": str(lot.pk),
                        "weekly_price": "3100.50",
                    }
                ]
            },
            format="json",
        ).json()["prices"][0]["weekly_price"]
        == "3100.50"
    )
    early = client.post(f"/api/v1/applications/{pk}/submit/")
    assert early.status_code == 400 and "declarations" in early.json()["error"]["fields"]
    assert (
        client.put(
            f"/api/v1/applications/{pk}/declarations/",
            {"accurate": True, "no_exclusion_grounds": True, "safeguarding": True},
            format="json",
        ).status_code
        == 200
    )
    assert client.post(f"/api/v1/applications/{pk}/submit/").json()["state"] == "submitted"
    again = client.post(f"/api/v1/applications/{pk}/submit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "wrong_state"


def test_submit_outside_a_window_is_409_with_the_next_window() -> None:
    ready = provider()
    window = open_window()
    application = draft(ready, window)
    EvaluationWindow.objects.filter(pk=window.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = api_client_for(ready.user).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 409
    assert "is closed" in response.json()["error"]["message"]


def test_results_are_hidden_from_the_provider_until_the_outcome_and_never_show_working_notes() -> (
    None
):
    ready = provider()
    first, second = evaluator(), evaluator()
    application = states.evaluated(ready, evaluators=[first, second])
    provider_client = api_client_for(ready.user)
    assert provider_client.get(f"/api/v1/applications/{application.pk}/results/").json() == []
    lead_view = api_client_for(first).get(f"/api/v1/applications/{application.pk}/results/").json()
    assert len(lead_view[0]["decisions"]) == 2 and "automatic_reason" in lead_view[0]
    application_moderate(actor=actor(first), application=application, reason="Pass")
    after = provider_client.get(f"/api/v1/applications/{application.pk}/results/").json()
    assert len(after) == 13 and all(r["final_result"] == "pass" for r in after)
    assert "decisions" not in after[0] and "automatic_reason" not in after[0]


def test_evaluation_and_moderation_through_the_api() -> None:
    application = under_evaluation()
    results = list(application.results.values_list("pk", flat=True))
    clients = [api_client_for(evaluator()), api_client_for(evaluator())]
    for client in clients:
        response = client.post(
            f"/api/v1/applications/{application.pk}/evaluation/",
            {"decisions": [{"result": pk, "verdict": "pass", "reason": "Fine"} for pk in results]},
            format="json",
        )
        assert response.status_code == 200
    assert (
        clients[0]
        .post(f"/api/v1/applications/{application.pk}/moderation/", {"reason": ""}, format="json")
        .status_code
        == 400
    )
    done = clients[0].post(
        f"/api/v1/applications/{application.pk}/moderation/", {"reason": "All met"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "passed"
    assert (
        clients[1]
        .post(f"/api/v1/applications/{application.pk}/moderation/", {"reason": "x"}, format="json")
        .status_code
        == 409
    )


def test_a_provider_cannot_evaluate_its_own_application() -> None:
    ready = provider()
    application = under_evaluation(ready)
    response = api_client_for(ready.user).post(
        f"/api/v1/applications/{application.pk}/evaluation/", {"decisions": []}, format="json"
    )
    assert response.status_code == 403


def test_the_lead_authority_configures_the_system_and_adds_lots_with_dps_rules() -> None:
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    dps = client.post(
        "/api/v1/purchasing-systems/",
        {
            "name": "NW DPS",
            "kind": "dps",
            "term_start": "2026-01-01",
            "term_end": "2030-01-01",
            "direct_award_allowed": True,
            "admits_by_windows": False,
        },
        format="json",
    )
    assert dps.status_code == 400 and "direct_award_allowed" in dps.json()["error"]["fields"]
    created = client.post(
        "/api/v1/purchasing-systems/",
        {
            "name": "NW DPS",
            "kind": "dps",
            "term_start": "2026-01-01",
            "term_end": "2030-01-01",
            "direct_award_allowed": False,
            "admits_by_windows": False,
        },
        format="json",
    )
    assert created.status_code == 201
    system_id = created.json()["id"]
    lot = client.post(
        f"/api/v1/purchasing-systems/{system_id}/lots/",
        {"code": "P16", "name": "Post-16", "starts_on": "2027-09-01"},
        format="json",
    )
    assert lot.status_code == 201
    late = client.post(
        f"/api/v1/purchasing-systems/{system_id}/lots/",
        {"code": "L2", "name": "Later", "starts_on": "2031-09-01"},
        format="json",
    )
    assert late.status_code == 400 and "starts_on" in late.json()["error"]["fields"]
    duplicate = client.post(
        f"/api/v1/purchasing-systems/{system_id}/lots/",
        {"code": "P16", "name": "Again", "starts_on": "2027-09-01"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert PurchasingSystem.objects.get(pk=system_id).lots.count() == 1


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PROVIDER_USER, Role.FORUM_MEMBER])
def test_only_the_lead_authority_schedules_windows_or_adds_lots(role: str) -> None:
    system = make_system()
    client = api_client_for(person(role))
    now = timezone.now()
    response = client.post(
        "/api/v1/windows/",
        {
            "purchasing_system": system.pk,
            "name": "R",
            "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=9)).isoformat(),
            "evaluation_deadline": (now + datetime.timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/api/v1/purchasing-systems/{system.pk}/lots/",
            {"code": "Z", "name": "Z", "starts_on": "2025-01-01"},
            format="json",
        ).status_code
        == 403
    )
    assert not EvaluationWindow.objects.exists()


def test_membership_change_through_the_api_is_409_for_a_wrong_state() -> None:
    membership = make_membership(state="removed")
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    response = client.post(
        f"/api/v1/memberships/{membership.pk}/change/",
        {"action": "reinstate", "reason": "Back"},
        format="json",
    )
    assert response.status_code == 409


def test_forum_sees_only_active_memberships() -> None:
    make_membership(state="active")
    make_membership(state="suspended")
    body = api_client_for(person(Role.FORUM_MEMBER)).get("/api/v1/memberships/").json()
    assert [m["state"] for m in body["results"]] == ["active"]


def test_evidence_upload_through_the_api_checks_content() -> None:
    user = person(Role.PROVIDER_USER)
    client = api_client_for(user)
    from tests.providers.onboarding.factories import EXE_BYTES, upload

    bad = client.post(
        "/api/v1/evidence/",
        {"kind": "policy", "title": "P", "file": upload("p.pdf", EXE_BYTES)},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    good = client.post(
        "/api/v1/evidence/",
        {"kind": "policy", "title": "P", "file": upload("p.pdf")},
        format="multipart",
    )
    assert good.status_code == 201 and good.json()["download_url"].endswith("/download/")
    assert Application.objects.count() == 0
