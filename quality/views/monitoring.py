"""The quarterly monitoring pages: the list (the provider's own returns; a QA officer's, those with
a placement of its authority), one return with its trend, the provider's figures (save a draft
or send), the QA officer's review, and a setting's trend over quarters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fps_portal.access import PROVIDERS, Access, either, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from quality.models import (
    RETURN_WITH_PROVIDER,
    SETTING_COUNTS,
    ReturnState,
    SettingReturn,
    figure_label,
)
from quality.monitoring_chart import Chart, bar_chart
from quality.monitoring_scope_rules import monitors
from quality.selectors.monitoring import (
    STATE_FILTERS,
    monitored_setting,
    provider_trend,
    return_detail,
    return_history,
    return_placements,
    return_reviews,
    return_settings,
    returns_for,
    setting_trend,
)
from quality.services.monitoring import (
    can_review,
    monitoring_return_review,
    monitoring_return_save,
    monitoring_return_submit,
)
from quality.services.monitoring_views import monitoring_placements_viewed
from quality.views.monitoring_forms import FiguresForm, ReviewForm

QA_OFFICERS = Access(monitors, "Only authorities' QA officers review monitoring returns.")
MONITORING_READERS = either(
    PROVIDERS,
    QA_OFFICERS,
    message="Only the provider and the placing authorities' QA officers see monitoring returns.",
)
PAGE_SIZE = 50
#: The figures a trend charts, with the chart's title.
TREND_CHARTS = (
    ("incidents", "Incidents"),
    ("restraints", "Uses of restraint"),
    ("safeguarding_referrals", "Safeguarding referrals"),
    ("exclusions", "Permanent exclusions"),
    ("suspensions", "Suspensions"),
    ("complaints", "Complaints received"),
    ("staffing_changes", "Staff who joined or left"),
)


def _charts(trend: list[dict[str, object]]) -> list[Chart]:
    return [
        bar_chart(title, [(str(q["label"]), int(q[field])) for q in trend])  # type: ignore[call-overload]
        for field, title in TREND_CHARTS
    ]


def _columns() -> list[str]:
    return [figure_label(SettingReturn, f) for f in SETTING_COUNTS]


def _trend_rows(trend: list[dict[str, object]]) -> list[tuple[object, list[object]]]:
    """The trend as the table beside the charts shows it: a quarter, then each figure."""
    return [(q["label"], [q[f] for f in SETTING_COUNTS]) for q in trend]


def _setting_rows(rows: list[SettingReturn]) -> list[tuple[SettingReturn, list[object]]]:
    return [(row, [getattr(row, f) for f in SETTING_COUNTS]) for row in rows]


@page_access(MONITORING_READERS)
def return_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    try:
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), 100)
    except ValueError:
        size = PAGE_SIZE
    page = Paginator(returns_for(actor, state=state), size).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("state", state), ("page_size", str(size))) if v}
    return render(
        request,
        "quality/monitoring_list.html",
        {
            "returns": list(page.object_list),
            "page": page,
            "query_string": urlencode(query),
            "state": state,
            "today": timezone.localdate(),
            "is_provider": actor.is_provider,
        },
    )


@page_access(MONITORING_READERS)
def return_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    monitoring_return = return_detail(actor, pk)
    placements = return_placements(actor, monitoring_return)
    monitoring_placements_viewed(
        actor=actor, monitoring_return=monitoring_return, placements=placements, how="return page"
    )
    trend = provider_trend(actor, monitoring_return.provider_id)
    return render(
        request,
        "quality/monitoring_return.html",
        {
            "r": monitoring_return,
            "settings": _setting_rows(return_settings(actor, monitoring_return)),
            "placements": placements,
            "reviews": return_reviews(actor, monitoring_return),
            "history": return_history(actor, monitoring_return),
            "with_provider": monitoring_return.state in RETURN_WITH_PROVIDER,
            "overdue": monitoring_return.is_overdue_on(timezone.localdate()),
            "is_provider": actor.is_provider,
            "reviewable": not actor.is_provider
            and monitoring_return.state == ReturnState.SUBMITTED,
            "trend": _trend_rows(trend),
            "charts": _charts(trend),
            "columns": _columns(),
        },
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def return_figures(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The provider's figures: "Save as draft" keeps what is typed, "Send" needs everything."""
    monitoring_return = return_detail(actor, pk)
    settings = return_settings(actor, monitoring_return)
    placements = return_placements(actor, monitoring_return)
    form = FiguresForm(
        request.POST if request.method == "POST" else None,
        settings=settings,
        placements=placements,
    )
    status = 200
    editable = monitoring_return.state in RETURN_WITH_PROVIDER
    if request.method == "POST":
        # Saving a draft is the secondary button's explicit choice; anything else (Enter in a
        # field presses the first button, "Send") sends, so an empty form answers with errors.
        sending = request.POST.get("action") != "save"
        try:
            if sending:
                monitoring_return_submit(
                    actor=actor, monitoring_return=monitoring_return, figures=form.figures()
                )
            else:
                monitoring_return_save(
                    actor=actor, monitoring_return=monitoring_return, figures=form.figures()
                )
        except DomainError as exc:
            form.is_valid()
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                "Return sent. The placing authorities' QA officers will review it."
                if sending
                else "Draft saved. Send the return when every figure is in.",
            )
            return redirect("quality:monitoring-return", pk=monitoring_return.pk)
    return render(
        request,
        "quality/monitoring_figures.html",
        {"r": monitoring_return, "form": form, "groups": form.groups(), "editable": editable},
        status=status,
    )


@page_access(QA_OFFICERS)
@require_http_methods(["GET", "POST"])
def return_review(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    monitoring_return = return_detail(actor, pk)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            monitoring_return_review(
                actor=actor,
                monitoring_return=monitoring_return,
                decision=data["decision"],
                rating=data.get("rating") or "",
                comments=data.get("comments") or "",
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Review saved. The provider is told.")
            return redirect("quality:monitoring-return", pk=monitoring_return.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/monitoring_review.html",
        {
            "r": monitoring_return,
            "form": form,
            "reviewable": monitoring_return.state == ReturnState.SUBMITTED
            and can_review(actor, monitoring_return),
        },
        status=status,
    )


@page_access(MONITORING_READERS)
def setting_trend_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A setting's totals over quarters: for its provider and the QA officers of authorities
    with a child there (404 for everyone else, as for a missing setting)."""
    latest = monitored_setting(actor, pk)
    trend = setting_trend(actor, pk)
    return render(
        request,
        "quality/monitoring_setting.html",
        {
            "setting": latest.setting,
            "trend": _trend_rows(trend),
            "charts": _charts(trend),
            "columns": _columns(),
        },
    )
