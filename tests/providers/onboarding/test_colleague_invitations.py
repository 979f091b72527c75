"""Inviting a colleague: only a new account can be invited (an existing account of any other
organisation, or of none, is refused at the e-mail field with nothing written), re-inviting a
colleague who has not set a password yet sends a fresh link, and the link really sets a
password."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.http import HttpRequest
from django.test import Client

from fps_portal.accounts.models import Membership, Role, User
from fps_portal.errors import InvalidInput
from fps_portal.notifications.models import Notification
from providers.services.registration import colleague_invite
from tests.factories import PASSWORD, UserFactory, person
from tests.providers.onboarding.factories import actor

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def _provider_user(email: str) -> User:
    return person(Role.PROVIDER_USER, email=email)


@pytest.mark.parametrize(
    "role", [Role.PROVIDER_USER, Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.FORUM_MEMBER]
)
def test_another_organisations_user_cannot_be_invited_and_nothing_is_written(role: str) -> None:
    inviter = _provider_user("bids@oakfield.example")
    organisation = actor(inviter).organisation
    assert organisation is not None
    outsider = person(role, email="bids@northshore.example")
    before = _row_counts()
    with pytest.raises(InvalidInput) as error:
        colleague_invite(
            actor=actor(inviter), email="Bids@Northshore.example ", full_name="Sam Lee"
        )
    assert error.value.fields["email"] == [
        "This e-mail address already has an account with another organisation. Ask them to use "
        f"a different address for {organisation.name}."
    ]
    assert _row_counts() == before
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()


def test_an_account_with_no_organisation_such_as_the_platform_administrator_is_refused() -> None:
    inviter = _provider_user("bids@oakfield.example")
    UserFactory(email="admin@nwsend.example", is_staff=True)
    before = _row_counts()
    with pytest.raises(InvalidInput) as error:
        colleague_invite(actor=actor(inviter), email="admin@nwsend.example", full_name="Admin")
    (message,) = error.value.fields["email"]
    assert "already has an account on the portal" in message
    assert _row_counts() == before


def test_the_invite_page_shows_the_refusal_on_the_email_field() -> None:
    inviter = _provider_user("bids@oakfield.example")
    person(Role.PROVIDER_USER, email="bids@northshore.example")
    browser = Client()
    browser.force_login(inviter)
    response = browser.post(
        "/onboarding/colleagues/", {"full_name": "Sam Lee", "email": "bids@northshore.example"}
    )
    assert response.status_code == 400
    assert "already has an account with another organisation" in response.content.decode()
    assert Membership.objects.filter(user__email="bids@northshore.example").count() == 1


def test_re_inviting_a_colleague_who_has_signed_in_says_they_are_already_a_member() -> None:
    inviter = _provider_user("bids@oakfield.example")
    organisation = actor(inviter).organisation
    assert organisation is not None
    person(Role.PROVIDER_USER, organisation=organisation, email="sam@oakfield.example")
    before = _row_counts()
    with pytest.raises(InvalidInput) as error:
        colleague_invite(actor=actor(inviter), email="sam@oakfield.example", full_name="Sam")
    assert error.value.fields["email"] == [
        f"sam@oakfield.example is already a member of {organisation.name}."
    ]
    assert _row_counts() == before


def test_re_inviting_a_colleague_who_never_set_a_password_sends_a_fresh_link_only() -> None:
    inviter = _provider_user("bids@oakfield.example")
    first = colleague_invite(actor=actor(inviter), email="sam@oakfield.example", full_name="Sam")
    memberships, users = Membership.objects.count(), User.objects.count()
    again = colleague_invite(actor=actor(inviter), email="SAM@oakfield.example", full_name="Sam")
    assert again.pk == first.pk
    assert (Membership.objects.count(), User.objects.count()) == (memberships, users)
    links = Notification.objects.filter(recipient=first.user, event_key__startswith="invited:")
    assert links.count() == 2


def test_the_invitation_link_lets_the_colleague_set_a_password_and_sign_in() -> None:
    inviter = _provider_user("bids@oakfield.example")
    colleague_invite(actor=actor(inviter), email="sam@oakfield.example", full_name="Sam Lee")
    invitation = Notification.objects.get(recipient__email="sam@oakfield.example")
    assert "set your password" in invitation.body
    assert invitation.url.startswith("/account/password-reset/")

    browser = Client()
    # Django swaps the token for a session key, then shows the set-password form.
    form_url = browser.get(invitation.url)["Location"]
    assert "Save password" in browser.get(form_url).content.decode()
    done = browser.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/account/password-reset/complete/"
    # django-axes checks every authenticate() against its lockouts, so it needs the request.
    assert Client().login(request=HttpRequest(), username="sam@oakfield.example", password=PASSWORD)
    # The link works once.
    assert "Save password" not in Client().get(invitation.url, follow=True).content.decode()
