"""Issue 10: a member's new weekly price goes live only when the lead authority accepts it.

In Chromium: the provider proposes a new price on its setting's prices page; a commissioner
still sees the approved price, marked "change pending"; the lead authority finds the change on
its dashboard, accepts it, and the commissioner then sees the new price.
"""

from __future__ import annotations

from typing import Any

import pytest

from fps_portal.accounts.models import Role
from providers.models import PriceChange, PriceChangeState
from tests.factories import person
from tests.providers.directory.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_proposes_a_price_and_the_lead_authority_accepts_it(
    open_signed_in: Any, live_server: Any
) -> None:
    world = build_world()
    base = live_server.url
    provider = open_signed_in(person(Role.PROVIDER_USER, organisation=world.provider)).new_page()
    provider.goto(f"{base}/settings/{world.crewe.pk}/prices/")
    price = provider.locator(f"#id_price_{world.day.pk}")
    assert price.input_value() == "3000.00"
    price.fill("3400.00")
    provider.get_by_label("Why are you changing an approved price?").fill(
        "A second therapist from January."
    )
    provider.get_by_role("button", name="Save prices").click()
    provider.wait_for_load_state()
    assert "goes live when the lead authority accepts it" in provider.content()
    assert "is waiting for the lead authority" in provider.content()

    commissioner = open_signed_in(person(Role.COMMISSIONER)).new_page()
    commissioner.goto(f"{base}/settings/{world.crewe.pk}/")
    prices = commissioner.get_by_role("region", name="Indicative weekly prices, scrolls sideways")
    assert "£3,000.00" in prices.inner_text() and "Change pending" in prices.inner_text()
    assert "3,400" not in commissioner.content()

    lead = open_signed_in(person(Role.LEAD_EVALUATOR)).new_page()
    lead.goto(f"{base}/dashboard/")
    lead.get_by_role("link", name="Price changes to decide").click()
    lead.get_by_role("link", name="Decide the price change for Crewe School on lot A1").click()
    # The click only starts the navigation: read the page once it has loaded (read at once, on a
    # busy machine, it was the new address with an empty document).
    lead.wait_for_url("**/price-changes/*/")
    assert "A second therapist from January." in lead.content()
    # Refusing without a reason is refused, at the field.
    lead.get_by_label("No, refuse it: the approved price stands").check()
    lead.get_by_role("button", name="Save the decision").click()
    lead.wait_for_load_state()
    assert lead.locator(".govuk-error-summary").is_visible()
    lead.get_by_label("Yes, accept it: commissioners see it from today").check()
    lead.get_by_role("button", name="Save the decision").click()
    lead.wait_for_load_state()
    assert "Price change accepted. The provider has been told." in lead.content()
    assert "No price change is waiting for a decision." in lead.content()
    assert PriceChange.objects.get().state == PriceChangeState.ACCEPTED

    commissioner.reload()
    prices = commissioner.get_by_role("region", name="Indicative weekly prices, scrolls sideways")
    assert "£3,400.00" in prices.inner_text() and "Change pending" not in prices.inner_text()
