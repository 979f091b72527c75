"""A provider's business manager proposes a price uplift on a signed IPA in the browser; the
provider and then the authority's signatory sign the new version (through the service: the
signing pages are the signing part's); the agreement page then shows the variation agreed and
the fee history with both periods."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from contracts.models import Variation, VariationState
from tests.contracts.signed_world import sign_both, signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_proposes_an_uplift_both_sign_and_the_history_shows_both_fees(
    open_signed_in: Any, live_server: Any
) -> None:
    p = signed()
    effective = p.agreement.start_date + datetime.timedelta(days=30)
    page = open_signed_in(p.provider_user).new_page()
    page.goto(f"{live_server.url}/agreements/{p.agreement.pk}/")
    page.get_by_role("link", name="Propose a price uplift").click()
    assert page.get_by_role("heading", name="Propose a price uplift").is_visible()
    # Sent with a percentage out of range first: the error summary, and nothing made.
    page.get_by_label("Uplift as a percentage").fill("60")
    date = page.get_by_role("group", name="Date it takes effect")
    date.get_by_label("Day").fill(str(effective.day))
    date.get_by_label("Month").fill(str(effective.month))
    date.get_by_label("Year").fill(str(effective.year))
    page.get_by_label("Reason for the variation").fill("The annual uplift for 2027 to 2028.")
    page.get_by_role("button", name="Propose the uplift").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "no more than 50%" in summary.inner_text()
    assert not Variation.objects.exists()
    page.get_by_label("Uplift as a percentage").fill("3.5")
    page.get_by_role("button", name="Propose the uplift").click()
    page.wait_for_url(f"{live_server.url}/agreements/{p.agreement.pk}/")
    assert "Proposed, awaiting signatures" in page.content()

    variation = Variation.objects.get()
    sign_both(p, variation.version)
    variation.refresh_from_db()
    assert variation.state == VariationState.AGREED

    authority = open_signed_in(p.commissioner).new_page()
    authority.goto(f"{live_server.url}/agreements/{p.agreement.pk}/")
    content = authority.content()
    assert "Agreed by both parties" in content
    history = authority.locator("table", has_text="Core fee a week")
    assert history.locator("tbody tr").count() == 2
    authority.get_by_role("link", name=f"Version {variation.version.number}").first.click()
    assert f"Version {variation.version.number}" in authority.content()
