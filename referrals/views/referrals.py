"""The placing authority's referral pages: the list with its filters, a new referral, one
referral (its summary and the task list of what is missing before publishing) and its forms
(details, criteria and weights, the scale). The shortlist is `referral_shortlist`, the actions
(publish, return to the referrer, withdraw, close early) `referral_actions`. Every page takes
`PLACING`; another authority's referral is 404 (scoping); the services decide the rest."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.once import address_with_new_key, key_in_address
from fps_portal.scoping import scoped
from fps_portal.transitions import allowed
from fps_portal.web.pages import put_on_form
from referrals.models import (
    AUTHORISED_ROUTES,
    REFERRAL_TRANSITIONS,
    CriterionKind,
    Invitation,
    PreselectionGround,
    Referral,
    ReferralState,
    Route,
    ShortlistEntry,
)
from referrals.permissions import PLACING
from referrals.selectors.referrals import referral_for_page, referral_list
from referrals.services.publish_check import problems_by_task, publish_problems
from referrals.services.referral_criteria import (
    CriterionInput,
    criteria_weights_set,
    criterion_add,
    criterion_remove,
    scale_set,
)
from referrals.services.referrals import referral_create, referral_update
from referrals.views.referrals_forms import (
    CriterionForm,
    ReferralFilterForm,
    ReferralForm,
    ScaleForm,
    WeightsForm,
)

PAGE_SIZE = 25


def placing_referral(actor: Actor, pk: int) -> Referral:
    referral = referral_for_page(actor, pk).first()
    if referral is None:
        raise Http404("No such referral.")
    return referral


def form_status(form: forms.Form, status: int) -> int:
    return status if status != 200 else (400 if form.errors else 200)


@page_access(PLACING)
def referral_list_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None, actor=actor)
    rows = referral_list(actor, form.filters() if form.is_bound else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/referrals/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and form.errors else 200,
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_create_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    key = key_in_address(request)
    if request.method == "GET" and key is None:
        return redirect(address_with_new_key(request))
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        actor=actor,
        initial={"submission_key": key, "child": request.GET.get("child", "")},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(
                actor=actor,
                data=form.to_input(),
                submission_key=form.cleaned_data.get("submission_key") or key,
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, f"Referral {referral.reference} saved as a draft.")
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referrals/form.html",
        {"form": form, "referral": None},
        status=form_status(form, status),
    )


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_edit_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    form = ReferralForm(
        request.POST if request.method == "POST" else None, actor=actor, referral=referral
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            referral_update(actor=actor, referral=referral, data=form.to_input())
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Referral saved.")
            return redirect("referrals:referral-detail", pk=referral.pk)
    return render(
        request,
        "referrals/referrals/form.html",
        {"form": form, "referral": referral},
        status=form_status(form, status),
    )


def _actions(referral: Referral) -> dict[str, bool]:
    state = referral.state
    competition = referral.is_competition
    return {
        "can_edit": state in (ReferralState.DRAFT, ReferralState.RETURNED),
        "can_publish": competition and state == ReferralState.DRAFT,
        "can_return": allowed(REFERRAL_TRANSITIONS, state, ReferralState.RETURNED),
        "can_withdraw": allowed(REFERRAL_TRANSITIONS, state, ReferralState.WITHDRAWN),
        "can_close": competition and state == ReferralState.OPEN,
        "can_submit_case": referral.route in AUTHORISED_ROUTES and state == ReferralState.DRAFT,
        "is_preselected": referral.route == Route.PRESELECTED_COMPETITION,
    }


@page_access(PLACING)
def referral_detail_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    problems = publish_problems(referral) if referral.state == ReferralState.DRAFT else []
    invitations = (
        list(scoped(Invitation, actor).filter(referral=referral).select_related("provider"))
        if referral.published_at is not None
        else []
    )
    shortlist = (
        list(scoped(ShortlistEntry, actor).filter(referral=referral).select_related("setting"))
        if referral.route == Route.PRESELECTED_COMPETITION
        else []
    )
    case = getattr(referral, "route_case", None) if referral.route in AUTHORISED_ROUTES else None
    ground_labels = dict(PreselectionGround.choices)
    for entry in shortlist:
        entry.ground_labels = [ground_labels.get(g, g) for g in entry.grounds]  # type: ignore[attr-defined]
    return render(
        request,
        "referrals/referrals/detail.html",
        {
            "referral": referral,
            "tasks": problems_by_task(referral, problems) if referral.is_competition else [],
            "problems": problems,
            "invitations": invitations,
            "shortlist": shortlist,
            "case": case,
            **_actions(referral),
        },
    )


# -- criteria and the scale ---------------------------------------------------------------


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_criteria_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    criteria = list(referral.criteria.all())
    scored = [c for c in criteria if c.kind == CriterionKind.SCORED]
    sending = request.POST.get("form") if request.method == "POST" else None
    add_form = CriterionForm(request.POST if sending == "add" else None, prefix="add")
    weights_form = WeightsForm(request.POST if sending == "weights" else None, criteria=scored)
    status = 200
    if sending == "add" and add_form.is_valid():
        data = add_form.cleaned_data
        try:
            criterion_add(
                actor=actor,
                referral=referral,
                item=CriterionInput(
                    kind=data["kind"],
                    category=data["category"],
                    title=data["title"],
                    guidance=data["guidance"],
                    weight=data.get("weight") or 0,
                ),
            )
        except DomainError as exc:
            put_on_form(add_form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Criterion added.")
            return redirect("referrals:referral-criteria", pk=referral.pk)
    elif sending == "weights" and weights_form.is_valid():
        try:
            criteria_weights_set(actor=actor, referral=referral, weights=weights_form.weights())
        except DomainError as exc:
            put_on_form(weights_form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Weights saved.")
            return redirect("referrals:referral-criteria", pk=referral.pk)
    elif request.method == "POST" and sending not in ("add", "weights"):
        add_form = CriterionForm({}, prefix="add")
        add_form.is_valid()
    failed = bool(add_form.errors or weights_form.errors)
    return render(
        request,
        "referrals/referrals/criteria.html",
        {
            "referral": referral,
            "criteria": criteria,
            "total": sum(c.weight for c in scored),
            "add_form": add_form,
            "weights_form": weights_form,
            "form": add_form if add_form.errors else weights_form,
            "editable": referral.state in (ReferralState.DRAFT, ReferralState.RETURNED),
        },
        status=status if status != 200 else (400 if failed else 200),
    )


@page_access(PLACING)
@require_POST
def referral_criterion_remove_page(
    request: HttpRequest, actor: Actor, pk: int, criterion_pk: int
) -> HttpResponse:
    referral = placing_referral(actor, pk)
    try:
        criterion_remove(actor=actor, referral=referral, criterion_id=criterion_pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.http_status == 409:
            return render(
                request,
                "referrals/referrals/refused.html",
                {"referral": referral, "message": exc.message},
                status=409,
            )
    else:
        messages.success(request, "Criterion removed.")
    return redirect("referrals:referral-criteria", pk=referral.pk)


@page_access(PLACING)
@require_http_methods(["GET", "POST"])
def referral_scale_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    referral = placing_referral(actor, pk)
    form = ScaleForm(request.POST if request.method == "POST" else None, referral=referral)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            scale_set(
                actor=actor,
                referral=referral,
                scale_max=form.cleaned_data["scale_max"],
                price_scoring=form.cleaned_data["price_scoring"],
                descriptors=form.descriptors(),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Scoring scale saved.")
            return redirect("referrals:referral-detail", pk=referral.pk)
    descriptor_fields = [form[name] for name in form.fields if name.startswith("descriptor_")]
    return render(
        request,
        "referrals/referrals/scale.html",
        {"referral": referral, "form": form, "descriptor_fields": descriptor_fields},
        status=form_status(form, status),
    )
