"""Issue 10, ADR 0015: the authority administrator manages people and API clients through the
API as on the pages: signed in by session (past the second factor), through the same services,
every write audited, never another authority's, and never as an API client or with a token."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from fps_portal.accounts.models import ApiClient, Membership, Role, SeniorPosition, User
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from tests.factories import (
    api_client_for,
    authority,
    bearer,
    lead_authority,
    person,
    registered_api_client,
)

pytestmark = pytest.mark.django_db

PERSON_KEYS = {"id", "email", "full_name", "status", "last_login", "roles", "ended_roles"}
ROLE_KEYS = {"id", "role", "role_label", "senior_position", "is_active", "created_at", "ended_at"}
CLIENT_KEYS = {
    "id", "name", "role", "role_label", "key_prefix", "status", "lifetime_days", "created_at",
    "created_by", "expires_at", "rotated_at", "revoked_at", "last_used_at",
}  # fmt: skip


def _admin(name: str = "Sefton") -> User:
    return person(Role.AUTHORITY_ADMIN, authority(name))


def _session(user: User) -> APIClient:
    """The API as the user's browser calls it: their session, past the second factor."""
    api = APIClient()
    api.force_login(user)
    return api


def _written() -> dict[str, int]:
    return {
        "audit": AuditEvent.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "active": Membership.objects.filter(is_active=True).count(),
        "clients": ApiClient.objects.count(),
        "notifications": Notification.objects.count(),
    }


# -- people ------------------------------------------------------------------------------------


def test_the_administrator_lists_and_reads_their_authoritys_people_not_clients() -> None:
    admin = _admin()
    colleague = person(Role.COMMISSIONER, authority("Sefton"))
    person(Role.COMMISSIONER, authority("Wirral"))  # another authority's
    client, _ = registered_api_client(admin)
    api = _session(admin)
    page = api.get("/api/v1/people/")
    assert page.status_code == 200, page.json()
    ids = {p["id"] for p in page.json()["results"]}
    assert ids == {admin.pk, colleague.pk}  # no Wirral officer, no client's user
    assert all(set(p) == PERSON_KEYS for p in page.json()["results"])
    one = api.get(f"/api/v1/people/{colleague.pk}/").json()
    assert one["email"] == colleague.email and one["status"] == "active"
    assert [set(r) for r in one["roles"]] == [ROLE_KEYS]
    assert one["roles"][0]["role"] == Role.COMMISSIONER
    assert api.get(f"/api/v1/people/{client.user_id}/").status_code == 404  # type: ignore[attr-defined]


def test_an_invitation_makes_the_account_emails_the_link_and_is_audited() -> None:
    admin = _admin()
    response = _session(admin).post(
        "/api/v1/people/",
        {
            "email": "New.Officer@Sefton.example",
            "full_name": "Nia Jones",
            "role": Role.SENIOR_MANAGER,
            "senior_position": SeniorPosition.DCS,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "new.officer@sefton.example" and body["status"] == "invited"
    assert body["roles"][0]["senior_position"] == SeniorPosition.DCS
    invitee = User.objects.get(email="new.officer@sefton.example")
    assert not invitee.has_usable_password()
    assert Notification.objects.get(recipient=invitee).url.startswith("/account/password-reset/")
    assert AuditEvent.objects.filter(
        actor=admin, verb=AuditVerb.INVITED, object_id=str(invitee.pk)
    ).exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "email", "Enter your colleague's email address."),
        ({"email": "not-an-address"}, "email", "Enter an email address in the correct format"),
        ({"full_name": ""}, "full_name", "Enter your colleague's full name."),
        ({"full_name": "x" * 201}, "full_name", "Full name must be 200 characters or fewer."),
        ({"role": "provider_user"}, "role", "Select a role."),
        ({"role": Role.SENIOR_MANAGER}, "senior_position", "Select the senior manager's"),
        ({"senior_position": "dcs"}, "senior_position", "Only senior managers hold"),
        # Sefton is not the lead authority.
        ({"role": Role.LEAD_EVALUATOR}, "role", "Lead evaluators belong to the lead authority."),
        ({"email": "taken@example.org"}, "email", "already has an account with another"),
    ],
)
def test_a_bad_invitation_is_refused_at_the_field_and_writes_nothing(
    body: dict[str, Any], field: str, message: str
) -> None:
    admin = _admin()
    person(Role.PROVIDER_USER, email="taken@example.org")
    sent = {"email": "nia@sefton.example", "full_name": "Nia Jones", "role": Role.COMMISSIONER}
    sent.update(body)
    if body == {}:
        sent.pop("email")
    api = _session(admin)
    before = _written()
    response = api.post("/api/v1/people/", sent, format="json")
    assert response.status_code == 400, response.json()
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field] and message in fields[field][0], fields
    assert _written() == before


