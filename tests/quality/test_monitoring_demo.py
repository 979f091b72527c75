"""The demo holds a quarter's monitoring returns partly in (issue 14's demo data): Mersey Vale's
return, with Sefton's SEF-2026-0005, sent and waiting for Sefton's QA officer; Fylde Coast's a
draft; loading it twice changes nothing."""

from __future__ import annotations

import pytest

from demo.steps import DEMO_STEPS
from quality.models import MonitoringReturn, ReturnState

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_quarter_of_monitoring_returns_partly_in() -> None:
    for _ in range(2):
        for step in DEMO_STEPS:
            step()
    sent = MonitoringReturn.objects.get(
        provider__memberships__user__email="business@merseyvale.example"
    )
    assert sent.state == ReturnState.SUBMITTED and sent.submissions == 1
    assert sent.placements.filter(agreement__authority__name__icontains="Sefton").exists()
    drafted = MonitoringReturn.objects.get(
        provider__memberships__user__email="business@fyldecoast.example"
    )
    assert drafted.state == ReturnState.OPEN and drafted.saved_at is not None
    assert MonitoringReturn.objects.values("round").distinct().count() == 1
