"""The QA visit part of the authorisation matrix's world (tests/portal/matrix_world.py): for each
side, a completed visit written as the rows it is, by authority A to provider X's setting ("X")
and by authority B to provider Y's ("Y"), with its findings and its shared summary:
- qa_visit: the visit (completed: its provider reads it; its report PDF not rendered yet);
- qa_visit_summary: its summary, which every authority's staff read.
"""

from __future__ import annotations

from django.utils import timezone

from fps_portal.accounts.models import Organisation
from providers.models import Setting
from quality.models import (
    AreaRating,
    QaVisit,
    QaVisitFinding,
    QaVisitSummary,
    VisitArea,
    VisitKind,
    VisitState,
)

KINDS = ("qa_visit", "qa_visit_summary")


def build_visit_side(*, authority: Organisation, setting: Setting) -> dict[str, int]:
    today = timezone.localdate()
    visit = QaVisit.objects.create(
        authority=authority,
        setting=setting,
        kind=VisitKind.PROGRAMMED,
        planned_month=today.replace(day=1),
        state=VisitState.COMPLETED,
        visit_date=today,
        visitors="Matrix officer",
        overall_rating=AreaRating.GOOD,
        main_findings="Matrix: good.",
        recommendations="Matrix: none.",
        children_views="Matrix: the children's views.",
        completed_at=timezone.now(),
    )
    QaVisitFinding.objects.bulk_create(
        QaVisitFinding(visit=visit, area=area, rating=AreaRating.GOOD) for area in VisitArea.values
    )
    summary = QaVisitSummary.objects.create(
        visit=visit,
        authority=authority,
        setting=setting,
        visited_on=today,
        overall_rating=AreaRating.GOOD,
        main_findings="Matrix: good.",
    )
    return {"qa_visit": visit.pk, "qa_visit_summary": summary.pk}
