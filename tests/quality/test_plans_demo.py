"""The demo holds Sefton's open improvement plan for Mersey Vale School with an overdue action
(issue 14's demo data), made through the quality services; loading it twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo.steps import DEMO_STEPS
from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from quality.models import ImprovementPlan, PlanOrigin, PlanState
from quality.selectors.improvement_plans import plans_for
from quality.visits.part_signals import overdue_actions_by_setting

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_plan_for_sefton_with_an_overdue_action() -> None:
    for _ in range(2):
        for step in DEMO_STEPS:
            step()
    plan = ImprovementPlan.objects.get(authority__name="Sefton")
    assert plan.state == PlanState.OPEN and plan.setting.name == "Mersey Vale School"
    assert plan.origin == PlanOrigin.ALERT  # the November file's alert
    assert plan.actions.count() == 2
    overdue = [a for a in plan.actions.all() if a.is_overdue_on(timezone.localdate())]
    assert len(overdue) == 1 and overdue[0].owner == "provider"
    assert overdue_actions_by_setting(plan.authority, [plan.setting_id]) == {plan.setting_id: 1}
    provider = actor_for_user(User.objects.get(email="business@merseyvale.example"))
    assert provider is not None
    assert list(plans_for(provider)) == [plan]
