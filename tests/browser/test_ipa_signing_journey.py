"""The signing journey of an Individual Placement Agreement in the browser (issue 12): the
commissioner completes every part of the draft and issues it, the provider reads and signs the
exact version, the commissioner (the authority's named signatory) countersigns, and the page
says it is signed. Every step is done with the keyboard-reachable controls a person uses."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.models import AgreementState, Signature
from tests.browser.keyboard import tab_until
from tests.contracts.world import Placed, placed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def p(live_server: Any) -> Placed:
    return placed()


def _save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_the_commissioner_completes_and_issues_the_provider_signs_and_it_is_countersigned(
    open_signed_in: Any, live_server: Any, p: Placed
) -> None:
    base = f"{live_server.url}/agreements/{p.agreement.pk}"
    commissioner = open_signed_in(p.commissioner).new_page()
    commissioner.goto(f"{base}/")
    assert commissioner.get_by_text("Before it can be issued").is_visible()
    commissioner.get_by_role("link", name="Parties and purposes").click()

    # Parties and purposes.
    commissioner.get_by_label("The authority's legal name").fill("Sefton Council")
    commissioner.get_by_label("The authority's address").fill("Bootle Town Hall, Oriel Road")
    commissioner.get_by_label("The provider's legal name").fill("Oak School Limited")
    commissioner.get_by_label("The provider's address").fill("1 School Lane, Southport")
    _save_and_continue(commissioner)

    # Provision, dates and contact: a bad phone number first (nothing saved), then a good one.
    commissioner.get_by_label("Health and therapies").check()
    commissioner.get_by_label("What the provider will deliver").fill(
        "Full-time day education with speech and language therapy."
    )
    commissioner.get_by_label("The provider's key contact: name").fill("Jo Bursar")
    commissioner.get_by_label("The provider's key contact: phone number").fill("12")
    _save_and_continue(commissioner)
    summary = commissioner.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter a phone number" in summary.inner_text()
    commissioner.get_by_label("The provider's key contact: phone number").fill("0161 496 0000")
    _save_and_continue(commissioner)

    # Costs and payments: the invoicing line.
    commissioner.get_by_label("Invoicing").fill("Invoices to send@sefton.example.")
    _save_and_continue(commissioner)

    # Funding: jointly funded, education and health, adding up to 100%.
    commissioner.get_by_label("Funding share 1: percentage").fill("70")
    commissioner.get_by_role("button", name="Add another funding share").click()
    commissioner.get_by_label("Funding share 2: stream").select_option("health")
    commissioner.get_by_label("Funding share 2: funder").fill("NHS Cheshire and Merseyside")
    commissioner.get_by_label("Funding share 2: percentage").fill("30")
    _save_and_continue(commissioner)

    # Signatories: the commissioner signs for the authority.
    commissioner.get_by_label(p.commissioner.full_name).check()
    commissioner.get_by_label("The position the authority's signatory signs in").fill(
        "Head of SEND"
    )
    commissioner.get_by_label("The provider's signatory: full name").fill("Pat Head")
    commissioner.get_by_label("The position the provider's signatory signs in").fill("Headteacher")
    commissioner.get_by_role("button", name="Save and return to the agreement").click()
    commissioner.wait_for_url(f"{base}/")

    commissioner.get_by_role("button", name="Issue the agreement to the provider").click()
    commissioner.wait_for_url(f"{base}/")
    assert "waiting for the provider's signature" in commissioner.content()

    provider = open_signed_in(p.provider_user).new_page()
    provider.goto(f"{base}/")
    provider.get_by_role("link", name="Read and sign version 1").click()
    assert provider.get_by_text("SHA-256 of this version").is_visible()
    # The provider signs with the keyboard alone: Tab to each field, Space ticks, Enter sends.
    tab_until(provider, lambda el: el["name"] == "name")
    provider.keyboard.type("Pat Head")
    tab_until(provider, lambda el: el["name"] == "position")
    provider.keyboard.type("Headteacher")
    tab_until(provider, lambda el: el["name"] == "confirm")
    provider.keyboard.press("Space")
    tab_until(provider, lambda el: el["tag"] == "BUTTON" and "Sign the agreement" in el["text"])
    provider.keyboard.press("Enter")
    provider.wait_for_url(f"{base}/")

    commissioner.goto(f"{base}/")
    commissioner.get_by_role("link", name="Read and countersign version 1").click()
    commissioner.get_by_label("Your full name").fill(p.commissioner.full_name)
    commissioner.get_by_label("The role you sign in").fill("Head of SEND")
    commissioner.get_by_label("I have read this version of the agreement").check()
    commissioner.get_by_role("button", name="Countersign the agreement").click()
    commissioner.wait_for_url(f"{base}/")
    assert (
        commissioner.locator("#signing-next-step").inner_text().startswith("Signed by both parties")
    )
    assert "Signed, not yet started" in commissioner.content()
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.SIGNED
    assert Signature.objects.filter(version__agreement=p.agreement).count() == 2
