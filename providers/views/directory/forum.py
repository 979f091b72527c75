"""The parent-carer forum's read-only pages; the directory and explanations are public.

Nothing here reads a price, a child or an unpublished document: every read is the public's
(`scoped(Model, PUBLIC)`, whoever is signed in, ADR 0005), the search runs with
`public=True, with_price=False`, so no price is even selected, and the templates have no price.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fps_portal.accounts.models import Organisation
from fps_portal.errors import InvalidInput
from fps_portal.scoping import PUBLIC, get_scoped_or_404, scoped
from providers.inspections.bands import Band
from providers.inspections.selectors import grade_rows, latest_confirmed_judgements
from providers.models import InspectionJudgement, Lot, Setting, Specialism
from providers.postcodes import DISTANCE_NOTE, POSTCODE_ATTRIBUTION
from providers.selectors.search.run import run_search
from providers.views.directory.common import query_without, search_to_return_to
from providers.views.directory.jargon import HOW_THE_FPS_WORKS, JARGON
from providers.views.directory.search import label_with_counts

SMALL_NUMBER = 5


def suppress(count: int) -> str:
    """Counts under 5 could point to a few children or one family's choice: say "fewer than 5"."""
    return "fewer than 5" if 0 < count < SMALL_NUMBER else str(count)


def forum_directory(request: HttpRequest) -> HttpResponse:
    try:
        outcome = run_search(None, request.GET, public=True, with_price=False)
    except InvalidInput as exc:
        return render(
            request,
            "providers/forum/directory.html",
            {"error": exc.message, "form": None},
            status=400,
        )
    label_with_counts(outcome)
    return render(
        request,
        "providers/forum/directory.html",
        {
            "form": outcome.form,
            "page": outcome.page,
            "facets": outcome.facets,
            "criteria": outcome.criteria,
            "query": query_without(request.GET, "cursor"),
            "attribution": POSTCODE_ATTRIBUTION,
            "distance_note": DISTANCE_NOTE,
        },
        status=200 if outcome.form.is_valid() else 400,
    )


def forum_setting(request: HttpRequest, pk: int) -> HttpResponse:
    setting = get_scoped_or_404(
        Setting,
        PUBLIC,
        select_related=("host_authority", "provider"),
        prefetch_related=("specialisms", "primary_needs"),
        pk=pk,
    )
    # The public's judgements: published and confirmed only (`published_judgements`).
    judgements = list(scoped(InspectionJudgement, PUBLIC).filter(setting=setting))
    latest = sorted(latest_confirmed_judgements(judgements), key=lambda j: j.remit)
    for judgement in latest:
        judgement.grade_rows = grade_rows(judgement)  # type: ignore[attr-defined]
    lots = (
        scoped(Lot, PUBLIC)
        .filter(setting_offers__setting=setting, setting_offers__approved_at__isnull=False)
        .order_by("display_order", "code")
    )
    return render(
        request,
        "providers/forum/setting.html",
        {
            "setting": setting,
            "latest": latest,
            "lots": lots,
            "back_to_search": search_to_return_to(request),
        },
    )


def about_the_fps(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "providers/forum/about.html",
        # A to Z, so a word is found where a reader looks for it.
        {"sections": HOW_THE_FPS_WORKS, "jargon": sorted(JARGON, key=lambda t: t[0].lower())},
    )


@dataclass(frozen=True)
class Figure:
    label: str
    count: str


def forum_figures(request: HttpRequest) -> HttpResponse:
    on_fps = scoped(Setting, PUBLIC)
    ids = on_fps.values("pk")
    total = on_fps.count()
    per_lot = (
        scoped(Lot, PUBLIC)
        .annotate(
            n=Count(
                "setting_offers__setting",
                filter=Q(
                    setting_offers__approved_at__isnull=False, setting_offers__setting__in=ids
                ),
                distinct=True,
            )
        )
        .order_by("display_order", "code")
    )
    per_specialism = scoped(Specialism, PUBLIC).annotate(
        n=Count("settings", filter=Q(settings__in=ids), distinct=True)
    )
    per_area = (
        scoped(Organisation, PUBLIC)
        .annotate(n=Count("hosted_settings", filter=Q(hosted_settings__in=ids), distinct=True))
        .order_by("name")
    )
    bands = dict(on_fps.order_by().values_list("current_band").annotate(n=Count("pk")))
    context = {
        "total": suppress(total),
        "per_lot": [Figure(f"{lot.code} {lot.name}", suppress(lot.n)) for lot in per_lot],
        "per_specialism": [Figure(s.name, suppress(s.n)) for s in per_specialism],
        "per_area": [Figure(a.name, suppress(a.n)) for a in per_area],
        "per_band": [
            Figure(str(label), suppress(bands.get(value, 0))) for value, label in Band.choices
        ],
    }
    return render(request, "providers/forum/figures.html", context)
