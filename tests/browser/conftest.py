"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live
server, which also serves the static files (GOV.UK Frontend's CSS and JavaScript).

Playwright may not download browsers here, so the installed /usr/bin/chromium is launched with a
fresh profile; without it the tests are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from demo.people import load_people
from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.accounts.reference import LEAD_AUTHORITY_ONS_CODE, north_west_authority_rows
from tests.browser.sessions import signed_in_client

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium per test module. Playwright's launch() gives it a fresh temporary profile
    directory, removed when it closes."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it with apt when root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch, sync_api.sync_playwright() as playwright:
        # While Playwright's sync API is open, its event loop counts as running in this thread,
        # and Django refuses database calls there as "async unsafe". The module's tests only
        # call the database between browser steps, never concurrently with them; the live
        # server answers in its own thread.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    """A page in a new browser context (no cookies or storage from other tests); console
    errors, such as Content Security Policy violations, are collected in `console_errors`."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        yield page
    finally:
        context.close()


def _north_west_authorities() -> None:
    """The authorities migration 0002 loads; a transactional test before this one emptied them.
    (serialized_rollback would restore every table's reference data, at ~5 s a test.)"""
    for row in north_west_authority_rows():
        Organisation.objects.update_or_create(
            kind=OrganisationKind.AUTHORITY,
            ons_code=row["ons_code"],
            defaults={
                "name": row["name"],
                "dfe_code": row["dfe_code"],
                "is_lead": row["ons_code"] == LEAD_AUTHORITY_ONS_CODE,
            },
        )


def current_demo_code(email: str) -> str:
    """The code a demo account's authenticator app shows now (what `manage.py demo_otp` prints):
    browser tests sign in through the real code step, as a person would."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def demo_people(transactional_db: None) -> None:
    """The demo's organisations and its users, one per role: all that signing in needs."""
    _north_west_authorities()
    load_people()


@pytest.fixture
def open_signed_in(chromium: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """The one way browser tests sign a user in without the sign-in form: `open_signed_in(user)`
    gives a new browser context carrying the session of tests.browser.sessions.signed_in_client,
    closed when the test ends; `None` gives an anonymous context, `second_factor=False` a
    password-only session."""
    contexts: list[Any] = []

    def open_context(
        user: Any = None, *, width: int = 1280, height: int = 900, second_factor: bool = True
    ) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        contexts.append(context)
        if user is not None:
            client = signed_in_client(user, second_factor=second_factor)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        return context

    try:
        yield open_context
    finally:
        for context in contexts:
            context.close()
