"""Issue 13, re-checks and expired evidence on the pages and the API: the provider answers and
sends its re-check, the lead authority reviews it, each sees only what is theirs (another
provider's is 404, a commissioner is refused), bad input is shown at the field and writes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role
from quality.models import ItemResponse, ItemReview, Recheck, RecheckState
from quality.services.recheck_schedule import rechecks_open_due
from tests.factories import api_client_for, person
from tests.quality.recheck_world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def opened(world: World) -> Recheck:
    rechecks_open_due(today=datetime.date(2026, 3, 10))
    return Recheck.objects.get(membership=world.oak_membership)


def test_the_provider_answers_on_the_page_and_bad_input_stays_at_the_field(world, client):
    recheck = opened(world)
    client.force_login(world.oak_user)
    page = client.get(reverse("quality:recheck", args=[recheck.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Employer&#x27;s liability" in body and "Safeguarding policy" in body
    assert "Elm public liability" not in body
    item = recheck.items.get(evidence=world.policy)
    url = reverse("quality:recheck-item", args=[recheck.pk, item.pk])
    empty = client.post(url, {})
    assert empty.status_code == 400 and "Select whether this evidence" in empty.content.decode()
    changed = client.post(url, {"answer": "changed", "title": ""})
    assert changed.status_code == 400 and "govuk-error-summary" in changed.content.decode()
    item.refresh_from_db()
    assert item.response == ItemResponse.PENDING
    done = client.post(url, {"answer": "confirmed"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.response == ItemResponse.CONFIRMED
    refused = client.post(reverse("quality:recheck", args=[recheck.pk]))
    assert refused.status_code == 400 and "Still to answer" in refused.content.decode()


def test_each_sees_only_their_own(world, client):
    recheck = opened(world)
    client.force_login(world.elm_user)
    assert client.get(reverse("quality:recheck", args=[recheck.pk])).status_code == 404
    listed = client.get(reverse("quality:recheck-list")).content.decode()
    assert "Elm Care" in listed and "Oak Trust" not in listed
    client.force_login(person(Role.COMMISSIONER))
    assert client.get(reverse("quality:recheck", args=[recheck.pk])).status_code == 403
    assert client.get(reverse("quality:recheck-list")).status_code == 403
    assert api_client_for(world.elm_user).get(f"/api/v1/rechecks/{recheck.pk}/").status_code == 404


def test_the_api_journey_confirm_submit_review(world):
    recheck = opened(world)
    provider = api_client_for(world.oak_user)
    lead = api_client_for(world.lead)
    for item in recheck.items.all():
        answered = provider.post(
            f"/api/v1/rechecks/{recheck.pk}/confirm/", {"item": item.pk}, format="json"
        )
        assert answered.status_code == 200, answered.json()
    other = Recheck.objects.get(membership=world.elm_membership).items.get()
    wrong = provider.post(
        f"/api/v1/rechecks/{recheck.pk}/confirm/", {"item": other.pk}, format="json"
    )
    assert wrong.status_code == 400 and "item" in wrong.json()["error"]["fields"]
    sent = provider.post(f"/api/v1/rechecks/{recheck.pk}/submit/", {}, format="json")
    assert sent.status_code == 200 and sent.json()["state"] == RecheckState.SUBMITTED
    assert (
        lead.post(
            f"/api/v1/rechecks/{recheck.pk}/confirm/", {"item": other.pk}, format="json"
        ).status_code
        == 403
    )
    first, *rest = list(recheck.items.all())
    returned = lead.post(
        f"/api/v1/rechecks/{recheck.pk}/review/",
        {"item": first.pk, "outcome": "returned", "reason": ""},
        format="json",
    )
    assert returned.status_code == 400 and "reason" in returned.json()["error"]["fields"]
    for item in [first, *rest]:
        reviewed = lead.post(
            f"/api/v1/rechecks/{recheck.pk}/review/",
            {"item": item.pk, "outcome": "accepted"},
            format="json",
        )
        assert reviewed.status_code == 200
    again = lead.post(
        f"/api/v1/rechecks/{recheck.pk}/review/",
        {"item": first.pk, "outcome": "accepted"},
        format="json",
    )
    assert again.status_code == 409
    body = provider.get(f"/api/v1/rechecks/{recheck.pk}/").json()
    assert body["state"] == RecheckState.ACCEPTED
    assert {i["review"] for i in body["items"]} == {ItemReview.ACCEPTED}
    assert [e["kind"] for e in body["history"]][-1] == "accepted"


def test_the_lead_reviews_on_the_page(world, client):
    recheck = opened(world)
    for item in recheck.items.all():
        item.response, item.responded_at = ItemResponse.CONFIRMED, timezone.now()
        item.save()
    Recheck.objects.filter(pk=recheck.pk).update(state=RecheckState.SUBMITTED)
    client.force_login(world.lead)
    item = recheck.items.get(evidence=world.policy)
    url = reverse("quality:recheck-item", args=[recheck.pk, item.pk])
    no_reason = client.post(url, {"outcome": "returned", "reason": ""})
    assert no_reason.status_code == 400 and "Enter why the item is returned" in (
        no_reason.content.decode()
    )
    done = client.post(url, {"outcome": "accepted"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.review == ItemReview.ACCEPTED
