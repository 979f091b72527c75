"""The foundation endpoints (/api/v1/me/, /authorities/, /lots/) for anonymous users and roles."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.fps import load_fps
from fps_portal.accounts.models import Role
from tests.conftest import ALL_ROLES
from tests.factories import api_client_for, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/authorities/", "/api/v1/lots/"])
def test_anonymous_gets_401_in_the_error_shape(path: str) -> None:
    response = api_client_for(None).get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_refused() -> None:
    client = api_client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_user_without_a_membership_is_forbidden(django_user_model) -> None:
    user = django_user_model.objects.create_user("loner@example.org", "x", full_name="Lo Ner")
    response = api_client_for(user).get("/api/v1/me/")
    assert response.status_code == 403
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_me_describes_the_actor(role: str) -> None:
    user = person(role)
    body = api_client_for(user).get("/api/v1/me/").json()
    assert body["email"] == user.email
    assert body["role"] == role
    assert body["organisation"]["id"] == user.memberships.get().organisation_id
    assert [m["role"] for m in body["memberships"]] == [role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_lists_the_24_authorities_with_cursor_pages(role: str) -> None:
    client = api_client_for(person(role))
    first = client.get("/api/v1/authorities/?page_size=20").json()
    assert len(first["results"]) == 20
    assert first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    names = [a["name"] for a in first["results"] + second["results"]]
    assert len(names) == 24 == len(set(names))
    assert [a["name"] for a in first["results"] + second["results"] if a["is_lead"]] == [
        "Cheshire East"
    ]


def test_authority_detail_and_a_missing_one() -> None:
    client = api_client_for(person(Role.COMMISSIONER))
    listing = client.get("/api/v1/authorities/?ons_code=E08000014").json()["results"]
    assert [a["name"] for a in listing] == ["Sefton"]
    assert client.get(f"/api/v1/authorities/{listing[0]['id']}/").json()["dfe_code"] == "343"
    missing = client.get("/api/v1/authorities/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_a_provider_or_forum_id_is_not_an_authority() -> None:
    provider_user = person(Role.PROVIDER_USER)
    own_org = provider_user.memberships.get().organisation_id
    assert api_client_for(provider_user).get(f"/api/v1/authorities/{own_org}/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lots_are_listed_for_every_role(role: str) -> None:
    load_fps()
    body = api_client_for(person(role)).get("/api/v1/lots/").json()
    codes = [lot["code"] for lot in body["results"]]
    assert codes[:4] == ["1", "2", "3", "4"]
    assert len(codes) == 11


def test_a_bad_filter_value_answers_400_naming_the_parameter() -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/lots/?is_residential=perhaps")
    assert response.status_code == 400
    assert "is_residential" in response.json()["error"]["fields"]


def test_the_lot_list_query_count_does_not_grow_with_the_lots() -> None:
    load_fps()
    client = api_client_for(person(Role.COMMISSIONER))
    client.get("/api/v1/lots/")  # warm the actor's membership lookups
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/lots/")
    assert response.status_code == 200
    # token + user, the actor's membership, the lots page (joined to their purchasing system)
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_issue_api_token_prints_a_working_token(capsys: pytest.CaptureFixture[str]) -> None:
    user = person(Role.COMMISSIONER)
    call_command("issue_api_token", user.email.upper())
    key = capsys.readouterr().out.strip()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["email"] == user.email


def test_issue_api_token_for_an_unknown_email_fails_clearly() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user has the e-mail address"):
        call_command("issue_api_token", "nobody@example.org")


def test_schema_and_docs_are_served() -> None:
    client = api_client_for(person(Role.COMMISSIONER))
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/lots/" in schema.content.decode()
    assert client.get("/api/v1/docs/").status_code == 200


def test_an_unknown_parameter_answers_400_naming_it() -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/authorities/?colour=blue")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["colour"]
