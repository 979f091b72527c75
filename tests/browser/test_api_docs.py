"""The interactive API documentation under the portal's strict Content Security Policy."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Swagger UI is fetched from cdn.jsdelivr.net, which the CSP blocks: needs the "
        "drf-spectacular-sidecar package and SWAGGER_UI_DIST='SIDECAR' (requested from the lead)"
    ),
)
def test_the_docs_render_under_the_csp(browser_page: Any, live_server: Any) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=5_000)
    assert page.console_errors == []
