"""The awarded provider's list of placements names each child: one audit event per page naming
every child shown (docs/architecture.md, "Children's records"), on the page and in the API,
whatever the number of children; a list that shows no child records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fps_portal.audit.models import AuditEvent, AuditVerb
from referrals.models import Award, Invitation, ReferralKind
from tests.factories import api_client_for
from tests.referrals.awards.world import Evaluation, awarded, closed_competition
from tests.referrals.factories import AwardFactory, InvitationFactory, SubmittedResponseFactory

pytestmark = pytest.mark.django_db

PAGE = "referrals:awarded-placement-list"
API = "/api/v1/awarded-placements/"


def _another_placement(world: Evaluation, **referral: Any) -> Award:
    """A second complete award to provider A, for another of the authority's children."""
    fields: dict[str, Any] = {"child__authority": world.authority}
    if referral.get("child", "") is None:  # a block purchase names no child
        fields = {
            "authority": world.authority,
            "primary_need": world.referral.primary_need,
        }
    fields.update(referral, lot=world.referral.lot, created_by=world.commissioner)
    invitation: Invitation = InvitationFactory(  # type: ignore[assignment]
        provider=world.provider_a, **{f"referral__{k}": v for k, v in fields.items()}
    )
    response = SubmittedResponseFactory(invitation=invitation, setting=world.setting_a)
    return AwardFactory(response=response)  # type: ignore[return-value]


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=AuditVerb.VIEWED_CHILD_RECORD).order_by("pk"))


def _page(world: Evaluation) -> tuple[str, int]:
    browser = Client()
    browser.force_login(world.provider_a_user)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse(PAGE))
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def _api(world: Evaluation) -> tuple[list[dict[str, Any]], int]:
    api = api_client_for(world.provider_a_user)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(API)
    assert response.status_code == 200
    return response.json()["results"], len(queries.captured_queries)


def test_the_page_names_each_child_and_writes_one_event_listing_them() -> None:
    world = closed_competition()
    first = awarded(world)
    before = len(_views())
    _html, one = _page(world)
    second = _another_placement(world)
    html, two = _page(world)
    views = _views()[before:]
    assert len(views) == 2  # one per visit, not one per child
    assert views[0].after == {"listed": [first.referral.child_id]}
    assert set(views[1].after["listed"]) == {first.referral.child_id, second.referral.child_id}
    assert views[1].object_type == "referrals.child" and views[1].object_id == ""
    assert views[1].actor == world.provider_a_user and "page" in views[1].reason
    for award in (first, second):
        assert award.referral.child.given_name in html
    assert one == two  # the same queries for one child and for two


def test_the_api_list_writes_one_event_per_page_and_a_read_one_per_placement() -> None:
    world = closed_competition()
    first = awarded(world)
    before = len(_views())
    _results, one = _api(world)
    second = _another_placement(world)
    results, two = _api(world)
    assert {r["child"]["given_name"] for r in results} == {
        first.referral.child.given_name,
        second.referral.child.given_name,
    }
    views = _views()[before:]
    assert len(views) == 2
    assert set(views[1].after["listed"]) == {first.referral.child_id, second.referral.child_id}
    assert views[1].object_id == "" and "API" in views[1].reason
    assert one == two
    # A placement's own read is one event naming its child.
    detail = api_client_for(world.provider_a_user).get(f"{API}{first.pk}/")
    assert detail.status_code == 200
    read = _views()[-1]
    assert read.object_id == str(first.referral.child_id) and read.after is None


def test_a_list_that_shows_no_child_records_nothing() -> None:
    world = closed_competition()
    _another_placement(world, kind=ReferralKind.BLOCK, child=None, places=4)
    before = len(_views())
    html, _ = _page(world)
    results, _ = _api(world)
    assert "Block or cohort purchase" in html
    assert [r["child"] for r in results] == [None]
    # The unsuccessful provider's list shows nothing at all.
    loser = Client()
    loser.force_login(world.provider_b_user)
    assert loser.get(reverse(PAGE)).status_code == 200
    assert api_client_for(world.provider_b_user).get(API).json()["results"] == []
    assert len(_views()) == before
