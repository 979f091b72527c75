"""The lead authority's evaluators decide providers' changes to approved prices: the queue of
pending changes, and one page per change to accept it or refuse it with a reason."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from fps_portal.access import Access, page_access
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.decisions import DecisionForm, decision_page
from providers.models import PriceChange, PriceChangeState
from providers.services.price_changes import (
    DECISION_MISSING,
    can_decide_price_change,
    price_change_decide,
    price_changes_pending,
)

PRICE_CHANGE_DECIDERS = Access(can_decide_price_change)


class PriceChangeDecisionForm(DecisionForm):
    outcome_label = "Do you accept the new price?"
    outcome_choices = [
        (PriceChangeState.ACCEPTED, "Yes, accept it: commissioners see it from today"),
        (PriceChangeState.REFUSED, "No, refuse it: the approved price stands"),
    ]
    outcome_missing = DECISION_MISSING
    reason_help = "Required to refuse: the provider is told it."


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

    def decide(outcome: str, reason: str) -> None:
        price_change_decide(change=change, actor=actor, outcome=outcome, reason=reason)

    def done() -> str:
        done = "accepted" if change.state == PriceChangeState.ACCEPTED else "refused"
        return f"Price change {done}. The provider has been told."

    return decision_page(
        request,
        form_class=PriceChangeDecisionForm,
        decide=decide,
        done=done,
        then="providers:price-change-list",
        template="providers/directory/price_change.html",
        context=lambda: {
            "change": change,
            "setting": change.offer.setting,
            "pending": change.state == PriceChangeState.PENDING,
        },
    )
