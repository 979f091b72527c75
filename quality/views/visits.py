"""The QA visit pages (issue 14): the authority's risk-ordered programme, its visits, planning a
visit, one visit (schedule, cancel; the provider's answer on factual accuracy), recording and
completing it, the report's PDF, and the region's shared summaries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from quality.models import OPEN_VISIT_STATES, VisitState
from quality.selectors.visits import (
    STATE_FILTERS,
    alerts_told,
    for_provider,
    programme_for,
    report_for,
    summaries_for,
    visit_detail,
    visit_findings,
    visits_for,
)
from quality.services.visit_reports import report_downloaded
from quality.services.visits import (
    visit_cancel,
    visit_complete,
    visit_plan,
    visit_respond,
    visit_schedule,
)
from quality.views.visit_forms import (
    CancelForm,
    CompleteVisitForm,
    PlanVisitForm,
    ResponseForm,
    ScheduleForm,
)
from quality.visits.access import (
    PROGRAMME_READERS,
    QA_OFFICERS,
    SUMMARY_READERS,
    VISIT_READERS,
    runs_visits,
)

PROGRAMME_PAGE_SIZE = 50


@page_access(PROGRAMME_READERS)
def visit_programme(request: HttpRequest, actor: Actor) -> HttpResponse:
    # The order needs every setting's signals, so the whole programme is ranked; a page shows
    # PROGRAMME_PAGE_SIZE of it (an authority of the large data set has over 400 settings).
    page = Paginator(programme_for(actor), PROGRAMME_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/visit_programme.html",
        {"rows": list(page.object_list), "page": page, "runs_visits": runs_visits(actor)},
    )


@page_access(VISIT_READERS)
def visit_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in STATE_FILTERS:
        state = ""
    return render(
        request,
        "quality/visit_list.html",
        {
            "visits": list(visits_for(actor, state=state)[:200]),
            "state": state,
            "states": VisitState.choices,
            "is_provider": actor.is_provider,
        },
    )


@page_access(QA_OFFICERS)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = programme_for(actor, signals=())
    settings = [(r.setting.pk, f"{r.setting.name} ({r.setting.provider.name})") for r in rows]
    alerts = alerts_told(actor, [pk for pk, _ in settings])
    initial = {"setting": request.GET.get("setting", "")}
    form = PlanVisitForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        settings=settings,
        alerts=alerts,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_plan(
                actor=actor,
                setting_id=form.number("setting"),
                kind=data.get("kind") or "",
                planned_month=form.planned(),
                trigger=data.get("trigger") or "",
                trigger_alert_id=form.number("trigger_alert"),
                trigger_note=data.get("trigger_note") or "",
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Visit planned. Set its date once it is agreed.")
            return redirect("quality:visit", pk=visit.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "quality/visit_new.html", {"form": form}, status=status)


@page_access(VISIT_READERS)
@require_http_methods(["GET", "POST"])
def visit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The visit; the QA officer schedules or cancels it here, the provider answers it. Its
    other readers (senior managers, commissioners) only read: their posts are refused first."""
    if request.method == "POST" and not (runs_visits(actor) or actor.is_provider):
        raise PermissionDenied
    visit = visit_detail(actor, pk)
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action", "") if posted is not None else ""
    schedule = ScheduleForm(
        posted if action == "schedule" else None,
        initial={"visit_date": visit.visit_date, "visitors": visit.visitors},
        prefix="schedule",
    )
    cancel = CancelForm(posted if action == "cancel" else None, prefix="cancel")
    response = ResponseForm(posted if action == "respond" else None, prefix="respond")
    status = 200
    if posted is not None:
        status = _act(request, actor, visit, action, schedule, cancel, response)
        if status == 302:
            return redirect("quality:visit", pk=visit.pk)
    provider = for_provider(actor)
    return render(
        request,
        "quality/visit.html",
        {
            "visit": visit,
            "findings": visit_findings(actor, visit) if visit.state == VisitState.COMPLETED else [],
            # The children's views are child-level: the provider never reads them.
            "children_views": "" if provider else visit.children_views,
            "is_provider": provider,
            "runs_visits": runs_visits(actor),
            "is_open": visit.state in OPEN_VISIT_STATES,
            "report": report_for(actor, visit),
            "schedule_form": schedule,
            "cancel_form": cancel,
            "response_form": response,
            "action": action,
        },
        status=status,
    )


def _act(
    request: HttpRequest,
    actor: Actor,
    visit: object,
    action: str,
    schedule: ScheduleForm,
    cancel: CancelForm,
    response: ResponseForm,
) -> int:
    forms_by_action = {"schedule": schedule, "cancel": cancel, "respond": response}
    form = forms_by_action.get(action)
    if form is None:
        messages.error(request, "Choose what to do: set the date, cancel or answer the visit.")
        return 400
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        if action == "schedule":
            visit_schedule(
                actor=actor,
                visit=visit,  # type: ignore[arg-type]
                visit_date=data.get("visit_date"),
                visitors=data.get("visitors") or "",
            )
            done = "Visit date saved. The provider has been told."
        elif action == "cancel":
            visit_cancel(actor=actor, visit=visit, reason=data.get("reason") or "")  # type: ignore[arg-type]
            done = "Visit cancelled."
        else:
            visit_respond(actor=actor, visit=visit, response=data.get("response") or "")  # type: ignore[arg-type]
            done = "Response sent. The QA officer has been told."
    except DomainError as exc:
        put_on_form(form, exc)
        return exc.http_status
    messages.success(request, done)
    return 302


@page_access(QA_OFFICERS)
@require_http_methods(["GET", "POST"])
def visit_complete_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    visit = visit_detail(actor, pk)
    form = CompleteVisitForm(
        request.POST if request.method == "POST" else None,
        initial={"visit_date": visit.visit_date, "visitors": visit.visitors},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_complete(
                actor=actor,
                visit=visit,
                visit_date=data.get("visit_date"),
                visitors=data.get("visitors") or "",
                findings=form.findings(),
                overall_rating=data.get("overall_rating") or "",
                main_findings=data.get("main_findings") or "",
                recommendations=data.get("recommendations") or "",
                children_views=data.get("children_views") or "",
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, "Visit completed. Its summary is shared and its report is being prepared."
            )
            return redirect("quality:visit", pk=visit.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request, "quality/visit_complete.html", {"form": form, "visit": visit}, status=status
    )


@page_access(VISIT_READERS)
def visit_report_pdf(request: HttpRequest, actor: Actor, pk: int) -> HttpResponseBase:
    visit = visit_detail(actor, pk)
    report = report_for(actor, visit)
    if report is None:
        ready = visit.state == VisitState.COMPLETED
        return render(
            request,
            "quality/visit_report_pending.html",
            {"visit": visit, "ready": ready},
            status=200 if ready else 409,
        )
    report_downloaded(actor=actor, report=report)
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"qa-visit-{visit.pk}-{report.audience}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@page_access(SUMMARY_READERS)
def visit_summary_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    setting = request.GET.get("setting", "")
    chosen = int(setting) if setting.isdigit() else None
    return render(
        request,
        "quality/visit_summary_list.html",
        {"summaries": list(summaries_for(actor, setting=chosen)[:200]), "setting": chosen},
    )
