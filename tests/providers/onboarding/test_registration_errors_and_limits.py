"""Issue 10: registration shows every error in one round; no form in the service cuts text with
`maxlength`, the server says "<Field> must be N characters or fewer"; phone numbers are checked
and stored in one form."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import Organisation, PendingRegistration
from fps_portal.phones import PHONE_INVALID, normalise_phone, phone_for_display
from tests.providers.onboarding import states

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "full_name": "Kim Tran",
    "email": "kim@brightpath.example",
    "password": "a-long-unusual-passphrase-42",
    "name": "Brightpath Schools",
    "legal_name": "Brightpath Schools Ltd",
    "companies_house_number": "08765432",
    "charity_number": "",
    "address": "1 High Street, Wigan",
    "postcode": "WN1 1AA",
    "contact_email": "office@brightpath.example",
    "contact_phone": "01942 496000",
}


def _errors(page: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))


def test_a_form_error_and_a_service_error_show_in_the_same_round():
    # Before: the too-long name (the form's) showed first, and the weak password, the bad
    # company number and the phone (the service's) only once that was put right.
    response = Client().post(
        "/onboarding/register/",
        {
            **REGISTRATION,
            "full_name": "K" * 201,
            "password": "password",
            "companies_house_number": "123",
            "contact_phone": "12345",
        },
    )
    assert response.status_code == 400
    fields = {anchor for anchor, _ in _errors(response.content.decode())}
    assert {
        "id_full_name",
        "id_password",
        "id_companies_house_number",
        "id_contact_phone",
    } <= fields
    assert not PendingRegistration.objects.exists()


def test_no_form_field_has_maxlength_and_the_server_gives_the_govuk_message(client):
    page = Client().get("/onboarding/register/").content.decode()
    assert "maxlength" not in page
    ready = states.provider()
    client.force_login(ready.user)
    for url in (
        "/settings/new/",
        f"/settings/{ready.setting.pk}/edit/",
        "/onboarding/evidence/new/",
    ):
        assert "maxlength" not in client.get(url).content.decode(), url
    response = Client().post("/onboarding/register/", {**REGISTRATION, "legal_name": "L" * 201})
    assert ("id_legal_name", "The legal name must be 200 characters or fewer.") in _errors(
        response.content.decode()
    )


def test_a_field_without_its_own_message_gets_the_govuk_one(client):
    ready = states.provider()
    client.force_login(ready.user)
    response = client.post(f"/settings/{ready.setting.pk}/withdraw/", {"reason": "x" * 1001})
    assert response.status_code == 400
    assert (
        "id_reason",
        "Why are you withdrawing this setting must be 1000 characters or fewer.",
    ) in _errors(response.content.decode())


def test_the_phone_number_is_checked_and_stored_in_one_form():
    response = Client().post("/onboarding/register/", {**REGISTRATION, "contact_phone": "01234"})
    assert ("id_contact_phone", PHONE_INVALID) in _errors(response.content.decode())
    browser = Client()
    response = browser.post(
        "/onboarding/register/", {**REGISTRATION, "contact_phone": "+44 (0)1942 496000"}
    )
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/onboarding/register/confirm/\S+/)", mail.outbox[-1].body)
    assert link is not None
    browser.post(link.group(1), {"password": REGISTRATION["password"]})
    assert Organisation.objects.get(name="Brightpath Schools").contact_phone == "+441942496000"


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0161 496 0000", "+441614960000", "0161 496 0000"),
        ("+44 161 4960000", "+441614960000", "0161 496 0000"),
        ("+1 650 253 0000", "+16502530000", "+1 650-253-0000"),
        ("", "", ""),
    ],
)
def test_phone_numbers_are_read_as_uk_by_default(typed: str, stored: str, shown: str):
    assert normalise_phone(typed) == stored
    assert phone_for_display(stored) == shown
