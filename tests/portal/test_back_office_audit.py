"""Issue 9 defect 3 and issue 8: the back office works under Django's model permissions, and every
change made there (people, organisations, memberships and their roles) is audited in the same
transaction; switching the organisation acted for is audited too."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import cast

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from fps_portal.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SeniorPosition,
    User,
)
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.factories import UserFactory, authority, person

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """The values a browser would send for the page's main form, as Django admin rendered it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form(browser: Client, url: str) -> dict[str, list[str]]:
    page = browser.get(url)
    assert page.status_code == 200, page.status_code
    parser = _FormValues()
    parser.feed(page.content.decode())
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


def _errors(response: object) -> str:
    """The admin form's errors, for a failing assertion's message."""
    context = getattr(response, "context", None) or {}
    adminform = context.get("adminform")
    inlines = context.get("inline_admin_formsets") or []
    return repr((adminform.form.errors if adminform else None, [i.formset.errors for i in inlines]))


def _staff(*permissions: str) -> Client:
    user = UserFactory(email="backoffice@nwsend.example", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    browser = Client()
    browser.force_login(user)
    return browser


def _superuser() -> tuple[User, Client]:
    user = UserFactory(email="root@nwsend.example", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(user)
    return user, browser


def _back_office_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(reason__startswith="Back office").order_by("id"))


def _membership_url(membership: Membership, action: str = "change") -> str:
    return f"/back-office/accounts/membership/{membership.pk}/{action}/"


def test_a_staff_account_without_permissions_cannot_see_or_change_a_membership() -> None:
    membership = person(Role.COMMISSIONER).memberships.get()
    browser = _staff()
    assert browser.get(_membership_url(membership)).status_code == 403
    posted = browser.post(
        _membership_url(membership),
        {
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "role": Role.LEAD_EVALUATOR,
        },
    )
    assert posted.status_code == 403
    assert browser.post(_membership_url(membership, "delete"), {"post": "yes"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.COMMISSIONER
    assert _back_office_events() == []


def test_viewing_permission_is_not_changing_permission() -> None:
    membership = person(Role.COMMISSIONER).memberships.get()
    browser = _staff("view_membership")
    assert browser.get(_membership_url(membership)).status_code == 200
    posted = browser.post(
        _membership_url(membership),
        {
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "role": Role.LEAD_EVALUATOR,
            "created_at_0": "2026-01-01",
            "created_at_1": "09:00:00",
        },
    )
    assert posted.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.COMMISSIONER
    assert _back_office_events() == []


def test_a_role_changed_in_the_back_office_is_audited_with_before_and_after() -> None:
    membership = person(Role.COMMISSIONER).memberships.get()
    browser = _staff("view_membership", "change_membership")
    values = _form(browser, _membership_url(membership))
    values["role"] = [Role.QA_OFFICER]
    response = browser.post(_membership_url(membership), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.role == Role.QA_OFFICER
    [event] = _back_office_events()
    assert (event.verb, event.object_type, event.object_id) == (
        AuditVerb.UPDATED,
        "accounts.membership",
        str(membership.pk),
    )
    assert event.before == {"role": Role.COMMISSIONER}
    assert event.after == {"role": Role.QA_OFFICER}
    assert event.actor is not None and event.actor.email == "backoffice@nwsend.example"
    assert event.organisation_id is None  # the back office acts for no organisation


def test_staff_status_and_a_membership_changed_on_a_users_page_are_both_audited() -> None:
    person_changed = person(Role.COMMISSIONER)
    membership = person_changed.memberships.get()
    _, browser = _superuser()
    url = f"/back-office/accounts/user/{person_changed.pk}/change/"
    values = _form(browser, url)
    values["is_staff"] = ["on"]
    [role_field] = [name for name in values if name.startswith("memberships-0-role")]
    values[role_field] = [Role.SENIOR_MANAGER]
    values[role_field.replace("role", "senior_position")] = [SeniorPosition.DCS]
    response = browser.post(url, values)
    assert response.status_code == 302, _errors(response)
    events = {(e.object_type, e.object_id): e for e in _back_office_events()}
    user_event = events[("accounts.user", str(person_changed.pk))]
    assert (user_event.before, user_event.after) == ({"is_staff": False}, {"is_staff": True})
    membership_event = events[("accounts.membership", str(membership.pk))]
    assert membership_event.before == {"role": Role.COMMISSIONER, "senior_position": ""}
    assert membership_event.after == {
        "role": Role.SENIOR_MANAGER,
        "senior_position": SeniorPosition.DCS,
    }
    assert all("password" not in (e.after or {}) for e in events.values())


def test_adding_and_deleting_in_the_back_office_are_audited() -> None:
    _, browser = _superuser()
    response = browser.post(
        "/back-office/accounts/organisation/add/",
        {"kind": OrganisationKind.PROVIDER, "name": "Hillside Care Ltd"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(name="Hillside Care Ltd")
    membership = Membership.objects.create(
        user=cast(User, UserFactory()), organisation=organisation, role=Role.PROVIDER_USER
    )
    deleted = browser.post(_membership_url(membership, "delete"), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    added, removed = _back_office_events()
    assert (added.verb, added.object_id, added.after["name"]) == (
        AuditVerb.CREATED,
        str(organisation.pk),
        "Hillside Care Ltd",
    )
    assert (removed.verb, removed.object_type, removed.object_id) == (
        AuditVerb.DELETED,
        "accounts.membership",
        str(membership.pk),
    )
    assert removed.before["role"] == Role.PROVIDER_USER and removed.after is None


def test_the_delete_selected_action_audits_each_membership() -> None:
    first = person(Role.COMMISSIONER).memberships.get()
    second = person(Role.QA_OFFICER).memberships.get()
    _, browser = _superuser()
    response = browser.post(
        "/back-office/accounts/membership/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert sorted(e.object_id for e in _back_office_events() if e.verb == AuditVerb.DELETED) == (
        sorted([str(first.pk), str(second.pk)])
    )


def test_a_password_set_in_the_back_office_is_audited_without_the_hash() -> None:
    target = person(Role.COMMISSIONER)
    _, browser = _superuser()
    response = browser.post(
        f"/back-office/accounts/user/{target.pk}/password/",
        {"password1": "A-new-long-passphrase-91", "password2": "A-new-long-passphrase-91"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = _back_office_events()
    assert event.object_id == str(target.pk) and "password set" in event.reason
    assert "pbkdf2" not in str(event.before) + str(event.after)


def test_switching_organisation_is_audited(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    first = user.memberships.get()
    second = Membership.objects.create(
        user=user, organisation=authority("Blackpool"), role=Role.QA_OFFICER
    )
    client.force_login(user)
    assert client.post("/account/organisation/", {"membership": second.pk}).status_code == 302
    event = AuditEvent.objects.get(verb=AuditVerb.SWITCHED_ORGANISATION)
    assert (event.actor_id, event.organisation_id, event.role) == (
        user.pk,
        second.organisation_id,
        Role.QA_OFFICER,
    )
    assert (event.before, event.after) == ({"membership": first.pk}, {"membership": second.pk})
    assert "Blackpool" in event.reason
    # A refused choice (not the user's own membership) records nothing.
    other = person(Role.COMMISSIONER).memberships.get()
    assert client.post("/account/organisation/", {"membership": other.pk}).status_code == 400
    assert AuditEvent.objects.filter(verb=AuditVerb.SWITCHED_ORGANISATION).count() == 1


def test_removing_a_persons_authenticator_app_is_audited_without_its_key() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _, browser = _superuser()
    owner = cast(User, UserFactory(email="lost.phone@sefton.example"))
    device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)
    deleted = browser.post(f"/back-office/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302, deleted.content.decode()[:2000]
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    (removed,) = _back_office_events()
    assert (removed.verb, removed.object_type, removed.object_id) == (
        AuditVerb.DELETED,
        "otp_totp.totpdevice",
        str(device.pk),
    )
    assert removed.before["name"] == "Phone" and "key" not in removed.before
    assert device.key not in str(removed.before)
