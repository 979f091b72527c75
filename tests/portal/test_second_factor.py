"""The second factor (issue 9, MFA gate): every authority account and the back office sign in with
a password and then a code from an authenticator app (TOTP) or a recovery code; someone who has not
set up an app sets one up before any staff page; a password-only session reaches no staff page, on
any route. These tests sign in through the real pages, never with force_login."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fps_portal.accounts.admin_site import BackOfficeSite
from fps_portal.accounts.mfa import OPEN_BEFORE_SECOND_FACTOR
from fps_portal.accounts.models import Role, User
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.factories import PASSWORD, person

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
CODE = "/account/sign-in/code/"
RECOVERY = "/account/sign-in/recovery-code/"
ENROL = "/account/set-up-authenticator/"
RECOVERY_CODES = "/account/recovery-codes/"
APP_CODE_LABEL = '<label class="govuk-label" for="id_code">Code from your authenticator app</label>'


def _code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def _enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def _password_step(client: Client, user: User, next_url: str = ""):
    url = f"{SIGN_IN}?next={next_url}" if next_url else SIGN_IN
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(
    "role", [Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER]
)
def test_every_authority_role_is_asked_to_set_up_an_app_before_any_page(role: str) -> None:
    user = person(role)
    client = Client()
    response = _password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fdashboard%2F"
    for page in ("/dashboard/", "/notifications/", "/account/organisation/", "/back-office/"):
        assert client.get(page)["Location"].startswith(ENROL), page


@pytest.mark.parametrize("role", [Role.PROVIDER_USER, Role.FORUM_MEMBER])
def test_providers_and_forums_sign_in_with_a_password_alone(role: str) -> None:
    client = Client()
    response = _password_step(client, person(role))
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_setting_up_the_app_shows_the_key_then_the_recovery_codes_once() -> None:
    user = person(Role.COMMISSIONER)
    client = Client()
    _password_step(client, user, next_url="/notifications/")
    page = client.get(f"{ENROL}?next=/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Set up an authenticator app – North West SEND Placements</title>" in html
    assert (
        '<label class="govuk-label" for="id_code">Code from your authenticator app</label>' in html
    )
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="QR code', html)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "otpauth://totp/North%20West%20SEND%20Placements" in html
    # The key can be typed in: shown as text, in groups of four.
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # Reloading keeps the same key, so a scanned code stays good.
    client.get(ENROL)
    assert list(TOTPDevice.objects.filter(user=user)) == [device]

    wrong = client.post(
        f"{ENROL}?next=/notifications/", {"code": "000000", "next": "/notifications/"}
    )
    assert wrong.status_code == 400
    assert '<a href="#id_code">The code is not correct.' in wrong.content.decode()
    assert client.get("/notifications/")["Location"].startswith(ENROL)

    # django-otp slows down after a wrong code; a moment later the right one is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(
        f"{ENROL}?next=/notifications/", {"code": _code_for(device), "next": "/notifications/"}
    )
    assert done.status_code == 302
    assert done["Location"] == f"{RECOVERY_CODES}?next=/notifications/"
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert "This is the only time these codes are shown" in codes_page.content.decode()
    assert 'href="/notifications/"' in codes_page.content.decode()
    again = client.get(RECOVERY_CODES).content.decode()
    assert not re.findall(r"<li><code>", again) and "You have 10 unused recovery codes" in again
    assert client.get("/notifications/").status_code == 200
    assert AuditEvent.objects.filter(verb=AuditVerb.MFA_ENROLLED, actor=user).count() == 1
    assert AuditEvent.objects.filter(verb=AuditVerb.MFA_FAILED, actor=user).count() == 1


def test_a_key_shown_to_another_session_cannot_become_the_app() -> None:
    user = person(Role.COMMISSIONER)
    first = Client()
    _password_step(first, user)
    first.get(ENROL)
    seen = TOTPDevice.objects.get(user=user, confirmed=False)
    second = Client()
    _password_step(second, user)
    second.get(ENROL)
    shown = TOTPDevice.objects.get(user=user, confirmed=False)
    assert shown.key != seen.key
    assert first.post(ENROL, {"code": _code_for(seen)}).status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_an_enrolled_user_gives_a_code_and_goes_on_to_the_page_they_asked_for() -> None:
    user = person(Role.LEAD_EVALUATOR)
    device = _enrolled(user)
    client = Client()
    assert client.get("/notifications/")["Location"] == f"{SIGN_IN}?next=/notifications/"
    response = _password_step(client, user, next_url="/notifications/")
    assert response["Location"] == f"{CODE}?next=%2Fnotifications%2F"
    # The password alone opens nothing, and an enrolled user cannot set up another app now.
    assert client.get("/dashboard/")["Location"] == f"{CODE}?next=%2Fdashboard%2F"
    assert client.get(ENROL)["Location"].startswith(CODE)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert (
        '<label class="govuk-label" for="id_code">Code from your authenticator app</label>' in html
    )
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'href="/account/sign-in/recovery-code/?next=/notifications/"' in html

    malformed = client.post(page.request["PATH_INFO"], {"code": "12ab", "next": "/notifications/"})
    assert '<a href="#id_code">Enter the code as 6 digits' in malformed.content.decode()
    session_before = client.session.session_key
    done = client.post(CODE, {"code": _code_for(device), "next": "/notifications/"})
    assert done["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 200
    assert client.session.session_key != session_before  # a new session for the new privilege
    assert AuditEvent.objects.filter(verb=AuditVerb.MFA_VERIFIED, actor=user).exists()


def test_a_wrong_code_is_refused_audited_and_slows_the_next_try() -> None:
    user = person(Role.COMMISSIONER)
    device = _enrolled(user)
    client = Client()
    _password_step(client, user)
    wrong = client.post(CODE, {"code": _code_for(device, offset_steps=10)})
    assert wrong.status_code == 400
    assert "The code is not correct" in wrong.content.decode()
    # Straight after a wrong code even the right one waits (django-otp's growing delay).
    waiting = client.post(CODE, {"code": _code_for(device)})
    assert "You entered too many wrong codes. Wait" in waiting.content.decode()
    assert client.get("/dashboard/").status_code == 302
    failed = AuditEvent.objects.get(verb=AuditVerb.MFA_FAILED)
    assert failed.actor == user and "Wrong app code" in failed.reason


def test_a_code_is_accepted_once() -> None:
    user = person(Role.COMMISSIONER)
    device = _enrolled(user)
    code = _code_for(device)
    first = Client()
    _password_step(first, user)
    assert first.post(CODE, {"code": code})["Location"] == "/dashboard/"
    second = Client()
    _password_step(second, user)
    assert second.post(CODE, {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once_and_the_log_says_so() -> None:
    user = person(Role.COMMISSIONER)
    client = Client()
    _password_step(client, user)
    enrolling = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    from fps_portal.accounts.second_factor import app_enrolment_confirm

    _, codes = app_enrolment_confirm(user=user, device=enrolling, code=_code_for(enrolling))
    client.post("/account/sign-out/")

    client = Client()
    _password_step(client, user)
    page = client.get(RECOVERY).content.decode()
    assert '<label class="govuk-label" for="id_code">Recovery code</label>' in page
    grouped = "-".join(codes[0][i : i + 4] for i in range(0, 16, 4)).upper()
    assert client.post(RECOVERY, {"code": grouped})["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    used = AuditEvent.objects.get(verb=AuditVerb.RECOVERY_CODE_USED)
    assert used.actor == user and used.reason == "9 recovery codes left"

    again = Client()
    _password_step(again, user)
    assert again.post(RECOVERY, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_new_recovery_codes_replace_the_old_ones() -> None:
    user = person(Role.COMMISSIONER)
    device = _enrolled(user)
    client = Client()
    _password_step(client, user)
    client.post(CODE, {"code": _code_for(device)})
    response = client.post(RECOVERY_CODES, {"next": "/dashboard/"})
    codes = re.findall(
        r"<li><code>([a-z2-7-]{19})</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == {
        c.replace("-", "") for c in codes
    }
    assert AuditEvent.objects.filter(verb=AuditVerb.RECOVERY_CODES_ISSUED, actor=user).exists()


def test_a_password_alone_cannot_get_new_recovery_codes() -> None:
    """New recovery codes sign in without the app, so only a session past the second factor
    may ask for them (or see how many are left): with a password alone the page and its form
    send the person to the code step, and no codes are made."""
    user = person(Role.COMMISSIONER)
    _enrolled(user)
    client = Client()
    _password_step(client, user)
    assert client.get(RECOVERY_CODES)["Location"].startswith(CODE)
    refused = client.post(RECOVERY_CODES, {"next": "/dashboard/"})
    assert refused.status_code == 302 and refused["Location"].startswith(CODE)
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.RECOVERY_CODES_ISSUED).exists()


def test_the_back_office_needs_a_verified_session() -> None:
    admin = person(Role.COMMISSIONER, is_staff=True, is_superuser=True)
    device = _enrolled(admin)
    client = Client()
    response = _password_step(client, admin, next_url="/back-office/")
    assert response["Location"] == f"{CODE}?next=%2Fback-office%2F"
    assert client.get("/back-office/")["Location"].startswith(CODE)
    assert client.post(CODE, {"code": _code_for(device), "next": "/back-office/"})["Location"] == (
        "/back-office/"
    )
    assert client.get("/back-office/").status_code == 200


def test_the_back_office_site_itself_refuses_an_unverified_administrator() -> None:
    # Besides the middleware: the admin site is django-otp's OTPAdminSite.
    admin = person(Role.COMMISSIONER, is_staff=True)
    request = RequestFactory().get("/back-office/")
    request.user = admin
    admin.is_verified = lambda: False  # what OTPMiddleware gives a password-only session
    assert BackOfficeSite().has_permission(request) is False
    admin.is_verified = lambda: True
    assert BackOfficeSite().has_permission(request) is True


def test_a_password_only_session_cannot_use_the_api_either() -> None:
    user = person(Role.COMMISSIONER)
    device = _enrolled(user)
    client = Client()
    _password_step(client, user)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    client.post(CODE, {"code": _code_for(device)})
    assert client.get("/api/v1/me/").status_code == 200


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """A concrete path for every route: converters filled with a plausible value."""
    found: list[str] = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if route.startswith("^"):
            route = route.lstrip("^").rstrip("$").replace("\\", "")
            if "(" in route or "[" in route:
                continue  # regular-expression routes of the admin (e.g. its catch-all)
        route = re.sub(r"<int:[^>]+>", "1", route)
        route = re.sub(r"<[^>]+>", "x", route)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            found.append("/" + prefix + route)
    return found


def test_no_route_answers_a_password_only_authority_session() -> None:
    """By construction: every route the portal has, including any added later, turns a
    password-only session away, apart from the sign-in steps and public statements."""
    user = person(Role.COMMISSIONER)
    _enrolled(user)
    client = Client()
    _password_step(client, user)
    from django.urls import Resolver404, resolve

    checked = 0
    for path in sorted(set(_routes(get_resolver()))):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in OPEN_BEFORE_SECOND_FACTOR or path.startswith("/api/"):
            continue
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith(CODE), (path, response["Location"])
        checked += 1
    assert checked > 40


def test_demo_otp_prints_a_code_that_signs_the_demo_account_in() -> None:
    from demo.people import load_people
    from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    load_people()
    account = next(a for a in DEMO_ACCOUNTS if a.role == Role.QA_OFFICER)
    client = Client()
    client.post(SIGN_IN, {"username": account.email, "password": DEMO_PASSWORD})
    code = StringIO()
    call_command("demo_otp", account.email, stdout=code, stderr=StringIO())
    assert re.fullmatch(r"\d{6}\n", code.getvalue())
    assert client.post(CODE, {"code": code.getvalue().strip()})["Location"] == "/dashboard/"


def test_demo_otp_refuses_other_accounts_and_where_demo_data_is_not_allowed(settings) -> None:
    user = person(Role.COMMISSIONER)
    with pytest.raises(CommandError, match="not one of the demo accounts"):
        call_command("demo_otp", user.email)
    settings.FPS_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Demo data is not allowed"):
        call_command("demo_otp", "qa@sefton.example")


def test_the_make_run_banner_says_how_to_get_past_the_code() -> None:
    from fps_portal.devserver import _banner

    banner = _banner("8000")
    assert "manage.py demo_otp EMAIL" in banner
    assert "qa@sefton.example" in banner and "NWSE NDDE" in banner
