"""Dates are typed in the GOV.UK date input (day, month and year boxes), never the browser's
own picker, and a date half typed is named at its field with the summary leading to its boxes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.pages import LEAD, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> World:
    return build_world()


def test_dates_are_typed_in_the_govuk_date_input(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = open_signed_in(world.users[LEAD]).new_page()
    page.goto(live_server.url + reverse("providers:clarification-ask", args=[world.evaluating.pk]))
    assert page.locator("input[type=date], input[type=datetime-local]").count() == 0
    group = page.get_by_role("group", name="Answer due by")
    for part in ("Day", "Month", "Year", "Time"):
        assert group.get_by_label(part, exact=True).get_attribute("type") == "text"

    page.get_by_label("Question for the provider").fill("Which insurer covers the Crewe home?")
    group.get_by_label("Day", exact=True).fill("3")
    group.get_by_label("Year", exact=True).fill("20271")
    group.get_by_label("Time", exact=True).fill("2pm")
    page.get_by_role("button", name="Send question").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="The date the answer is due must include a month.").click()
    assert page.evaluate("document.activeElement.id") == "id_due_at_day"
    assert group.get_by_label("Year", exact=True).input_value() == "20271"
