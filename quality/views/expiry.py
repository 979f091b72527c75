"""Expired evidence: the list (the provider's own; every one for the lead authority), and one
expired item, where the provider sends its renewal and the lead authority accepts or returns it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, either, page_access
from fps_portal.actors import Actor
from fps_portal.errors import DomainError
from fps_portal.web.decisions import decision_page
from fps_portal.web.pages import put_on_form
from quality.models import EvidenceLapse, LapseState
from quality.selectors.expiry import lapse_detail, lapses_for
from quality.services.expiry import lapse_decide, lapse_send_renewal
from quality.views.forms import LapseDecisionForm, RenewalForm

LAPSE_READERS = either(
    LEAD_EVALUATORS,
    PROVIDERS,
    message="Only the lead authority and the provider whose evidence it is can see this.",
)


@page_access(LAPSE_READERS)
def lapse_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "quality/lapse_list.html", {"lapses": list(lapses_for(actor))})


@page_access(LAPSE_READERS)
@require_http_methods(["GET", "POST"])
def lapse_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    lapse = lapse_detail(actor, pk)
    if actor.is_lead_evaluator:
        return decision_page(
            request,
            form_class=LapseDecisionForm,
            decide=lambda outcome, reason: lapse_decide(
                actor=actor, lapse=lapse, outcome=outcome, reason=reason
            ),
            done=lambda: "Decision saved. The provider has been told.",
            then=reverse("quality:evidence-lapse-list"),
            template="quality/lapse.html",
            context=lambda: _context(lapse),
        )
    form = RenewalForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"title": lapse.evidence.title, "insurer": lapse.evidence.insurer},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lapse_send_renewal(
                actor=actor,
                lapse=lapse,
                title=data.get("title") or "",
                upload=data.get("file"),
                valid_until=data.get("valid_until"),
                reference=data.get("reference") or "",
                insurer=data.get("insurer") or "",
                cover_amount=data.get("cover_amount"),
                submission_key=data.get("submission_key"),
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status
        else:
            messages.success(request, "Renewal sent to the lead authority.")
            return redirect("quality:evidence-lapse", pk=lapse.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "quality/lapse.html", {"form": form, **_context(lapse)}, status=status)


def _context(lapse: EvidenceLapse) -> dict[str, object]:
    return {
        "lapse": lapse,
        "evidence": lapse.evidence,
        "renewable": lapse.state == LapseState.EXPIRED,
        "decidable": lapse.state == LapseState.RENEWAL_SENT,
    }
