"""The referral lists' benchmark (bench/referrals_bench.py): it follows a page's rel="next" link
to the deep page, and tells a list that exists from one that does not yet."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from bench.referrals_bench import api_resolves, next_of_page, page_url


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
