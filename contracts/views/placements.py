"""The placements list (issue 12): for a placing authority's commissioners and senior managers,
their authority's placements and its weekly and annual commitment; for a provider's users, its
own placements and its weekly income. Filtered by status, setting, the days until the end and a
proposed variation; paginated; downloadable as CSV or XLSX (`placements_export`).

Only the two parties to an agreement see it (`AGREEMENT_PARTIES`, then scoping). The children's
names come through their own scope (a provider sees a child only after its award, ADR 0016),
and each page that names children is one audit event naming them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts.models import Agreement
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.placements import (
    UPCOMING_WINDOWS,
    children_shown,
    placement_totals,
    placements_count,
    placements_for,
    setting_choices,
)
from contracts.services.placement_reads import placements_listed
from contracts.views.placements_forms import PlacementFilterForm
from fps_portal.access import page_access
from fps_portal.actors import Actor
from referrals.models import Child

PAGE_SIZE = 50
TEMPLATE = "contracts/placements.html"


class PlacementPaginator(Paginator):
    """Pages of `placements_for`, counted by `placements_count` (the rows the filters select,
    without the page's computed columns and joins, which made the count ten times dearer)."""

    def __init__(self, object_list: Any, per_page: int, *, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


@dataclass(frozen=True)
class Row:
    """One placement of the page. Worked out once a row, not at each use in the template: the
    agreement's link (one `reverse` a page, `agreement_links`) and the days left."""

    agreement: Agreement
    child: Child | None  # None for a block purchase, or a child the actor may not read
    url: str = ""

    @cached_property
    def days_left(self) -> int | None:
        ends_on = getattr(self.agreement, "ends_on", None)
        if ends_on is None:
            return None
        return (ends_on - timezone.localdate()).days

    @cached_property
    def ending_within(self) -> int | None:
        """The smallest warning window (30 or 90 days) the placement ends within, if any."""
        days = self.days_left
        if days is None or days < 0 or self.agreement.state not in ("signed", "active"):
            return None
        return next((w for w in UPCOMING_WINDOWS if days <= w), None)


def agreement_links() -> Callable[[int], str]:
    """The agreement page's path for a primary key, reversed once (a `reverse` a row was a
    seventh of the rows' rendering)."""
    marker = 987654321
    path = reverse("contracts:agreement", args=[marker])
    before, after = path.split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def filter_form(request: HttpRequest, actor: Actor) -> PlacementFilterForm:
    return PlacementFilterForm(request.GET, settings=setting_choices(actor))


def list_page(
    request: HttpRequest, actor: Actor, form: PlacementFilterForm, *, status: int = 200
) -> HttpResponse:
    """The page for a bound form: the rows its filters select, or, while a filter is wrong,
    its message at the field and no rows (nothing listed, nothing recorded)."""
    context: dict[str, object] = {
        "form": form,
        "provider": actor.is_provider,
        "totals": placement_totals(actor),
        "windows": UPCOMING_WINDOWS,
        "query": form.query_without_page(),
    }
    if form.is_valid():
        filters = form.filters()
        page = PlacementPaginator(
            placements_for(actor, filters),
            PAGE_SIZE,
            count=lambda: placements_count(actor, filters),
        ).get_page(request.GET.get("page"))
        agreements = list(page.object_list)
        children = children_shown(actor, agreements)
        link = agreement_links()
        rows = [
            Row(a, children.get(a.child_id) if a.child_id else None, link(a.pk)) for a in agreements
        ]
        placements_listed(
            actor=actor,
            child_ids=[row.child.pk for row in rows if row.child is not None],
            how=f"page {page.number}",
        )
        context.update(page=page, rows=rows)
    else:
        status = 400
    return render(request, TEMPLATE, context, status=status)


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET"])
def placement_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return list_page(request, actor, filter_form(request, actor))
