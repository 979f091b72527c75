"""Back after correcting a mistake shows a page, never "Confirm Form Resubmission": a form sent
with an error is redirected to a GET that shows the errors (fps_portal.post_redirect_get)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.pages import PROVIDER, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> World:
    return build_world()


def _methods_of_documents(page: Any) -> list[tuple[str, str]]:
    methods: list[tuple[str, str]] = []

    def record(request: Any) -> None:
        if request.is_navigation_request():
            methods.append((request.method, request.url))

    page.on("request", record)
    return methods


def test_back_after_a_corrected_answer_is_a_plain_page(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = open_signed_in(world.users[PROVIDER]).new_page()
    address = live_server.url + reverse(
        "providers:clarification-answer", args=[world.clarification.pk]
    )
    page.goto(address)
    form_url = page.url
    requests = _methods_of_documents(page)

    # Sent empty: the errors come back on a page loaded by GET, at the form's own address.
    page.get_by_role("button", name="Send answer").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.url == form_url
    assert requests[-1] == ("GET", form_url)
    assert requests[-2][0] == "POST"
    navigation = page.evaluate("performance.getEntriesByType('navigation')[0].type")
    assert navigation == "navigate"

    # Corrected and sent: on to the application's page.
    page.get_by_label("Your answer").fill("Two qualified staff are on shift overnight.")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Your answer has been sent to the evaluators.").wait_for()

    # Back: the form's page by GET, with no resubmission (no POST, no browser prompt).
    requests.clear()
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.go_back()
    page.wait_for_load_state()
    assert page.url == form_url
    assert dialogs == []
    assert all(method == "GET" for method, _ in requests), requests
    assert "ERR_CACHE_MISS" not in page.content()
    assert page.get_by_role("heading", level=1).count() == 1


def test_the_test_client_still_gets_the_errors_directly(client: Any, world: World) -> None:
    client.force_login(world.users[PROVIDER])
    address = reverse("providers:clarification-answer", args=[world.clarification.pk])
    assert client.post(address, {"answer": ""}).status_code == 400
    replayed = client.post(address, {"answer": ""}, headers={"Sec-Fetch-Mode": "navigate"})
    assert (replayed.status_code, replayed["Location"]) == (303, address)
    shown = client.get(address)
    assert shown.status_code == 400 and b"govuk-error-summary" in shown.content
    assert client.get(address).status_code == 200  # shown once
