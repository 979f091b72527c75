"""Lead evaluator pages: an application's requirements, evaluation, moderation, clarifications
and the membership list."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404, scoped
from fps_portal.text import possessive
from providers.models import (
    Application,
    ApplicationState,
    ClarificationQuestion,
    EvaluatorDecision,
    FpsMembership,
    MembershipState,
    Moderation,
    RequirementResult,
)
from providers.models.evaluation import open_clarification_q
from providers.selectors.onboarding_queues import (
    applications_awaiting_evaluation,
    applications_awaiting_moderation,
)
from providers.selectors.onboarding_review import application_material
from providers.services.clarifications import clarification_ask, clarification_withdraw
from providers.services.evaluation import (
    MINIMUM_EVALUATORS,
    application_moderate,
    disagreements,
    evaluation_blocker,
    evaluation_record,
    evaluators_who_decided_all,
    moderation_refusal,
)
from providers.services.membership import (
    WITHDRAWN_REJOINS,
    membership_actions_allowed,
    membership_change,
)
from providers.views.onboarding._notice import evaluation_notice
from providers.views.onboarding.forms import (
    ClarificationForm,
    EvaluationForm,
    MembershipChangeForm,
    ModerationForm,
    apply_domain_error,
)

FORM = "providers/onboarding/form.html"


def _results(actor: Actor, application: Application) -> list[RequirementResult]:
    return list(
        scoped(RequirementResult, actor)
        .filter(application=application)
        .select_related("setting")
        .order_by("setting__name", "id")
    )


# The dashboard's evaluator queues, by the `awaiting` query parameter: (selector, heading).
QUEUES = {
    "evaluation": (applications_awaiting_evaluation, "Applications awaiting your evaluation"),
    "moderation": (applications_awaiting_moderation, "Applications awaiting moderation"),
}


@page_access(LEAD_EVALUATORS)
def application_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Exactly the applications a dashboard queue counts."""
    queue = QUEUES.get(request.GET.get("awaiting", ""))
    if queue is None:
        return redirect("providers:window-list")
    select, title = queue
    return render(
        request,
        "providers/onboarding/application_queue.html",
        {"title": title, "applications": select(actor)},
    )


