"""One search, start to finish, shared by the page, the export and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from fps_portal.actors import Actor
from fps_portal.errors import InvalidInput
from fps_portal.text import is_number
from providers.models import Setting
from providers.selectors.search.criteria import SearchCriteria, SettingSearchForm
from providers.selectors.search.facets import Facets, search_facets
from providers.selectors.search.keyset import KeysetPage, keyset_page
from providers.selectors.search.query import facet_base, ordering_keys, search_settings

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGING_PARAMETERS = ("cursor", "page_size")


@dataclass
class SearchOutcome:
    form: SettingSearchForm
    criteria: SearchCriteria | None = None
    results: QuerySet[Setting] | None = None
    page: KeysetPage[Setting] | None = None
    facets: Facets | None = None


def _page_size(params: Mapping[str, Any]) -> int:
    raw = str(params.get("page_size") or PAGE_SIZE)
    if not is_number(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        message = f"Enter a page size from 1 to {MAX_PAGE_SIZE}."
        raise InvalidInput(message, fields={"page_size": [message]})
    return int(raw)


def unknown_parameters(
    form: SettingSearchForm, params: Mapping[str, Any], *, extra: tuple[str, ...] = ()
) -> list[str]:
    known = set(form.fields) | set(PAGING_PARAMETERS) | set(extra)
    return sorted(set(params) - known)


def run_search(
    actor: Actor | None,
    params: Mapping[str, Any],
    *,
    public: bool = False,
    with_price: bool = True,
    paginate: bool = True,
    facets: bool = True,
) -> SearchOutcome:
    """Validates `params`; when valid, the results (a page of them) and their facet counts.

    Paging errors (a tampered cursor, a page size out of range) raise InvalidInput naming the
    parameter; filter errors stay on the returned form, so the page can show them at the field.
    """
    form = SettingSearchForm(params, with_price=with_price)
    outcome = SearchOutcome(form=form)
    if not form.is_valid():
        return outcome
    criteria = form.criteria()
    results = search_settings(actor, criteria, public=public, with_price=with_price and not public)
    outcome.criteria, outcome.results = criteria, results
    if paginate:
        size = _page_size(params)
        cursor = str(params.get("cursor") or "") or None
        outcome.page = keyset_page(
            results, ordering_keys(criteria, results), cursor=cursor, size=size
        )
    if facets:
        provider_view = actor is not None and actor.is_provider and not public
        priced = with_price and not public
        base, flags = facet_base(actor, criteria, public=public, priced=priced)
        outcome.facets = search_facets(
            base,
            flags,
            approved_only=not provider_view,
            lot_price_at_most=criteria.max_weekly_price if priced else None,
        )
    return outcome


def counts_by_parameter(facets: Facets, form: SettingSearchForm) -> dict[str, dict[str, int]]:
    """Each filter's counts keyed by the values its parameter takes (page and API alike).

    A primary need belongs to one area of need, and the form refuses a need outside the chosen
    area; so with an area chosen, needs outside it count 0, and with a need chosen, every other
    area counts 0: a number beside a choice is always what choosing it gives.
    """
    data = form.cleaned_data if form.is_valid() else {}
    chosen_area = form.specialisms.get(data.get("specialism") or "")
    chosen_need = form.needs.get(data.get("need") or "")
    return {
        "lot": {code: facets.lots.get(lot.pk, 0) for code, lot in form.lots.items()},
        "specialism": {
            code: facets.specialisms.get(s.pk, 0)
            if chosen_need is None or chosen_need.specialism_id == s.pk
            else 0
            for code, s in form.specialisms.items()
        },
        "need": {
            code: facets.needs.get(n.pk, 0)
            if chosen_area is None or n.specialism_id == chosen_area.pk
            else 0
            for code, n in form.needs.items()
        },
        "host_authority": {
            code: facets.host_authorities.get(a.pk, 0) for code, a in form.authorities.items()
        },
        "band": facets.bands,
        "gender": facets.genders,
        "has_vacancies": {"true": facets.with_vacancies, "false": facets.without_vacancies},
        "residential": {"true": facets.residential, "false": facets.day},
    }
