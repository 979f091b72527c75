"""A provider whose application passed reads the FPS agreement (downloads the published PDF the
demo made with WeasyPrint), then signs it; the membership records the version signed."""

from __future__ import annotations

from typing import Any

import pytest

from providers.models import FpsMembership
from tests.browser.pages import PROVIDER, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any) -> World:
    return build_world()


def test_a_provider_reads_the_agreement_then_signs_it(
    open_signed_in: Any, live_server: Any, world: World
) -> None:
    page = open_signed_in(world.users[PROVIDER]).new_page()
    page.goto(f"{live_server.url}/onboarding/applications/{world.passed.pk}/agreement/")
    assert page.get_by_role("heading", name="Read the agreement").is_visible()
    link = page.get_by_role("link", name="Download North West SEND FPS agreement, version 1")
    assert "(PDF, " in link.inner_text()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF") and len(content) > 2000  # a real document, not a stub

    page.get_by_label("Full name of the person signing").fill("Jordan Reeves")
    page.get_by_label("Their role in the organisation").fill("Director")
    page.get_by_label("I am authorised to sign the FPS agreement for the organisation").check()
    page.get_by_role("button", name="Sign the agreement").click()
    page.wait_for_url(f"{live_server.url}/onboarding/membership/")
    assert "Version signed" in page.content()
    # The one signing made (the world's re-check pages hold an older membership of this provider).
    membership = FpsMembership.objects.filter(provider=world.passed.provider).latest("pk")
    assert membership.agreement_version is not None
    assert membership.agreement_version.version == 1
    assert membership.agreement_signatory_name == "Jordan Reeves"
