"""Find a setting (commissioners and other authority staff), its export, and a setting's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fps_portal.access import AUTHORITIES, DIRECTORY_READERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import InvalidInput
from fps_portal.phones import phone_for_display
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.inspections.permissions import can_check_judgement, can_record_judgement
from providers.inspections.selectors import grade_rows, latest_confirmed_judgements
from providers.models import (
    AdditionalService,
    Evidence,
    FpsMembership,
    InspectionJudgement,
    Setting,
    SettingLot,
)
from providers.postcodes import DISTANCE_NOTE, POSTCODE_ATTRIBUTION
from providers.selectors.search.export import (
    EXPORT_LIMIT,
    export_about,
    export_rows,
    to_csv,
    to_xlsx,
)
from providers.selectors.search.query import ordering_keys
from providers.selectors.search.run import SearchOutcome, counts_by_parameter, run_search
from providers.views.directory.common import query_without, search_to_return_to


def label_with_counts(outcome: SearchOutcome) -> None:
    """Adds "(n)" to each filter choice: how many of the current results have that value."""
    facets, form = outcome.facets, outcome.form
    if facets is None:
        return
    by_code = counts_by_parameter(facets, form)
    for name, counts in by_code.items():
        field = form.fields.get(name)
        if field is None:
            continue
        field.choices = [  # type: ignore[attr-defined]
            (value, f"{label} ({counts.get(value, 0)})" if value else label)
            for value, label in field.choices  # type: ignore[attr-defined]
        ]


@page_access(AUTHORITIES)
def find_a_setting(request: HttpRequest, actor: Actor) -> HttpResponse:
    try:
        outcome = run_search(actor, request.GET)
    except InvalidInput as exc:  # a stale or edited cursor: start again from the first page
        return render(
            request,
            "providers/directory/search.html",
            {"error": exc.message, "form": None},
            status=400,
        )
    label_with_counts(outcome)
    status = 200 if outcome.form.is_valid() else 400
    return render(
        request,
        "providers/directory/search.html",
        {
            "form": outcome.form,
            "outcome": outcome,
            "criteria": outcome.criteria,
            "page": outcome.page,
            "facets": outcome.facets,
            "query": query_without(request.GET, "cursor"),
            "attribution": POSTCODE_ATTRIBUTION,
            "distance_note": DISTANCE_NOTE,
        },
        status=status,
    )


def _export(request: HttpRequest, actor: Actor, kind: str) -> HttpResponse:
    params = request.GET.copy()
    params.pop("cursor", None)
    outcome = run_search(actor, params, paginate=False, facets=False)
    if not outcome.form.is_valid() or outcome.results is None or outcome.criteria is None:
        return redirect(f"{request.path.rsplit('/', 1)[0]}/?{params.urlencode()}")
    settings = list(
        outcome.results.order_by(*ordering_keys(outcome.criteria, outcome.results))[:EXPORT_LIMIT]
    )
    rows = export_rows(settings, outcome.criteria)
    made_at = timezone.localtime()
    about = export_about(
        form=outcome.form,
        criteria=outcome.criteria,
        made_at=made_at,
        made_by=f"{actor.user.email}, {actor.organisation}",
        rows=len(settings),
        search_url=request.build_absolute_uri(
            f"{reverse('providers:find-a-setting')}?{params.urlencode()}"
        ),
    )
    stamp = made_at.strftime("%Y%m%d-%H%M")
    if kind == "csv":
        response = HttpResponse(to_csv(rows, about), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(rows, about),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="settings-{stamp}.{kind}"'
    return response


@page_access(AUTHORITIES)
def export_csv(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _export(request, actor, "csv")


@page_access(AUTHORITIES)
def export_xlsx(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _export(request, actor, "xlsx")


def setting_page_context(actor: Actor, setting: Setting) -> dict[str, object]:
    judgements = list(
        scoped(InspectionJudgement, actor).filter(setting=setting).select_related("recorded_by")
    )
    for judgement in judgements:
        judgement.grade_rows = grade_rows(judgement)  # type: ignore[attr-defined]
    offers = list(
        scoped(SettingLot, actor)
        .filter(setting=setting)
        .select_related("lot")
        .order_by("lot__display_order", "lot__code")
    )
    if not (actor.is_provider or actor.is_lead_evaluator):
        offers = [o for o in offers if o.approved_at is not None]
    return {
        "setting": setting,
        "address_lines": [
            line
            for line in [*setting.address.splitlines(), setting.town, setting.postcode]
            if line.strip()
        ],
        "contact_lines": [
            line for line in (phone_for_display(setting.phone), setting.email) if line
        ],
        "judgements": judgements,
        "current": {j.pk for j in latest_confirmed_judgements(judgements)},
        "offers": offers,
        "services": list(scoped(AdditionalService, actor).filter(setting=setting)),
        "membership": scoped(FpsMembership, actor)
        .filter(provider_id=setting.provider_id)
        .select_related("purchasing_system")
        .first(),
        "can_edit": actor.is_provider and actor.organisation_id == setting.provider_id,
        "can_record_judgement": can_record_judgement(actor, setting),
        "can_check_judgement": can_check_judgement(actor),
        # The onboarding scope rule decides which documents each viewer may see (authorities:
        # current setting-level evidence of active members; the provider: its own).
        "documents": list(
            scoped(Evidence, actor)
            .filter(setting=setting, superseded_at__isnull=True)
            .order_by("kind", "title")
        ),
    }


@page_access(DIRECTORY_READERS)
def setting_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    if actor.is_forum:
        return redirect("providers:forum-setting", pk=pk)
    setting = get_scoped_or_404(
        Setting, actor, select_related=("provider", "host_authority"), pk=pk
    )
    context = setting_page_context(actor, setting)
    context["back_to_search"] = search_to_return_to(request)
    return render(request, "providers/directory/setting_detail.html", context)
