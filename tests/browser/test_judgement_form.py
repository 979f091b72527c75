"""Recording an inspection judgement in a real browser, with JavaScript off and on: the framework
first, then only that framework's areas, each offering only its published values (issue 10)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from fps_portal.accounts.models import Role
from providers.inspections.frameworks import FRAMEWORK_SPEC, Framework
from providers.models import InspectionJudgement
from tests.browser.sessions import signed_in_client
from tests.factories import person
from tests.providers.directory.conftest import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(demo_people: None) -> World:
    return build_world()


@pytest.fixture
def signed_in(chromium: Any, live_server: Any) -> Iterator[Any]:
    """`signed_in(user, javascript=...)`: a page in a new context carrying the user's session."""
    contexts: list[Any] = []

    def open_page(user: Any, *, javascript: bool) -> Any:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", java_script_enabled=javascript
        )
        contexts.append(context)
        session = signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def _grade_selects(page: Any) -> list[str]:
    return [
        str(n) for n in page.locator("select[name^=grade_]").evaluate_all("s => s.map(x => x.name)")
    ]


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_choose_the_framework_then_grade_only_its_areas(
    signed_in: Any, live_server: Any, world: World, javascript: bool
) -> None:
    page = signed_in(person(Role.LEAD_EVALUATOR), javascript=javascript)
    start = f"{live_server.url}/settings/{world.crewe.pk}/judgements/new/"
    page.goto(start)
    assert _grade_selects(page) == []
    # Continue without choosing: the error is on the framework question.
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"\?step=framework$"))
    assert "Select the inspection framework." in page.locator(".govuk-error-summary").inner_text()

    page.get_by_role("radio", name=Framework.CQC.label, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"\?framework=cqc&step=framework$"))
    assert _grade_selects(page) == [f"grade_{a.key}" for a in FRAMEWORK_SPEC[Framework.CQC]]
    options = page.get_by_label("Safe (optional)").locator("option").all_inner_texts()
    assert options == [
        "Not graded in this report",
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
    ]

    page.get_by_label("Inspection number").fill("CQC-7")
    # The GOV.UK date input: day, month and year boxes in one fieldset.
    page.locator("#id_inspection_start_date_day").fill("3")
    page.locator("#id_inspection_start_date_month").fill("2")
    page.locator("#id_inspection_start_date_year").fill("2025")
    page.get_by_label("Overall (optional)").select_option("Good")
    page.get_by_label("Safe (optional)").select_option("Requires improvement")
    page.get_by_role("button", name="Record judgement").click()
    page.wait_for_url(f"{live_server.url}/settings/{world.crewe.pk}/")
    assert "Judgement recorded." in page.locator(".govuk-notification-banner").inner_text()
    judgement = InspectionJudgement.objects.get(inspection_number="CQC-7")
    assert judgement.grades == {"overall": "Good", "safe": "Requires improvement"}
    assert judgement.band == "concern"
    # A 400 answer (the empty first step) is the only console message allowed.
    assert all("400 (Bad Request)" in e for e in page.console_errors), page.console_errors


def test_change_framework_goes_back_to_the_first_step(
    signed_in: Any, live_server: Any, world: World
) -> None:
    page = signed_in(person(Role.PROVIDER_USER, organisation=world.provider), javascript=False)
    page.goto(f"{live_server.url}/settings/{world.crewe.pk}/judgements/new/?framework=estyn_2022")
    assert _grade_selects(page) == ["grade_follow_up"]
    page.get_by_role("link", name="Change framework").click()
    page.wait_for_url(f"{live_server.url}/settings/{world.crewe.pk}/judgements/new/")
    assert page.get_by_role("radio").count() == len(Framework.values)
