"""Sign in, sign out and password reset: GOV.UK pages that say nothing about who has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from fps_portal.accounts.models import Role, User
from tests.factories import PASSWORD, person

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


def _main(html: str) -> str:
    """The page's <main> element, where the csrf token and echoed input do not differ."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def test_sign_in_page_uses_govuk_labels_and_the_service_name(client: Client) -> None:
    response = client.get(SIGN_IN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in – North West SEND Placements</title>" in html
    assert '<label class="govuk-label" for="id_username">Email address</label>' in html
    assert '<label class="govuk-label" for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "govuk-error-summary" not in html
    assert 'href="#main-content" class="govuk-skip-link"' in html


def test_a_bad_password_shows_the_error_summary_linked_to_the_field(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    response = client.post(SIGN_IN, {"username": user.email, "password": "not-the-password"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="govuk-error-summary"') == 1
    assert "<title>Error: Sign in" in html
    assert '<a href="#id_username">Enter a correct email address and password.' in html
    assert "_auth_user_id" not in client.session


def test_the_errors_do_not_say_whether_the_email_has_an_account(client: Client) -> None:
    user = person(Role.COMMISSIONER)
    known = client.post(SIGN_IN, {"username": user.email, "password": "wrong-password"})
    unknown_email = "nobody-" + user.email
    unknown = client.post(SIGN_IN, {"username": unknown_email, "password": "wrong-password"})
    assert known.status_code == unknown.status_code == 200
    # Identical pages apart from the e-mail typed back into the field.
    known_main = _main(known.content.decode()).replace(user.email, "EMAIL")
    unknown_main = _main(unknown.content.decode()).replace(unknown_email, "EMAIL")
    known_main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", known_main)
    unknown_main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", unknown_main)
    assert known_main == unknown_main


def test_empty_fields_get_govuk_messages(client: Client) -> None:
    html = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_an_inactive_user_cannot_sign_in_and_is_told_nothing_more(client: Client) -> None:
    user = person(Role.COMMISSIONER, is_active=False)
    html = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD}).content.decode()
    assert "Enter a correct email address and password." in html
    assert "deactivated" not in html
    assert "_auth_user_id" not in client.session


def test_sign_in_with_any_case_of_the_email_then_sign_out(client: Client) -> None:
    # A provider user signs in with a password alone; authority users' second step is tested in
    # test_second_factor.py.
    user = person(Role.PROVIDER_USER)
    response = client.post(SIGN_IN, {"username": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/dashboard/").status_code == 200

    assert client.get("/account/sign-out/").status_code == 405  # only a POST signs out
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/")["Location"].startswith(SIGN_IN)


def test_sign_in_goes_back_to_a_safe_next_page_only(client: Client) -> None:
    user = person(Role.PROVIDER_USER)
    response = client.get("/notifications/")
    assert response["Location"] == f"{SIGN_IN}?next=/notifications/"
    form = client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/notifications/">' in form
    signed_in = client.post(
        f"{SIGN_IN}?next=/notifications/",
        {"username": user.email, "password": PASSWORD, "next": "/notifications/"},
    )
    assert signed_in["Location"] == "/notifications/"
    client.post("/account/sign-out/")
    elsewhere = client.post(
        SIGN_IN, {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == "/dashboard/"


def test_a_signed_in_user_visiting_sign_in_goes_to_the_dashboard(client: Client) -> None:
    client.force_login(person(Role.QA_OFFICER))
    assert client.get(SIGN_IN)["Location"] == "/dashboard/"


def test_password_reset_emails_a_link_that_sets_a_new_password(client: Client) -> None:
    user = person(Role.PROVIDER_USER)
    response = client.post("/account/password-reset/", {"email": user.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "North West SEND Placements" in message.subject
    link = re.search(r"http://testserver(/account/password-reset/\S+/\S+/)", str(message.body))
    assert link is not None, message.body

    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    set_password_url = confirm.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")
    page = confirm.content.decode()
    assert "Choose a new password" in page
    assert 'for="id_new_password1">New password</label>' in page

    mismatch = client.post(
        set_password_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "something-else-entirely"},
    )
    assert mismatch.status_code == 200
    assert "govuk-error-summary" in mismatch.content.decode()

    done = client.post(
        set_password_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done["Location"] == "/account/password-reset/complete/"
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")
    # The link works once.
    reused = client.get(link.group(1), follow=True).content.decode()
    assert "This link does not work" in reused


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    client: Client,
) -> None:
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == []


def test_password_reset_with_a_bad_email_shows_the_error(client: Client) -> None:
    html = client.post("/account/password-reset/", {"email": "not-an-email"}).content.decode()
    assert '<a href="#id_email">Enter an email address in the correct format' in html
    assert mail.outbox == []


def test_a_user_created_with_a_mixed_case_email_is_stored_in_lower_case(
    django_user_model: type[User],
) -> None:
    user = django_user_model.objects.create_user("Mixed.Case@Example.org", PASSWORD, full_name="M")
    assert user.email == "mixed.case@example.org"
