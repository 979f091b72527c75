"""A 403 from the API says what is wrong: a role that cannot use the endpoint is named with its
organisation, rather than being told to sign in with an account that has an organisation."""

from __future__ import annotations

from typing import Any

import pytest

from fps_portal.accounts.models import Role
from tests.factories import UserFactory, api_client_for, person

pytestmark = pytest.mark.django_db


def _message(response: Any) -> str:
    assert response.status_code == 403
    return str(response.json()["error"]["message"])


def test_a_commissioner_is_told_their_role_cannot_use_the_applications_api() -> None:
    response = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/applications/")
    assert _message(response) == (
        "Your role (commissioner / placements officer at Sefton) cannot use this part of the API."
    )


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER, Role.FORUM_MEMBER]
)
def test_every_role_left_out_of_an_endpoint_is_named_in_its_refusal(role: str) -> None:
    user = person(role)
    membership = user.memberships.get()
    message = _message(api_client_for(user).get("/api/v1/clarifications/"))
    assert f"Your role ({Role(role).label.lower()} at {membership.organisation})" in message
    assert "Sign in with an account" not in message


def test_an_account_without_an_organisation_is_still_told_so() -> None:
    user = UserFactory(email="loner@example.org")
    message = _message(api_client_for(user).get("/api/v1/me/"))
    assert message == "Sign in with an account that belongs to an organisation on the portal."


def test_a_platform_administrator_is_told_the_endpoint_is_not_for_an_account_without_one() -> None:
    admin = UserFactory(email="admin@nwsend.example", is_staff=True)
    message = _message(api_client_for(admin).get("/api/v1/applications/"))
    assert "acts for no organisation" in message
