"""Signing in and out in a real browser, by keyboard alone, as each demo user."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

from fps_portal.accounts.mfa import ROLES_REQUIRING_SECOND_FACTOR
from fps_portal.accounts.models import Role
from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount
from tests.browser.conftest import current_demo_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

COMMISSIONER = next(a for a in DEMO_ACCOUNTS if a.role == Role.COMMISSIONER)
ROLE_ACCOUNTS = [a for a in DEMO_ACCOUNTS if a.role]


def _dashboard(base_url: str) -> re.Pattern[str]:
    # Browsers keep a fragment across a redirect: after the skip link, #main-content stays on.
    return re.compile(re.escape(f"{base_url}/dashboard/") + r"(#main-content)?$")


def _active(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim(),
                    cls: el.className || ''};
        }"""
    )


def _tab_to(page: Any, element_id: str, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active(page)["id"] == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab (stopped at {_active(page)})")


def _code_step(base_url: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{base_url}/account/sign-in/code/") + r"\?next=.*")


def _enter_code_by_keyboard(page: Any, base_url: str, email: str) -> None:
    """The second step: the code field is reached by Tab and sent with Enter."""
    page.wait_for_url(_code_step(base_url))
    assert page.locator("h1").inner_text() == "Enter the code from your authenticator app"
    field = page.locator("#id_code")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    _tab_to(page, "id_code")
    page.keyboard.type(current_demo_code(email))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _sign_in_by_keyboard(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    page.keyboard.press("Tab")
    skip = _active(page)
    assert skip["text"] == "Skip to main content", skip
    page.keyboard.press("Enter")
    assert _active(page)["id"] == "main-content"
    _tab_to(page, "id_username")
    page.keyboard.type(email)
    _tab_to(page, "id_password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_sign_in_reaches_the_dashboard(
    browser_page: Any, live_server: Any, demo_people: None
) -> None:
    page = browser_page
    _sign_in_by_keyboard(page, live_server.url, COMMISSIONER.email, DEMO_PASSWORD)
    _enter_code_by_keyboard(page, live_server.url, COMMISSIONER.email)
    page.wait_for_url(_dashboard(live_server.url))
    assert page.locator("h1").inner_text() == "Your work"
    assert "Commissioner / placements officer" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_a_bad_password_focuses_the_error_summary_which_links_to_the_field(
    browser_page: Any, live_server: Any, demo_people: None
) -> None:
    page = browser_page
    _sign_in_by_keyboard(page, live_server.url, COMMISSIONER.email, "not-the-password")
    assert page.title().startswith("Error: Sign in")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter a correct email address and password." in summary.inner_text()
    # The summary's link moves focus to the field it names.
    page.keyboard.press("Tab")
    link = _active(page)
    assert link["tag"] == "A" and link["text"].startswith("Enter a correct email address")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_username'")
    # The field's label is scrolled into view with it, so the question is not lost.
    assert page.locator("label[for=id_username]").is_visible()


@pytest.mark.parametrize("account", ROLE_ACCOUNTS, ids=lambda account: account.email)
def test_each_demo_user_lands_on_their_dashboard_and_can_sign_out(
    browser_page: Any, live_server: Any, demo_people: None, account: DemoAccount
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if account.role in ROLES_REQUIRING_SECOND_FACTOR:
        page.wait_for_url(_code_step(live_server.url))
        # A password alone opens no page: the dashboard sends the session back to the code.
        page.goto(f"{live_server.url}/dashboard/")
        page.wait_for_url(_code_step(live_server.url))
        page.get_by_label("Code from your authenticator app").fill(current_demo_code(account.email))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(_dashboard(live_server.url))
    main = page.locator("main").inner_text()
    assert Role(account.role).label in main
    assert account.organisation in page.locator(".govuk-caption-l").inner_text()
    assert page.get_by_role("heading", name="Messages").is_visible()
    header = page.locator("header").inner_text()
    assert account.email in header

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/account/sign-in/")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.url == f"{live_server.url}/account/sign-in/?next=/dashboard/"
    assert page.console_errors == []


def test_the_layout_is_styled_without_the_crown_or_gds_transport(
    browser_page: Any, live_server: Any, demo_people: None, tmp_path: Path
) -> None:
    page = browser_page
    stylesheet = page.request.get(f"{live_server.url}/static/vendor/govuk/app.css")
    assert stylesheet.ok, "run `npm ci && npm run build` to build static/vendor/govuk/app.css"
    _sign_in_by_keyboard(page, live_server.url, COMMISSIONER.email, DEMO_PASSWORD)
    _enter_code_by_keyboard(page, live_server.url, COMMISSIONER.email)
    page.wait_for_url(_dashboard(live_server.url))
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower() and "transport" not in font.lower()
    # GOV.UK Frontend's CSS is applied (the body class comes from js/init.mjs, so the module ran).
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert page.locator(".govuk-header__logotype, .govuk-logo").count() == 0
    service = page.locator(".govuk-service-navigation__service-name")
    assert service.inner_text() == "North West SEND Placements"
    heading_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
    )
    assert heading_size >= 32
    # The page as a person sees it, kept in the test's own folder: a fixed /tmp file was shared
    # by every checkout's run on the machine (CI's beside a developer's).
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert page.console_errors == []


def test_the_skip_link_is_hidden_until_focused(
    browser_page: Any, live_server: Any, demo_people: None
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    skip = page.locator(".govuk-skip-link")
    hidden_box = skip.bounding_box()
    assert hidden_box is None or hidden_box["width"] <= 1
    page.keyboard.press("Tab")
    shown_box = skip.bounding_box()
    assert shown_box is not None and shown_box["width"] > 50


def test_the_password_can_be_shown(browser_page: Any, live_server: Any, demo_people: None) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    password = page.locator("#id_password")
    password.fill("secret-words")
    page.get_by_role("button", name=re.compile("Show")).click()
    assert password.get_attribute("type") == "text"


def test_a_wrong_code_focuses_the_error_summary_which_links_to_the_field(
    browser_page: Any, live_server: Any, demo_people: None
) -> None:
    page = browser_page
    _sign_in_by_keyboard(page, live_server.url, COMMISSIONER.email, DEMO_PASSWORD)
    page.wait_for_url(_code_step(live_server.url))
    _tab_to(page, "id_code")
    page.keyboard.type("12")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: Enter the code")
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter the code as 6 digits" in page.locator(".govuk-error-summary").inner_text()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_code'")
    # Like the portal's other forms, a refused code answers 400, which Chromium logs; nothing
    # else may be logged (no CSP violation, no script error).
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_an_authority_user_without_an_app_sets_one_up_in_the_browser(
    browser_page: Any, live_server: Any, demo_people: None
) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__email=COMMISSIONER.email).delete()
    page = browser_page
    _sign_in_by_keyboard(page, live_server.url, COMMISSIONER.email, DEMO_PASSWORD)
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/account/set-up-authenticator/")))
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    totp = TOTP(base64.b32decode(key))
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}/account/recovery-codes/")))
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(_dashboard(live_server.url))
    assert page.console_errors == []
