"""Issue 10 in a real browser: Back then Save on "Add a setting" adds one setting; a long
unbroken name does not push a page sideways at 320px; a too-long answer is kept whole and
answered with the GOV.UK message instead of being cut by `maxlength`."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fps_portal.accounts.models import Role
from providers.models import Setting
from tests.factories import person
from tests.providers.factories import SettingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = "button:has-text('Save setting')"


def _fill_setting(page: Any) -> None:
    page.fill("#id_name", "Harbour School")
    page.fill("#id_postcode", "L20 3AB")
    page.fill("#id_age_from", "7")
    page.fill("#id_age_to", "16")
    page.check("#id_gender_0")
    page.check("#id_specialisms_0")
    page.fill("#id_capacity", "30")
    page.fill("#id_vacancies", "2")


def test_back_then_save_on_add_a_setting_adds_one_setting(open_signed_in: Any, live_server: Any):
    user = person(Role.PROVIDER_USER)
    page = open_signed_in(user).new_page()
    page.goto(f"{live_server.url}/settings/new/")
    _fill_setting(page)
    with page.expect_navigation():
        page.click(SAVE)
    page.wait_for_url(re.compile(r"/settings/\d+/prices/"))
    page.go_back()
    page.wait_for_selector(SAVE)
    if not page.input_value("#id_name"):  # the browser did not restore what was typed
        _fill_setting(page)
    with page.expect_navigation():
        page.click(SAVE)
    page.wait_for_url(re.compile(r"/settings/\d+/prices/"))
    assert Setting.objects.filter(name="Harbour School").count() == 1


@pytest.mark.parametrize("path", ["/settings/mine/", "/settings/{pk}/", "/settings/{pk}/withdraw/"])
def test_a_long_unbroken_name_does_not_scroll_the_page_sideways_at_320px(
    open_signed_in: Any, live_server: Any, path: str
):
    user = person(Role.PROVIDER_USER)
    organisation = user.memberships.get().organisation
    setting = SettingFactory(provider=organisation, name="Harbour" + "x" * 190)
    page = open_signed_in(user, width=320, height=640).new_page()
    page.goto(live_server.url + path.format(pk=setting.pk))
    assert page.locator("h1").count() == 1
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 320, f"{path} is {wide}px wide at 320px"


def test_a_too_long_answer_is_kept_and_answered_with_the_govuk_message(
    open_signed_in: Any, live_server: Any
):
    page = open_signed_in(None).new_page()
    page.goto(f"{live_server.url}/onboarding/register/")
    assert page.get_attribute("#id_full_name", "maxlength") is None
    page.fill("#id_full_name", "K" * 205)
    assert len(page.input_value("#id_full_name")) == 205  # nothing cut by the browser
    with page.expect_navigation():
        page.click("button:has-text('Register')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Your full name must be 200 characters or fewer." in summary
    assert len(page.input_value("#id_full_name")) == 205
