"""The placements page in the browser (branch plist): a commissioner and a provider each see
their list meet WCAG 2.2 AA at 1280 and 320 px (the accessibility gate's own checks: axe, reflow,
the current navigation item), with a filter applied and with a wrong filter's error summary; and
the commissioner filters to the placements ending soon and downloads the CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import chromium, open_signed_in  # noqa: F401  (the browser fixtures)
from tests.browser.test_accessibility import ERROR_SUMMARY, Gate
from tests.contracts.changes_scene import changes_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_placements_page_is_accessible_for_both_parties_and_its_filters_work(
    open_signed_in: Any,  # noqa: F811
    live_server: Any,
) -> None:
    scene = changes_scene()
    gate = Gate()
    for user in (scene.commissioner, scene.provider_user):
        page = open_signed_in(user).new_page()
        gate.page = page
        page.goto(f"{live_server.url}/placements/")
        assert page.get_by_role("heading", name="Placements", level=1).is_visible()
        gate.check(f"{user.email}: placements")
        page.get_by_label("Variation proposed").select_option("yes")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/placements/?*variation_pending=yes*")
        assert page.locator("tbody tr").count() == 2
        gate.check(f"{user.email}: placements, filtered")
        page.get_by_label("Ending within (days)").fill("soon")
        page.get_by_role("button", name="Apply filters").click()
        assert page.locator(ERROR_SUMMARY).is_visible()
        assert "must be a whole number of days" in page.locator(ERROR_SUMMARY).inner_text()
        gate.check(f"{user.email}: placements, a wrong filter")
    assert not gate.problems, "\n" + gate.report()


def test_the_commissioner_downloads_the_placements_the_filters_select(
    open_signed_in: Any,  # noqa: F811
    live_server: Any,
) -> None:
    scene = changes_scene()
    page = open_signed_in(scene.commissioner).new_page()
    page.goto(f"{live_server.url}/placements/?state=signed")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(path).read_text(encoding="utf-8-sig")
    assert "# Filter: Status: Signed, not yet started" in text
    assert text.count("-IPA,") == 2
