"""More of the API foundation: session sign-in from the browser, refused tokens, read-only
endpoints, and an OpenAPI schema that validates without warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from fps_portal.accounts.models import Role
from tests.conftest import ALL_ROLES
from tests.factories import api_client_for, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_signed_in_browser_session_can_use_the_api(client: Client, role: str) -> None:
    user = person(role)
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["role"] == role
    assert response["Cache-Control"] == "no-store"


def test_a_session_write_without_a_csrf_token_is_refused() -> None:
    user = person(Role.COMMISSIONER)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/authorities/", {"name": "New"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_a_token_for_a_deactivated_user_is_refused() -> None:
    user = person(Role.COMMISSIONER)
    client = api_client_for(user)
    assert client.get("/api/v1/me/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_reissuing_a_token_revokes_the_old_one(capsys: pytest.CaptureFixture[str]) -> None:
    user = person(Role.QA_OFFICER)
    call_command("issue_api_token", user.email)
    old = capsys.readouterr().out.strip()
    call_command("issue_api_token", user.email)
    new = capsys.readouterr().out.strip()
    assert old != new
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/me/").status_code == 200


def test_no_token_is_issued_for_a_deactivated_user() -> None:
    from django.core.management.base import CommandError

    user = person(Role.COMMISSIONER, is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("issue_api_token", user.email)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/me/"),
        ("post", "/api/v1/authorities/"),
        ("put", "/api/v1/authorities/{id}/"),
        ("patch", "/api/v1/authorities/{id}/"),
        ("delete", "/api/v1/authorities/{id}/"),
        ("post", "/api/v1/lots/"),
    ],
)
def test_writes_to_read_only_endpoints_answer_405_in_the_error_shape(
    method: str, path: str
) -> None:
    user = person(Role.LEAD_EVALUATOR)
    organisation_id = user.memberships.get().organisation_id
    client = api_client_for(user)
    response = getattr(client, method)(path.format(id=organisation_id), {}, format="json")
    assert response.status_code == 405
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "method_not_allowed"
    assert body["error"]["message"]
    assert body["error"]["fields"] == {}


def test_an_unknown_endpoint_answers_404() -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/nothing-here/")
    assert response.status_code == 404


def test_the_openapi_schema_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/me/", "/api/v1/authorities/", "/api/v1/lots/"} <= set(schema["paths"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert "cookieAuth" in schema["components"]["securitySchemes"]


def test_the_schema_and_docs_are_public_but_the_data_is_not() -> None:
    anonymous = APIClient()
    assert anonymous.get("/api/v1/schema/").status_code == 200
    assert anonymous.get("/api/v1/docs/").status_code == 200
    assert anonymous.get("/api/v1/authorities/").status_code == 401


def test_the_docs_start_up_script_is_served_by_the_portal_not_inline() -> None:
    html = Client().get("/api/v1/docs/").content.decode()
    assert '<script src="/api/v1/docs/?script=' in html
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
