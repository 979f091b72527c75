"""Find a setting and the forum's public directory in a real browser: keyboard use, errors,
the scrolling results region, the CSV export, and no price on the public pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fps_portal.accounts.models import Role
from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.conftest import current_demo_code
from tests.providers.directory.conftest import World, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

COMMISSIONER = next(a for a in DEMO_ACCOUNTS if a.role == Role.COMMISSIONER)
RESULTS_REGION = "Matching settings, scrolls sideways"
# Whatever the money format ("£3000.00" or "£3,000.00"), a pound sign then a digit is a price.
ANY_PRICE = re.compile(r"£\s?\d")
# A page with filter errors answers 400 (providers/views/directory/search.py), which Chromium
# reports on the console; nothing else may appear there (a CSP violation would).
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def directory(demo_people: None) -> World:
    """The directory tests' settings: three on the FPS (different lots, areas of need, bands and
    places) and two that never appear (no approved lot; provider suspended). The reference data
    (areas of need, postcode districts) is back by then: tests/conftest.py restores it."""
    return build_world()


def _active(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim(),
                    cls: String(el.className || ''), role: el.getAttribute('role') || ''};
        }"""
    )


def _tab_until(page: Any, found: Callable[[dict[str, str]], bool], limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if found(_active(page)):
            return
    raise AssertionError(f"not reachable with Tab (stopped at {_active(page)})")


def _tab_to(page: Any, element_id: str) -> None:
    _tab_until(page, lambda el: el["id"] == element_id)


def _sign_in_by_keyboard(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    _tab_to(page, "id_username")
    page.keyboard.type(COMMISSIONER.email)
    _tab_to(page, "id_password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The second step (the commissioner's authenticator app), by keyboard too.
    page.wait_for_url(re.compile(re.escape(f"{base_url}/account/sign-in/code/")))
    _tab_to(page, "id_code")
    page.keyboard.type(current_demo_code(COMMISSIONER.email))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(f"{base_url}/dashboard/")))


def _sign_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(COMMISSIONER.email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(
        current_demo_code(COMMISSIONER.email)
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(f"{base_url}/dashboard/")))


def _result_names(page: Any) -> list[str]:
    """The setting names in the results table, in the order shown."""
    region = page.get_by_role("region", name=RESULTS_REGION)
    return [name.strip() for name in region.locator("tbody tr td:first-child a").all_inner_texts()]


def test_keyboard_only_filter_by_area_of_need_shows_only_matching_settings(
    browser_page: Any, live_server: Any, directory: World
) -> None:
    page = browser_page
    _sign_in_by_keyboard(page, live_server.url)
    _tab_until(page, lambda el: el["tag"] == "A" and el["text"] == "Find a setting")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/find-a-setting/"
    assert page.locator("#result-count").inner_text() == "3 settings on the FPS match."
    assert sorted(_result_names(page)) == ["Bootle College", "Carlisle House", "Crewe School"]

    _tab_to(page, "id_specialism")
    # Typing on a focused, closed select picks the first option that starts with the letters.
    page.keyboard.type("Social")
    assert page.locator("#id_specialism").input_value() == "semh"
    _tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Apply filters")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "specialism=semh" in page.url
    assert page.locator("#result-count").inner_text() == "1 setting on the FPS match."
    assert _result_names(page) == ["Bootle College"]
    # The choice stays selected, with the number of current results beside each option.
    chosen = page.locator("#id_specialism option:checked").inner_text()
    assert chosen == "Social, emotional and mental health (1)"
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("ZZ9 9ZZ", "We cannot find the postcode district ZZ9. Check the postcode."),
        ("hello", "Enter a postcode like CW1 2AB, or the first part of one, like CW1."),
    ],
)
def test_a_bad_postcode_focuses_the_error_summary_which_links_to_the_field(
    browser_page: Any, live_server: Any, directory: World, postcode: str, message: str
) -> None:
    page = browser_page
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/find-a-setting/")
    page.get_by_label("Distance from postcode").fill(postcode)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Apply filters").press("Enter")
    assert navigation.value.status == 400

    assert page.title().startswith("Error: Find a setting")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert message in summary.inner_text()
    # The message is shown at the field too, and the field keeps what was typed.
    assert message in page.locator("#id_postcode-error").inner_text()
    assert page.locator("#id_postcode").input_value() == postcode
    # No results and no count: a bad location is never guessed.
    assert page.locator("#result-count").count() == 0
    assert page.get_by_role("region", name=RESULTS_REGION).count() == 0
    assert page.locator("main table").count() == 0
    assert "Correct the highlighted filters" in page.locator("main").inner_text()

    page.keyboard.press("Tab")
    link = _active(page)
    assert link["tag"] == "A" and link["text"] == message, link
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_postcode'")
    assert page.locator("label[for=id_postcode]").is_visible()
    assert page.console_errors == [BAD_REQUEST]