@page_access(LEAD_EVALUATORS)
def evaluation_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application, actor, pk=pk)
    results = _results(actor, application)
    decisions: dict[int, list[EvaluatorDecision]] = defaultdict(list)
    for decision in (
        scoped(EvaluatorDecision, actor)
        .filter(result__application=application)
        .select_related("evaluator")
    ):
        decisions[decision.result_id].append(decision)
    rows = [{"result": r, "decisions": decisions.get(r.pk, [])} for r in results]
    moderation = (
        scoped(Moderation, actor)
        .filter(application=application)
        .select_related("moderator")
        .first()
    )
    evaluators = evaluators_who_decided_all(
        len(results), [d.evaluator_id for ds in decisions.values() for d in ds]
    )
    # A withdrawn question is no longer asked; the audit log keeps it, and the page has no way
    # to show it other than as still awaiting an answer. Each is marked open or not (the one
    # meaning of open), so the moderation rule below need not read them again.
    clarifications = list(
        scoped(ClarificationQuestion, actor)
        .filter(application=application, withdrawn_at__isnull=True)
        .select_related("asked_by")
        .annotate(
            is_open=ExpressionWrapper(
                open_clarification_q(now=timezone.now()), output_field=BooleanField()
            )
        )
    )
    return render(
        request,
        "providers/onboarding/evaluation_detail.html",
        {
            "application": application,
            "rows": rows,
            "moderation": moderation,
            "evaluator_count": len(evaluators),
            "minimum": MINIMUM_EVALUATORS,
            # "Moderate" is offered only when it can succeed; otherwise the page says why.
            "moderation_refusal": moderation_refusal(
                application,
                evaluators=evaluators,
                moderated=False,
                open_questions=[q for q in clarifications if q.is_open],
            )
            if application.state == ApplicationState.UNDER_EVALUATION and moderation is None
            else None,
            "clarifications": clarifications,
            "prices": application.prices.select_related("setting", "lot"),
            "lines": application.service_prices.select_related("setting"),
            "material": application_material(application),
            "i_evaluated": actor.user.pk in evaluators,
        },
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def evaluation_record_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application, actor, pk=pk)
    results = _results(actor, application)
    mine = {
        d.result_id: (d.verdict, d.reason)
        for d in scoped(EvaluatorDecision, actor).filter(
            result__application=application, evaluator=actor.user
        )
    }
    blocker = evaluation_blocker(application)
    data = request.POST if request.method == "POST" and not blocker else None
    form = EvaluationForm(data, results=results, initial_decisions=mine)
    status = 200
    if blocker and request.method == "POST":
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            evaluation_record(actor=actor, application=application, decisions=form.decisions())
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "Your evaluation is recorded.")
            return redirect("providers:evaluation-detail", pk=pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Evaluate the application",
            "caption": str(application),
            "intro": "Record pass or fail for every requirement. Give a reason for each fail, "
            "for each requirement the "
            "checks could not decide, and wherever you disagree with the automatic check.",
            "submit_label": "Save evaluation",
            "material": application_material(application),
            "back_url": reverse("providers:evaluation-detail", args=[pk]),
            "notice": evaluation_notice(actor, application, blocker) if blocker else None,
            "refused": blocker if status == 409 else "",
        },
        status=status,
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def moderation_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application, actor, pk=pk)
    disputed_ids = set(disagreements(application))
    disputed = [r for r in _results(actor, application) if r.pk in disputed_ids]
    # What the moderator reads beside each result: every decision on it, in the order made.
    prefetch_related_objects(
        disputed,
        Prefetch(
            "decisions",
            queryset=scoped(EvaluatorDecision, actor)
            .select_related("evaluator")
            .order_by("decided_at", "pk"),
        ),
    )
    blocker = moderation_refusal(application)
    data = request.POST if request.method == "POST" and not blocker else None
    form = ModerationForm(data, disputed=disputed)
    status = 200
    if blocker and request.method == "POST":
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            moderation = application_moderate(
                actor=actor,
                application=application,
                reason=form.cleaned_data["reason"],
                resolutions=form.resolutions(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(
                request, f"The outcome is recorded: {moderation.get_outcome_display().lower()}."
            )
            return redirect("providers:evaluation-detail", pk=pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Moderate the outcome",
            "caption": str(application),
            "intro": "Each requirement's final result is the evaluators' agreed result. Where "
            "they disagree, choose the "
            "final result. Any failed organisation requirement, or every setting failing, fails "
            "the application.",
            "submit_label": "Record the outcome",
            "back_url": reverse("providers:evaluation-detail", args=[pk]),
            "notice": evaluation_notice(actor, application, blocker) if blocker else None,
            "refused": blocker if status == 409 else "",
        },
        status=status,
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def clarification_ask_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application, actor, pk=pk)
    form = ClarificationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            clarification_ask(actor=actor, application=application, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "Your question was sent to the provider.")
            return redirect("providers:evaluation-detail", pk=pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": "Ask a clarification question",
            "caption": str(application),
            "submit_label": "Send question",
            "back_url": reverse("providers:evaluation-detail", args=[pk]),
        },
        status=400 if form.errors and status == 200 else status,
    )


@page_access(LEAD_EVALUATORS)
@require_POST
def clarification_withdraw_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    clarification = get_scoped_or_404(ClarificationQuestion, actor, pk=pk)
    try:
        clarification_withdraw(actor=actor, clarification=clarification)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The question is withdrawn. The provider is told they need not answer it."
        )
    return redirect("providers:evaluation-detail", pk=clarification.application_id)


@page_access(LEAD_EVALUATORS)
def membership_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    memberships = list(
        scoped(FpsMembership, actor)
        .select_related("provider", "purchasing_system", "agreement_version")
        .order_by("provider__name")
    )
    # Only a membership with something left to change gets a "Change" link.
    rows = [(m, bool(membership_actions_allowed(m.state))) for m in memberships]
    return render(request, "providers/onboarding/membership_list.html", {"rows": rows})


# What the page says instead of a form when the transition table leaves nothing to do.
NOTHING_TO_CHANGE: dict[str, str] = {
    MembershipState.REMOVED: "The provider was removed from the FPS. Removal is final, so the "
    "membership cannot be changed.",
    MembershipState.WITHDRAWN: WITHDRAWN_REJOINS,
}


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def membership_change_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(FpsMembership, actor, pk=pk)
    allowed = membership_actions_allowed(membership.state)
    form = MembershipChangeForm(request.POST or None, allowed=allowed)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            membership_change(actor=actor, membership=membership, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
            status = error.http_status
        else:
            messages.success(request, f"{possessive(membership.provider)} membership is updated.")
            return redirect("providers:membership-list")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"Change {possessive(membership.provider)} membership",
            "caption": membership.get_state_display(),
            "intro": "" if allowed else NOTHING_TO_CHANGE.get(membership.state, ""),
            "hide_form": not allowed,
            "submit_label": "Save",
            "back_url": reverse("providers:membership-list"),
        },
        status=400 if form.errors and status == 200 else status,
    )
