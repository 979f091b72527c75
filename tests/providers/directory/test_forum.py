"""The forum's pages and API shape: public parts for anyone, never a price or a child's data."""

from __future__ import annotations

import re

import pytest

from fps_portal.accounts.models import Role
from tests.factories import api_client_for, person
from tests.providers.directory.conftest import World
from tests.providers.factories import InspectionJudgementFactory

PRICE = re.compile(r"£\s?\d|weekly_price|3000\.00|5200\.00|2800\.00|6100\.00")


@pytest.mark.parametrize("signed_in", [False, True])
def test_directory_and_pages_are_public_and_show_no_price(world: World, client, signed_in):
    InspectionJudgementFactory(setting=world.crewe)
    if signed_in:
        client.force_login(person(Role.FORUM_MEMBER))
    for url in (
        "/forum/settings/",
        "/forum/settings/?postcode=CW1&ordering=distance",
        f"/forum/settings/{world.crewe.pk}/",
        "/forum/figures/",
        "/about-the-fps/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not PRICE.search(html), url
        assert "Additional services" not in html


def test_forum_directory_filters_like_the_search_but_without_price(world, client):
    html = client.get(
        "/forum/settings/", {"residential": "true", "gender": "girls"}
    ).content.decode()
    assert "Carlisle House" in html and "Crewe School" in html and "Bootle College" not in html
    assert 'name="max_weekly_price"' not in html
    assert "Suspended School" not in client.get("/forum/settings/").content.decode()


def test_forum_setting_shows_latest_published_inspection_with_its_date(world, client):
    InspectionJudgementFactory(setting=world.crewe, grades={"overall_effectiveness": "3"})
    html = client.get(f"/forum/settings/{world.crewe.pk}/").content.decode()
    assert "2 April 2024" in html and "Overall effectiveness: 3 (Requires improvement)" in html


def test_a_setting_not_on_the_fps_is_not_found(world, client):
    assert client.get(f"/forum/settings/{world.suspended.pk}/").status_code == 404
    assert client.get(f"/forum/settings/{world.unpriced.pk}/").status_code == 404


def test_forum_member_api_gets_the_public_shape_without_prices(world):
    api = api_client_for(person(Role.FORUM_MEMBER))
    body = api.get("/api/v1/settings/", {"postcode": "L20"}).json()
    assert body["count"] == 3
    assert not PRICE.search(str(body))
    assert all("weekly_price" not in r and "vacancies" not in r for r in body["results"])
    assert body["results"][0]["distance_miles"] < 2
    detail = api.get(f"/api/v1/settings/{world.crewe.pk}/").json()
    assert (
        "lots" not in detail
        and "additional_services" not in detail
        and not PRICE.search(str(detail))
    )
    rejected = api.get("/api/v1/settings/", {"max_weekly_price": "3000"})
    assert rejected.status_code == 400 and "max_weekly_price" in rejected.json()["error"]["fields"]
    assert api.get("/api/v1/settings/", {"ordering": "price"}).status_code == 400


def test_figures_show_small_counts_as_fewer_than_5(world, client):
    html = client.get("/forum/figures/").content.decode()
    assert "fewer than 5" in html
    assert re.search(r">\s*3\s*<", html) is None  # 3 settings on the FPS is never shown as "3"


def test_jargon_buster_in_plain_words(world, client):
    html = client.get("/about-the-fps/").content.decode()
    for term in (
        "Co-production",
        "Procurement",
        "Decommissioning",
        "Service specification",
        "Quality assurance",
        "Education, Health and Care Plan (EHCP)",
        "Primary need",
        "Individual Placement Agreement",
    ):
        assert term in html
    terms = re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>', html)
    assert terms and terms == sorted(terms, key=str.lower)  # A to Z


def test_forum_member_is_sent_from_the_commissioners_setting_page_to_the_public_one(world, client):
    client.force_login(person(Role.FORUM_MEMBER))
    response = client.get(f"/settings/{world.crewe.pk}/")
    assert (
        response.status_code == 302 and response["Location"] == f"/forum/settings/{world.crewe.pk}/"
    )


def test_a_forum_result_links_back_to_the_same_search(world, client):
    html = client.get("/forum/settings/", {"specialism": "semh"}).content.decode()
    link = re.search(r'href="(/forum/settings/\d+/\?from=[^"]+)"', html)
    assert link is not None
    detail = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert '<a href="/forum/settings/?specialism=semh" class="govuk-back-link">' in detail
