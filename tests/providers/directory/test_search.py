"""Find a setting: each filter, combinations, ordering, paging, bad parameters, page = API."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fps_portal.accounts.models import Role
from tests.factories import api_client_for, person
from tests.providers.directory.conftest import World, on_fps_setting

API = "/api/v1/settings/"
PAGE = "/find-a-setting/"


def api_names(user, params):  # type: ignore[no-untyped-def]
    response = api_client_for(user).get(API, params)
    assert response.status_code == 200, response.json()
    return [r["name"] for r in response.json()["results"]]


def page_names(client, params):  # type: ignore[no-untyped-def]
    response = client.get(PAGE, params)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'href="/settings/\d+/[^"]*">([^<]+)</a>', html)


@pytest.fixture
def commissioner(world: World):  # type: ignore[no-untyped-def]
    return person(Role.COMMISSIONER)


FILTER_CASES = [
    ({}, {"Bootle College", "Carlisle House", "Crewe School"}),
    ({"lot": "A3"}, {"Carlisle House", "Crewe School"}),
    ({"specialism": "semh"}, {"Bootle College"}),
    # the form as it loads sends an empty Sort by: nearest first with a location, else by name
    ({"specialism": "semh", "ordering": ""}, {"Bootle College"}),
    ({"need": "ASD"}, {"Crewe School"}),
    ({"host_authority": "E08000014"}, {"Bootle College"}),
    ({"age": "17"}, {"Bootle College", "Carlisle House"}),
    ({"age": "5"}, {"Crewe School"}),
    ({"gender": "boys"}, {"Bootle College", "Crewe School"}),
    ({"gender": "girls"}, {"Carlisle House", "Crewe School"}),
    ({"gender": "mixed"}, {"Crewe School"}),
    ({"max_weekly_price": "2900"}, {"Bootle College"}),
    ({"max_weekly_price": "5500", "lot": "A3"}, {"Crewe School"}),
    ({"band": "fail"}, {"Carlisle House"}),
    ({"has_vacancies": "true"}, {"Carlisle House", "Crewe School"}),
    ({"has_vacancies": "false"}, {"Bootle College"}),
    ({"residential": "true"}, {"Carlisle House", "Crewe School"}),
    ({"residential": "false"}, {"Bootle College", "Crewe School"}),
    ({"postcode": "L20 3AB", "radius_miles": "10"}, {"Bootle College"}),
    ({"postcode": "L20", "radius_miles": "60"}, {"Bootle College", "Crewe School"}),
    ({"authority": "E06000063", "radius_miles": "15"}, {"Carlisle House"}),
    # combinations
    (
        {
            "lot": "A1",
            "age": "12",
            "has_vacancies": "true",
            "postcode": "CW1 2AB",
            "radius_miles": "50",
        },
        {"Crewe School"},
    ),
    ({"residential": "true", "gender": "girls", "band": "pass"}, {"Crewe School"}),
    ({"specialism": "semh", "band": "pass"}, set()),
]


@pytest.mark.parametrize(("params", "expected"), FILTER_CASES)
def test_each_filter_and_combination_page_and_api_agree(
    world, commissioner, client, params, expected
):
    client.force_login(commissioner)
    from_api = api_names(commissioner, params)
    assert set(from_api) == expected
    assert page_names(client, params) == from_api  # same answers, same order


def test_settings_not_on_the_fps_never_appear(world, commissioner):
    names = api_names(commissioner, {})
    assert "Unpriced School" not in names  # its only lot is not approved
    assert "Suspended School" not in names  # its provider is suspended


def test_distance_is_given_and_sorts_nearest_first(world, commissioner):
    body = api_client_for(commissioner).get(API, {"postcode": "L20 3AB"}).json()
    names = [r["name"] for r in body["results"]]
    distances = [r["distance_miles"] for r in body["results"]]
    assert names == ["Bootle College", "Crewe School", "Carlisle House"]
    assert distances == sorted(distances) and distances[0] < 2
    assert "distance_miles" not in api_client_for(commissioner).get(API).json()["results"][0]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["Bootle College", "Crewe School", "Carlisle House"]),
        ("-price", ["Carlisle House", "Crewe School", "Bootle College"]),
        ("band", ["Crewe School", "Bootle College", "Carlisle House"]),
        ("name", ["Bootle College", "Carlisle House", "Crewe School"]),
    ],
)
def test_ordering(world, commissioner, ordering, expected):
    assert api_names(commissioner, {"ordering": ordering}) == expected


def test_price_is_the_chosen_lot_or_the_cheapest(world, commissioner):
    api = api_client_for(commissioner)
    crewe = next(r for r in api.get(API).json()["results"] if r["name"] == "Crewe School")
    assert (crewe["lot"], crewe["weekly_price"]) == ("A1", "3000.00")
    crewe = api.get(API, {"lot": "A3"}).json()["results"][1]
    assert (crewe["name"], crewe["lot"], crewe["weekly_price"]) == ("Crewe School", "A3", "5200.00")


def test_result_shows_band_with_grade_and_date(world, commissioner):
    crewe = api_client_for(commissioner).get(API, {"need": "ASD"}).json()["results"][0]
    assert crewe["inspection"] == {
        "band": "pass",
        "label": "Pass",
        "grade": "Ofsted: Overall effectiveness: 2 (Good)",
        "as_at": "2024-04-02",
        "under_review_since": None,
    }
    assert crewe["age_from"] == 5 and crewe["gender"] == "mixed" and crewe["vacancies"] == 3
    assert crewe["specialisms"] == [
        {"code": "communication-and-interaction", "name": "Communication and interaction"}
    ]


def test_facets_count_the_current_results(world, commissioner):
    facets = api_client_for(commissioner).get(API, {"residential": "true"}).json()["facets"]
    assert facets["total"] == 2
    assert facets["lot"] == {"A1": 1, "A3": 2}
    assert facets["band"] == {"pass": 1, "concern": 0, "fail": 1, "unknown": 0}
    assert facets["gender"] == {"boys": 1, "girls": 2, "mixed": 1}
    assert facets["has_vacancies"] == {"true": 2, "false": 0}


def test_each_filters_counts_leave_that_filter_out(world, commissioner):
    """The numbers at a drop-down answer "if I chose this instead": the filter itself is left out
    of its own counts, every other filter stays."""
    api = api_client_for(commissioner)
    facets = api.get(API, {"lot": "A3"}).json()["facets"]
    assert facets["total"] == 2  # Carlisle House and Crewe School offer A3
    assert facets["lot"] == {"A1": 2, "A3": 2}  # choosing A1 instead: Crewe and Bootle
    assert facets["band"] == {"pass": 1, "concern": 0, "fail": 1, "unknown": 0}  # within A3

    both = api.get(API, {"lot": "A3", "band": "pass"}).json()["facets"]
    assert both["total"] == 1
    assert both["lot"] == {"A1": 1, "A3": 1}  # A1 with band pass: Crewe only
    assert both["band"] == {"pass": 1, "concern": 0, "fail": 1, "unknown": 0}  # A3, any band

    vacancies = api.get(API, {"has_vacancies": "true"}).json()["facets"]
    assert vacancies["has_vacancies"] == {"true": 2, "false": 1}
    nothing = api.get(API, {"band": "fail", "residential": "false"}).json()
    assert nothing["results"] == []  # yet the counts show where the choices are
    assert nothing["facets"]["band"] == {"pass": 1, "concern": 1, "fail": 0, "unknown": 0}
    assert nothing["facets"]["residential"] == {"true": 1, "false": 0}


def test_lot_counts_check_the_maximum_price_against_each_lots_own_price(world, commissioner):
    # Crewe: A1 3000, A3 5200; Bootle: A1 2800; Carlisle: A3 6100.
    api = api_client_for(commissioner)
    facets = api.get(API, {"max_weekly_price": "5500"}).json()["facets"]
    assert facets["lot"] == {"A1": 2, "A3": 1}  # Crewe's A3 is within 5500, Carlisle's is not
    chosen = api.get(API, {"lot": "A1", "max_weekly_price": "2900"}).json()
    assert [r["name"] for r in chosen["results"]] == ["Bootle College"]
    assert chosen["facets"]["lot"] == {"A1": 1, "A3": 0}


def test_page_shows_the_counts_beside_each_choice(world, commissioner, client):
    client.force_login(commissioner)
    html = client.get(PAGE, {"lot": "A3"}).content.decode()
    assert '<option value="A1">A1 – Day (2)</option>' in html
    assert '<option value="A3" selected>A3 – 52-week residential (2)</option>' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lot": "ZZ"}, "lot"),
        ({"specialism": "nope"}, "specialism"),
        ({"need": "XYZ"}, "need"),
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode"),
        ({"authority": "E99999999"}, "authority"),
        ({"radius_miles": "10"}, "radius_miles"),
        ({"postcode": "L20", "radius_miles": "-3"}, "radius_miles"),
        ({"age": "eleven"}, "age"),
        ({"age": "40"}, "age"),
        ({"gender": "other"}, "gender"),
        ({"max_weekly_price": "12.345"}, "max_weekly_price"),
        ({"max_weekly_price": "-5"}, "max_weekly_price"),
        ({"band": "green"}, "band"),
        ({"has_vacancies": "maybe"}, "has_vacancies"),
        ({"residential": "2"}, "residential"),
        ({"ordering": "distance"}, "ordering"),
        ({"ordering": "cost"}, "ordering"),
        ({"need": "ASD", "specialism": "semh"}, "need"),
        ({"colour": "blue"}, "colour"),
        ({"cursor": "garbage!"}, "cursor"),
        # well-formed cursors holding values of the wrong kind: text or NaN for a price, text
        # for the primary key
        ({"ordering": "price", "cursor": "WyJuIiwgWyJhYmMiLCAxXV0"}, "cursor"),
        ({"ordering": "price", "cursor": "WyJuIiwgWyJOYU4iLCAxXV0"}, "cursor"),
        ({"ordering": "price", "cursor": "WyJuIiwgWzEuNSwgIngiXV0"}, "cursor"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(world, commissioner, params, field):
    response = api_client_for(commissioner).get(API, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age": "40"}, "Enter the child's age in whole years, from 0 to 25."),
        ({"postcode": "L20", "radius_miles": "2.25"}, "Enter a distance in miles from 0.1 to 300"),
        ({"lot": "Z9"}, "There is no lot Z9: choose one from the list."),
        ({"host_authority": "E99"}, "Choose a North West authority from the list."),
    ],
)
def test_bad_parameters_say_what_to_do(world, commissioner, params, message):
    response = api_client_for(commissioner).get(API, params)
    (field,) = params.keys() - {"postcode"}
    assert response.json()["error"]["fields"][field][0].startswith(message)


@pytest.mark.parametrize("postcode", ["ZZ9 9ZZ", "12345", "L20 3AB extra"])
def test_page_shows_a_field_error_and_no_guessed_results(world, commissioner, client, postcode):
    client.force_login(commissioner)
    response = client.get(PAGE, {"postcode": postcode})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and 'href="#id_postcode"' in html
    assert "Crewe School" not in html and "Bootle College" not in html


def test_unknown_district_and_malformed_postcode_get_different_messages(world, commissioner):
    api = api_client_for(commissioner)
    unknown = api.get(API, {"postcode": "ZZ9 9ZZ"}).json()["error"]["fields"]["postcode"][0]
    malformed = api.get(API, {"postcode": "hello"}).json()["error"]["fields"]["postcode"][0]
    assert "ZZ9" in unknown and "cannot find" in unknown
    assert "like CW1 2AB" in malformed


def test_cursor_pages_walk_every_result_once_in_both_directions(world, commissioner):
    api = api_client_for(commissioner)
    seen, url = [], API + "?ordering=price&page_size=1"
    pages = []
    while url:
        body = api.get(url).json()
        pages.append(body)
        seen += [r["name"] for r in body["results"]]
        url = body["next"]
    assert seen == ["Bootle College", "Crewe School", "Carlisle House"]
    back = api.get(pages[-1]["previous"]).json()
    assert [r["name"] for r in back["results"]] == ["Crewe School"]


@pytest.mark.parametrize(
    ("where", "url"), [("page", PAGE), ("api", API), ("forum", "/forum/settings/")]
)
def test_search_query_count_does_not_grow_with_results(world, commissioner, client, where, url):
    """The page's queries: session, user, membership; lots, specialisms, needs, authorities (the
    form's choices); the page of results; its specialisms; the facet rows. The API's and the
    forum directory's are the same search behind other shells. At 1 result and at 31, the same
    number."""
    user = person(Role.FORUM_MEMBER) if where == "forum" else commissioner
    client.force_login(user)
    client.get(url)

    def count(params):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    at_one = count({"need": "SEMH"})
    for i in range(30):
        on_fps_setting(
            provider=world.provider,
            lots={world.day: f"{2000 + i}.00"},
            name=f"Extra {i:02d}",
            specialisms=("semh",),
            needs=("SEMH",),
        )
    at_thirty_one = count({"need": "SEMH", "page_size": "50"})
    shown = client.get(url, {"need": "SEMH", "page_size": "50"})
    if where == "api":
        assert len(shown.json()["results"]) == 31
    else:
        assert (
            len(
                re.findall(
                    r'<a class="govuk-link[^"]*" href="/(?:forum/)?settings/\d+/[^"]*"',
                    shown.content.decode(),
                )
            )
            == 31
        )
    assert at_one == at_thirty_one


@pytest.mark.parametrize(
    "role", [Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.QA_OFFICER, Role.SENIOR_MANAGER]
)
def test_authority_roles_can_search(world, client, role):
    client.force_login(person(role))
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("role", [Role.PROVIDER_USER, Role.FORUM_MEMBER])
def test_other_roles_cannot_use_the_commissioners_search(world, client, role):
    client.force_login(person(role))
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + "export.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in_and_the_api_answers_401(world, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    assert api_client_for(None).get(API).status_code == 401


def test_provider_lists_only_its_own_settings_through_the_same_endpoint(world):
    user = person(Role.PROVIDER_USER, organisation=world.other_provider)
    assert set(api_names(user, {})) == {"Bootle College", "Carlisle House"}


@pytest.mark.parametrize("ordering", ["price", "-price"])
def test_a_providers_settings_without_a_price_come_last_either_way(world, ordering):
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    assert api_names(user, {"ordering": ordering}) == ["Crewe School", "Unpriced School"]


def test_a_repeated_filter_answers_400_naming_it(world, commissioner):
    response = api_client_for(commissioner).get(API, {"lot": ["A1", "A3"]})
    assert response.status_code == 400
    assert "lot" in response.json()["error"]["fields"]


def test_the_postcode_is_shown_as_usually_written(world, commissioner, client):
    client.force_login(commissioner)
    html = client.get(PAGE, {"postcode": " l203ab "}).content.decode()
    assert "measured from L20 3AB." in html


def test_setting_page_shows_profile_prices_services_history_and_membership(
    world, commissioner, client
):
    from tests.providers.factories import InspectionJudgementFactory

    InspectionJudgementFactory(setting=world.crewe)
    client.force_login(commissioner)
    html = client.get(f"/settings/{world.crewe.pk}/").content.decode()
    for text in (
        "Crewe School",
        "£3,000.00",
        "£5,200.00",
        "Overall effectiveness: 2 (Good)",
        "Active",
        "Cheshire East",
    ):
        assert text in html
    other = person(Role.PROVIDER_USER)
    client.force_login(other)
    assert client.get(f"/settings/{world.crewe.pk}/").status_code == 404


def test_a_result_opens_its_setting_with_a_way_back_to_the_same_search(world, commissioner, client):
    client.force_login(commissioner)
    search = {"lot": "A1", "ordering": "price", "page_size": "1"}
    html = client.get(PAGE, search).content.decode()
    link = re.search(r'href="(/settings/\d+/\?from=[^"]+)"', html)
    assert link is not None
    detail = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">Back to your search</a>', detail)
    assert back is not None
    returned = client.get(back.group(1).replace("&amp;", "&"))
    assert page_names(client, search) == ["Bootle College"]
    assert re.findall(r'href="/settings/\d+/[^"]*">([^<]+)</a>', returned.content.decode()) == [
        "Bootle College"
    ]


def test_the_way_back_can_only_lead_to_the_search(world, commissioner, client):
    client.force_login(commissioner)
    for trick in ("//evil.example/", "https://evil.example", '"><script>x</script>'):
        html = client.get(f"/settings/{world.crewe.pk}/", {"from": trick}).content.decode()
        href = re.search(r'<a href="([^"]+)" class="govuk-back-link">', html).group(1)
        assert href.startswith("/find-a-setting/?") and "<script>" not in html


def test_setting_page_says_whether_the_setting_is_listed(world, client):
    client.force_login(person(Role.LEAD_EVALUATOR))
    listed = client.get(f"/settings/{world.crewe.pk}/").content.decode()
    assert "Yes: every authority can find it" in listed
    unpriced = client.get(f"/settings/{world.unpriced.pk}/").content.decode()
    assert "No: none of its lots is approved yet" in unpriced
    suspended = client.get(f"/settings/{world.suspended.pk}/").content.decode()
    assert "No: its provider is not an active member" in suspended


def test_the_page_says_how_many_are_shown_and_in_what_order(world, commissioner, client):
    client.force_login(commissioner)
    html = client.get(PAGE, {"ordering": "price", "page_size": "2"}).content.decode()
    assert (
        "Showing 1 to 2 of 3 settings (page 1 of 2), sorted by weekly price, lowest first." in html
    )
    html = client.get(PAGE, {"postcode": "L20 3AB"}).content.decode()
    assert "Showing 1 to 3 of 3 settings, sorted by distance, nearest first." in html


def test_no_download_is_offered_for_no_results(world, commissioner, client):
    client.force_login(commissioner)
    assert "Download these results" in client.get(PAGE).content.decode()
    empty = client.get(PAGE, {"specialism": "semh", "band": "pass"}).content.decode()
    assert "0 settings on the FPS match." in empty and "Download these results" not in empty


def test_a_count_beside_an_area_or_need_is_what_choosing_it_gives(world, commissioner):
    """A need belongs to one area, and the form refuses a need outside the chosen area."""
    api = api_client_for(commissioner)
    by_need = api.get(API, {"need": "ASD"}).json()["facets"]
    assert by_need["specialism"]["communication-and-interaction"] == 1
    assert by_need["specialism"]["semh"] == 0  # choosing it with ASD would be refused
    by_area = api.get(API, {"specialism": "semh"}).json()["facets"]
    assert by_area["need"]["SEMH"] == 1 and by_area["need"]["ASD"] == 0
    for code, shown in by_area["need"].items():
        response = api.get(API, {"specialism": "semh", "need": code})
        if shown:
            assert response.status_code == 200
            assert response.json()["facets"]["total"] == shown