def test_roles_are_given_removed_and_a_senior_position_changed_each_audited() -> None:
    admin = _admin()
    colleague = person(Role.COMMISSIONER, authority("Sefton"))
    api = _session(admin)
    given = api.post(
        f"/api/v1/people/{colleague.pk}/roles/",
        {"role": Role.SENIOR_MANAGER, "senior_position": "dcs", "reason": "Acting up."},
        format="json",
    )
    assert given.status_code == 201, given.json()
    senior = next(r for r in given.json()["roles"] if r["role"] == Role.SENIOR_MANAGER)
    again = api.post(
        f"/api/v1/people/{colleague.pk}/roles/",
        {"role": Role.SENIOR_MANAGER, "senior_position": "dcs", "reason": "Again."},
        format="json",
    )
    assert again.status_code == 400 and "role" in again.json()["error"]["fields"]
    moved = api.post(
        f"/api/v1/people/roles/{senior['id']}/senior-position/",
        {"senior_position": SeniorPosition.HEAD_OF_CHILDRENS_SERVICES},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["senior_position"] == SeniorPosition.HEAD_OF_CHILDRENS_SERVICES
    commissioner = Membership.objects.get(user=colleague, role=Role.COMMISSIONER)
    wrong = api.post(
        f"/api/v1/people/roles/{commissioner.pk}/senior-position/",
        {"senior_position": "dcs"},
        format="json",
    )
    assert wrong.status_code == 409  # only a senior manager holds one
    removed = api.post(
        f"/api/v1/people/roles/{senior['id']}/remove/", {"reason": "Back to post."}, format="json"
    )
    assert removed.status_code == 200 and removed.json()["is_active"] is False
    twice = api.post(
        f"/api/v1/people/roles/{senior['id']}/remove/", {"reason": "Again."}, format="json"
    )
    assert twice.status_code == 409
    verbs = list(
        AuditEvent.objects.filter(actor=admin)
        .exclude(verb=AuditVerb.SIGNED_IN)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [AuditVerb.ROLE_GIVEN, AuditVerb.UPDATED, AuditVerb.ROLE_REMOVED]


def test_a_leaver_is_deactivated_and_the_last_administrator_stays() -> None:
    admin = _admin()
    colleague = person(Role.QA_OFFICER, authority("Sefton"))
    api = _session(admin)
    no_reason = api.post(f"/api/v1/people/{colleague.pk}/deactivate/", {}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"] == {"reason": ["Enter the reason."]}
    gone = api.post(
        f"/api/v1/people/{colleague.pk}/deactivate/", {"reason": "Left."}, format="json"
    )
    assert gone.status_code == 200, gone.json()
    assert gone.json()["status"] == "left" and gone.json()["roles"] == []
    assert not Membership.objects.filter(user=colleague, is_active=True).exists()
    again = api.post(
        f"/api/v1/people/{colleague.pk}/deactivate/", {"reason": "Left."}, format="json"
    )
    assert again.status_code == 409
    before = _written()
    last = api.post(f"/api/v1/people/{admin.pk}/deactivate/", {"reason": "Me."}, format="json")
    assert last.status_code == 409 and "only administrator" in last.json()["error"]["message"]
    own_role = Membership.objects.get(user=admin)
    last_role = api.post(
        f"/api/v1/people/roles/{own_role.pk}/remove/", {"reason": "Me."}, format="json"
    )
    assert last_role.status_code == 409
    assert _written() == before


def test_another_authoritys_person_role_and_client_are_404_and_untouched() -> None:
    admin = _admin()
    wirral_admin = _admin("Wirral")
    theirs = person(Role.COMMISSIONER, authority("Wirral"))
    their_role = Membership.objects.get(user=theirs)
    their_client, _ = registered_api_client(wirral_admin)
    client_role = their_client.membership  # type: ignore[attr-defined]
    api = _session(admin)
    before = _written()
    reason = {"reason": "Not mine."}
    for method, path, body in [
        ("get", f"/api/v1/people/{theirs.pk}/", None),
        ("post", f"/api/v1/people/{theirs.pk}/roles/", {"role": "commissioner", **reason}),
        ("post", f"/api/v1/people/{theirs.pk}/deactivate/", reason),
        ("post", f"/api/v1/people/roles/{their_role.pk}/remove/", reason),
        (
            "post",
            f"/api/v1/people/roles/{their_role.pk}/senior-position/",
            {"senior_position": "dcs"},
        ),
        ("get", f"/api/v1/api-clients/{their_client.pk}/", None),  # type: ignore[attr-defined]
        ("post", f"/api/v1/api-clients/{their_client.pk}/rotate/", reason),  # type: ignore[attr-defined]
        ("post", f"/api/v1/api-clients/{their_client.pk}/revoke/", reason),  # type: ignore[attr-defined]
    ]:
        response = getattr(api, method)(path, body, format="json")
        assert response.status_code == 404, (path, response.json())
    # A client's own role is not a person's: revoked as a client, never removed as a role.
    own_client, _ = registered_api_client(admin)
    own_client_role = own_client.membership  # type: ignore[attr-defined]
    for role in (client_role, own_client_role):
        path = f"/api/v1/people/roles/{role.pk}/remove/"
        assert api.post(path, reason, format="json").status_code == 404
    assert _written()["audit"] == before["audit"] + 1  # the registration above, nothing else
    assert Membership.objects.filter(user=theirs, is_active=True).exists()


# -- who may -------------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/people/"),
    ("post", "/api/v1/people/"),
    ("get", "/api/v1/api-clients/"),
    ("post", "/api/v1/api-clients/"),
]


def test_only_an_administrator_signed_in_in_person_may_use_them() -> None:
    admin = _admin()
    colleague = person(Role.COMMISSIONER, authority("Sefton"))
    _, credential = registered_api_client(admin)
    refused = {
        "the administrator's personal token": api_client_for(admin),
        "an API client (commissioner)": bearer(credential),
        "a commissioner's session": _session(colleague),
        "the lead authority's evaluator's session": _session(person(Role.LEAD_EVALUATOR)),
        "a provider's session": _session(person(Role.PROVIDER_USER)),
    }
    before = _written()
    for who, api in refused.items():
        for method, path in ENDPOINTS:
            response = getattr(api, method)(path, {}, format="json")
            assert response.status_code == 403, (who, method, path, response.json())
            assert response.json()["error"]["fields"] == {}
    for method, path in ENDPOINTS:
        assert getattr(APIClient(), method)(path, {}, format="json").status_code == 401
    assert _written()["audit"] == before["audit"]
    assert _written()["clients"] == before["clients"]
    # The token is refused for what it is, not the person: their session may.
    message = api_client_for(admin).get("/api/v1/people/").json()["error"]["message"]
    assert "signed in to the portal" in message
    assert _session(admin).get("/api/v1/people/").status_code == 200


def test_a_password_only_session_is_not_signed_in_for_the_api() -> None:
    from tests.conftest import password_only_force_login

    api = APIClient()
    password_only_force_login(api, _admin())
    assert api.get("/api/v1/people/").status_code == 401


def test_a_session_write_needs_its_csrf_token() -> None:
    admin = _admin()
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(admin)
    before = _written()
    body = {"name": "Case system", "role": Role.COMMISSIONER}
    response = api.post("/api/v1/api-clients/", body, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    assert _written() == before


# -- API clients ---------------------------------------------------------------------------------


def test_a_client_is_registered_its_credential_answered_once_and_it_acts_in_its_role() -> None:
    admin = _admin()
    api = _session(admin)
    response = api.post(
        "/api/v1/api-clients/",
        {"name": "Sefton case management", "role": Role.QA_OFFICER, "lifetime_days": 90},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == CLIENT_KEYS | {"credential"}
    assert body["role"] == Role.QA_OFFICER and body["lifetime_days"] == 90
    assert body["status"] == "active" and body["created_by"] == admin.email
    credential = body["credential"]
    assert credential.startswith(f"fps_{body['key_prefix']}_")
    me = bearer(credential).get("/api/v1/me/").json()
    assert me["role"] == Role.QA_OFFICER and me["organisation"]["name"] == "Sefton"
    # Never again: neither the list nor the client shows it, and the row keeps only its hash.
    listed = api.get("/api/v1/api-clients/").json()["results"]
    assert [set(c) for c in listed] == [CLIENT_KEYS]
    detail = api.get(f"/api/v1/api-clients/{body['id']}/")
    assert set(detail.json()) == CLIENT_KEYS
    assert credential not in str(listed) + detail.content.decode()
    stored = ApiClient.objects.get(pk=body["id"])
    assert credential not in str(stored.__dict__)
    assert AuditEvent.objects.filter(
        actor=admin, verb=AuditVerb.CREATED, object_id=str(stored.pk)
    ).exists()


def test_rotating_stops_the_old_credential_and_revoking_stops_the_client() -> None:
    admin = _admin()
    client, old = registered_api_client(admin)
    api = _session(admin)
    path = f"/api/v1/api-clients/{client.pk}"  # type: ignore[attr-defined]
    rotated = api.post(f"{path}/rotate/", {"reason": "Staff change."}, format="json")
    assert rotated.status_code == 200, rotated.json()
    assert rotated["Cache-Control"] == "no-store"
    new = rotated.json()["credential"]
    assert new != old and rotated.json()["rotated_at"] is not None
    assert bearer(old).get("/api/v1/me/").status_code == 401
    assert bearer(new).get("/api/v1/me/").status_code == 200
    revoked = api.post(f"{path}/revoke/", {"reason": "System retired."}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert "credential" not in revoked.json()
    assert bearer(new).get("/api/v1/me/").status_code == 401
    before = _written()
    for action in ("revoke", "rotate"):
        again = api.post(f"{path}/{action}/", {"reason": "Again."}, format="json")
        assert again.status_code == 409, again.json()
    assert _written() == before
    verbs = set(AuditEvent.objects.filter(actor=admin).values_list("verb", flat=True))
    assert {AuditVerb.CREDENTIAL_ROTATED, AuditVerb.REVOKED} <= verbs


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": Role.COMMISSIONER}, "name"),
        ({"name": " ", "role": Role.COMMISSIONER}, "name"),
        ({"name": "x" * 101, "role": Role.COMMISSIONER}, "name"),
        ({"name": "Case system"}, "role"),
        ({"name": "Case system", "role": Role.SENIOR_MANAGER}, "role"),  # a person's sign-offs
        ({"name": "Case system", "role": Role.AUTHORITY_ADMIN}, "role"),  # never manages
        ({"name": "Case system", "role": Role.LEAD_EVALUATOR}, "role"),  # not the lead authority
        ({"name": "Case system", "role": Role.COMMISSIONER, "lifetime_days": 400}, "lifetime_days"),
    ],
)
def test_a_bad_registration_is_refused_at_the_field_and_writes_nothing(
    body: dict[str, Any], field: str
) -> None:
    api = _session(_admin())
    before = _written()
    response = api.post("/api/v1/api-clients/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert "credential" not in response.json()
    assert _written() == before


def test_the_lead_authoritys_administrator_may_register_a_lead_evaluator_client() -> None:
    response = _session(person(Role.AUTHORITY_ADMIN, lead_authority())).post(
        "/api/v1/api-clients/",
        {"name": "Evaluation system", "role": Role.LEAD_EVALUATOR},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["lifetime_days"] == 365  # the default, and the longest
