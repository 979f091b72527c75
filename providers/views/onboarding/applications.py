"""Provider pages for an application: start, the task list, each task, submit and withdraw.

What follows a submission (clarification questions, the agreement, membership status) is in
`after_submission`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import PROVIDERS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.notifications.services import render_notification
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.models import (
    AdditionalService,
    Application,
    ApplicationState,
    ClarificationQuestion,
    EvaluationWindow,
    FpsMembership,
    Lot,
    PurchasingSystem,
    RequirementResult,
    Setting,
    Verdict,
    WindowState,
)
from providers.selectors.application_prices import price_lines, round_offers, service_lines
from providers.services.application_prices import (
    application_add_service_price,
    application_remove_service_price,
    application_set_prices,
)
from providers.services.application_submission import application_submit, application_withdraw
from providers.services.applications import (
    application_declare,
    application_problems,
    application_set_evidence,
    application_set_scope,
    application_start,
)
from providers.services.evidence import evidence_current
from providers.services.membership import agreement_sign_blocker
from providers.services.outcomes import outcome_summary
from providers.services.window_messages import next_window_message
from providers.views.onboarding.forms import (
    ApplicationEvidenceForm,
    DeclarationsForm,
    PricesForm,
    ScopeForm,
    ServicePriceForm,
    WithdrawForm,
    apply_domain_error,
)

FORM = "providers/onboarding/form.html"


def _application(actor: Actor, pk: int) -> Application:
    return get_scoped_or_404(Application, actor, pk=pk)


def form_status(form: object) -> int:
    """400 when the form holds errors, so a failed submission is not a success to a client."""
    return 400 if getattr(form, "errors", None) else 200


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        system = get_scoped_or_404(PurchasingSystem, actor, pk=request.POST.get("system"))
        window = None
        if request.POST.get("window"):
            window = get_scoped_or_404(
                EvaluationWindow, actor, pk=request.POST["window"], purchasing_system=system
            )
        try:
            application = application_start(actor=actor, system=system, window=window)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("providers:application-list")
        return redirect("providers:application-detail", pk=application.pk)
    systems = []
    for system in scoped(PurchasingSystem, actor).order_by("name"):
        windows = list(
            scoped(EvaluationWindow, actor)
            .filter(purchasing_system=system, state__in=[WindowState.OPEN, WindowState.SCHEDULED])
            .order_by("opens_at")
        )
        systems.append(
            {"system": system, "windows": windows, "message": next_window_message(system=system)}
        )
    applications = (
        scoped(Application, actor)
        .select_related("window", "purchasing_system")
        .order_by("-created_at")
    )
    return render(
        request,
        "providers/onboarding/application_list.html",
        {"systems": systems, "applications": applications},
    )


def _tasks(application: Application) -> list[dict[str, object]]:
    problems = application_problems(application)
    lots = application.lots.count()
    settings = application.settings.count()
    evidence = application.evidence.count()
    services = len(service_lines(application))
    return [
        {
            "name": "Lots and settings",
            "url": "providers:application-scope",
            "done": "scope" not in problems,
            "hint": f"{lots} lot(s), {settings} setting(s)",
        },
        {
            "name": "Evidence",
            "url": "providers:application-evidence",
            # Settings' evidence cannot be complete before the settings are chosen.
            "done": "evidence" not in problems and "scope" not in problems,
            "hint": problems.get("evidence", f"{evidence} item(s) from your evidence library"),
        },
        {
            "name": "Weekly prices",
            "url": "providers:application-prices",
            "done": "prices" not in problems and "scope" not in problems,
            "hint": "Each setting's indicative weekly price on each lot of this round",
        },
        {
            "name": "Additional services price list",
            "url": "providers:application-services",
            "done": True,
            "hint": f"{services} service(s) (optional)",
        },
        {
            "name": "Declarations",
            "url": "providers:application-declarations",
            "done": "declarations" not in problems,
            "hint": "",
        },
    ]


@page_access(PROVIDERS)
def application_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    results = []
    if application.has_outcome:
        results = list(
            scoped(RequirementResult, actor)
            .filter(application=application)
            .select_related("setting")
        )
    clarifications = scoped(ClarificationQuestion, actor).filter(application=application)
    membership = (
        scoped(FpsMembership, actor)
        .filter(
            purchasing_system_id=application.purchasing_system_id,
            provider_id=application.provider_id,
        )
        .first()
    )
    agreement_blocker = agreement_sign_blocker(application, membership)
    return render(
        request,
        "providers/onboarding/application_detail.html",
        {
            "application": application,
            "tasks": _tasks(application) if application.state == ApplicationState.DRAFT else [],
            "failed": [r for r in results if r.final_result == Verdict.FAIL],
            "results": results,
            "clarifications": clarifications,
            # The same predicate `agreement_sign` refuses with, so the button never answers 409.
            "needs_signature": agreement_blocker is None,
            "agreement_blocker": agreement_blocker,
            "next_window": next_window_message(system=application.purchasing_system),
            "membership": membership,
            # Only a pass shows the summary (admitted, not admitted and why).
            "outcome": outcome_summary(application)
            if application.state == ApplicationState.PASSED
            else None,
        },
    )


def _draft_guard(request: HttpRequest, application: Application) -> HttpResponse | None:
    if application.state != ApplicationState.DRAFT:
        messages.error(
            request,
            f"This application is {application.get_state_display().lower()}, so it can no "
            "longer be changed.",
        )
        return redirect("providers:application-detail", pk=application.pk)
    return None


#: The query parameter a check-answers "Change" link adds, so the step leads back there.
FROM_CHECK_ANSWERS = "check"


def _from_check_answers(request: HttpRequest) -> bool:
    return request.GET.get("from") == FROM_CHECK_ANSWERS


def _after_step(request: HttpRequest, application: Application) -> HttpResponse:
    """Where a saved step leads: back to check answers when it was opened from there (the GOV.UK
    check answers pattern), else to the task list."""
    if _from_check_answers(request):
        return redirect("providers:application-submit", pk=application.pk)
    return redirect("providers:application-detail", pk=application.pk)


def _services_again(request: HttpRequest, pk: int) -> HttpResponse:
    """The additional services page after a line is added or removed, still leading back to
    check answers when it was opened from there."""
    url = reverse("providers:application-services", args=[pk])
    return redirect(f"{url}?from={FROM_CHECK_ANSWERS}" if _from_check_answers(request) else url)


def application_step_page(
    request: HttpRequest,
    application: Application,
    form: object,
    *,
    title: str,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    """One page of the application task list: the shared form template, captioned with the
    application and leading back to its task list; 400 when the form has errors (or `status`,
    like 409, when the caller knows better)."""
    context = {
        "form": form,
        "title": title,
        "caption": str(application),
        "submit_label": "Save and continue",
        **extra,
        "back_url": reverse(
            "providers:application-submit"
            if _from_check_answers(request)
            else "providers:application-detail",
            args=[application.pk],
        ),
    }
    return render(request, FORM, context, status=status if status != 200 else form_status(form))


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_scope(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    if (guard := _draft_guard(request, application)) is not None:
        return guard
    lots_qs = scoped(Lot, actor).filter(purchasing_system_id=application.purchasing_system_id)
    settings_qs = scoped(Setting, actor).filter(provider_id=actor.organisation_id)
    form = ScopeForm(
        request.POST or None,
        lots_qs=lots_qs,
        settings_qs=settings_qs,
        initial={
            "lots": list(application.lots.all()),
            "settings": list(application.settings.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_set_scope(
                actor=actor,
                application=application,
                lots=form.cleaned_data["lots"],
                settings=form.cleaned_data["settings"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _after_step(request, application)
    return application_step_page(
        request,
        application,
        form,
        title="Lots and settings",
        intro="" if settings_qs.exists() else "You have no settings yet. Add your settings first.",
        intro_link="/settings/mine/",
        intro_link_text="Your settings",
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_evidence(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    if (guard := _draft_guard(request, application)) is not None:
        return guard
    setting_ids = list(application.settings.values_list("pk", flat=True))
    current = evidence_current(provider_id=application.provider_id)
    offered = current.filter(setting__isnull=True) | current.filter(setting_id__in=setting_ids)
    form = ApplicationEvidenceForm(
        request.POST or None,
        evidence_qs=offered.order_by("setting__name", "kind"),
        initial={"evidence": list(application.evidence.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_set_evidence(
                actor=actor, application=application, evidence=form.cleaned_data["evidence"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _after_step(request, application)
    return application_step_page(
        request,
        application,
        form,
        title="Evidence",
        intro="Your evidence that is still valid is ticked already. Upload anything new "
        "to your evidence library.",
        intro_link=reverse("providers:evidence-upload"),
        intro_link_text="Add evidence to your library",
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_prices(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    if (guard := _draft_guard(request, application)) is not None:
        return guard
    cells = [
        (s, lot) for s in application.settings.order_by("name") for lot in application.lots.all()
    ]
    offers = list(round_offers(application))
    form = PricesForm(
        request.POST or None,
        cells=cells,
        initial_prices={(o.setting_id, o.lot_id): o.weekly_price for o in offers},
        approved={(o.setting_id, o.lot_id) for o in offers if o.approved_at is not None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_set_prices(actor=actor, application=application, prices=form.prices())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _after_step(request, application)
    return application_step_page(
        request,
        application,
        form,
        title="Weekly prices",
        intro="The indicative weekly price of the core offer, in pounds and pence, for the lots "
        "of this round. These are your settings' own prices: what you enter is saved to each "
        "setting's price list, and the prices are kept as tendered when you submit. Leave a box "
        "empty where the setting does not offer that lot.",
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_services(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    if (guard := _draft_guard(request, application)) is not None:
        return guard
    if request.method == "POST" and request.POST.get("remove"):
        service = get_scoped_or_404(
            AdditionalService,
            actor,
            pk=request.POST["remove"],
            setting__in=application.settings.all(),
        )
        application_remove_service_price(actor=actor, application=application, service=service)
        return _services_again(request, pk)
    form = ServicePriceForm(request.POST or None, settings_qs=application.settings.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            application_add_service_price(actor=actor, application=application, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "The service was added to the price list.")
            return _services_again(request, pk)
    return render(
        request,
        "providers/onboarding/services.html",
        {
            "form": form,
            "application": application,
            "lines": service_lines(application),
        },
        status=form_status(form),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_declarations(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    if (guard := _draft_guard(request, application)) is not None:
        return guard
    form = DeclarationsForm(
        request.POST or None,
        initial={
            "accurate": application.declared_accurate,
            "no_exclusion_grounds": application.declared_no_exclusion_grounds,
            "safeguarding": application.declared_safeguarding,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            application_declare(actor=actor, application=application, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _after_step(request, application)
    return application_step_page(
        request,
        application,
        form,
        title="Declarations",
    )


def _submitted_notice(application: Application) -> str:
    """The "submitted" notice: the wording of the e-mail's subject (one template names the window,
    or rolling admission, and the day, so notices for different windows can be told apart)."""
    subject, _ = render_notification(
        "notifications/application_submitted", {"application": application}
    )
    return subject


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_submit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    error_message = ""
    if request.method == "POST":
        try:
            submitted = application_submit(actor=actor, application=application)
        except DomainError as error:
            error_message = error.message
        else:
            messages.success(request, f"{_submitted_notice(submitted)}.")
            return redirect("providers:application-detail", pk=pk)
    return render(
        request,
        "providers/onboarding/submit.html",
        {
            "application": application,
            "problems": application_problems(application),
            "error_message": error_message,
            "prices": price_lines(application),
            "lines": service_lines(application),
            "evidence": application.evidence.select_related("setting"),
        },
        status=409
        if error_message and application.state != ApplicationState.DRAFT
        else (400 if error_message else 200),
    )


@page_access(PROVIDERS)
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = _application(actor, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                actor=actor, application=application, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Your application has been withdrawn.")
            return redirect("providers:application-list")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Withdraw your application",
            "caption": str(application),
            "submit_label": "Withdraw application",
            "submit_class": "govuk-button--warning",
            "back_url": reverse("providers:application-detail", args=[pk]),
        },
        status=409 if form.errors else 200,
    )
