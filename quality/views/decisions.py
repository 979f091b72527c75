"""The lead authority's decision queue: each fail band waiting for its decision, and the page to
suspend the provider's membership or record why not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import page_access
from fps_portal.actors import Actor
from fps_portal.date_input import DateInputField
from fps_portal.errors import DomainError
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.pages import put_on_form
from fps_portal.web.reasons import reason_field
from quality.models import DecisionState, RatingAlert
from quality.permissions import DECIDERS
from quality.selectors.alerts import decisions_waiting
from quality.services.decisions import OUTCOME_MISSING, alert_decide


class DecisionForm(forms.Form):
    use_required_attribute = False  # the review date is needed only for a suspension
    outcome = forms.ChoiceField(
        label="What do you decide?",
        widget=forms.RadioSelect,
        choices=[
            (DecisionState.SUSPENDED, "Suspend the provider's membership"),
            (DecisionState.KEPT, "Keep the membership, and record why"),
        ],
        error_messages={"required": OUTCOME_MISSING, "invalid_choice": OUTCOME_MISSING},
    )
    reason = reason_field(
        required=None,
        max_length=2000,
        rows=4,
        help_text="The provider is told the reason for a suspension.",
    )
    review_on = DateInputField(
        label="Review date",
        required=False,
        help_text="Needed for a suspension.",
        subject="the review date",
    )


@page_access(DECIDERS)
def decision_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "quality/decision_list.html", {"alerts": list(decisions_waiting(actor))})


@page_access(DECIDERS)
@require_http_methods(["GET", "POST"])
def decision_page(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    alert = get_scoped_or_404(
        RatingAlert, actor, select_related=("setting", "setting__provider", "decided_by"), pk=pk
    )
    form = DecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            alert_decide(
                actor=actor,
                alert=alert,
                outcome=data["outcome"],
                reason=data["reason"] or "",
                review_on=data["review_on"],
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "The decision is recorded.")
            return redirect("quality:decision-list")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/decision.html",
        {
            "form": form,
            "alert": alert,
            "setting": alert.setting,
            "pending": alert.decision_state == DecisionState.PENDING,
        },
        status=status,
    )
