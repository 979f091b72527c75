"""The lead authority's evaluators check inspection judgements that providers reported: the queue
of reports awaiting check, and one page per report to confirm or reject it with a reason."""

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
from providers.inspections.models import CheckStatus, InspectionJudgement
from providers.inspections.permissions import can_check_judgement
from providers.inspections.selectors import (
    grade_rows,
    judgements_awaiting_check,
    with_published_report,
)
from providers.inspections.services import OUTCOME_MISSING, judgement_check

JUDGEMENT_CHECKERS = Access(can_check_judgement)


class JudgementCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Does it match the published report?",
        choices=[
            (CheckStatus.CONFIRMED, "Yes, confirm it: it counts towards the setting's band"),
            (CheckStatus.REJECTED, "No, reject it: it never counts"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_MISSING, "invalid_choice": OUTCOME_MISSING},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Required to reject: the provider is told it. For example, no inspection with "
        "this number is published.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@page_access(JUDGEMENT_CHECKERS)
def judgement_check_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "providers/directory/judgement_check_list.html",
        {"judgements": [with_published_report(j) for j in judgements_awaiting_check(actor)]},
    )


@page_access(JUDGEMENT_CHECKERS)
@require_http_methods(["GET", "POST"])
def judgement_check_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    judgement = get_scoped_or_404(
        InspectionJudgement,
        actor,
        select_related=("setting", "setting__provider", "recorded_by", "checked_by"),
        pk=pk,
    )
    form = JudgementCheckForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            judgement_check(
                judgement=judgement,
                actor=actor,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            put_on_form(form, exc)
            status = exc.http_status  # 409 when it was checked meanwhile, as in the API
        else:
            done = "confirmed" if judgement.check_status == CheckStatus.CONFIRMED else "rejected"
            messages.success(request, f"Judgement {done}. The provider has been told.")
            return redirect("providers:judgement-check-list")
    judgement.grade_rows = grade_rows(judgement)  # type: ignore[attr-defined]
    with_published_report(judgement)
    return render(
        request,
        "providers/directory/judgement_check.html",
        {
            "form": form,
            "judgement": judgement,
            "setting": judgement.setting,
            "awaiting": judgement.check_status == CheckStatus.AWAITING_CHECK,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )
