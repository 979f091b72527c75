"""The demo's visit programme for Sefton (issue 14's demo data): made through the quality
services, with a completed visit, its report and its shared summary, and visits planned for the
other settings; loading it twice changes nothing."""

from __future__ import annotations

import pytest

from demo.steps import DEMO_STEPS
from quality.models import QaVisit, QaVisitFinding, QaVisitSummary, VisitState

pytestmark = pytest.mark.django_db


def test_the_demo_has_sefton_s_programme_with_a_completed_visit_and_its_report() -> None:
    for step in DEMO_STEPS:
        step()
    counts = (QaVisit.objects.count(), QaVisitFinding.objects.count())
    for step in DEMO_STEPS:
        step()
    assert (QaVisit.objects.count(), QaVisitFinding.objects.count()) == counts
    visits = QaVisit.objects.filter(authority__name__icontains="Sefton")
    done = visits.get(state=VisitState.COMPLETED)
    assert done.findings.count() == 6
    assert done.children_views and done.recommendations
    summary = QaVisitSummary.objects.get(visit=done)
    assert summary.main_findings == done.main_findings
    assert visits.filter(state=VisitState.PLANNED).count() == visits.count() - 1
