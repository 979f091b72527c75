"""Defence against password guessing (issue 9, defect 6): django-axes locks an e-mail out from an
address after AXES_FAILURE_LIMIT wrong passwords, so the right one is refused too; colleagues
behind the same council address are not affected; every account has a ceiling across addresses;
password reset and the API are rate-limited; lockouts are audited."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.factories import PASSWORD, api_client_for, person

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
COUNCIL = "192.0.2.10"  # one council's shared address
ELSEWHERE = "198.51.100.7"
SCHEMA = "/api/v1/schema/"


def _sign_in(client: Client, email: str, password: str, address: str = COUNCIL, **extra: str):
    return client.post(
        SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=address, **extra
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in() -> None:
    user = person(Role.PROVIDER_USER)
    client = Client()
    statuses = [_sign_in(client, user.email, f"wrong-{n}").status_code for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    # The form answers until the limit is reached; from then on, the lockout page.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}

    right = _sign_in(client, user.email, PASSWORD)
    assert right.status_code == 429
    assert not _signed_in(client)
    page = right.content.decode()
    assert "<title>You cannot sign in at the moment – North West SEND Placements</title>" in page
    assert f"try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert 'href="/account/password-reset/"' in page


def test_the_lockout_does_not_depend_on_the_case_or_spaces_of_the_email() -> None:
    user = person(Role.PROVIDER_USER)
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        typed = user.email.upper() if n % 2 else f"  {user.email} "
        _sign_in(client, typed, f"wrong-{n}")
    assert _sign_in(client, user.email, PASSWORD).status_code == 429


def test_a_colleague_at_the_same_council_address_is_not_locked_out() -> None:
    victim, colleague = person(Role.COMMISSIONER), person(Role.COMMISSIONER)
    for n in range(settings.AXES_FAILURE_LIMIT + 5):
        _sign_in(Client(), victim.email, f"wrong-{n}")
    assert _sign_in(Client(), victim.email, PASSWORD).status_code == 429

    client = Client()
    response = _sign_in(client, colleague.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_locked_out_person_can_still_sign_in_from_another_address() -> None:
    user = person(Role.PROVIDER_USER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), user.email, f"wrong-{n}")
    client = Client()
    assert _sign_in(client, user.email, PASSWORD, address=ELSEWHERE).status_code == 302
    assert _signed_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout() -> None:
    user = person(Role.PROVIDER_USER)
    assert settings.TRUSTED_PROXY_COUNT == 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), user.email, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    refused = _sign_in(Client(), user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    user = person(Role.PROVIDER_USER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The proxy appends the address it saw; anything further left is the client's own.
        _sign_in(Client(), user.email, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {COUNCIL}")
    assert (
        _sign_in(
            Client(), user.email, PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR=COUNCIL
        ).status_code
        == 429
    )
    other = Client()
    assert (
        _sign_in(
            other, user.email, PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE
        ).status_code
        == 302
    )


def test_the_lockout_ends_after_the_cool_off(settings) -> None:
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=1)
    user = person(Role.PROVIDER_USER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), user.email, f"wrong-{n}")
    assert _sign_in(Client(), user.email, PASSWORD).status_code == 429
    time.sleep(1.5)
    client = Client()
    assert _sign_in(client, user.email, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_a_lockout_is_written_to_the_audit_log() -> None:
    user = person(Role.PROVIDER_USER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), user.email, f"wrong-{n}")
    _sign_in(Client(), user.email, PASSWORD)
    lockouts = AuditEvent.objects.filter(verb=AuditVerb.LOCKED_OUT)
    assert lockouts.count() == 2  # when it locked, and the refused right password
    assert all(user.email in e.reason and COUNCIL in e.reason for e in lockouts)
    failed = AuditEvent.objects.filter(verb=AuditVerb.SIGNED_IN_FAILED).first()
    assert failed is not None and COUNCIL in failed.reason
    assert not AuditEvent.objects.filter(verb=AuditVerb.SIGNED_IN).exists()


def test_every_account_has_a_ceiling_across_all_addresses(settings) -> None:
    settings.SIGN_IN_ACCOUNT_RATE = "5/h"
    user = person(Role.PROVIDER_USER)
    for n in range(5):
        assert (
            _sign_in(Client(), user.email, f"wrong-{n}", address=f"203.0.113.{n}").status_code
            == 200
        )
    client = Client()
    refused = _sign_in(client, user.email, PASSWORD, address="203.0.113.99")
    assert refused.status_code == 429
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(
        verb=AuditVerb.LOCKED_OUT, reason__contains="all addresses"
    ).exists()


def test_the_back_office_login_page_sends_people_to_the_limited_sign_in() -> None:
    # One way in: the back office's own login form would be a second, unlimited door.
    response = Client().post(
        "/back-office/login/?next=/back-office/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=%2Fback-office%2F"


def test_a_locked_out_administrator_cannot_reach_the_back_office() -> None:
    admin = person(Role.COMMISSIONER, is_staff=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), admin.email, f"wrong-{n}")
    client = Client()
    assert _sign_in(client, admin.email, PASSWORD).status_code == 429
    chain = client.get("/back-office/", follow=True).redirect_chain
    assert chain[-1][0] == "/account/sign-in/?next=%2Fback-office%2F"


# --- Password reset -----------------------------------------------------------------------


def _reset(email: str, address: str = COUNCIL):
    return Client().post("/account/password-reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_limited_per_email(settings) -> None:
    user = person(Role.PROVIDER_USER)
    rate = int(settings.PASSWORD_RESET_RATE_PER_EMAIL.split("/")[0])
    for n in range(rate):
        assert _reset(user.email, address=f"203.0.113.{n}").status_code == 302
    refused = _reset(user.email.upper(), address="203.0.113.99")
    assert refused.status_code == 429
    assert "too many requests" in refused.content.decode()
    assert len(mail.outbox) == rate
    assert AuditEvent.objects.filter(verb=AuditVerb.RATE_LIMITED).count() == 1


def test_password_reset_is_limited_per_address_whether_or_not_accounts_exist(settings) -> None:
    rate = int(settings.PASSWORD_RESET_RATE_PER_ADDRESS.split("/")[0])
    for n in range(rate):
        assert _reset(f"nobody-{n}@example.org").status_code == 302
    assert _reset("someone-else@example.org").status_code == 429
    assert _reset("someone-else@example.org", address=ELSEWHERE).status_code == 302


# --- The API ------------------------------------------------------------------------------


def test_anonymous_api_requests_are_throttled_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF checks permissions before throttles, so an anonymous call to a protected endpoint is
    # refused (401) before it is counted; the throttle guards what anonymous callers may read,
    # here the schema. DRF reads the rates once, at import: the test lowers them where DRF
    # keeps them, so it need not fetch the schema 60 times.
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "60/min"
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "2/min"}
    )
    client = api_client_for(None)
    assert [client.get(SCHEMA, REMOTE_ADDR=COUNCIL).status_code for _ in range(2)] == [200, 200]
    refused = client.get(SCHEMA, REMOTE_ADDR=COUNCIL)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get(SCHEMA, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_each_api_user_is_throttled(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once, at import; the test lowers the user rate where DRF keeps it.
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "3/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    user, other = person(Role.COMMISSIONER), person(Role.COMMISSIONER)
    client = api_client_for(user)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200] * 3
    assert client.get("/api/v1/me/").status_code == 429
    assert api_client_for(other).get("/api/v1/me/").status_code == 200


def test_wrong_tokens_are_limited_per_address_and_then_even_a_right_one_waits() -> None:
    user = person(Role.COMMISSIONER)
    good = api_client_for(user)
    guesser = api_client_for(None)
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["bad_token"].split("/")[0])
    for n in range(rate):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {n:040x}")
        assert guesser.get("/api/v1/me/", REMOTE_ADDR=COUNCIL).status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    assert guesser.get("/api/v1/me/", REMOTE_ADDR=COUNCIL).status_code == 429
    assert good.get("/api/v1/me/", REMOTE_ADDR=COUNCIL).status_code == 429
    assert good.get("/api/v1/me/", REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_the_lockout_page_is_a_govuk_page() -> None:
    user = person(Role.PROVIDER_USER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(Client(), user.email, f"wrong-{n}")
    html = response.content.decode()
    assert response.status_code == 429
    assert re.search(r'<h1 class="govuk-heading-l">You cannot sign in at the moment</h1>', html)
    assert 'href="#main-content" class="govuk-skip-link"' in html


def test_an_address_with_no_account_is_locked_out_the_same_way() -> None:
    # Otherwise the lockout itself would tell a guesser which addresses have accounts.
    user = person(Role.PROVIDER_USER)
    answers = {}
    for email in (user.email, "nobody@example.org"):
        for n in range(settings.AXES_FAILURE_LIMIT):
            response = _sign_in(Client(), email, f"wrong-{n}")
        answers[email] = (response.status_code, response.content.decode().replace(email, "E"))
    assert answers[user.email][0] == answers["nobody@example.org"][0] == 429
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", answers[user.email][1]) == strip.sub("", answers["nobody@example.org"][1])
