"""Each role's main task by keyboard alone (Tab, Enter, Space and typing), on the demo's data:
focus is visible at every stop and lands where GOV.UK patterns say it should (the skip link,
the error summary, the field an error names)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from providers.models import EvaluatorDecision
from tests.browser.axe import axe_violations
from tests.browser.keyboard import (
    active,
    assert_focus_visible,
    button_named,
    link_named,
    press_and_wait,
    skip_to_main,
    tab_until,
    wait_for_error_summary_focus,
)
from tests.browser.pages import COMMISSIONER, FORUM, LEAD, PROVIDER, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> World:
    return build_world()


def _page_for(open_signed_in: Any, world: World, persona: str, base_url: str, path: str) -> Any:
    page = open_signed_in(world.users[persona]).new_page()
    page.goto(base_url + path)
    return page


def _task_status(page: Any, name: str) -> str:
    item = page.locator(".govuk-task-list__item", has=page.get_by_role("link", name=name))
    return item.locator(".govuk-task-list__status").inner_text().strip()


def test_a_provider_completes_the_weekly_prices_task(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    task_list = f"/onboarding/applications/{world.draft.pk}/"
    page = _page_for(open_signed_in, world, PROVIDER, live_server.url, task_list)
    assert _task_status(page, "Weekly prices") == "Incomplete"
    skip_to_main(page)
    tab_until(page, link_named("Weekly prices"))
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Weekly prices"

    # A price that is not money: the summary takes focus and its link leads to the box.
    price = tab_until(page, lambda el: el["tag"] == "INPUT" and el["type"] == "text")
    page.keyboard.type("about three thousand")
    press_and_wait(page, "Enter")
    wait_for_error_summary_focus(page)
    page.keyboard.press("Tab")
    link = assert_focus_visible(page)
    assert link["tag"] == "A", link
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.id === '{price['id']}'")
    assert_focus_visible(page)
    assert page.locator(f"label[for={price['id']}]").is_visible()

    # Corrected, and sent with the button (Space presses a focused button).
    page.keyboard.press("Control+A")
    page.keyboard.type("3250.00")
    tab_until(page, button_named("Save and continue"))
    press_and_wait(page, "Space")
    assert page.url == live_server.url + task_list
    assert _task_status(page, "Weekly prices") == "Completed"


def test_the_lead_evaluator_evaluates_an_application(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    application = world.evaluating
    page = _page_for(open_signed_in, world, LEAD, live_server.url, "/dashboard/")
    skip_to_main(page)
    tab_until(page, lambda el: el["tag"] == "A" and "awaiting your evaluation" in el["text"])
    press_and_wait(page, "Enter")
    tab_until(page, link_named(application.provider.name))
    press_and_wait(page, "Enter")
    assert page.url == f"{live_server.url}/fps/applications/{application.pk}/"
    tab_until(page, lambda el: el["tag"] == "A" and el["text"] == "Evaluate")
    press_and_wait(page, "Enter")

    # Sent with nothing chosen: the summary takes focus; its first link reaches the first choice.
    tab_until(page, button_named("Save evaluation"), limit=200)
    press_and_wait(page, "Enter")
    wait_for_error_summary_focus(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.type === 'radio'")
    assert_focus_visible(page)

    # Every requirement: Space chooses the focused "Pass", Tab moves to its reason.
    page.keyboard.press("Shift+Tab")  # back before the first group, then through every one
    decided = 0
    while True:
        element = tab_until(
            page,
            lambda el: (
                (el["type"] == "radio" and el["cls"].find("govuk-radios__input") >= 0)
                or el["text"] == "Save evaluation"
            ),
            limit=10,
        )
        if element["text"] == "Save evaluation":
            break
        assert page.evaluate("() => document.activeElement.value") == "pass"
        page.keyboard.press("Space")
        tab_until(page, lambda el: el["tag"] == "TEXTAREA", limit=3)
        page.keyboard.type("Checked against the evidence.")
        decided += 1
    assert decided == application.results.count()
    press_and_wait(page, "Enter")
    assert page.url == f"{live_server.url}/fps/applications/{application.pk}/"
    assert "Your evaluation is recorded." in page.locator("main").inner_text()
    assert (
        EvaluatorDecision.objects.filter(
            result__application=application, evaluator=world.users[LEAD]
        ).count()
        == decided
    )


def test_a_commissioner_searches_and_opens_a_setting(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = _page_for(open_signed_in, world, COMMISSIONER, live_server.url, "/dashboard/")
    tab_until(page, link_named("Find a setting"))
    press_and_wait(page, "Enter")
    tab_until(page, lambda el: el["id"] == "id_postcode")
    page.keyboard.type("PR8 1RY")
    tab_until(page, button_named("Apply filters"))
    press_and_wait(page, "Enter")
    assert "postcode=PR8" in page.url
    count = page.locator("#result-count").inner_text()
    assert re.match(r"\d+ settings? on the FPS match", count), count
    # The results region takes focus (it scrolls), then its first setting.
    tab_until(page, lambda el: el["role"] == "region")
    first = tab_until(page, lambda el: el["tag"] == "A")
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == first["text"]
    tab_until(page, link_named("Back to your search"))
    press_and_wait(page, "Enter")
    assert "postcode=PR8" in page.url
    assert page.locator("#result-count").inner_text() == count


def test_a_forum_member_reads_the_directory(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = _page_for(open_signed_in, world, FORUM, live_server.url, "/dashboard/")
    tab_until(page, link_named("FPS directory"))
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Settings on the North West FPS"
    every = page.locator(".govuk-summary-card__title a").count()
    tab_until(page, lambda el: el["id"] == "id_residential")
    # Typing on a focused, closed select picks the first option starting with the letters.
    page.keyboard.type("Offers d")
    tab_until(page, button_named("Apply filters"))
    press_and_wait(page, "Enter")
    assert "residential=false" in page.url
    cards = page.locator(".govuk-summary-card__title a")
    assert 0 < cards.count() <= every
    first_name = cards.first.inner_text()
    first = tab_until(page, link_named(first_name))
    press_and_wait(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == first["text"]
    assert "£" not in page.locator("main").inner_text()
    assert active(page)["tag"] == "BODY"  # a new page starts from the top


def test_the_focus_check_notices_a_focus_state_taken_away(
    open_signed_in: Any, live_server: Any
) -> None:
    page = open_signed_in().new_page()
    page.goto(f"{live_server.url}/accessibility/")
    tab_until(page, link_named("Skip to main content"), limit=1)
    # As a careless stylesheet would: no outline, shadow or background on focus.
    page.evaluate(
        """() => Object.assign(document.activeElement.style,
            {outline: 'none', boxShadow: 'none', background: 'none'})"""
    )
    with pytest.raises(AssertionError, match="no visible focus state"):
        assert_focus_visible(page)


def test_at_320_px_the_menu_opens_by_keyboard_and_passes_axe_open(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = open_signed_in(world.users[COMMISSIONER], width=320).new_page()
    page.goto(f"{live_server.url}/dashboard/")
    menu = page.locator(".govuk-service-navigation__toggle")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="Find a setting").is_visible()
    tab_until(page, button_named("Menu"))
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert axe_violations(page) == []
    tab_until(page, link_named("Find a setting"), limit=3)
    press_and_wait(page, "Enter")
    assert page.url == f"{live_server.url}/find-a-setting/"
