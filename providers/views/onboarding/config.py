"""Lead authority pages: configure the purchasing system and its lots, schedule windows."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.text import is_number
from providers.models import (
    Application,
    ApplicationState,
    EvaluationWindow,
    Lot,
    PurchasingSystem,
    WindowState,
)
from providers.models.evaluation import open_clarification_q
from providers.services.purchasing import (
    lot_create,
    purchasing_system_create,
    purchasing_system_update,
)
from providers.services.window_corrections import window_correction_allowed
from providers.services.windows import (
    window_complete,
    window_completion_blocker,
    window_schedule,
)
from providers.views.onboarding.forms import (
    LotForm,
    PurchasingSystemForm,
    WindowForm,
    apply_domain_error,
)

FORM = "providers/onboarding/form.html"


@page_access(LEAD_EVALUATORS)
def fps_manage(request: HttpRequest, actor: Actor) -> HttpResponse:
    systems = list(scoped(PurchasingSystem, actor).order_by("name"))
    lots = (
        scoped(Lot, actor)
        .filter(purchasing_system__in=systems)
        .order_by("purchasing_system", "display_order")
    )
    by_system = {s.pk: [] for s in systems}  # type: dict[int, list[Lot]]
    for lot in lots:
        by_system[lot.purchasing_system_id].append(lot)
    return render(
        request,
        "providers/onboarding/fps_manage.html",
        {"systems": [(s, by_system[s.pk]) for s in systems]},
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def fps_edit(request: HttpRequest, actor: Actor, pk: int | None = None) -> HttpResponse:
    system = get_scoped_or_404(PurchasingSystem, actor, pk=pk) if pk else None
    initial = {"kind": "fps", "admits_by_windows": True, "direct_award_allowed": True}
    if system is not None:
        initial = {
            name: getattr(system, name)
            for name in [
                "name",
                "kind",
                "term_start",
                "term_end",
                "direct_award_allowed",
                "admits_by_windows",
            ]
        }
    form = PurchasingSystemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if system is None:
                system = purchasing_system_create(actor=actor, **form.cleaned_data)
            else:
                purchasing_system_update(actor=actor, system=system, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} is saved.")
            return redirect("providers:fps-manage")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"Edit {system}" if system else "Set up a purchasing system",
            "caption": "The FPS",
            "intro": "A Dynamic Purchasing System admits providers on a rolling basis and never "
            "allows direct award.",
            "submit_label": "Save",
            "back_url": reverse("providers:fps-manage"),
        },
        status=400 if form.errors else 200,
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def lot_create_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    system = get_scoped_or_404(PurchasingSystem, actor, pk=pk)
    form = LotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lot = lot_create(actor=actor, system=system, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"Lot {lot.code} {lot.name} was added.")
            return redirect("providers:fps-manage")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Add a lot",
            "caption": str(system),
            "intro": "Lots can be added at any time during the term.",
            "submit_label": "Add lot",
            "back_url": reverse("providers:fps-manage"),
        },
        status=400 if form.errors else 200,
    )


@page_access(LEAD_EVALUATORS)
def window_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    live = Q(
        applications__state__in=[ApplicationState.SUBMITTED, ApplicationState.UNDER_EVALUATION]
    )
    windows = (
        scoped(EvaluationWindow, actor)
        .select_related("purchasing_system")
        .annotate(
            submitted=Count("applications", filter=Q(applications__submitted_at__isnull=False)),
            pending=Count("applications", filter=live),
        )
        .order_by("-opens_at")
    )
    return render(request, "providers/onboarding/window_list.html", {"windows": windows})


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def window_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    systems = scoped(PurchasingSystem, actor).filter(admits_by_windows=True)
    form = WindowForm(request.POST or None)
    chosen = request.POST.get("system") or request.GET.get("system") or ""
    system = (
        systems.filter(pk=int(chosen)).first() if is_number(chosen) else None
    ) or systems.first()
    if request.method == "POST" and form.is_valid():
        if system is None:
            form.add_error(None, "There is no purchasing system that admits by windows.")
        else:
            try:
                window = window_schedule(actor=actor, system=system, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, f"{window.name} is scheduled. It opens and closes by itself on time."
                )
                return redirect("providers:window-detail", pk=window.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Schedule an evaluation window",
            "caption": str(system or ""),
            "hidden": {"system": system.pk} if system else {},
            "submit_label": "Schedule window",
            "back_url": reverse("providers:window-list"),
        },
        status=400 if form.errors else 200,
    )


@page_access(LEAD_EVALUATORS)
def window_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    window = get_scoped_or_404(EvaluationWindow, actor, pk=pk)
    applications = (
        scoped(Application, actor)
        .filter(window=window)
        .select_related("provider", "moderation")
        .annotate(
            evaluators=Count("results__decisions__evaluator", distinct=True),
            open_questions=Count(
                "clarifications",
                distinct=True,
                filter=open_clarification_q(now=timezone.now(), prefix="clarifications__"),
            ),
        )
        .order_by("provider__name")
    )
    corrections = ("reschedule", "cancel", "open_now", "close_early")
    return render(
        request,
        "providers/onboarding/window_detail.html",
        {
            "window": window,
            "applications": applications,
            "can": {name: window_correction_allowed(window, name) for name in corrections},
            # Only a closed round can be completed; before that the page says nothing about it.
            "completion_blocker": window_completion_blocker(window)
            if window.state == WindowState.EVALUATING
            else None,
        },
    )


@page_access(LEAD_EVALUATORS)
@require_POST
def window_complete_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    window = get_scoped_or_404(EvaluationWindow, actor, pk=pk)
    try:
        window_complete(actor=actor, window=window)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{window.name} is completed.")
    return redirect("providers:window-detail", pk=pk)
