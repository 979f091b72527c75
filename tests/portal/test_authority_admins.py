"""Authority administrators run their own authority's people (ADR 0015): invitations (a signed,
expiring, single-use link), roles and senior positions, leavers; all audited, never another
authority's, and one administrator always remains."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from fps_portal.accounts.models import Membership, Role, SeniorPosition, User
from fps_portal.accounts.services.people import (
    colleague_invite,
    person_deactivate,
    role_give,
    role_remove,
    senior_position_change,
)
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from tests.factories import api_client_for, authority, lead_authority, person
from tests.providers.onboarding.factories import actor

pytestmark = pytest.mark.django_db


def _admin(name: str = "Sefton") -> User:
    return person(Role.AUTHORITY_ADMIN, authority(name))


def _invite(admin: User, email: str = "new.officer@sefton.example", **kw: str) -> Membership:
    kw.setdefault("role", Role.COMMISSIONER)
    return colleague_invite(actor=actor(admin), email=email, full_name="Nia Jones", **kw)


def _link(user: User) -> str:
    notification = Notification.objects.filter(recipient=user).latest("created_at")
    return notification.url


# -- invitations ---------------------------------------------------------------------------------


def test_an_invitation_creates_the_account_with_its_role_and_emails_a_set_password_link() -> None:
    admin = _admin()
    membership = _invite(admin, role=Role.SENIOR_MANAGER, senior_position=SeniorPosition.DCS)
    assert membership.organisation == authority("Sefton")
    assert (membership.role, membership.senior_position) == (Role.SENIOR_MANAGER, "dcs")
    assert not membership.user.has_usable_password()
    assert re.fullmatch(r"/account/password-reset/[^/]+/[^/]+/", _link(membership.user))
    verbs = set(AuditEvent.objects.filter(actor=admin).values_list("verb", flat=True))
    assert {AuditVerb.INVITED, AuditVerb.CREATED} <= verbs


def test_the_invitee_sets_a_password_once_then_must_set_up_an_authenticator_app(
    client: Client,
) -> None:
    membership = _invite(_admin())
    link = _link(membership.user)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = {
        "new_password1": "a-long-unusual-pass-2026",
        "new_password2": "a-long-unusual-pass-2026",
    }
    done = client.post(form.redirect_chain[-1][0], new_password)
    assert done.status_code == 302
    # The link works once: used again, it is refused.
    again = Client().get(link, follow=True)
    assert "validlink" in again.context and not again.context["validlink"]
    # Signing in with the new password leads to setting up the authenticator app.
    signed_in = Client().post(
        "/account/sign-in/",
        {"username": "new.officer@sefton.example", "password": "a-long-unusual-pass-2026"},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"].startswith("/account/set-up-authenticator/")


def test_an_invitation_link_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    membership = _invite(_admin())
    link = _link(membership.user)
    later = datetime.datetime.now() + datetime.timedelta(days=4)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    answer = Client().get(link, follow=True)
    assert not answer.context["validlink"]


def test_inviting_again_before_the_first_sign_in_sends_a_fresh_link_and_nothing_else() -> None:
    admin = _admin()
    first = _invite(admin)
    again = _invite(admin)
    assert again == first
    assert Notification.objects.filter(recipient=first.user).count() == 2
    assert Membership.objects.filter(user=first.user).count() == 1


@pytest.mark.parametrize(
    "existing",
    [
        lambda: person(Role.COMMISSIONER, authority("Blackpool")),  # another authority's
        lambda: person(Role.PROVIDER_USER),
        lambda: person(Role.COMMISSIONER, authority("Sefton")),  # already here
    ],
)
def test_an_existing_account_cannot_be_invited_and_nothing_is_written(existing) -> None:  # type: ignore[no-untyped-def]
    admin = _admin()
    user = existing()
    memberships = Membership.objects.count()
    audit = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _invite(admin, email=user.email.upper())
    assert "email" in refused.value.fields
    assert Membership.objects.count() == memberships
    assert AuditEvent.objects.count() == audit


def test_an_administrator_invites_only_into_their_own_authority_and_roles_it_can_hold() -> None:
    admin = _admin("Sefton")  # not the lead authority
    with pytest.raises(InvalidInput) as refused:
        _invite(admin, role=Role.LEAD_EVALUATOR)
    assert "role" in refused.value.fields
    with pytest.raises(InvalidInput):
        _invite(admin, role=Role.PROVIDER_USER)
    with pytest.raises(InvalidInput) as refused:
        _invite(admin, role=Role.SENIOR_MANAGER)  # no position
    assert "senior_position" in refused.value.fields
    assert not User.objects.filter(email="new.officer@sefton.example").exists()


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER, Role.LEAD_EVALUATOR]
)
def test_no_other_role_may_manage_people(role: str) -> None:
    organisation = lead_authority() if role == Role.LEAD_EVALUATOR else authority("Sefton")
    with pytest.raises(NotAllowed):
        _invite(person(role, organisation))


# -- roles and senior positions ----------------------------------------------------------------


def test_roles_are_given_and_removed_with_a_reason_and_audited() -> None:
    admin = _admin()
    colleague = person(Role.COMMISSIONER, authority("Sefton"))
    given = role_give(
        actor=actor(admin), person=colleague, role=Role.QA_OFFICER, reason="Covers QA visits"
    )
    assert given.is_active
    with pytest.raises(InvalidInput):
        role_give(actor=actor(admin), person=colleague, role=Role.QA_OFFICER)
    removed = role_remove(actor=actor(admin), membership=given, reason="Back to placements")
    assert not removed.is_active and removed.ended_at is not None
    events = AuditEvent.objects.filter(object_type="accounts.membership", object_id=str(given.pk))
    assert {e.verb for e in events} == {AuditVerb.ROLE_GIVEN, AuditVerb.ROLE_REMOVED}
    assert events.get(verb=AuditVerb.ROLE_REMOVED).reason == "Back to placements"
    # Given again later, the same membership comes back.
    again = role_give(actor=actor(admin), person=colleague, role=Role.QA_OFFICER)
    assert again.pk == given.pk and again.is_active and again.ended_at is None


def test_a_senior_position_is_changed_and_audited() -> None:
    admin = _admin()
    manager = person(Role.SENIOR_MANAGER, authority("Sefton")).memberships.get()
    changed = senior_position_change(
        actor=actor(admin), membership=manager, senior_position=SeniorPosition.CSW_SERVICE_MANAGER
    )
    assert changed.senior_position == SeniorPosition.CSW_SERVICE_MANAGER
    event = AuditEvent.objects.get(verb=AuditVerb.UPDATED, object_id=str(manager.pk))
    assert (event.before["senior_position"], event.after["senior_position"]) == (
        "dcs",
        "csw_service_manager",
    )
    with pytest.raises(InvalidInput):
        senior_position_change(actor=actor(admin), membership=manager, senior_position="")


def test_another_authoritys_people_are_out_of_reach() -> None:
    admin = _admin("Sefton")
    elsewhere = person(Role.COMMISSIONER, authority("Blackpool"))
    with pytest.raises(NotAllowed):
        role_give(actor=actor(admin), person=elsewhere, role=Role.QA_OFFICER)
    with pytest.raises(NotAllowed):
        person_deactivate(actor=actor(admin), person=elsewhere, reason="Left")
    with pytest.raises(NotAllowed):
        role_remove(actor=actor(admin), membership=elsewhere.memberships.get(), reason="x")
    assert elsewhere.memberships.get().is_active


def test_the_pages_answer_404_for_another_authoritys_person(client: Client) -> None:
    admin = _admin("Sefton")
    elsewhere = person(Role.COMMISSIONER, authority("Blackpool"))
    client.force_login(admin)
    assert client.get(f"/account/people/{elsewhere.pk}/").status_code == 404
    membership = elsewhere.memberships.get()
    assert client.get(f"/account/people/roles/{membership.pk}/remove/").status_code == 404
    listing = client.get("/account/people/")
    assert listing.status_code == 200
    assert elsewhere.email not in listing.content.decode()


# -- leavers and the last administrator ----------------------------------------------------------


def test_deactivating_a_leaver_ends_their_roles_session_and_api_token() -> None:
    admin = _admin()
    leaver = person(Role.COMMISSIONER, authority("Sefton"))
    person_role = role_give(actor=actor(admin), person=leaver, role=Role.QA_OFFICER)
    browser = Client()
    browser.force_login(leaver)
    api = api_client_for(leaver)
    assert browser.get("/dashboard/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 200
    ended = person_deactivate(actor=actor(admin), person=leaver, reason="Left the council")
    assert {m.pk for m in ended} == {person_role.pk, leaver.memberships.first().pk} or len(
        ended
    ) == 2
    assert not leaver.memberships.filter(is_active=True).exists()
    assert browser.get("/dashboard/").status_code == 403  # no membership left to act for
    assert api.get("/api/v1/me/").status_code == 401  # the token went with the last role
    assert AuditEvent.objects.filter(verb=AuditVerb.DEACTIVATED).count() == 2


def test_a_leaver_keeps_their_roles_in_other_organisations() -> None:
    admin = _admin("Sefton")
    leaver = person(Role.COMMISSIONER, authority("Sefton"))
    elsewhere = Membership.objects.create(
        user=leaver, organisation=authority("Blackpool"), role=Role.COMMISSIONER
    )
    person_deactivate(actor=actor(admin), person=leaver, reason="Moved to Blackpool")
    elsewhere.refresh_from_db()
    assert elsewhere.is_active
    browser = Client()
    browser.force_login(leaver)
    people = browser.get("/dashboard/")
    assert people.status_code == 200 and "Blackpool" in people.content.decode()


def test_the_last_administrator_cannot_be_removed_or_deactivated() -> None:
    admin = _admin()
    own = admin.memberships.get()
    with pytest.raises(WrongState):
        role_remove(actor=actor(admin), membership=own, reason="Handing over")
    with pytest.raises(WrongState):
        person_deactivate(actor=actor(admin), person=admin, reason="Leaving")
    assert own.is_active
    # With a second administrator, the first may go.
    second = person(Role.AUTHORITY_ADMIN, authority("Sefton"))
    role_remove(actor=actor(second), membership=own, reason="Handing over")
    own.refresh_from_db()
    assert not own.is_active
    with pytest.raises(WrongState):
        role_remove(actor=actor(second), membership=second.memberships.get(), reason="x")


def test_the_last_administrator_rule_shows_on_the_page(client: Client) -> None:
    admin = _admin()
    client.force_login(admin)
    own = admin.memberships.get()
    answer = client.post(f"/account/people/roles/{own.pk}/remove/", {"reason": "Handing over"})
    assert answer.status_code == 400
    assert "only administrator" in answer.content.decode()


# -- the pages, walked ---------------------------------------------------------------------------


def test_an_administrator_walks_invite_give_role_and_deactivate(client: Client) -> None:
    admin = _admin()
    client.force_login(admin)
    assert client.get("/account/people/invite/").status_code == 200
    sent = client.post(
        "/account/people/invite/",
        {"full_name": "Nia Jones", "email": "nia@sefton.example", "role": Role.QA_OFFICER},
    )
    assert sent.status_code == 302
    nia = User.objects.get(email="nia@sefton.example")
    page = client.get(f"/account/people/{nia.pk}/").content.decode()
    assert "Invited" in page and "QA officer" in page
    given = client.post(
        f"/account/people/{nia.pk}/give-role/",
        {"role": Role.SENIOR_MANAGER, "senior_position": "dcs", "reason": "Acting DCS"},
    )
    assert given.status_code == 302
    assert nia.memberships.filter(role=Role.SENIOR_MANAGER, senior_position="dcs").exists()
    empty = client.post(f"/account/people/{nia.pk}/deactivate/", {})
    assert empty.status_code == 400 and "Enter the reason" in empty.content.decode()
    gone = client.post(f"/account/people/{nia.pk}/deactivate/", {"reason": "Left"})
    assert gone.status_code == 302
    assert not nia.memberships.filter(is_active=True).exists()


def test_a_bad_invitation_says_so_at_the_field_and_writes_nothing(client: Client) -> None:
    client.force_login(_admin())
    answer = client.post(
        "/account/people/invite/", {"full_name": "", "email": "not-an-address", "role": ""}
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert (
        "Enter your colleague&#x27;s full name." in body
        or "Enter your colleague's full name." in body
    )
    assert "Select a role." in body
    assert not User.objects.filter(email="not-an-address").exists()


def test_people_pages_refuse_everyone_but_administrators(client: Client) -> None:
    client.force_login(person(Role.COMMISSIONER, authority("Sefton")))
    assert client.get("/account/people/").status_code == 403
    assert client.get("/account/api-clients/").status_code == 403
