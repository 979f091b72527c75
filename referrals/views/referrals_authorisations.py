"""A direct award's or spot purchase's case (the commissioner's page), and the senior managers'
queue of cases awaiting authorisation under /senior/ with the page that decides one. Every
senior manager may open the queue; only a head of service or a director may decide (the page
says so to anyone else, and the service refuses them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError, InvalidInput
from fps_portal.scoping import scoped
from fps_portal.web.pages import put_on_form
from providers.models import Setting
from referrals.models import AUTHORISED_ROUTES, AuthorisationState, Referral, ReferralState, Route
from referrals.permissions import PLACING, SENIOR_MANAGERS
from referrals.selectors.referrals import (
    authorisations_awaiting,
    authorisations_decided,
    referral_for_page,
)
from referrals.services.referral_rules import settings_eligible
from referrals.services.routes import (
    REFUSE_NOTE_MISSING,
    authorisation_refusal,
    direct_award_review_record,
    route_case_authorise,
    route_case_refuse,
    route_case_submit,
)
from referrals.views.referrals_forms import DecisionForm, ReviewForm, RouteCaseForm


def _referral(actor: Actor, pk: int) -> Referral:
    referral = referral_for_page(actor, pk).select_related("route_case").first()
    if referral is None:
        raise Http404("No such referral.")
    return referral


def _setting_choices(actor: Actor, referral: Referral) -> list[tuple[str, str]]:
    if referral.route == Route.DIRECT_AWARD:
        settings = settings_eligible(referral).select_related("provider")
    else:
        settings = scoped(Setting, actor).select_related("provider")
    return [(str(s.pk), f"{s.name} ({s.provider.name})") for s in settings.order_by("name")[:500]]


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def route_case_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = _referral(actor, pk)
    if referral.route not in AUTHORISED_ROUTES:
        return render(
            request,
            "referrals/referrals/refused.html",
            {
                "referral": referral,
                "message": "A mini-competition is published to providers: it has no case to "
                "authorise.",
            },
            status=409 if request.method == "POST" else 200,
        )
    case = getattr(referral, "route_case", None)
    initial = {}
    if case is not None:
        initial = {
            "ground": case.ground,
            "justification": case.justification,
            "setting": str(case.setting_id or ""),
            "outside_provider_name": case.outside_provider_name,
            "outside_setting_name": case.outside_setting_name,
            "weekly_price": case.weekly_price,
            "review_on": case.review_on,
        }
    form = RouteCaseForm(
        request.POST if request.method == "POST" else None,
        referral=referral,
        setting_choices=_setting_choices(actor, referral),
        initial=initial,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            route_case_submit(actor=actor, referral=referral, data=form.to_input())
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request, "Case submitted: a head of service or director has been asked to decide."
            )
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referrals/route_case.html",
        {
            "referral": referral,
            "case": case,
            "form": form,
            "editable": referral.state == ReferralState.DRAFT,
            "direct_award_allowed": referral.purchasing_system.direct_award_allowed,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(SENIOR_MANAGERS)
def authorisation_list_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "referrals/referrals/authorisations.html",
        {
            "cases": list(authorisations_awaiting(actor)),
            "decided": authorisations_decided(actor),
            "refusal": authorisation_refusal(actor),
        },
    )


@page_access(SENIOR_MANAGERS)
@require_http_methods(["GET", "POST"])
def authorisation_decide_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = _referral(actor, pk)
    case = getattr(referral, "route_case", None)
    if case is None:
        raise Http404("No case to decide.")
    form = DecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "authorise":
                route_case_authorise(actor=actor, referral=referral, note=note)
            else:
                if not note.strip():
                    raise InvalidInput.on_fields({"note": [REFUSE_NOTE_MISSING]})
                route_case_refuse(actor=actor, referral=referral, note=note)
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            done = "authorised" if decision == "authorise" else "refused"
            messages.success(request, f"Case {done}. The commissioner has been told.")
            return redirect("referrals:authorisation-list")
    return render(
        request,
        "referrals/referrals/authorisation.html",
        {
            "referral": referral,
            "case": case,
            "form": form,
            "awaiting": case.state == AuthorisationState.AWAITING,
            "refusal": authorisation_refusal(actor),
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A direct award's review: kept with the provider, or opened to competition."""
    referral = _referral(actor, pk)
    case = getattr(referral, "route_case", None)
    if referral.route != Route.DIRECT_AWARD or case is None:
        raise Http404("No direct award to review.")
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            direct_award_review_record(
                actor=actor,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Review recorded.")
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referrals/review.html",
        {
            "referral": referral,
            "case": case,
            "form": form,
            "reviewable": case.state == AuthorisationState.AUTHORISED and not case.review_outcome,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )
