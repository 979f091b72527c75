"""The lead evaluator's membership pages: only the changes the transition table allows are
offered, removal (final) is confirmed first, and a change not allowed answers 409 on the page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.text import possessive
from providers.models import FpsMembership, MembershipState
from providers.services.membership import membership_actions_allowed
from providers.views.onboarding.lead_authority_forms import REMOVAL_NOT_CONFIRMED
from tests.factories import ProviderOrganisationFactory, person
from tests.providers.onboarding.factories import make_membership

pytestmark = pytest.mark.django_db

WARNING = "Removing a provider from the FPS cannot be undone"


def _lead(client: Client) -> None:
    client.force_login(person(Role.LEAD_EVALUATOR))


def _offered(page: str) -> set[str]:
    return {a for a in ("suspend", "reinstate", "remove", "withdraw") if f'value="{a}"' in page}


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (MembershipState.ACTIVE, ["suspend", "remove", "withdraw"]),
        (MembershipState.SUSPENDED, ["reinstate", "remove", "withdraw"]),
        (MembershipState.REMOVED, []),
        # Withdrawn → active happens by signing the agreement again, not by reinstating.
        (MembershipState.WITHDRAWN, []),
    ],
)
def test_the_actions_allowed_follow_the_transition_table(state, allowed):
    assert membership_actions_allowed(state) == allowed


@pytest.mark.parametrize(
    ("state", "offered"),
    [
        (MembershipState.ACTIVE, {"suspend", "remove", "withdraw"}),
        (MembershipState.SUSPENDED, {"reinstate", "remove", "withdraw"}),
    ],
)
def test_the_change_page_offers_only_what_the_state_allows(client, state, offered):
    membership = make_membership(state=state)
    _lead(client)
    page = client.get(f"/fps/memberships/{membership.pk}/change/").content.decode()
    assert _offered(page) == offered
    assert "govuk-warning-text" in page and WARNING in page
    assert 'name="confirm_removal"' in page


@pytest.mark.parametrize("state", [MembershipState.REMOVED, MembershipState.WITHDRAWN])
def test_a_membership_with_nothing_to_change_has_no_form_and_no_change_link(client, state):
    membership = make_membership(state=state)
    _lead(client)
    page = client.get(f"/fps/memberships/{membership.pk}/change/")
    assert page.status_code == 200
    assert _offered(page.content.decode()) == set() and 'name="reason"' not in page.content.decode()
    listing = client.get("/fps/memberships/").content.decode()
    assert f"/fps/memberships/{membership.pk}/change/" not in listing


def test_a_change_not_allowed_answers_409_with_the_reason_in_the_error_summary(client):
    membership = make_membership(state=MembershipState.ACTIVE)
    _lead(client)
    response = client.post(
        f"/fps/memberships/{membership.pk}/change/",
        {"action": "reinstate", "reason": "Back again"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "govuk-error-summary" in page and "cannot be changed that way" in page
    membership.refresh_from_db()
    assert membership.state == MembershipState.ACTIVE


def test_removal_needs_the_confirmation_box(client):
    membership = make_membership(state=MembershipState.SUSPENDED)
    _lead(client)
    url = f"/fps/memberships/{membership.pk}/change/"
    unconfirmed = client.post(url, {"action": "remove", "reason": "Serious breach"})
    assert unconfirmed.status_code == 400
    page = unconfirmed.content.decode()
    assert 'href="#id_confirm_removal"' in page and REMOVAL_NOT_CONFIRMED in page
    membership.refresh_from_db()
    assert membership.state == MembershipState.SUSPENDED
    confirmed = client.post(
        url, {"action": "remove", "reason": "Serious breach", "confirm_removal": "on"}
    )
    assert confirmed.status_code == 302
    membership.refresh_from_db()
    assert membership.state == MembershipState.REMOVED


def test_other_changes_need_no_removal_confirmation(client):
    membership = make_membership(state=MembershipState.ACTIVE)
    _lead(client)
    response = client.post(
        f"/fps/memberships/{membership.pk}/change/",
        {
            "action": "suspend",
            "reason": "Safeguarding review",
            "review_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert FpsMembership.objects.get(pk=membership.pk).state == MembershipState.SUSPENDED


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Oak Trust", "Oak Trust's"),
        ("Mersey Vale Schools", "Mersey Vale Schools'"),
        ("ST JAMES", "ST JAMES'"),
    ],
)
def test_possessive(name, expected):
    assert possessive(name) == expected


def test_a_provider_name_ending_in_s_takes_just_an_apostrophe_on_the_pages(client):
    provider = ProviderOrganisationFactory(name="Mersey Vale Schools")
    membership = make_membership(provider=provider)
    _lead(client)
    listing = client.get("/fps/memberships/").content.decode()
    change = client.get(f"/fps/memberships/{membership.pk}/change/").content.decode()
    for page in (listing, change):
        assert "Schools's" not in page and "Schools&#x27;s" not in page
    assert "Mersey Vale Schools&#x27; membership" in listing
    assert "Change Mersey Vale Schools&#x27; membership" in change
