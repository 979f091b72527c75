"""The lead authority's queue of suspension proposals (overdue re-checks) and the page that
decides one: suspend the membership (with a review date) or record why not."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.pages import put_on_form
from quality.models import ProposalState
from quality.selectors.rechecks import proposal_detail, proposals_pending
from quality.services.suspension_proposals import suspension_proposal_decide
from quality.views.forms import ProposalDecisionForm


@page_access(LEAD_EVALUATORS)
def proposal_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request, "quality/proposal_list.html", {"proposals": list(proposals_pending(actor))}
    )


@page_access(LEAD_EVALUATORS)
@require_http_methods(["GET", "POST"])
def proposal_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    proposal = proposal_detail(actor, pk)
    form = ProposalDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suspension_proposal_decide(
                actor=actor,
                proposal=proposal,
                outcome=data["outcome"],
                reason=data["reason"],
                review_on=data.get("review_on"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Decision saved.")
            return redirect("quality:suspension-proposal-list")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/proposal.html",
        {
            "form": form,
            "proposal": proposal,
            "pending": proposal.state == ProposalState.PENDING,
        },
        status=status,
    )
