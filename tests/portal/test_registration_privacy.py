"""Registering a provider (issue 9, defect 6): the page answers the same whether or not the
e-mail has an account, the owner of an existing address is told by e-mail instead, nothing is
created until the e-mailed link is followed with the registration's password, and registrations
are limited per address and per e-mail."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import Organisation, PendingRegistration, Role, User
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.factories import person

pytestmark = pytest.mark.django_db

REGISTER = "/onboarding/register/"
PASSPHRASE = "a-long-unusual-passphrase-42"
LINK = re.compile(r"https?://[^/\s]+(/onboarding/register/confirm/\S+/)")


def _form(email: str, name: str = "Harbour Schools", **overrides: str) -> dict[str, str]:
    return {
        "full_name": "Jo Hale",
        "email": email,
        "password": PASSPHRASE,
        "name": name,
        "legal_name": f"{name} Ltd",
        "companies_house_number": "08765432",
        "charity_number": "",
        "address": "1 Quay Street, Wigan",
        "postcode": "WN1 1AA",
        "contact_email": "office@harbour.example",
        "contact_phone": "",
        **overrides,
    }


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_an_existing_address_gets_the_same_answer_and_an_email_instead() -> None:
    existing = person(Role.COMMISSIONER)
    new_email = "jo@harbour.example"
    answers = {}
    for email, name in ((existing.email, "Harbour Schools"), (new_email, "Quay Schools")):
        browser = Client()
        response = browser.post(REGISTER, _form(email, name=name))
        assert response.status_code == 302
        assert response["Location"] == "/onboarding/register/sent/"
        page = browser.get(response["Location"])
        answers[email] = _main(page.content.decode()).replace(email, "EMAIL")
        assert "_auth_user_id" not in browser.session
    assert answers[existing.email] == answers[new_email]
    assert "Check your email" in answers[new_email]

    to_existing, to_new = mail.outbox
    assert to_existing.to == [existing.email]
    assert "already has an account" in to_existing.body and not LINK.search(to_existing.body)
    assert to_new.to == [new_email] and LINK.search(to_new.body)
    # Nothing for the existing address is kept or changed.
    assert list(PendingRegistration.objects.values_list("email", flat=True)) == [new_email]
    assert not Organisation.objects.filter(name__in=["Harbour Schools", "Quay Schools"]).exists()
    assert User.objects.filter(email=existing.email).get().memberships.count() == 1


def test_the_link_with_the_password_creates_the_account_and_signs_in() -> None:
    Client().post(REGISTER, _form("jo@harbour.example"))
    path = LINK.search(mail.outbox[0].body).group(1)
    assert "password" not in str(PendingRegistration.objects.get().details)

    browser = Client()
    page = browser.get(path).content.decode()
    assert "Finish registering Harbour Schools" in page
    assert '<label class="govuk-label" for="id_password">Password</label>' in page
    wrong = browser.post(path, {"password": "not-the-passphrase"})
    assert wrong.status_code == 400
    assert '<a href="#id_password">Enter the password you chose' in wrong.content.decode()
    assert not User.objects.filter(email="jo@harbour.example").exists()

    done = browser.post(path, {"password": PASSPHRASE})
    assert done["Location"] == "/onboarding/applications/"
    user = User.objects.get(email="jo@harbour.example")
    assert browser.session["_auth_user_id"] == str(user.pk)
    assert user.memberships.get().organisation.name == "Harbour Schools"
    assert user.check_password(PASSPHRASE)
    assert not PendingRegistration.objects.exists()
    assert AuditEvent.objects.filter(
        verb=AuditVerb.CREATED, reason="Provider registered itself"
    ).exists()
    # The link works once.
    assert Client().get(path).status_code == 404


def test_someone_else_cannot_finish_a_registration_without_its_password() -> None:
    Client().post(REGISTER, _form("jo@harbour.example"))
    path = LINK.search(mail.outbox[0].body).group(1)
    for n in range(5):
        Client().post(path, {"password": f"guess-{n}"})
    # After five wrong passwords the registration is given up.
    assert Client().get(path).status_code == 404
    assert not PendingRegistration.objects.exists()
    assert Client().post(path, {"password": PASSPHRASE}).status_code == 404
    assert not User.objects.filter(email="jo@harbour.example").exists()


def test_registrations_are_limited_per_email() -> None:
    rate = int(settings.REGISTRATION_RATE_PER_EMAIL.split("/")[0])
    for n in range(rate):
        response = Client().post(
            REGISTER, _form("jo@harbour.example", name=f"School {n}"), REMOTE_ADDR=f"203.0.113.{n}"
        )
        assert response.status_code == 302
    refused = Client().post(REGISTER, _form("JO@harbour.example"), REMOTE_ADDR="203.0.113.99")
    assert refused.status_code == 429
    assert "Registering has been asked for too many times" in refused.content.decode()
    assert len(mail.outbox) == rate


def test_registrations_are_limited_per_address() -> None:
    rate = int(settings.REGISTRATION_RATE_PER_ADDRESS.split("/")[0])
    for n in range(rate):
        response = Client().post(
            REGISTER,
            _form(f"person{n}@harbour.example", name=f"School {n}"),
            REMOTE_ADDR="192.0.2.1",
        )
        assert response.status_code == 302
    assert (
        Client().post(REGISTER, _form("late@harbour.example"), REMOTE_ADDR="192.0.2.1").status_code
        == 429
    )
    assert (
        Client().post(REGISTER, _form("late@harbour.example"), REMOTE_ADDR="192.0.2.2").status_code
        == 302
    )
    assert AuditEvent.objects.filter(verb=AuditVerb.RATE_LIMITED).count() == 1