def test_the_results_region_takes_keyboard_focus_and_a_setting_opens_with_its_prices(
    browser_page: Any, live_server: Any, directory: World
) -> None:
    page = browser_page
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/find-a-setting/?lot=A1")
    assert page.locator("#result-count").inner_text() == "2 settings on the FPS match."

    region = page.get_by_role("region", name=RESULTS_REGION)
    assert region.get_attribute("tabindex") == "0"
    assert "app-table-scroll" in (region.get_attribute("class") or "")
    page.keyboard.press("Tab")
    assert _active(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    # Past the filters and the download links, the region itself takes focus (so it can scroll).
    _tab_until(page, lambda el: el["role"] == "region")
    focused = _active(page)
    assert "app-table-scroll" in focused["cls"], focused

    # Next in the tab order: the first setting (A to Z), priced on the chosen lot.
    page.keyboard.press("Tab")
    link = _active(page)
    assert link["tag"] == "A" and link["text"] == "Bootle College", link
    first_row = region.locator("tbody tr").first
    assert re.search(r"£2,?800(\.00)?", first_row.inner_text())
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.split("?")[0] == f"{live_server.url}/settings/{directory.bootle.pk}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Bootle College"
    assert page.title().startswith("Bootle College")
    prices = page.get_by_role("heading", name="Indicative weekly prices")
    assert prices.is_visible()
    price_table = page.locator("table", has=page.get_by_role("columnheader", name="Weekly price"))
    row = price_table.get_by_role("row", name=re.compile(r"A1 Day"))
    assert re.search(r"£2,?800(\.00)?", row.inner_text())
    assert "Approved" in row.inner_text()

    # The back link returns to the same search, not an empty one.
    with page.expect_navigation():
        page.get_by_role("link", name="Back to your search").click()
    assert page.url == f"{live_server.url}/find-a-setting/?lot=A1"
    assert page.locator("#result-count").inner_text() == "2 settings on the FPS match."
    assert page.console_errors == []


def test_the_csv_export_holds_the_settings_shown(
    browser_page: Any, live_server: Any, directory: World, tmp_path: Path
) -> None:
    page = browser_page
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/find-a-setting/?residential=false&ordering=band")
    shown = _result_names(page)
    assert shown == ["Crewe School", "Bootle College"]  # pass before concern; no residential-only

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert re.fullmatch(r"settings-\d{8}-\d{4}\.csv", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    # The file first says what it is (lines starting "#": filters, time; docs/directory.md).
    text = saved.read_text(encoding="utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))

    assert [row["Setting"] for row in rows] == shown
    assert [row["Band"] for row in rows] == ["Pass", "Concern"]
    assert [row["Host authority"] for row in rows] == ["Cheshire East", "Sefton"]
    assert [row["Lot"] for row in rows] == ["A1", "A1"]
    prices = [Decimal(row["Weekly price (£)"].lstrip("£").replace(",", "")) for row in rows]
    assert prices == [Decimal("3000"), Decimal("2800")]
    assert page.console_errors == []


@pytest.mark.parametrize("url", ["/find-a-setting/", "/forum/settings/"])
def test_applying_a_filter_without_a_location_shows_results(
    browser_page: Any, live_server: Any, directory: World, url: str
) -> None:
    """The form as it loads (Sort by untouched) must not ask for a distance order it cannot give."""
    page = browser_page
    if url == "/find-a-setting/":
        _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{url}")
    page.get_by_label("Area of need").select_option("semh")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Apply filters").click()
    assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()
    assert navigation.value.status == 200
    assert "Bootle College" in page.locator("main").inner_text()


def test_the_forum_directory_filters_for_anyone_and_never_shows_a_price(
    browser_page: Any, live_server: Any, directory: World
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/forum/settings/")
    assert page.get_by_role("heading", level=1).inner_text() == "Settings on the North West FPS"
    assert page.get_by_role("button", name="Sign out").count() == 0
    cards = page.locator(".govuk-summary-card__title a")
    assert sorted(cards.all_inner_texts()) == ["Bootle College", "Carlisle House", "Crewe School"]
    assert page.get_by_label(re.compile("Maximum weekly price")).count() == 0
    assert page.get_by_role("link", name="CSV").count() == 0
    assert "£" not in page.content()

    page.get_by_label("Area of need").select_option("cognition-and-learning")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "specialism=cognition-and-learning" in page.url
    assert page.locator("#result-count").inner_text() == "1 setting."
    assert cards.all_inner_texts() == ["Carlisle House"]
    assert "£" not in page.content()
    assert not ANY_PRICE.search(page.locator("body").inner_text())

    with page.expect_navigation():
        cards.first.click()
    assert page.url.split("?")[0] == f"{live_server.url}/forum/settings/{directory.carlisle.pk}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Carlisle House"
    assert "52-week residential" in page.locator("main").inner_text()
    assert "£" not in page.content()
    assert "6100" not in page.content() and "6,100" not in page.content()
    assert page.console_errors == []
