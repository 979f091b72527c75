"""The lead authority's evaluators decide providers' changes to approved prices: the queue of
pending changes, and one page per change to accept it or refuse it with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import Access, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from providers.models import PriceChange, PriceChangeState
from providers.services.price_changes import (
    DECISION_MISSING,
    can_decide_price_change,
    price_change_decide,
    price_changes_pending,
)

PRICE_CHANGE_DECIDERS = Access(can_decide_price_change)


class PriceChangeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Do you accept the new price?",
        choices=[
            (PriceChangeState.ACCEPTED, "Yes, accept it: commissioners see it from today"),
            (PriceChangeState.REFUSED, "No, refuse it: the approved price stands"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_MISSING, "invalid_choice": DECISION_MISSING},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Required to refuse: the provider is told it.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@page_access(PRICE_CHANGE_DECIDERS)
def price_change_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "providers/directory/price_change_list.html",
        {"changes": list(price_changes_pending(actor))},
    )


@page_access(PRICE_CHANGE_DECIDERS)
@require_http_methods(["GET", "POST"])
def price_change_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    change = get_scoped_or_404(
        PriceChange,
        actor,
        select_related=(
            "offer__setting__provider",
            "offer__lot",
            "proposed_by",
            "accepted_by",
            "refused_by",
        ),
        pk=pk,
    )
    form = PriceChangeDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            price_change_decide(
                change=change,
                actor=actor,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status  # 409 when it was decided meanwhile, as in the API
        else:
            done = "accepted" if change.state == PriceChangeState.ACCEPTED else "refused"
            messages.success(request, f"Price change {done}. The provider has been told.")
            return redirect("providers:price-change-list")
    return render(
        request,
        "providers/directory/price_change.html",
        {
            "form": form,
            "change": change,
            "setting": change.offer.setting,
            "pending": change.state == PriceChangeState.PENDING,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )
