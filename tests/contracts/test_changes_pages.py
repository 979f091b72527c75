"""The variation and end pages (issue 12): each kind proposed through its page, refused and
withdrawn, the end recorded; the agreement page lists them with this actor's actions; another
provider's agreement is 404, a draft is 409, bad input 400 with nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import AgreementState, PlacementEnd, Variation, VariationState
from tests.contracts.signed_world import signed
from tests.contracts.world import placed

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _uplift_post(p, **changes) -> dict[str, str]:
    effective = p.agreement.start_date + datetime.timedelta(days=30)
    return {
        "percent": "3",
        "reason": "Annual uplift.",
        **_date("effective_from", effective),
        **changes,
    }


def test_an_uplift_proposed_on_the_page_shows_on_the_agreement_with_the_other_party_actions():
    p = signed()
    url = reverse("contracts:variation-uplift", args=[p.agreement.pk])
    provider = _client(p.provider_user)
    assert provider.get(url).status_code == 200
    answer = provider.post(url, _uplift_post(p))
    assert answer.status_code == 302
    variation = Variation.objects.get()
    page = _client(p.commissioner).get(reverse("contracts:agreement", args=[p.agreement.pk]))
    html = page.content.decode()
    assert "Price uplift" in html and "Proposed, awaiting signatures" in html
    assert reverse("contracts:variation-refuse", args=[variation.pk]) in html
    assert reverse("contracts:variation-withdraw", args=[variation.pk]) not in html
    mine = provider.get(reverse("contracts:agreement", args=[p.agreement.pk])).content.decode()
    assert reverse("contracts:variation-withdraw", args=[variation.pk]) in mine
    assert reverse("contracts:variation-refuse", args=[variation.pk]) not in mine
    # One at a time: the propose page now says why not, and a post is a wrong state.
    again = provider.post(url, _uplift_post(p))
    assert again.status_code == 409
    assert Variation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percent": "0"}, "more than 0%"),
        ({"percent": "60"}, "no more than 50%"),
        ({"percent": "", "new_weekly_fee": "0"}, "more than £0"),
        ({"percent": "abc"}, "as a number"),
        ({"reason": ""}, "Enter the reason"),
        (_date("effective_from", datetime.date(2000, 1, 1)), "on or after the start"),
    ],
)
def test_bad_uplift_posts_are_answered_on_the_field_and_write_nothing(changes, message):
    p = signed()
    answer = _client(p.commissioner).post(
        reverse("contracts:variation-uplift", args=[p.agreement.pk]), _uplift_post(p, **changes)
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert message in html and "govuk-error-summary" in html
    assert not Variation.objects.exists()


def test_a_draft_agreement_cannot_be_varied_and_another_provider_sees_nothing():
    p = placed()
    url = reverse("contracts:variation-uplift", args=[p.agreement.pk])
    assert _client(p.commissioner).post(url, _uplift_post(p)).status_code == 409
    q = signed()
    other = _client(q.other_provider_user)
    for name in ("variation-uplift", "variation-provision", "variation-end-date", "placement-end"):
        assert other.get(reverse(f"contracts:{name}", args=[q.agreement.pk])).status_code == 404
    assert not Variation.objects.exists()


def test_change_of_provision_and_of_end_date_through_the_pages():
    p = signed()
    client = _client(p.commissioner)
    url = reverse("contracts:variation-provision", args=[p.agreement.pk])
    form = client.get(url)
    assert form.status_code == 200
    terms = p.terms
    post = {
        "types": ["education", "health_and_therapies"],
        "weeks_per_year": str(terms.provision.weeks_per_year),
        "description": "Day education with occupational therapy.",
        "summary": "Occupational therapy added.",
        "reason": "The annual review.",
        "service_0_name": "Occupational therapy",
        "service_0_unit": "hour",
        "service_0_rate": "60",
        "service_0_quantity": "2",
        "funding_education_funder": "Sefton Council",
        "funding_education_percent": "60",
        "funding_health_funder": "NHS",
        "funding_health_percent": "30",
        **_date("effective_from", p.agreement.start_date),
    }
    bad = client.post(url, post)
    assert bad.status_code == 400
    assert "add up to 100%" in bad.content.decode()
    assert not Variation.objects.exists()
    post["funding_health_percent"] = "40"
    assert client.post(url, post).status_code == 302
    variation = Variation.objects.get()
    assert variation.provision_summary == "Occupational therapy added."
    # Withdrawn by the proposer, then a change of end date.
    withdraw = reverse("contracts:variation-withdraw", args=[variation.pk])
    assert _client(p.provider_user).post(withdraw, {"reason": "Not mine"}).status_code == 403
    assert client.post(withdraw, {"reason": ""}).status_code == 400
    assert client.post(withdraw, {"reason": "Wrong rate."}).status_code == 302
    variation.refresh_from_db()
    assert variation.state == VariationState.WITHDRAWN
    end_url = reverse("contracts:variation-end-date", args=[p.agreement.pk])
    new_end = p.agreement.start_date + datetime.timedelta(days=500)
    bad_end = client.post(
        end_url, {"reason": "Extended.", **_date("new_end_date", datetime.date(2000, 1, 1))}
    )
    assert bad_end.status_code == 400
    assert (
        client.post(end_url, {"reason": "Extended.", **_date("new_end_date", new_end)}).status_code
        == 302
    )
    changed = Variation.objects.get(state=VariationState.PROPOSED)
    assert changed.new_end_date == new_end
    refuse = reverse("contracts:variation-refuse", args=[changed.pk])
    provider = _client(p.provider_user)
    assert provider.get(refuse).status_code == 200
    assert provider.post(refuse, {"reason": ""}).status_code == 400
    assert provider.post(refuse, {"reason": "We cannot staff it."}).status_code == 302
    changed.refresh_from_db()
    assert changed.state == VariationState.REFUSED
    assert provider.post(refuse, {"reason": "Again."}).status_code == 409


def test_recording_an_early_end_through_the_page():
    p = signed()
    today = timezone.localdate()
    p.agreement.start_date = today - datetime.timedelta(days=100)
    p.agreement.state = AgreementState.ACTIVE
    p.agreement.save(update_fields=["start_date", "state"])
    url = reverse("contracts:placement-end", args=[p.agreement.pk])
    client = _client(p.commissioner)
    assert client.get(url).status_code == 200
    post = {
        "kind": "breakdown",
        "reason": "safeguarding",
        "requested_by": "authority",
        "details": "A safeguarding concern; the child moved the same day.",
        **_date("notice_given_on", today - datetime.timedelta(days=3)),
        **_date("last_day", today - datetime.timedelta(days=4)),
    }
    bad = client.post(url, post)
    assert bad.status_code == 400
    assert "on or before the last day" in bad.content.decode()
    assert not PlacementEnd.objects.exists()
    post.update(_date("last_day", today - datetime.timedelta(days=1)))
    assert client.post(url, post).status_code == 302
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ENDED
    page = client.get(reverse("contracts:agreement", args=[p.agreement.pk])).content.decode()
    assert "A safeguarding concern" in page and "Breakdown (unplanned end)" in page
    assert client.post(url, post).status_code == 409


def test_the_provider_gives_notice_on_the_page_without_a_move():
    p = signed()
    url = reverse("contracts:placement-end", args=[p.agreement.pk])
    html = _client(p.provider_user).get(url).content.decode()
    assert "Give notice" in html and 'value="move"' not in html
