"""The referral lists' benchmark (bench/referrals_bench.py): it follows a page's rel="next" link
to the deep page, and tells a list that exists from one that does not yet."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from bench.lists import next_of_page, page_url
from bench.referrals_bench import api_resolves


def _pager(number: int) -> str:
    page = Paginator(range(200), 50).page(number)
    return render_to_string("includes/pagination.html", {"page": page, "query_string": "lot=A1"})


def test_the_next_link_of_the_house_pagination_is_followed() -> None:
    assert next_of_page(_pager(2)) == "?lot=A1&page=3"  # not the rel="prev" link before it
    assert next_of_page(_pager(4)) is None
    assert next_of_page('<a href="/x/" class="govuk-link">x</a>') is None


def test_a_list_is_measured_only_once_its_route_exists() -> None:
    assert page_url("providers:find-a-setting") == "/find-a-setting/"
    assert page_url("referrals:no-such-list") is None
    assert api_resolves("/api/v1/settings/")
    assert not api_resolves("/api/v1/no-such-list/")


def test_the_filter_names_are_the_pages_and_the_apis() -> None:
    from bench.referrals_bench import COMBINED, REFERRAL_FILTERS
    from referrals.api.referrals import ReferralFilterSet
    from referrals.views.referrals_forms import ReferralFilterForm

    names = {key for params in REFERRAL_FILTERS.values() for key in params}
    assert names == set(REFERRAL_FILTERS) == set(ReferralFilterForm.base_fields)
    assert names == set(ReferralFilterSet.base_filters)
    assert set(COMBINED) <= names


def _referrals() -> tuple[object, dict[str, int]]:
    """Sefton's six referrals, so that each filter finds a different set:
    R1 open, lot L, child C1, closing in 3 days; R2 open, lot M, C2, in 20 days; R3 a draft
    direct award, lot M, C1; R4 closed, lot M, C2; R5 awarded, lot L, C1; R6 open, lot L, C2,
    in 15 days. L carries most open referrals; C1 and C2 three each (C1 the lower id)."""
    import datetime

    from django.utils import timezone

    from fps_portal.accounts.models import Role
    from referrals.models import ReferralState, Route
    from tests.factories import authority, person
    from tests.providers.factories import LotFactory
    from tests.referrals.factories import ChildFactory, ReferralFactory

    sefton = authority("Sefton")
    lot_l, lot_m = LotFactory(), LotFactory()
    c1, c2 = ChildFactory(authority=sefton), ChildFactory(authority=sefton)
    now = timezone.now()
    rows = [
        ("R1", ReferralState.OPEN, Route.OPEN_COMPETITION, lot_l, c1, 3),
        ("R2", ReferralState.OPEN, Route.OPEN_COMPETITION, lot_m, c2, 20),
        ("R3", ReferralState.DRAFT, Route.DIRECT_AWARD, lot_m, c1, None),
        ("R4", ReferralState.CLOSED, Route.OPEN_COMPETITION, lot_m, c2, -5),
        ("R5", ReferralState.AWARDED, Route.OPEN_COMPETITION, lot_l, c1, -30),
        ("R6", ReferralState.OPEN, Route.OPEN_COMPETITION, lot_l, c2, 15),
    ]
    made = {}
    for name, state, route, lot, child, days in rows:
        made[name] = ReferralFactory(
            state=state,
            route=route,
            lot=lot,
            child=child,
            response_deadline=None if days is None else now + datetime.timedelta(days=days),
        ).pk
    return person(Role.COMMISSIONER, sefton), made


def test_every_filter_case_finds_its_own_rows(db: None) -> None:
    from bench.referrals_bench import COMBINED, combined, filter_problems, referral_filters
    from tests.factories import api_client_for, authority

    commissioner, made = _referrals()
    api = api_client_for(commissioner)

    def rows_for(params: dict[str, str]) -> list[dict[str, object]]:
        answer = api.get("/api/v1/referrals/", {**params, "page_size": "50"})
        assert answer.status_code == 200, answer.json()
        return list(answer.json()["results"])

    filters = referral_filters(authority("Sefton"))
    assert filter_problems(rows_for, filters) == []
    found = {name: {r["id"] for r in rows_for(params)} for name, params in filters.items()}
    assert found == {
        "state": {made["R1"], made["R2"], made["R6"]},
        "route": {made["R3"]},
        "lot": {made["R1"], made["R5"], made["R6"]},
        "deadline": {made["R1"]},
        "child": {made["R1"], made["R3"], made["R5"]},
    }
    assert COMBINED == ("state", "lot")
    assert {r["id"] for r in rows_for(combined(filters))} == {made["R1"], made["R6"]}


def test_a_filter_that_filters_nothing_is_reported(db: None) -> None:
    from bench.referrals_bench import filter_problems, referral_filters
    from tests.factories import api_client_for, authority

    commissioner, _made = _referrals()
    api = api_client_for(commissioner)

    def ignores_the_filter(params: dict[str, str]) -> list[dict[str, object]]:
        return list(api.get("/api/v1/referrals/", {"page_size": "50"}).json()["results"])

    problems = filter_problems(ignores_the_filter, referral_filters(authority("Sefton")))
    assert any("filter state" in p and "the same rows as no filter" in p for p in problems)
    assert any("do not satisfy it" in p for p in problems)
