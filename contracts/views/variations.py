"""Pages for variations of a signed IPA: propose a price uplift, a change of provision or a
change of end date; refuse (the other party) or withdraw (the proposer) a proposed one. Both
parties' pages; another authority's or provider's agreement is 404 through scoping. The pages
show the agreement's reference, setting and terms in force, never the child."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from contracts.models import Agreement, Variation
from contracts.permissions import AGREEMENT_PARTIES
from contracts.services.variation_decisions import (
    REFUSAL_MISSING,
    WITHDRAWAL_MISSING,
    variation_refuse,
    variation_withdraw,
)
from contracts.services.variation_rules import (
    can_refuse,
    can_withdraw,
    fee_in_force,
    terms_in_force,
    variation_blocker,
)
from contracts.services.variations import (
    ProvisionChange,
    variation_propose_end_date,
    variation_propose_provision,
    variation_propose_uplift,
)
from contracts.views.variations_forms import (
    FIELD_FOR,
    EndDateForm,
    ProvisionForm,
    UpliftForm,
    VariationReasonForm,
)
from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import add_problems, put_on_form

AGREEMENT_JOINS = ("order", "setting", "current_version")
PROPOSED = "Variation proposed. It is agreed when both parties have signed the new version."


def _status(form: forms.Form, status: int) -> int:
    return status if status != 200 else (400 if form.errors else 200)


def _propose_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    template: str,
    make_form: Callable[[Agreement, Any], forms.Form],
    propose: Callable[[Agreement, forms.Form], Variation],
) -> HttpResponse:
    agreement = get_scoped_or_404(Agreement, actor, select_related=AGREEMENT_JOINS, pk=pk)
    blocker = variation_blocker(actor, agreement)
    data = request.POST if request.method == "POST" else None
    form = make_form(agreement, data)
    status = 200
    if request.method == "POST":
        if blocker:
            status = 409
        elif form.is_valid():
            try:
                propose(agreement, form)
            except DomainError as exc:
                add_problems(form, exc.fields, field_for=lambda name: FIELD_FOR.get(name, name))
                if not exc.fields:
                    put_on_form(form, exc)
                status = exc.http_status
            else:
                messages.success(request, PROPOSED)
                return redirect("contracts:agreement", agreement.pk)
    terms = terms_in_force(agreement) if not blocker else None
    return render(
        request,
        template,
        {
            "agreement": agreement,
            "form": form,
            "blocker": blocker,
            "terms": terms,
            "fee_period": fee_in_force(agreement),
        },
        status=_status(form, status),
    )


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def propose_uplift(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def propose(agreement: Agreement, form: forms.Form) -> Variation:
        data = form.cleaned_data
        return variation_propose_uplift(
            actor=actor,
            agreement=agreement,
            percent=data["percent"],
            new_weekly_fee=data["new_weekly_fee"],
            effective_from=data["effective_from"],
            reason=data["reason"] or "",
        )

    return _propose_page(
        request,
        actor,
        pk,
        template="contracts/variations/uplift.html",
        make_form=lambda agreement, data: UpliftForm(data),
        propose=propose,
    )


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def propose_provision(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def make_form(agreement: Agreement, data: Any) -> forms.Form:
        if variation_blocker(actor, agreement):
            return forms.Form(data)
        return ProvisionForm(data, terms=terms_in_force(agreement))

    def propose(agreement: Agreement, form: forms.Form) -> Variation:
        assert isinstance(form, ProvisionForm)
        data = form.cleaned_data
        types = set(data["types"])
        return variation_propose_provision(
            actor=actor,
            agreement=agreement,
            change=ProvisionChange(
                education="education" in types,
                residential_care="residential_care" in types,
                health_and_therapies="health_and_therapies" in types,
                weeks_per_year=data["weeks_per_year"],
                description=data["description"] or "",
                services=form.services(),
                funding=form.funding(),
                summary=data["summary"] or "",
            ),
            effective_from=data["effective_from"],
            reason=data["reason"] or "",
        )

    return _propose_page(
        request,
        actor,
        pk,
        template="contracts/variations/provision.html",
        make_form=make_form,
        propose=propose,
    )


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def propose_end_date(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    def propose(agreement: Agreement, form: forms.Form) -> Variation:
        data = form.cleaned_data
        return variation_propose_end_date(
            actor=actor,
            agreement=agreement,
            new_end_date=data["new_end_date"],
            reason=data["reason"] or "",
        )

    return _propose_page(
        request,
        actor,
        pk,
        template="contracts/variations/end_date.html",
        make_form=lambda agreement, data: EndDateForm(data),
        propose=propose,
    )


def _decision_page(
    request: HttpRequest,
    actor: Actor,
    pk: int,
    *,
    refusing: bool,
) -> HttpResponse:
    variation = get_scoped_or_404(
        Variation,
        actor,
        select_related=("agreement__order", "agreement__setting", "version"),
        pk=pk,
    )
    allowed = can_refuse(actor, variation) if refusing else can_withdraw(actor, variation)
    form = VariationReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why do you refuse it?" if refusing else "Why do you withdraw it?",
        required=REFUSAL_MISSING if refusing else WITHDRAWAL_MISSING,
    )
    status = 200
    # Who may and the state are checked before the reason, as the API does: the service refuses
    # the actor who may not whatever they typed.
    if request.method == "POST" and (not allowed or form.is_valid()):
        act = variation_refuse if refusing else variation_withdraw
        reason = form.cleaned_data.get("reason", "") if allowed else ""
        try:
            act(actor=actor, variation=variation, reason=reason)
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(
                request,
                "Variation refused. The agreement stays as it was."
                if refusing
                else "Variation withdrawn. The agreement stays as it was.",
            )
            return redirect("contracts:agreement", variation.agreement_id)
    return render(
        request,
        "contracts/variations/decision.html",
        {
            "variation": variation,
            "agreement": variation.agreement,
            "form": form,
            "refusing": refusing,
            "allowed": allowed,
        },
        status=_status(form, status),
    )


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def refuse(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _decision_page(request, actor, pk, refusing=True)


@page_access(AGREEMENT_PARTIES)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _decision_page(request, actor, pk, refusing=False)
