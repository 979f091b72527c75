"""No signed-in role can cause a server error: permission first, the forms' limits on every input,
and the one error shape even when something does break."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from fps_portal.accounts.models import Role
from fps_portal.api.views import MeView
from providers.models import Evidence, FpsMembership, PurchasingSystem
from quality.models import Recheck
from tests.api.world import build_world
from tests.factories import api_client_for, person
from tests.providers.onboarding.factories import (
    draft_application,
    make_system,
    open_window,
    ready_provider,
    under_evaluation,
    upload,
)

pytestmark = pytest.mark.django_db

SYSTEM_WITHOUT_DEFAULTS = {
    "name": "SEND FPS 2027",
    "term_start": "2027-04-01",
    "term_end": "2031-03-31",
}


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return dict(body["error"])


def test_a_purchasing_system_made_without_its_defaulted_fields_takes_the_defaults() -> None:
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    response = client.post("/api/v1/purchasing-systems/", SYSTEM_WITHOUT_DEFAULTS, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "fps"
    assert body["direct_award_allowed"] is True and body["admits_by_windows"] is True


def test_a_purchasing_system_replaced_without_its_defaulted_fields_takes_the_defaults() -> None:
    system = make_system(direct_award_allowed=False)
    client = api_client_for(person(Role.LEAD_EVALUATOR))
    response = client.put(
        f"/api/v1/purchasing-systems/{system.pk}/", SYSTEM_WITHOUT_DEFAULTS, format="json"
    )
    assert response.status_code == 200, response.json()
    system.refresh_from_db()
    assert system.name == "SEND FPS 2027" and system.direct_award_allowed is True


@pytest.mark.parametrize(
    "role",
    [
        Role.COMMISSIONER,
        Role.QA_OFFICER,
        Role.SENIOR_MANAGER,
        Role.PROVIDER_USER,
        Role.FORUM_MEMBER,
    ],
)
@pytest.mark.parametrize("body", [{}, SYSTEM_WITHOUT_DEFAULTS, {"name": 7, "kind": ["x"]}])
def test_other_roles_are_refused_before_their_input_is_read(
    role: str, body: dict[str, Any]
) -> None:
    system = make_system()
    client = api_client_for(person(role))
    before = PurchasingSystem.objects.count()
    for response in (
        client.post("/api/v1/purchasing-systems/", body, format="json"),
        client.put(f"/api/v1/purchasing-systems/{system.pk}/", body, format="json"),
        client.post(f"/api/v1/purchasing-systems/{system.pk}/lots/", body, format="json"),
        client.post("/api/v1/windows/", body, format="json"),
    ):
        assert response.status_code == 403
        error = _error(response)
        assert error["code"] == "permission_denied" and error["fields"] == {}
    assert PurchasingSystem.objects.count() == before


@pytest.mark.parametrize(("field", "limit"), [("title", 200), ("reference", 100), ("insurer", 200)])
def test_over_long_evidence_text_is_refused_naming_the_field(field: str, limit: int) -> None:
    ready = ready_provider()
    before = Evidence.objects.count()
    data = {
        "kind": "insurance",
        "title": "Minibus cover",
        "insurance_type": "public_liability",
        "insurer": "Zurich",
        "cover_amount": "5000000",
        "valid_until": "2030-01-01",
        "file": upload(),
        field: "x" * (limit + 1),
    }
    response = api_client_for(ready.user).post("/api/v1/evidence/", data, format="multipart")
    assert response.status_code == 400
    error = _error(response)
    assert error["fields"][field] == [f"The {field} must be {limit} characters or fewer."]
    assert Evidence.objects.count() == before


@pytest.mark.parametrize("field", ["signatory_name", "signatory_role"])
def test_an_over_long_signatory_is_refused_naming_the_field(field: str) -> None:
    world = build_world()
    # The world's membership has this year's re-check, which protects it: both go.
    Recheck.objects.filter(membership_id=world.membership.pk).delete()
    FpsMembership.objects.filter(pk=world.membership.pk).delete()
    data = {"signatory_name": "Dana Director", "signatory_role": "Director", field: "x" * 201}
    response = api_client_for(world.users[Role.PROVIDER_USER]).post(
        f"/api/v1/applications/{world.application.pk}/agreement/", data, format="json"
    )
    assert response.status_code == 400
    assert list(_error(response)["fields"]) == [field]
    assert not FpsMembership.objects.filter(provider=world.membership.provider).exists()


def test_an_over_long_service_name_and_category_of_concern_are_400s() -> None:
    ready = ready_provider()
    application = under_evaluation(ready)
    client = api_client_for(ready.user)
    response = client.post(
        f"/api/v1/applications/{application.pk}/service-prices/",
        {"setting": ready.setting.pk, "name": "x" * 201, "unit": "hour", "rate": "10.00"},
        format="json",
    )
    assert response.status_code == 400 and "name" in _error(response)["fields"]
    response = client.post(
        f"/api/v1/settings/{ready.setting.pk}/judgements/",
        {
            "framework": "ofsted_eif",
            "inspection_start_date": "2026-01-10",
            "grades": {},
            "category_of_concern": "x" * 11,
        },
        format="json",
    )
    assert response.status_code == 400 and "category_of_concern" in _error(response)["fields"]


@pytest.fixture
def boom(monkeypatch: pytest.MonkeyPatch) -> None:
    def raise_error(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(MeView, "get", raise_error)


def test_a_server_error_under_the_api_answers_the_error_shape_in_production(
    boom: None, settings: Any
) -> None:
    settings.DEBUG = False
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(person(Role.COMMISSIONER))
    response = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="req-12345")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    error = _error(response)
    assert error["code"] == "server_error" and error["fields"] == {}
    assert "req-12345" in error["message"] and "a bug" not in error["message"]


def test_outside_the_api_the_handler_renders_the_server_error_page() -> None:
    from django.test import RequestFactory

    from fps_portal.api.errors import server_error

    response = server_error(RequestFactory().get("/dashboard/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Sorry, there is a problem with the service" in response.content


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PROVIDER_USER, Role.FORUM_MEMBER])
@pytest.mark.parametrize("pk", ["\u00b2", "\u0663", "1\u00b2"])
def test_a_setting_id_of_non_ascii_digits_is_404_not_a_server_error(role: str, pk: str) -> None:
    """Found by the fuzzing gate: "²" passed str.isdigit() and then failed int() (500)."""
    client = api_client_for(person(role))
    for response in (
        client.get(f"/api/v1/settings/{pk}/"),
        client.patch(f"/api/v1/settings/{pk}/", {"name": "x"}, format="json"),
    ):
        assert response.status_code in (403, 404)
        assert set(_error(response)) == {"code", "message", "fields"}


@pytest.mark.parametrize(("action", "field"), [("scope", "lots"), ("evidence", "evidence")])
def test_an_id_too_big_for_the_database_is_a_400_on_its_field(action: str, field: str) -> None:
    """Found by the fuzzing gate: 10**19 reached the database and failed there (a 500)."""
    ready = ready_provider()
    application = draft_application(ready, open_window())
    body: dict[str, Any] = {field: [10**19]}
    if action == "scope":
        body["settings"] = []
    response = api_client_for(ready.user).put(
        f"/api/v1/applications/{application.pk}/{action}/", body, format="json"
    )
    assert response.status_code == 400, response.json()
    assert _error(response)["fields"] == {f"{field}.0": ["No record has this id."]}
