"""API clients (ADR 0015): registered by an authority administrator, the credential shown once
and stored hashed, expiring, rotated and revoked; a client acts in its one role and the audit log
names it."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import ApiClient, Membership, Role
from fps_portal.accounts.services.api_clients import (
    api_client_create,
    api_client_revoke,
    api_client_rotate,
)
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.services import notify
from tests.factories import authority, bearer, lead_authority, person, registered_api_client
from tests.providers.onboarding.factories import actor

pytestmark = pytest.mark.django_db

SYSTEM = {
    "name": "NW DPS",
    "kind": "dps",
    "term_start": "2026-01-01",
    "term_end": "2030-01-01",
    "direct_award_allowed": False,
    "admits_by_windows": False,
}


def _admin(organisation=None):  # type: ignore[no-untyped-def]
    return person(Role.AUTHORITY_ADMIN, organisation or authority("Sefton"))


def test_the_credential_is_stored_hashed_and_works_as_the_clients_role() -> None:
    client, credential = registered_api_client(_admin())
    assert credential.startswith(f"fps_{client.key_prefix}_") and len(credential) > 50
    assert client.secret_hash == hashlib.sha256(credential.encode()).hexdigest()
    stored = " ".join(str(v) for v in ApiClient.objects.values_list().get(pk=client.pk))
    assert credential not in stored and credential.split("_", 2)[2] not in stored
    me = bearer(credential).get("/api/v1/me/")
    assert me.status_code == 200, me.content
    assert me.json()["role"] == Role.COMMISSIONER
    client.refresh_from_db()
    assert client.last_used_at is not None
    created = AuditEvent.objects.get(verb=AuditVerb.CREATED, object_type="accounts.apiclient")
    assert credential not in str(created.after) and client.secret_hash not in str(created.after)


@pytest.mark.parametrize(
    "header",
    ["Bearer fps_000000000000_wrong", "Bearer nonsense", "Bearer ", "Bearer fps_x_y"],
)
def test_a_wrong_credential_is_401(header: str) -> None:
    registered_api_client(_admin())
    api = bearer("")
    api.credentials(HTTP_AUTHORIZATION=header)
    answer = api.get("/api/v1/me/")
    assert answer.status_code == 401
    assert set(answer.json()["error"]) == {"code", "message", "fields"}


def test_a_right_prefix_with_a_wrong_secret_is_401() -> None:
    _client, credential = registered_api_client(_admin())
    assert bearer(credential[:-4] + "AAAA").get("/api/v1/me/").status_code == 401


def test_an_expired_client_is_401() -> None:
    client, credential = registered_api_client(_admin())
    ApiClient.objects.filter(pk=client.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert bearer(credential).get("/api/v1/me/").status_code == 401


def test_a_revoked_client_is_401_and_revoking_is_audited_with_its_reason() -> None:
    admin = _admin()
    client, credential = registered_api_client(admin)
    with pytest.raises(InvalidInput):
        api_client_revoke(actor=actor(admin), client=client, reason=" ")
    api_client_revoke(actor=actor(admin), client=client, reason="System retired")
    assert bearer(credential).get("/api/v1/me/").status_code == 401
    assert not Membership.objects.get(pk=client.membership_id).is_active
    assert AuditEvent.objects.get(verb=AuditVerb.REVOKED).reason == "System retired"
    with pytest.raises(WrongState):
        api_client_rotate(actor=actor(admin), client=client)


def test_rotation_invalidates_the_old_secret() -> None:
    admin = _admin()
    client, old = registered_api_client(admin)
    new = api_client_rotate(actor=actor(admin), client=client, reason="Yearly").credential
    assert new != old and new.startswith(f"fps_{client.key_prefix}_")
    assert bearer(old).get("/api/v1/me/").status_code == 401
    assert bearer(new).get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.filter(verb=AuditVerb.CREDENTIAL_ROTATED).count() == 1


def test_a_client_acts_only_in_its_role() -> None:
    _commissioner_client, credential = registered_api_client(_admin())
    assert (
        bearer(credential).post("/api/v1/purchasing-systems/", SYSTEM, format="json").status_code
        == 403
    )
    with pytest.raises(InvalidInput):  # never beyond what the roles of clients allow
        api_client_create(actor=actor(_admin()), name="x", role=Role.AUTHORITY_ADMIN)
    with pytest.raises(InvalidInput):  # a lead evaluator only in the lead authority
        api_client_create(actor=actor(_admin()), name="x", role=Role.LEAD_EVALUATOR)
    with pytest.raises(InvalidInput):
        api_client_create(actor=actor(_admin()), name="x", role=Role.SENIOR_MANAGER)


def test_an_api_write_by_a_client_is_audited_with_the_client_named() -> None:
    client, credential = registered_api_client(
        _admin(lead_authority()), role=Role.LEAD_EVALUATOR, name="Cheshire East DPS tool"
    )
    created = bearer(credential).post("/api/v1/purchasing-systems/", SYSTEM, format="json")
    assert created.status_code == 201, created.content
    event = AuditEvent.objects.filter(object_type="providers.purchasingsystem").latest("id")
    assert event.actor_label == f"API client: Cheshire East DPS tool ({client.key_prefix})"
    assert event.organisation_id == lead_authority().pk
    assert event.role == Role.LEAD_EVALUATOR


def test_a_client_cannot_manage_people_or_clients_and_is_never_notified() -> None:
    client, _credential = registered_api_client(_admin())
    with pytest.raises(NotAllowed):
        api_client_create(actor=_client_actor(client), name="Another", role=Role.COMMISSIONER)
    assert (
        notify(
            recipients=[client.user],
            event_key="t",
            template="notifications/window_opened",
            context={"window": None},
        )
        == []
    )


def _client_actor(client: ApiClient):  # type: ignore[no-untyped-def]
    from fps_portal.actors import Actor

    return Actor(user=client.user, membership=client.membership, api_client=client)


def test_only_an_administrator_of_the_authority_manages_its_clients() -> None:
    with pytest.raises(NotAllowed):
        api_client_create(
            actor=actor(person(Role.COMMISSIONER, authority("Sefton"))),
            name="x",
            role="commissioner",
        )
    client, _ = registered_api_client(_admin(authority("Sefton")))
    other_admin = _admin(authority("Blackpool"))
    with pytest.raises(ApiClient.DoesNotExist):
        api_client_revoke(actor=actor(other_admin), client=client, reason="Not yours")
    browser = Client()
    browser.force_login(other_admin)
    assert browser.get(f"/account/api-clients/{client.pk}/").status_code == 404
    assert (
        browser.post(f"/account/api-clients/{client.pk}/revoke/", {"reason": "x"}).status_code
        == 404
    )
    client.refresh_from_db()
    assert client.revoked_at is None


def test_the_pages_show_the_credential_once(client: Client) -> None:
    admin = _admin()
    client.force_login(admin)
    form = client.get("/account/api-clients/new/")
    key = form.context["form"].initial["submission_key"]
    data = {
        "name": "Sefton case system",
        "role": Role.COMMISSIONER,
        "lifetime_days": "90",
        "submission_key": key,
    }
    made = client.post("/account/api-clients/new/", data)
    assert made.status_code == 302
    registered = ApiClient.objects.get()
    assert 89 <= (registered.expires_at - timezone.now()).days <= 90
    shown = client.get(made["Location"])
    credential = shown.context["credential"]
    assert credential.startswith("fps_") and credential in shown.content.decode()
    again = client.get(made["Location"])
    assert again.context["credential"] == "" and credential not in again.content.decode()
    # The same form sent twice makes one client and shows no second credential.
    twice = client.post("/account/api-clients/new/", data)
    assert twice.status_code == 302 and ApiClient.objects.count() == 1
    assert client.get(twice["Location"]).context["credential"] == ""
    assert bearer(credential).get("/api/v1/me/").status_code == 200
    # Rotating on the page shows the new one once, and the old stops.
    rotated = client.post(f"/account/api-clients/{registered.pk}/rotate/", {"reason": "Leaked"})
    new = client.get(rotated["Location"]).context["credential"]
    assert new and new != credential
    assert bearer(credential).get("/api/v1/me/").status_code == 401
    listing = client.get("/account/api-clients/").content.decode()
    assert "Sefton case system" in listing and new not in listing


def test_a_bad_registration_says_so_at_the_field_and_writes_nothing(client: Client) -> None:
    client.force_login(_admin())
    answer = client.post(
        "/account/api-clients/new/", {"name": "", "role": "authority_admin", "lifetime_days": "999"}
    )
    assert answer.status_code == 400
    assert set(answer.context["form"].errors) == {"name", "role", "lifetime_days"}
    assert not ApiClient.objects.exists()


def test_clients_are_not_people() -> None:
    admin = _admin()
    client, _ = registered_api_client(admin)
    browser = Client()
    browser.force_login(admin)
    assert client.name not in browser.get("/account/people/").content.decode()
    assert browser.get(f"/account/people/{client.user_id}/").status_code == 404
    assert browser.get(f"/account/people/roles/{client.membership_id}/remove/").status_code == 404
