"""The interactive API documentation: inside the service's layout (header, navigation, back link,
footer), under the portal's strict Content Security Policy, and passing axe with an operation
open as well as closed (the gate checks it as it loads)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_under_the_csp_in_the_service_layout(
    browser_page: Any, live_server: Any
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=10_000)
    assert page.console_errors == []
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("header .govuk-service-navigation").count() == 1
    assert page.locator(".govuk-footer").count() == 1
    assert page.get_by_role("link", name="Back").get_attribute("href") == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "API documentation"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_docs_pass_axe_with_an_operation_open(
    browser_page: Any, live_server: Any, width: int
) -> None:
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=10_000)
    page.locator(".swagger-ui .opblock-summary-control").first.click()
    page.locator(".swagger-ui .opblock-body").first.wait_for()
    page.locator(".swagger-ui pre.microlight[tabindex]").first.wait_for()
    assert axe_violations(page) == []
    width_used = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width_used[0] <= width_used[1]
