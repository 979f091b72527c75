"""The lead authority's evaluators check inspection judgements that providers reported: the queue
of reports awaiting check, and one page per report to confirm or reject it with a reason."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from fps_portal.access import Access, page_access
from fps_portal.actors import Actor
from fps_portal.scoping import get_scoped_or_404
from fps_portal.web.decisions import DecisionForm, decision_page
from providers.inspections.models import CheckStatus, InspectionJudgement
from providers.inspections.permissions import can_check_judgement
from providers.inspections.selectors import (
    grade_rows,
    judgements_awaiting_check,
    with_published_report,
)
from providers.inspections.services import OUTCOME_MISSING, judgement_check

JUDGEMENT_CHECKERS = Access(can_check_judgement)


class JudgementCheckForm(DecisionForm):
    outcome_label = "Does it match the published report?"
    outcome_choices = [
        (CheckStatus.CONFIRMED, "Yes, confirm it: it counts towards the setting's band"),
        (CheckStatus.REJECTED, "No, reject it: it never counts"),
    ]
    outcome_missing = OUTCOME_MISSING
    reason_help = (
        "Required to reject: the provider is told it. For example, no inspection with this "
        "number is published."
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

    def decide(outcome: str, reason: str) -> None:
        judgement_check(judgement=judgement, actor=actor, outcome=outcome, reason=reason)

    def done() -> str:
        done = "confirmed" if judgement.check_status == CheckStatus.CONFIRMED else "rejected"
        return f"Judgement {done}. The provider has been told."

    def context() -> dict[str, object]:
        judgement.grade_rows = grade_rows(judgement)  # type: ignore[attr-defined]
        with_published_report(judgement)
        return {
            "judgement": judgement,
            "setting": judgement.setting,
            "awaiting": judgement.check_status == CheckStatus.AWAITING_CHECK,
        }

    return decision_page(
        request,
        form_class=JudgementCheckForm,
        decide=decide,
        done=done,
        then="providers:judgement-check-list",
        template="providers/directory/judgement_check.html",
        context=context,
    )
